//! The mission file format: the layout serde reads, and the checks that
//! turn it into a mission's parts, every error naming the field at fault.
//! The run's parts (seed, config, inputs) are read by the scenario code, so
//! both formats say the same things the same way.

use super::goal::Check;
use super::{
    Choice, GoalPart, MissionError, Question, Tool, CHOICES_MAX, FORMAT_NAME, HINTS_MAX,
    LIMIT_MS_MAX, MISSION_FORMAT_VERSION,
};
use crate::check::Property;
use crate::format::{brief, read_json_with_header, HeaderError};
use crate::raft::NodeId;
use crate::scenario::{
    check_id, config_of, field_error, inputs_of, seed_of, InputFile, ScenarioInput,
};
use crate::sim::Config;
use serde::Deserialize;

/// A mission file read and checked, before its run is recorded.
pub(super) struct ParsedMission {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) brief: String,
    pub(super) seed: u64,
    pub(super) config: Config,
    pub(super) inputs: Vec<ScenarioInput>,
    pub(super) limit_ms: u64,
    pub(super) tools: Vec<Tool>,
    pub(super) hints: Vec<String>,
    pub(super) goal: Vec<GoalPart>,
    pub(super) question: Option<Question>,
}

// ---- The file layout ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MissionFile {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    id: String,
    title: String,
    brief: String,
    seed: String,
    #[serde(default)]
    config: serde_json::Value,
    #[serde(default)]
    inputs: Vec<InputFile>,
    limit_ms: u64,
    tools: Vec<String>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    goal: Vec<PartFile>,
    question: Option<QuestionFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartFile {
    label: String,
    check: CheckFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    at_ms: u64,
    text: String,
    choices: Vec<PartFile>,
}

/// A check as a file writes it: one key naming the kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum CheckFile {
    Violation(Vec<String>),
    NotLinearizable {},
    SplitVote {
        term: u64,
    },
    CommitWhileDown {
        #[serde(deserialize_with = "crate::format::count")]
        down: usize,
    },
    Elected {
        node: NodeId,
        #[serde(default)]
        untouched: bool,
        #[serde(default)]
        by_transfer: bool,
    },
    NoLeaderFor {
        ms: u64,
        #[serde(deserialize_with = "crate::format::count")]
        crashed_max: usize,
    },
    LeaderChanges {
        #[serde(deserialize_with = "crate::format::count")]
        count: usize,
    },
    LeaderDeposed {},
    SnapshotInstalled {
        node: Option<NodeId>,
    },
}

/// What a header that is not a readable mission's means for a mission.
fn header_error(error: HeaderError) -> MissionError {
    let field = |problem: &str| MissionError::Field {
        field: "version".to_owned(),
        problem: problem.to_owned(),
    };
    match error {
        HeaderError::Empty => MissionError::Empty,
        HeaderError::Truncated => MissionError::Truncated,
        HeaderError::NotJson(detail) => MissionError::NotJson(detail),
        HeaderError::WrongFormat => MissionError::NotAMission,
        HeaderError::VersionMissing => field("missing"),
        HeaderError::VersionNotWhole => field("must be a whole number"),
        HeaderError::VersionZero => field("format version 0 does not exist"),
        HeaderError::FutureVersion(v) => MissionError::FutureVersion(v),
    }
}

fn error(field: impl Into<String>, problem: impl Into<String>) -> MissionError {
    field_error(field, problem).into()
}

/// Reads a mission file and checks every field, but does not play it.
pub(super) fn parse(text: &str) -> Result<ParsedMission, MissionError> {
    crate::scenario::check_size(text)?;
    read_json_with_header(text, FORMAT_NAME, MISSION_FORMAT_VERSION).map_err(header_error)?;
    // Parsed again from the text so that serde's errors say the line.
    let file: MissionFile =
        serde_json::from_str(text).map_err(|e| error("the mission", brief(e)))?;
    parse_file(file)
}

fn parse_file(file: MissionFile) -> Result<ParsedMission, MissionError> {
    check_id(&file.id)?;
    for (name, text) in [("title", &file.title), ("brief", &file.brief)] {
        if text.trim().is_empty() {
            return Err(error(name, "must not be empty"));
        }
    }
    let seed = seed_of(&file.seed)?;
    if file.limit_ms == 0 || file.limit_ms > LIMIT_MS_MAX {
        return Err(error(
            "limit_ms",
            format!("{} is outside 1 to {LIMIT_MS_MAX} ms", file.limit_ms),
        ));
    }
    let config = config_of(file.config)?;
    let inputs = inputs_of(file.inputs, file.limit_ms)?;
    let tools = tools_of(&file.tools)?;
    if file.hints.len() > HINTS_MAX {
        return Err(error("hints", format!("at most {HINTS_MAX} hints")));
    }
    if let Some(i) = file.hints.iter().position(|h| h.trim().is_empty()) {
        return Err(error(format!("hints[{i}]"), "must not be empty"));
    }
    let goal = parts_of(file.goal, "goal", config.node_count)?;
    let question = match file.question {
        None => None,
        Some(question) => Some(question_of(question, file.limit_ms, config.node_count)?),
    };
    if goal.is_empty() && question.is_none() {
        return Err(error(
            "goal",
            "a mission needs a goal with at least one part, or a question",
        ));
    }
    Ok(ParsedMission {
        id: file.id,
        title: file.title,
        brief: file.brief,
        seed,
        config,
        inputs,
        limit_ms: file.limit_ms,
        tools,
        hints: file.hints,
        goal,
        question,
    })
}

fn tools_of(names: &[String]) -> Result<Vec<Tool>, MissionError> {
    let mut tools = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let tool = Tool::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = Tool::ALL.iter().map(|t| t.name()).collect();
            error(
                format!("tools[{i}]"),
                format!("{name:?} is no tool; the tools are {}", known.join(", ")),
            )
        })?;
        if tools.contains(&tool) {
            return Err(error(
                format!("tools[{i}]"),
                format!("{name:?} is listed twice"),
            ));
        }
        tools.push(tool);
    }
    tools.sort();
    Ok(tools)
}

fn question_of(
    file: QuestionFile,
    limit_ms: u64,
    node_count: usize,
) -> Result<Question, MissionError> {
    if file.text.trim().is_empty() {
        return Err(error("question.text", "must not be empty"));
    }
    if file.at_ms > limit_ms {
        return Err(error(
            "question.at_ms",
            format!("{} ms is after the run ends ({limit_ms} ms)", file.at_ms),
        ));
    }
    if file.choices.len() < 2 || file.choices.len() > CHOICES_MAX {
        return Err(error(
            "question.choices",
            format!("offer 2 to {CHOICES_MAX} choices"),
        ));
    }
    let choices = parts_of(file.choices, "question.choices", node_count)?
        .into_iter()
        .map(|part| Choice {
            text: part.label,
            check: part.check,
        })
        .collect();
    Ok(Question {
        at_ms: file.at_ms,
        text: file.text,
        choices,
    })
}

fn parts_of(
    files: Vec<PartFile>,
    path: &str,
    node_count: usize,
) -> Result<Vec<GoalPart>, MissionError> {
    files
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let at = format!("{path}[{i}]");
            if part.label.trim().is_empty() {
                return Err(error(format!("{at}.label"), "must not be empty"));
            }
            let check = check_of(part.check, &format!("{at}.check"), node_count)?;
            Ok(GoalPart {
                label: part.label,
                check,
            })
        })
        .collect()
}

/// The property a file calls `name` (its name in lower case, dashes for
/// spaces: `"election-safety"`).
fn property_named(name: &str) -> Option<Property> {
    Property::ALL
        .into_iter()
        .find(|p| p.name().to_lowercase().replace(' ', "-") == name)
}

/// `node`, when it is a server of a cluster of `node_count`; else the error
/// at `path`.
fn server_in(node: NodeId, node_count: usize, path: &str) -> Result<NodeId, MissionError> {
    if node.0 == 0 || node.0 as usize > node_count {
        Err(error(
            path,
            format!("there is no server {node} in a cluster of {node_count}"),
        ))
    } else {
        Ok(node)
    }
}

/// The properties a `violation` check names, each checked.
fn properties_named(names: &[String], path: &str) -> Result<Vec<Property>, MissionError> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            property_named(name).ok_or_else(|| {
                let known: Vec<String> = Property::ALL
                    .iter()
                    .map(|p| p.name().to_lowercase().replace(' ', "-"))
                    .collect();
                error(
                    format!("{path}.violation[{i}]"),
                    format!(
                        "{name:?} is no property; the properties are {}",
                        known.join(", ")
                    ),
                )
            })
        })
        .collect()
}

/// A goal check read from its file form, its servers and numbers checked
/// against a cluster of `node_count`.
fn check_of(file: CheckFile, path: &str, node_count: usize) -> Result<Check, MissionError> {
    let server =
        |node: NodeId, field: &str| server_in(node, node_count, &format!("{path}.{field}"));
    Ok(match file {
        CheckFile::Violation(names) => Check::Violation {
            properties: properties_named(&names, path)?,
        },
        CheckFile::NotLinearizable {} => Check::NotLinearizable,
        CheckFile::SplitVote { term } => {
            if term == 0 {
                return Err(error(format!("{path}.split_vote.term"), "terms start at 1"));
            }
            Check::SplitVote {
                term: crate::raft::Term(term),
            }
        }
        CheckFile::CommitWhileDown { down } => {
            if down == 0 || down > node_count / 2 {
                return Err(error(
                    format!("{path}.commit_while_down.down"),
                    format!(
                        "{down} is outside 1 to {} (a minority of {node_count})",
                        node_count / 2
                    ),
                ));
            }
            Check::CommitWhileDown { down }
        }
        CheckFile::Elected {
            node,
            untouched,
            by_transfer,
        } => Check::Elected {
            node: server(node, "elected.node")?,
            untouched,
            by_transfer,
        },
        CheckFile::NoLeaderFor { ms, crashed_max } => {
            if ms == 0 || ms > LIMIT_MS_MAX {
                return Err(error(
                    format!("{path}.no_leader_for.ms"),
                    format!("{ms} is outside 1 to {LIMIT_MS_MAX} ms"),
                ));
            }
            Check::NoLeaderFor {
                us: ms * 1_000,
                crashed_max,
            }
        }
        CheckFile::LeaderChanges { count } => {
            if count == 0 {
                return Err(error(
                    format!("{path}.leader_changes.count"),
                    "must be at least 1",
                ));
            }
            Check::LeaderChanges { count }
        }
        CheckFile::LeaderDeposed {} => Check::LeaderDeposed,
        CheckFile::SnapshotInstalled { node } => Check::SnapshotInstalled {
            node: node
                .map(|n| server(n, "snapshot_installed.node"))
                .transpose()?,
        },
    })
}

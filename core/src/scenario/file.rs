//! The scenario file format: the layout serde reads, and the checks that
//! turn it into a scenario's parts, every error naming the field at fault.
//! Nothing here plays the run; `resolve` records it from the parts.

use super::{
    EntryRef, EventMatcher, Highlight, MomentKind, RoleArrow, ScenarioError, ScenarioInput, Step,
    Wait, END_MS_MAX, FILE_BYTES_MAX, FORMAT_NAME, SCENARIO_FORMAT_VERSION,
};
use crate::format::{brief, read_json_with_header, HeaderError};
use crate::raft::{MessageKind, NodeId, Role};
use crate::sim::{config_from_changes, Command, Config};
use serde::Deserialize;

/// A scenario file read and checked, before its run is recorded.
pub(super) struct ParsedScenario {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) source: String,
    pub(super) seed: u64,
    pub(super) config: Config,
    pub(super) end_ms: u64,
    pub(super) steps: Vec<Step>,
    pub(super) inputs: Vec<ScenarioInput>,
}

// ---- The file layout ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[allow(dead_code)]
    format: String,
    #[allow(dead_code)]
    version: u64,
    id: String,
    title: String,
    summary: String,
    source: String,
    seed: String,
    #[serde(default)]
    config: serde_json::Value,
    #[serde(default)]
    inputs: Vec<InputFile>,
    end_ms: u64,
    steps: Vec<StepFile>,
}

/// One timed input as a file writes it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InputFile {
    at_ms: u64,
    command: serde_json::Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    text: String,
    wait: WaitFile,
    #[serde(default)]
    highlight: HighlightFile,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WaitFile {
    at_ms: Option<u64>,
    event: Option<MatcherFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MatcherFile {
    kind: Option<String>,
    node: Option<NodeId>,
    to: Option<String>,
    message: Option<String>,
    text_contains: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HighlightFile {
    #[serde(default)]
    nodes: Vec<NodeId>,
    #[serde(default)]
    entries: Vec<EntryRef>,
    #[serde(default)]
    messages: Vec<String>,
    transition: Option<ArrowFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArrowFile {
    from: String,
    to: String,
}

/// The error for a field at fault.
pub(crate) fn field_error(field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError::Field {
        field: field.into(),
        problem: problem.into(),
    }
}

/// What a header that is not a readable scenario's means for a scenario.
fn header_error(error: HeaderError) -> ScenarioError {
    match error {
        HeaderError::Empty => ScenarioError::Empty,
        HeaderError::Truncated => ScenarioError::Truncated,
        HeaderError::NotJson(detail) => ScenarioError::NotJson(detail),
        HeaderError::WrongFormat => ScenarioError::NotAScenario,
        HeaderError::VersionMissing => field_error("version", "missing"),
        HeaderError::VersionNotWhole => field_error("version", "must be a whole number"),
        HeaderError::VersionZero => field_error("version", "format version 0 does not exist"),
        HeaderError::FutureVersion(v) => ScenarioError::FutureVersion(v),
    }
}

/// The role named `name`, or an error at `field` listing the names.
fn role_named(name: &str, field: &str) -> Result<Role, ScenarioError> {
    Role::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        field_error(
            field,
            format!("{name:?} is no role; the roles are {}", names.join(", ")),
        )
    })
}

/// The message kind named `name`, or an error at `field` listing the names.
fn message_named(name: &str, field: &str) -> Result<MessageKind, ScenarioError> {
    MessageKind::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = MessageKind::ALL.iter().map(|k| k.as_str()).collect();
        field_error(
            field,
            format!(
                "{name:?} is no message kind; the kinds are {}",
                names.join(", ")
            ),
        )
    })
}

/// Reads a scenario file and checks every field, but does not play it.
pub(super) fn parse(text: &str) -> Result<ParsedScenario, ScenarioError> {
    check_size(text)?;
    read_json_with_header(text, FORMAT_NAME, SCENARIO_FORMAT_VERSION).map_err(header_error)?;
    // Parsed again from the text so that serde's errors say the line.
    let file: ScenarioFile =
        serde_json::from_str(text).map_err(|e| field_error("the scenario", brief(e)))?;
    parse_file(file)
}

/// Refuses a file over [`FILE_BYTES_MAX`] before parsing it (missions too).
pub(crate) fn check_size(text: &str) -> Result<(), ScenarioError> {
    if text.len() > FILE_BYTES_MAX {
        return Err(field_error(
            "the file",
            format!(
                "is {} bytes long; files of at most {FILE_BYTES_MAX} bytes are read",
                text.len()
            ),
        ));
    }
    Ok(())
}

fn parse_file(file: ScenarioFile) -> Result<ParsedScenario, ScenarioError> {
    check_id(&file.id)?;
    for (name, text) in [
        ("title", &file.title),
        ("summary", &file.summary),
        ("source", &file.source),
    ] {
        if text.trim().is_empty() {
            return Err(field_error(name, "must not be empty"));
        }
    }
    let seed = seed_of(&file.seed)?;
    if file.end_ms == 0 || file.end_ms > END_MS_MAX {
        return Err(field_error(
            "end_ms",
            format!("{} is outside 1 to {END_MS_MAX} ms", file.end_ms),
        ));
    }
    let config = config_of(file.config)?;
    let inputs = inputs_of(file.inputs, file.end_ms)?;
    if file.steps.is_empty() {
        return Err(field_error("steps", "a scenario needs at least one step"));
    }
    let steps = file
        .steps
        .into_iter()
        .enumerate()
        .map(|(i, step)| step_of(i, step, file.end_ms))
        .collect::<Result<Vec<Step>, ScenarioError>>()?;
    Ok(ParsedScenario {
        id: file.id,
        title: file.title,
        summary: file.summary,
        source: file.source,
        seed,
        config,
        end_ms: file.end_ms,
        steps,
        inputs,
    })
}

/// The configuration a file's `config` (changes from the defaults) stands for.
/// A file's `id`, which must be its file name: lower-case letters, digits
/// and dashes.
pub(crate) fn check_id(id: &str) -> Result<(), ScenarioError> {
    let id_ok = !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if id_ok {
        Ok(())
    } else {
        Err(field_error(
            "id",
            format!("{id:?} must be the file's name: lower-case letters, digits and dashes"),
        ))
    }
}

/// A file's `seed`: a whole number written as a decimal string.
pub(crate) fn seed_of(text: &str) -> Result<u64, ScenarioError> {
    text.trim().parse().map_err(|_| {
        field_error(
            "seed",
            format!(
                "{:?} is not a whole number (write it as a decimal string, like \"42\")",
                crate::format::brief(text)
            ),
        )
    })
}

pub(crate) fn config_of(changes: serde_json::Value) -> Result<Config, ScenarioError> {
    let changes = match changes {
        serde_json::Value::Null => serde_json::Value::Object(Default::default()),
        object @ serde_json::Value::Object(_) => object,
        _ => {
            return Err(field_error(
                "config",
                "must be an object of the fields that differ from the defaults",
            ))
        }
    };
    // Every field name a configuration can have: the defaults, with the
    // optional parts present so that they are named too.
    let every_field = serde_json::to_value(Config {
        initial: Some(crate::sim::InitialState {
            servers: Vec::new(),
        }),
        ..Config::default()
    })
    .expect("a config always serializes");
    check_known_fields(&changes, &every_field, "config")?;
    let config = config_from_changes(changes).map_err(|e| field_error("config", e.to_string()))?;
    config.validate().map_err(ScenarioError::Config)?;
    Ok(config)
}

/// An error for the first field of `changes` that `known` does not have
/// (a misspelt switch would otherwise be silently ignored).
fn check_known_fields(
    changes: &serde_json::Value,
    known: &serde_json::Value,
    path: &str,
) -> Result<(), ScenarioError> {
    let (Some(changes), Some(known)) = (changes.as_object(), known.as_object()) else {
        return Ok(());
    };
    for (name, value) in changes {
        let field = format!("{path}.{name}");
        let Some(known_value) = known.get(name) else {
            let names: Vec<&str> = known.keys().map(String::as_str).collect();
            return Err(field_error(
                field,
                format!("no such field; the fields here are {}", names.join(", ")),
            ));
        };
        check_known_fields(value, known_value, &field)?;
    }
    Ok(())
}

pub(crate) fn inputs_of(
    files: Vec<InputFile>,
    end_ms: u64,
) -> Result<Vec<ScenarioInput>, ScenarioError> {
    let mut inputs: Vec<ScenarioInput> = Vec::with_capacity(files.len());
    for (i, input) in files.into_iter().enumerate() {
        if let Some(last) = inputs.last() {
            if input.at_ms < last.at_ms {
                return Err(field_error(
                    format!("inputs[{i}].at_ms"),
                    format!(
                        "{} ms is before the input above it ({} ms); inputs go in time order",
                        input.at_ms, last.at_ms
                    ),
                ));
            }
        }
        if input.at_ms > end_ms {
            return Err(field_error(
                format!("inputs[{i}].at_ms"),
                format!("{} ms is after the run ends ({end_ms} ms)", input.at_ms),
            ));
        }
        let command: Command = serde_json::from_value(input.command)
            .map_err(|e| field_error(format!("inputs[{i}].command"), e.to_string()))?;
        inputs.push(ScenarioInput {
            at_ms: input.at_ms,
            command,
        });
    }
    Ok(inputs)
}

fn step_of(i: usize, step: StepFile, end_ms: u64) -> Result<Step, ScenarioError> {
    let at = |part: &str| format!("steps[{i}].{part}");
    if step.text.trim().is_empty() {
        return Err(field_error(at("text"), "must not be empty"));
    }
    let wait = match (step.wait.at_ms, step.wait.event) {
        (Some(at_ms), None) => {
            if at_ms > end_ms {
                return Err(field_error(
                    at("wait.at_ms"),
                    format!("{at_ms} ms is after the run ends ({end_ms} ms)"),
                ));
            }
            Wait::At { at_ms }
        }
        (None, Some(event)) => Wait::Event(matcher_of(event, &at("wait.event"))?),
        _ => {
            return Err(field_error(
                at("wait"),
                "give exactly one of \"at_ms\" and \"event\"",
            ))
        }
    };
    let highlight = HighlightFile::into_highlight(step.highlight, &at("highlight"))?;
    Ok(Step {
        text: step.text,
        wait,
        highlight,
    })
}

fn matcher_of(file: MatcherFile, path: &str) -> Result<EventMatcher, ScenarioError> {
    let kind = match &file.kind {
        None => None,
        Some(name) => Some(MomentKind::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = MomentKind::ALL.iter().map(|k| k.as_str()).collect();
            field_error(
                format!("{path}.kind"),
                format!(
                    "{name:?} is no kind of moment; the kinds are {}",
                    names.join(", ")
                ),
            )
        })?),
    };
    let to = match &file.to {
        None => None,
        Some(name) => Some(role_named(name, &format!("{path}.to"))?),
    };
    let message = match &file.message {
        None => None,
        Some(name) => Some(message_named(name, &format!("{path}.message"))?),
    };
    let matcher = EventMatcher {
        kind,
        node: file.node,
        to,
        message,
        text_contains: file.text_contains,
    };
    if matcher == EventMatcher::default() {
        return Err(field_error(
            path,
            "say what to wait for: a kind, a node, a role, a message or some text",
        ));
    }
    Ok(matcher)
}

impl HighlightFile {
    fn into_highlight(self, path: &str) -> Result<Highlight, ScenarioError> {
        let messages = self
            .messages
            .iter()
            .enumerate()
            .map(|(i, name)| message_named(name, &format!("{path}.messages[{i}]")))
            .collect::<Result<Vec<MessageKind>, ScenarioError>>()?;
        let transition = match self.transition {
            None => None,
            Some(arrow) => Some(RoleArrow {
                from: role_named(&arrow.from, &format!("{path}.transition.from"))?,
                to: role_named(&arrow.to, &format!("{path}.transition.to"))?,
            }),
        };
        Ok(Highlight {
            nodes: self.nodes,
            entries: self.entries,
            messages,
            transition,
        })
    }
}

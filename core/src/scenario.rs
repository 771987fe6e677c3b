//! Guided scenarios as data: a JSON file per scenario under `scenarios/`,
//! each a run (seed, configuration, timed inputs, how long it lasts) plus
//! the narration a learner reads step by step. The core loads a file,
//! rebuilds its run, plays it once headless with the checkers on, and finds
//! the exact playback position of every step, so the page can jump there
//! and Back returns to exactly that state.
//!
//! # The format (version 1)
//!
//! ```json
//! {
//!   "format": "raftlab-scenario",
//!   "version": 1,
//!   "id": "leader-failover",
//!   "title": "A leader crashes and another takes over",
//!   "summary": "One sentence on what the scenario shows.",
//!   "source": "seed 001",
//!   "seed": "3",
//!   "config": { "node_count": 3 },
//!   "inputs": [
//!     { "at_ms": 0, "command": { "Timeout": { "node": 1 } } },
//!     { "at_ms": 400, "command": { "Crash": { "node": 1 } } }
//!   ],
//!   "end_ms": 1500,
//!   "steps": [
//!     {
//!       "text": "S1 wins the first election.",
//!       "wait": { "event": { "kind": "election", "node": 1 } },
//!       "highlight": { "nodes": [1], "transition": { "from": "candidate", "to": "leader" } }
//!     },
//!     { "text": "S1 crashes.", "wait": { "at_ms": 400 } }
//!   ]
//! }
//! ```
//!
//! - `id` is the file's name without `.json`: lower-case letters, digits
//!   and dashes.
//! - `seed` is a decimal string, as in run files (JavaScript numbers cannot
//!   hold every 64-bit seed).
//! - `config` holds only the fields that differ from [`Config::default`],
//!   as run tokens store configurations; nested objects likewise
//!   (`{"raft": {"pre_vote": true}}`). A field name the configuration does
//!   not have is an error, not ignored. `config.initial` gives each
//!   server's disk at instant 0 ([`InitialState`](crate::sim::InitialState)):
//!   `{"servers": [{"current_term": 2, "voted_for": 1, "log": [{"term": 1,
//!   "op": "x=1"}, {"term": 2, "op": "noop"}]}, ...]}`. Every server starts
//!   as a follower, so a scenario that needs a given leader forces it with
//!   an input such as `{"at_ms": 1, "command": {"Timeout": {"node": 1}}}`
//!   (at 1 ms rather than 0 if a first step waiting for instant 0 should
//!   show the state before it). The linearizability checker does not see
//!   the starting logs' entries: clients should use other keys.
//! - `inputs` are [`Command`]s in their serde form, in time order. An input
//!   at `at_ms` happens after every event at or before that instant, as if
//!   a learner had played the run to there and clicked; several at one
//!   instant happen in file order.
//! - `end_ms` is how long the run is played headless (at most
//!   [`END_MS_MAX`]); every step must happen by then.
//! - `steps` is the narration, in order. A step waits either for an instant
//!   (`{"at_ms": 120}`: the state after every event up to it) or for an
//!   event (`{"event": matcher}`: the first step of the run, after the
//!   previous narration step, whose journal entry matches; see
//!   [`EventMatcher`]). `highlight` is optional and so is each of its parts.

use crate::journal::JournalEntry;
use crate::playback::Playback;
use crate::raft::{LogIndex, MessageKind, Micros, NodeId, Role};
use crate::run::RunDescription;
use crate::sim::{
    config_from_changes, Command, CommandError, Config, ConfigError, ReplayError, Simulation,
};
use serde::Deserialize;
use std::fmt;

/// The version this build reads (and the newest).
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// The `format` field of a scenario file.
const FORMAT_NAME: &str = "raftlab-scenario";

/// The longest a scenario may run, in virtual milliseconds: playing it
/// headless must stay quick, and a learner does not watch longer.
pub const END_MS_MAX: u64 = 120_000;

/// Virtual microseconds in a millisecond.
const US_PER_MS: u64 = 1_000;

/// Every scenario bundled with Raftlab, as `(id, JSON)`, in the order a
/// learner meets them. The web page offers exactly these.
pub fn library() -> Vec<(&'static str, &'static str)> {
    macro_rules! bundled {
        ($($name:literal),+ $(,)?) => {
            vec![$(($name, include_str!(concat!("../../scenarios/", $name, ".json")))),+]
        };
    }
    bundled![
        "replication-step-by-step",
        "dropped-append-entries-retried",
        "follower-catches-up-by-walking-back",
        "leader-failover",
        "split-vote",
        "two-of-five-down-still-live",
        "three-of-five-down-stalls",
        "stale-leader-cannot-commit-or-read",
        "retry-after-leader-crash-deduplicated",
        "toy-machine-diverges-without-dedup",
        "figure-6",
        "figure-7",
        "figure-8",
        "figure-8-e",
        "figure-8-commit-by-counting",
        "disruptive-rejoin",
        "disruptive-rejoin-with-pre-vote",
        "partial-connectivity-livelock",
        "partial-connectivity-with-pre-vote-and-check-quorum",
        "joint-consensus-three-to-five",
        "direct-membership-switch",
        "snapshot-to-a-far-behind-follower",
    ]
}

/// A scenario read from its file: what it is, the run it plays and its
/// narration. The run is fixed once read (its inputs were checked against a
/// simulation then), so only the narration's fields are open to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The file's name without `.json`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// What it shows, in one sentence.
    pub summary: String,
    /// The seed document(s) or paper figure it shows.
    pub source: String,
    /// How long the run is played, in virtual milliseconds.
    pub end_ms: u64,
    /// The narration, in order.
    pub steps: Vec<Step>,
    inputs: Vec<ScenarioInput>,
    run: RunDescription,
}

/// One timed input of a scenario, as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioInput {
    /// When, in virtual milliseconds.
    pub at_ms: u64,
    /// What is done.
    pub command: Command,
}

/// One step of the narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What the learner reads.
    pub text: String,
    /// Where in the run the step is.
    pub wait: Wait,
    /// What the page points at.
    pub highlight: Highlight,
}

/// Where in the run a step is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wait {
    /// The state after every event at or before this instant.
    At {
        /// Virtual milliseconds.
        at_ms: u64,
    },
    /// The first step of the run after the previous narration step whose
    /// journal entry matches.
    Event(EventMatcher),
}

/// Which moment of the run a step waits for: every part given must hold.
/// In a file: `{"kind": "election", "node": 3, "to": "leader", "message":
/// "append-entries", "text_contains": "drops"}`, any of them left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventMatcher {
    /// The kind of moment.
    pub kind: Option<MomentKind>,
    /// The server it concerns: for `election` the one that became leader,
    /// for `role` one that changed role, for `commit` the leader that
    /// committed; otherwise any server the step involved.
    pub node: Option<NodeId>,
    /// A role some server changed to in the step (with `node`, that server).
    pub to: Option<Role>,
    /// The kind of message the step delivered, dropped or lost.
    pub message: Option<MessageKind>,
    /// Words the journal entry's text contains (as the event log shows it,
    /// e.g. `"drops"`, `"applies entry 3"`).
    pub text_contains: Option<String>,
}

/// The marks of a journal entry an [`EventMatcher`] can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MomentKind {
    /// `"election"`: a server became leader.
    Election,
    /// `"commit"`: the leader applied (so committed) entries.
    Commit,
    /// `"violation"`: a checker found a safety property broken.
    Violation,
    /// `"role"`: some server changed role.
    Role,
    /// `"input"`: one of the scenario's inputs.
    Input,
    /// `"message"`: a message ended its flight (delivered, dropped, lost, held).
    Message,
}

impl MomentKind {
    /// Every kind, for names and error messages.
    pub const ALL: [MomentKind; 6] = [
        MomentKind::Election,
        MomentKind::Commit,
        MomentKind::Violation,
        MomentKind::Role,
        MomentKind::Input,
        MomentKind::Message,
    ];

    /// The name written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            MomentKind::Election => "election",
            MomentKind::Commit => "commit",
            MomentKind::Violation => "violation",
            MomentKind::Role => "role",
            MomentKind::Input => "input",
            MomentKind::Message => "message",
        }
    }

    /// The kind written `name` in files.
    pub fn from_name(name: &str) -> Option<MomentKind> {
        MomentKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

impl EventMatcher {
    /// Does the step this journal entry describes match?
    pub fn matches(&self, entry: &JournalEntry) -> bool {
        let marks = entry.marks;
        let kind_holds = match self.kind {
            None => true,
            Some(MomentKind::Election) => marks.election,
            Some(MomentKind::Commit) => marks.commit,
            Some(MomentKind::Violation) => marks.violation,
            Some(MomentKind::Role) => marks.role_change,
            Some(MomentKind::Input) => marks.input,
            Some(MomentKind::Message) => entry.flight.is_some(),
        };
        let changed = |id: NodeId, role: Option<Role>| {
            entry
                .transitions
                .iter()
                .any(|(who, t)| *who == id && role.is_none_or(|r| t.to == r))
        };
        let node_holds = match (self.node, self.kind) {
            (None, _) => true,
            (Some(id), Some(MomentKind::Election)) => changed(id, Some(Role::Leader)),
            (Some(id), Some(MomentKind::Role)) => changed(id, self.to),
            (Some(id), Some(MomentKind::Commit)) => {
                entry.leader_commit.is_some_and(|(leader, _)| leader == id)
            }
            (Some(id), _) => entry.nodes.contains(&id),
        };
        let to_holds = self.to.is_none_or(|role| match self.node {
            Some(id) => changed(id, Some(role)),
            None => entry.transitions.iter().any(|(_, t)| t.to == role),
        });
        let message_holds = self
            .message
            .is_none_or(|kind| entry.flight.as_ref().is_some_and(|f| f.kind == kind));
        let text_holds = self
            .text_contains
            .as_ref()
            .is_none_or(|words| entry.text.contains(words.as_str()));
        kind_holds && node_holds && to_holds && message_holds && text_holds
    }
}

/// What the page points at during a step; every part may be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Highlight {
    /// Servers.
    pub nodes: Vec<NodeId>,
    /// Log entries, each on one server.
    pub entries: Vec<EntryRef>,
    /// Kinds of message.
    pub messages: Vec<MessageKind>,
    /// An arrow of the state diagram.
    pub transition: Option<RoleArrow>,
}

/// One log entry of one server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    /// The server.
    pub node: NodeId,
    /// The entry's index.
    pub index: LogIndex,
}

/// An arrow of the state diagram (the Raft paper's Figure 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleArrow {
    /// The role left.
    pub from: Role,
    /// The role entered.
    pub to: Role,
}

/// A step found in the played run: where the page seeks to show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedStep {
    /// Its place in the narration, from 0.
    pub index: usize,
    /// The playback position to seek to ([`Playback::seek_position`]): the
    /// state right after the matched step, or after every step up to the
    /// instant waited for.
    pub position: u64,
    /// The instant: the matched step's, or the one waited for.
    pub at_us: Micros,
    /// What the learner reads.
    pub text: String,
    /// What the page points at.
    pub highlight: Highlight,
    /// The journal text of the step an event wait matched.
    pub matched: Option<String>,
}

/// Why a scenario could not be read, or its narration not placed in its run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScenarioError {
    /// Nothing to read.
    Empty,
    /// The text ends in the middle of the document.
    Truncated,
    /// Not JSON at all: the detail says where.
    NotJson(String),
    /// JSON, but no `"format": "raftlab-scenario"`.
    NotAScenario,
    /// Written for a newer Raftlab.
    FutureVersion(u64),
    /// A field is missing, of the wrong type, unknown, or holds a value
    /// that makes no sense; `field` is its path (`steps[2].wait`).
    Field {
        /// Where.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The configuration cannot run.
    Config(ConfigError),
    /// An input is refused where the scenario puts it.
    Input {
        /// Its place in `inputs`, from 0.
        index: usize,
        /// Its instant.
        at_ms: u64,
        /// Why the simulation refused it.
        error: CommandError,
    },
    /// The run could not be played (a bug: the inputs were checked on reading).
    Replay(ReplayError),
    /// A step waits for an event that does not happen by `end_ms`.
    StepNeverHappens {
        /// Its place in the narration, from 0.
        step: usize,
        /// The end of the run.
        end_ms: u64,
    },
    /// A step waits for an instant before the previous step's.
    StepGoesBack {
        /// Its place in the narration, from 0.
        step: usize,
        /// The instant it waits for.
        at_ms: u64,
        /// The previous step's instant.
        previous_us: Micros,
    },
    /// The run has more steps than the journal keeps.
    TooLong,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Empty => f.write_str("the scenario is empty"),
            ScenarioError::Truncated => f.write_str("the scenario file is cut short"),
            ScenarioError::NotJson(detail) => write!(f, "the scenario is not valid JSON: {detail}"),
            ScenarioError::NotAScenario => write!(
                f,
                "this is not a Raftlab scenario (it has no \"format\": \"{FORMAT_NAME}\")"
            ),
            ScenarioError::FutureVersion(v) => write!(
                f,
                "this scenario is written in format {v}, for a newer Raftlab; this one reads format {SCENARIO_FORMAT_VERSION}"
            ),
            ScenarioError::Field { field, problem } => write!(f, "{field}: {problem}"),
            ScenarioError::Config(e) => write!(f, "config: {e}"),
            ScenarioError::Input {
                index,
                at_ms,
                error,
            } => write!(f, "inputs[{index}] (at {at_ms} ms) is refused: {error}"),
            ScenarioError::Replay(e) => write!(f, "the scenario's run cannot be played: {e}"),
            ScenarioError::StepNeverHappens { step, end_ms } => write!(
                f,
                "steps[{step}].wait: the event it waits for never happens before the run ends at {end_ms} ms"
            ),
            ScenarioError::StepGoesBack {
                step,
                at_ms,
                previous_us,
            } => write!(
                f,
                "steps[{step}].wait.at_ms: {at_ms} ms is before the previous step, at {previous_us} µs; steps go forward in time"
            ),
            ScenarioError::TooLong => f.write_str(
                "the run takes more steps than the journal keeps: make end_ms shorter",
            ),
        }
    }
}

impl std::error::Error for ScenarioError {}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
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

fn field_error(field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError::Field {
        field: field.into(),
        problem: problem.into(),
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

impl Scenario {
    /// Reads a scenario file and rebuilds its run, checking every input
    /// where it is placed. Anything wrong is an error naming the field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.trim().is_empty() {
            return Err(ScenarioError::Empty);
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                ScenarioError::Truncated
            } else {
                ScenarioError::NotJson(e.to_string())
            }
        })?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
            return Err(ScenarioError::NotAScenario);
        }
        match value.get("version").map(|v| v.as_u64()) {
            None => return Err(field_error("version", "missing")),
            Some(None) => return Err(field_error("version", "must be a whole number")),
            Some(Some(0)) => return Err(field_error("version", "format version 0 does not exist")),
            Some(Some(v)) if v > u64::from(SCENARIO_FORMAT_VERSION) => {
                return Err(ScenarioError::FutureVersion(v))
            }
            Some(Some(_)) => {}
        }
        // Parsed again from the text so that serde's errors say the line.
        let file: ScenarioFile =
            serde_json::from_str(text).map_err(|e| field_error("the scenario", e.to_string()))?;
        Scenario::from_file(file)
    }

    fn from_file(file: ScenarioFile) -> Result<Scenario, ScenarioError> {
        let id_ok = !file.id.is_empty()
            && file
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !id_ok {
            return Err(field_error(
                "id",
                format!(
                    "{:?} must be the file's name: lower-case letters, digits and dashes",
                    file.id
                ),
            ));
        }
        for (name, text) in [
            ("title", &file.title),
            ("summary", &file.summary),
            ("source", &file.source),
        ] {
            if text.trim().is_empty() {
                return Err(field_error(name, "must not be empty"));
            }
        }
        let seed: u64 = file.seed.trim().parse().map_err(|_| {
            field_error(
                "seed",
                format!(
                    "{:?} is not a whole number (write it as a decimal string, like \"42\")",
                    file.seed
                ),
            )
        })?;
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
        let run = record_run(seed, config, &inputs)?;
        Ok(Scenario {
            id: file.id,
            title: file.title,
            summary: file.summary,
            source: file.source,
            end_ms: file.end_ms,
            steps,
            inputs,
            run,
        })
    }

    /// The seed of the run.
    pub fn seed(&self) -> u64 {
        self.run.seed
    }

    /// The configuration the run starts with.
    pub fn config(&self) -> &Config {
        &self.run.config
    }

    /// The inputs as the file gives them.
    pub fn inputs(&self) -> &[ScenarioInput] {
        &self.inputs
    }

    /// The run: seed, configuration and the inputs as exact
    /// [`TimedCommand`](crate::sim::TimedCommand)s, ready to replay, share
    /// or export like any run.
    pub fn to_run(&self) -> RunDescription {
        self.run.clone()
    }

    /// The run played headless from the start to `end_ms`, with the safety
    /// checker on every step (see [`Playback`]), positioned at the end.
    pub fn play(&self) -> Result<Playback, ScenarioError> {
        let sim = Simulation::replay(self.run.seed, self.run.config.clone(), &self.run.inputs)
            .map_err(ScenarioError::Replay)?;
        let mut playback = Playback::new(sim);
        playback
            .advance_to(self.end_ms * US_PER_MS)
            .map_err(|e| ScenarioError::Replay(ReplayError::Command(e)))?;
        Ok(playback)
    }

    /// Plays the run once and places every step of the narration in it.
    pub fn resolve_steps(&self) -> Result<Vec<ResolvedStep>, ScenarioError> {
        let playback = self.play()?;
        self.resolve_steps_in(&playback)
    }

    /// Places every step in `playback`, which must have played this
    /// scenario's run to `end_ms` (as [`Scenario::play`] returns it).
    pub fn resolve_steps_in(
        &self,
        playback: &Playback,
    ) -> Result<Vec<ResolvedStep>, ScenarioError> {
        let journal: Vec<&JournalEntry> = playback.journal().map(|e| e.as_ref()).collect();
        // Positions are consecutive from 1 unless the journal forgot its start.
        if journal.first().is_some_and(|e| e.position != 1) {
            return Err(ScenarioError::TooLong);
        }
        let end_us = self.end_ms * US_PER_MS;
        let mut previous = (0, 0);
        let mut resolved = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let (position, at_us, matched) = match &step.wait {
                Wait::At { at_ms } => {
                    let at_us = at_ms * US_PER_MS;
                    if at_us < previous.1 {
                        return Err(ScenarioError::StepGoesBack {
                            step: index,
                            at_ms: *at_ms,
                            previous_us: previous.1,
                        });
                    }
                    let until = journal.partition_point(|e| e.at <= at_us);
                    let position = until
                        .checked_sub(1)
                        .map_or(0, |last| journal[last].position)
                        .max(previous.0);
                    (position, at_us, None)
                }
                Wait::Event(matcher) => {
                    let start = journal.partition_point(|e| e.position <= previous.0);
                    let found = journal[start..]
                        .iter()
                        .find(|e| e.at <= end_us && matcher.matches(e))
                        .ok_or(ScenarioError::StepNeverHappens {
                            step: index,
                            end_ms: self.end_ms,
                        })?;
                    (found.position, found.at, Some(found.text.clone()))
                }
            };
            previous = (position, at_us);
            resolved.push(ResolvedStep {
                index,
                position,
                at_us,
                text: step.text.clone(),
                highlight: step.highlight.clone(),
                matched,
            });
        }
        Ok(resolved)
    }
}

/// The configuration a file's `config` (changes from the defaults) stands for.
fn config_of(changes: serde_json::Value) -> Result<Config, ScenarioError> {
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

fn inputs_of(files: Vec<InputFile>, end_ms: u64) -> Result<Vec<ScenarioInput>, ScenarioError> {
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

/// Plays a fresh simulation and gives each input at its instant, after every
/// event up to it, so the run records exactly where each one falls.
fn record_run(
    seed: u64,
    config: Config,
    inputs: &[ScenarioInput],
) -> Result<RunDescription, ScenarioError> {
    let mut sim = Simulation::new(seed, config).map_err(ScenarioError::Config)?;
    for (index, input) in inputs.iter().enumerate() {
        sim.advance_to(input.at_ms * US_PER_MS);
        sim.submit(input.command.clone())
            .map_err(|error| ScenarioError::Input {
                index,
                at_ms: input.at_ms,
                error,
            })?;
    }
    Ok(RunDescription::of(&sim))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_in_files_reads_back_to_its_value() {
        for kind in MomentKind::ALL {
            assert_eq!(MomentKind::from_name(kind.as_str()), Some(kind));
        }
        for role in Role::ALL {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
        }
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(
            Role::from_name("Leader"),
            None,
            "files use the lower-case names"
        );
    }

    #[test]
    fn the_library_lists_each_id_once() {
        let mut ids: Vec<&str> = library().into_iter().map(|(id, _)| id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}

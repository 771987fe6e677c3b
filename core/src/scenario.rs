//! Guided scenarios as data: a JSON file per scenario under `scenarios/`,
//! each a run (seed, configuration, timed inputs, how long it lasts) plus
//! the narration a learner reads step by step. The core loads a file,
//! rebuilds its run, plays it once headless with the checkers on, and finds
//! the exact playback position of every step, so the page can jump there
//! and Back returns to exactly that state.
//!
//! The parts: `file` reads and checks the file format, `resolve` records
//! the run, plays it and places the steps, `matcher` says which journal
//! entry an event wait picks, `library` lists the bundled files and `error`
//! says what went wrong.
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

mod error;
mod file;
mod library;
mod matcher;
mod resolve;

pub use error::ScenarioError;
pub(crate) use file::{
    check_id, check_size, config_of, field_error, inputs_of, seed_of, InputFile,
};
pub(crate) use library::{in_library_order, turning_on};
pub use library::{library, showing_bug, titles};
pub use matcher::{EventMatcher, MomentKind};
pub(crate) use resolve::record_run;

use crate::raft::{LogIndex, MessageKind, Micros, NodeId, Role};
use crate::run::RunDescription;
use crate::sim::{Command, Config};
use serde::Deserialize;

/// The version this build reads (and the newest).
pub const SCENARIO_FORMAT_VERSION: u32 = 1;

/// The `format` field of a scenario file.
const FORMAT_NAME: &str = "raftlab-scenario";

/// The longest a scenario may run, in virtual milliseconds: playing it
/// headless must stay quick, and a learner does not watch longer.
pub const END_MS_MAX: u64 = 120_000;

/// The largest scenario or mission file read, in bytes: the bundled ones are
/// a few kilobytes, and a file is parsed whole before anything is checked.
pub const FILE_BYTES_MAX: usize = 64 * 1024;

/// The most simulation steps a scenario's or mission's run may take to place
/// its inputs, and a scenario's to reach `end_ms`: the journal's length
/// ([`crate::playback::JOURNAL_MAX`]). A file that asks for more
/// (microsecond timeouts for two virtual minutes, say) is refused after
/// that many steps instead of freezing the page.
pub const PLACE_STEPS_MAX: u64 = crate::playback::JOURNAL_MAX as u64;

/// Virtual microseconds in a millisecond.
const US_PER_MS: u64 = 1_000;

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
    /// The playback position to seek to
    /// ([`Playback::seek_position`](crate::playback::Playback::seek_position)):
    /// the state right after the matched step, or after every step up to the
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

impl Scenario {
    /// Reads a scenario file and rebuilds its run, checking every input
    /// where it is placed. Anything wrong is an error naming the field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let file = file::parse(text)?;
        let run = resolve::record_run(file.seed, file.config, &file.inputs)?;
        Ok(Scenario {
            id: file.id,
            title: file.title,
            summary: file.summary,
            source: file.source,
            end_ms: file.end_ms,
            steps: file.steps,
            inputs: file.inputs,
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
}

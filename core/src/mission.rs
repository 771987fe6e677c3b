//! Missions: challenges that check themselves. A mission is a JSON file
//! under the top-level `missions/` folder, beside the scenarios: a starting
//! run (seed, configuration with its bug switches and initial disks, a few
//! scripted inputs), the brief a learner reads, the tools (controls) the
//! learner may use, hints revealed one at a time, and a goal. The goal is a
//! predicate over the run, evaluated after every step by a [`GoalTracker`]
//! that follows the learner's run and reads only what the simulation, the
//! safety checker and the linearizability checker say: never a script.
//!
//! The parts: `file` reads and checks the file format (every error names
//! the field), `goal` is the vocabulary of checks and the tracker,
//! `library` lists the bundled files and `error` says what went wrong.
//!
//! # The format (version 1)
//!
//! ```json
//! {
//!   "format": "raftlab-mission",
//!   "version": 1,
//!   "id": "apply-before-commit",
//!   "title": "Apply before commit",
//!   "brief": "What the learner is asked to do, in a sentence or two.",
//!   "seed": "1",
//!   "config": { "node_count": 3, "bugs": { "apply_before_commit": true } },
//!   "inputs": [ { "at_ms": 0, "command": { "Timeout": { "node": 1 } } } ],
//!   "limit_ms": 20000,
//!   "tools": ["crash", "restart", "timeout", "partition", "request"],
//!   "hints": ["First hint.", "Second hint."],
//!   "goal": [
//!     { "label": "Two servers apply different entries at one index",
//!       "check": { "violation": ["state-machine-safety"] } }
//!   ]
//! }
//! ```
//!
//! `seed`, `config` and `inputs` are written as in a scenario file (see
//! [`crate::scenario`]). `limit_ms` bounds the run a learner plays (at most
//! [`LIMIT_MS_MAX`]). `tools` names the controls the learner may use (see
//! [`Tool`]). `goal` is a checklist: the mission is solved when every part
//! has held at some step. A "predict" mission adds a `question`, asked at
//! `at_ms` before the page plays on, whose `choices` each carry a check:
//! the first choice whose check comes true is what happened, and the
//! learner's answer is right when it is that one. The checks are listed on
//! [`Check`].

mod error;
mod file;
mod goal;
mod library;

pub use error::MissionError;
pub use goal::{Check, GoalTracker, Outcome, Progress};
pub use library::{library, showing_bug, titles};

use crate::run::RunDescription;
use crate::scenario::ScenarioInput;

/// The version this build reads (and the newest).
pub const MISSION_FORMAT_VERSION: u32 = 1;

/// The `format` field of a mission file.
const FORMAT_NAME: &str = "raftlab-mission";

/// The longest run a mission may ask for, in virtual milliseconds: the
/// tracker follows every step, and a learner does not play longer.
pub const LIMIT_MS_MAX: u64 = 120_000;

/// The most hints a mission may have.
pub const HINTS_MAX: usize = 8;

/// The most choices a question may offer.
pub const CHOICES_MAX: usize = 6;

/// A control of the page a mission may let the learner use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// Crash a server.
    Crash,
    /// Restart a crashed server.
    Restart,
    /// Make a server's election timer run out now.
    Timeout,
    /// Pause and resume a server.
    Pause,
    /// Send one client request.
    Request,
    /// Start or stop the simulated clients' workload.
    Workload,
    /// Split the servers into groups, and heal.
    Partition,
    /// Cut one direction of one link, and heal.
    CutLink,
    /// Drop, duplicate or delay messages (on every link, one link or one
    /// message in flight).
    Faults,
    /// Ask the leader to hand over to another server.
    Transfer,
    /// Add, remove or change the voting servers.
    Membership,
    /// Change the cluster's parameters while it runs.
    Configure,
}

impl Tool {
    /// Every tool, in the order the format lists them.
    pub const ALL: [Tool; 12] = [
        Tool::Crash,
        Tool::Restart,
        Tool::Timeout,
        Tool::Pause,
        Tool::Request,
        Tool::Workload,
        Tool::Partition,
        Tool::CutLink,
        Tool::Faults,
        Tool::Transfer,
        Tool::Membership,
        Tool::Configure,
    ];

    /// The name a mission file uses.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Crash => "crash",
            Tool::Restart => "restart",
            Tool::Timeout => "timeout",
            Tool::Pause => "pause",
            Tool::Request => "request",
            Tool::Workload => "workload",
            Tool::Partition => "partition",
            Tool::CutLink => "cut-link",
            Tool::Faults => "faults",
            Tool::Transfer => "transfer",
            Tool::Membership => "membership",
            Tool::Configure => "configure",
        }
    }

    /// The tool a file calls `name`.
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.into_iter().find(|tool| tool.name() == name)
    }

    /// The tool a command needs. `Heal` belongs to both partition tools.
    pub fn needed_by(command: &crate::sim::Command) -> Vec<Tool> {
        use crate::sim::Command;
        match command {
            Command::Crash { .. } => vec![Tool::Crash],
            Command::Restart { .. } => vec![Tool::Restart],
            Command::Timeout { .. } => vec![Tool::Timeout],
            Command::Pause { .. } | Command::Resume { .. } => vec![Tool::Pause],
            Command::ClientRequest { .. } => vec![Tool::Request],
            Command::SetWorkload { .. } => vec![Tool::Workload],
            Command::Partition { .. } => vec![Tool::Partition],
            Command::CutLink { .. } => vec![Tool::CutLink],
            Command::Heal => vec![Tool::Partition, Tool::CutLink],
            Command::SetNetworkFaults { .. }
            | Command::SetLinkFaults { .. }
            | Command::DropMessage { .. }
            | Command::DuplicateMessage { .. } => vec![Tool::Faults],
            Command::TransferLeadership { .. } => vec![Tool::Transfer],
            Command::AddServer { .. }
            | Command::RemoveServer { .. }
            | Command::ChangeMembership { .. } => vec![Tool::Membership],
            Command::Configure { .. } => vec![Tool::Configure],
        }
    }
}

/// One part of a mission's goal: a line of its checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalPart {
    /// What the checklist says.
    pub label: String,
    /// When it holds.
    pub check: Check,
}

/// A "predict" mission's question, asked before the page plays on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    /// When the page stops to ask, in virtual milliseconds.
    pub at_ms: u64,
    /// What is asked.
    pub text: String,
    /// The answers offered; the first whose check comes true is what
    /// happened.
    pub choices: Vec<Choice>,
}

/// One answer a question offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What the learner reads.
    pub text: String,
    /// When it is what happened.
    pub check: Check,
}

/// A mission read from its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mission {
    /// The file's name without `.json`.
    pub id: String,
    /// A short title.
    pub title: String,
    /// What the learner is asked to do.
    pub brief: String,
    /// How long the learner's run may be, in virtual milliseconds.
    pub limit_ms: u64,
    /// The controls the learner may use, in the format's order.
    pub tools: Vec<Tool>,
    /// Hints, revealed one at a time.
    pub hints: Vec<String>,
    /// The checklist; every part must hold at some step.
    pub goal: Vec<GoalPart>,
    /// A "predict" mission's question.
    pub question: Option<Question>,
    inputs: Vec<ScenarioInput>,
    run: RunDescription,
}

impl Mission {
    /// Reads a mission file and rebuilds its starting run, checking every
    /// input where it is placed. Anything wrong is an error naming the field.
    pub fn from_json(text: &str) -> Result<Mission, MissionError> {
        let parsed = file::parse(text)?;
        let run = crate::scenario::record_run(parsed.seed, parsed.config, &parsed.inputs)?;
        Ok(Mission {
            id: parsed.id,
            title: parsed.title,
            brief: parsed.brief,
            limit_ms: parsed.limit_ms,
            tools: parsed.tools,
            hints: parsed.hints,
            goal: parsed.goal,
            question: parsed.question,
            inputs: parsed.inputs,
            run,
        })
    }

    /// The starting run: seed, configuration and the scripted inputs as
    /// exact timed commands.
    pub fn to_run(&self) -> RunDescription {
        self.run.clone()
    }

    /// How many inputs the mission scripts (the learner's come after).
    pub fn scripted_inputs(&self) -> usize {
        self.inputs.len()
    }

    /// Whether the learner may use `tool`.
    pub fn allows(&self, tool: Tool) -> bool {
        self.tools.contains(&tool)
    }

    /// Whether the learner may give `command`: one of the tools it needs is
    /// the mission's.
    pub fn allows_command(&self, command: &crate::sim::Command) -> bool {
        Tool::needed_by(command)
            .into_iter()
            .any(|tool| self.allows(tool))
    }

    /// A tracker for this mission's goal, at the start of its run.
    pub fn tracker(&self) -> GoalTracker {
        GoalTracker::new(self)
    }
}

/// One mission a learner solved, as their exported progress lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SolvedMission {
    /// The mission's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The share link that opens the solution at the step that met the
    /// goal, if the page kept it (missions solved before it kept links
    /// have none).
    pub solution: Option<String>,
}

/// The `format` field of an exported progress file.
pub const PROGRESS_FORMAT_NAME: &str = "raftlab-mission-progress";

/// A learner's exported progress: which missions they solved on a browser,
/// each with the link to their solution, for a course's hand-in.
#[derive(serde::Serialize)]
struct ProgressFile<'a> {
    format: &'static str,
    version: u32,
    solved: &'a [SolvedMission],
}

/// The text of the progress file listing `solved` (JSON, version 1).
pub fn progress_file(solved: &[SolvedMission]) -> String {
    let file = ProgressFile {
        format: PROGRESS_FORMAT_NAME,
        version: 1,
        solved,
    };
    serde_json::to_string_pretty(&file).expect("strings and numbers always serialize")
}

/// A learner's solution: the commands they gave and their answer to the
/// question, if the mission asks one. Course staff keep one beside each
/// mission (`missions/solutions/ID.json`) and the tests play it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// The answer, counting the choices from 0.
    pub answer: Option<usize>,
    /// The commands, each at a whole millisecond, in time order.
    pub commands: Vec<ScenarioInput>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SolutionFile {
    #[serde(default)]
    answer: Option<usize>,
    commands: Vec<crate::scenario::InputFile>,
}

impl Solution {
    /// Reads a solution file: `{"answer": 1, "commands": [{"at_ms": 0,
    /// "command": {"Timeout": {"node": 1}}}]}` (the commands in the form of
    /// a scenario's `inputs`), for a mission whose run lasts `limit_ms`.
    pub fn from_json(text: &str, limit_ms: u64) -> Result<Solution, MissionError> {
        let file: SolutionFile = serde_json::from_str(text).map_err(|e| {
            MissionError::from(crate::scenario::field_error(
                "solution",
                crate::format::brief(e),
            ))
        })?;
        let commands = crate::scenario::inputs_of(file.commands, limit_ms)?;
        Ok(Solution {
            answer: file.answer,
            commands,
        })
    }
}

impl Mission {
    /// Plays the mission's run with `solution`'s commands given at their
    /// instants (each must be allowed by the mission's tools), answers the
    /// question with its answer, and follows it with a tracker until the goal
    /// is settled or the run reaches `limit_ms`. The tracker is returned
    /// with the simulation's input log, the run a share link would hold.
    pub fn play(&self, solution: &Solution) -> Result<(GoalTracker, RunDescription), MissionError> {
        use crate::sim::Simulation;
        const US_PER_MS: u64 = 1_000;
        let run_error = |e| MissionError::Run(crate::scenario::ScenarioError::Replay(e));
        let mut sim = Simulation::replay(self.run.seed, self.run.config.clone(), &self.run.inputs)
            .map_err(run_error)?;
        let mut tracker = self.tracker();
        if let Some(answer) = solution.answer {
            tracker.answer(answer);
        }
        let limit_us = self.limit_ms * US_PER_MS;
        let mut given = solution.commands.iter().enumerate().peekable();
        loop {
            let next_at = given
                .peek()
                .map_or(limit_us, |(_, input)| input.at_ms * US_PER_MS);
            // Small strides, so the run stops soon after the goal is met.
            while sim.now() < next_at && tracker.progress().outcome.is_none() {
                let stride = (sim.now() + 10 * US_PER_MS).min(next_at);
                sim.advance_to(stride);
                while !tracker.follow(sim.inputs(), sim.position()) {}
            }
            if tracker.progress().outcome.is_some() {
                break;
            }
            let Some((index, input)) = given.next() else {
                break;
            };
            if !self.allows_command(&input.command) {
                return Err(MissionError::Field {
                    field: format!("solution[{index}].command"),
                    problem: format!("the mission's tools do not allow {}", input.command),
                });
            }
            sim.submit(input.command.clone()).map_err(|error| {
                MissionError::Run(crate::scenario::ScenarioError::Input {
                    index,
                    at_ms: input.at_ms,
                    error,
                })
            })?;
            while !tracker.follow(sim.inputs(), sim.position()) {}
        }
        Ok((tracker, RunDescription::of(&sim)))
    }
}

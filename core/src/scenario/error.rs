//! Why a scenario could not be read, or its narration not placed in its
//! run: one error type, whose text names the field or step at fault so the
//! page and the command line can show it as it is.

use super::{FORMAT_NAME, SCENARIO_FORMAT_VERSION};
use crate::raft::Micros;
use crate::sim::{CommandError, ConfigError, ReplayError};
use std::fmt;

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
    /// An input lies more than [`super::PLACE_STEPS_MAX`] steps into the run.
    TooBusy {
        /// Its place in `inputs`, from 0.
        index: usize,
        /// Its instant.
        at_ms: u64,
    },
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
            ScenarioError::TooBusy { index, at_ms } => write!(
                f,
                "inputs[{index}] (at {at_ms} ms) lies more than {} steps into the run: move it earlier or slow the timers",
                super::PLACE_STEPS_MAX
            ),
        }
    }
}

impl std::error::Error for ScenarioError {}

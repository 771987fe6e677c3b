//! Why a mission could not be read: one error type whose text names the
//! field at fault, as scenario errors do. The starting run is checked by the
//! scenario code, and its errors are carried as they are.

use super::{FORMAT_NAME, MISSION_FORMAT_VERSION};
use crate::scenario::ScenarioError;
use std::fmt;

/// Why a mission could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MissionError {
    /// Nothing to read.
    Empty,
    /// The text ends in the middle of the document.
    Truncated,
    /// Not JSON at all: the detail says where.
    NotJson(String),
    /// JSON, but no `"format": "raftlab-mission"`.
    NotAMission,
    /// Written for a newer Raftlab.
    FutureVersion(u64),
    /// A field is missing, of the wrong type, unknown, or holds a value
    /// that makes no sense; `field` is its path (`goal[0].check`).
    Field {
        /// Where.
        field: String,
        /// What is wrong.
        problem: String,
    },
    /// The starting run (configuration or inputs) cannot be played.
    Run(ScenarioError),
}

impl From<ScenarioError> for MissionError {
    fn from(error: ScenarioError) -> MissionError {
        match error {
            ScenarioError::Field { field, problem } => MissionError::Field { field, problem },
            other => MissionError::Run(other),
        }
    }
}

impl fmt::Display for MissionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MissionError::Empty => f.write_str("the mission is empty"),
            MissionError::Truncated => f.write_str("the mission file is cut short"),
            MissionError::NotJson(detail) => write!(f, "the mission is not valid JSON: {detail}"),
            MissionError::NotAMission => write!(
                f,
                "this is not a Raftlab mission (it has no \"format\": \"{FORMAT_NAME}\")"
            ),
            MissionError::FutureVersion(v) => write!(
                f,
                "this mission is written in format {v}, for a newer Raftlab; this one reads format {MISSION_FORMAT_VERSION}"
            ),
            MissionError::Field { field, problem } => write!(f, "{field}: {problem}"),
            MissionError::Run(e) => write!(f, "the starting run: {e}"),
        }
    }
}

impl std::error::Error for MissionError {}

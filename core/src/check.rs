//! Checkers that watch a simulation and never steer it: the Raft paper's
//! safety properties after every event, and linearizability of client histories.

pub mod linearizability;
pub mod safety;

pub use crate::history::{HistoryOp, OpResult};
pub use linearizability::{
    check_history, check_history_within, linearization, minimal_violation, IncrementalChecker,
    KeyVerdicts, Linearizability, NotLinearizable, SearchBudget, CLOCK_EVERY, SEARCH_STATES_MAX,
};
pub use safety::{Observation, ObservedNode, Property, SafetyChecker, Violation};

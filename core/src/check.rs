//! Checkers that watch a simulation and never steer it: the Raft paper's
//! safety properties after every event, and linearizability of client histories.

pub mod linearizability;
pub mod safety;

pub use crate::history::{HistoryOp, OpResult};
pub use linearizability::{check_history, IncrementalChecker, Linearizability, NotLinearizable};
pub use safety::{Observation, ObservedNode, Property, SafetyChecker, Violation};

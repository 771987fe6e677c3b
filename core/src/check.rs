//! Checkers that watch a simulation and never steer it: the Raft paper's
//! safety properties after every event, and linearizability of client histories.

pub mod linearizability;
pub mod safety;

pub use linearizability::{check_history, HistoryOp, NotLinearizable, OpResult};
pub use safety::{Observation, ObservedNode, Property, SafetyChecker, Violation};

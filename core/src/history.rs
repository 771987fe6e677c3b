//! A client history: the operations clients invoked and what they learned
//! about each. The simulator records it; the linearizability checker judges
//! it. A leaf, so neither side depends on the other for it.

use crate::kv::{ClientId, Operation};
use crate::raft::Micros;

/// What a client learned about one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpResult {
    /// It took effect; `previous` is what the store returned (the value read,
    /// or the value a put or delete replaced).
    Ok {
        /// The store's answer.
        previous: Option<String>,
    },
    /// It certainly did not take effect.
    Failed,
    /// The client never heard back: it may or may not have taken effect.
    Unknown,
    /// It took effect before the answer arrived, but the answer does not
    /// say what the store returned (a write acknowledged without the value
    /// it replaced, as many real stores answer).
    Done,
    /// A compare-and-set that completed without writing: the key did not
    /// hold the expected value when it took effect. On any other operation
    /// it means the same as [`OpResult::Done`].
    NotSwapped,
}

/// One operation in a client history: invoked at one instant, answered at a later one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryOp {
    /// Who issued it.
    pub client: ClientId,
    /// What was asked.
    pub op: Operation,
    /// When it was invoked.
    pub invoked_at: Micros,
    /// When the answer arrived (ignored for [`OpResult::Unknown`]).
    pub completed_at: Micros,
    /// The answer.
    pub result: OpResult,
}

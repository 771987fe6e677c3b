//! The Raft protocol and nothing else: no clock, no randomness, no I/O.
//!
//! A [`Node`] is a value. It is handed an input (a message, a timer firing, a
//! client proposal) together with the current virtual instant and a fresh
//! election-timeout draw, and returns a [`Ready`]: the messages to send, the
//! changes to persist, the entries that are now committed and may be applied,
//! the role transitions it made, and the next instant it wants to be woken.

mod log;
mod membership;
mod message;
mod node;
mod snapshot;
mod types;

pub use log::{Entry, Log, LogCommand};
pub use membership::{
    CatchUp, Membership, MembershipChange, MembershipError, MembershipJob, CATCH_UP_ROUNDS_MAX,
};
pub use message::{
    AppendEntries, AppendEntriesReply, ConflictHint, InstallSnapshot, Message, MessageKind,
    RequestVote, RequestVoteReply, TimeoutNow,
};
pub use node::{
    BugSwitches, Input, Node, NodeConfig, PeerProgress, PendingRead, PersistChange,
    PersistentState, ProgressState, ProposalOutcome, RaftOptions, ReadMode, ReadReady, Ready,
    StepContext, Transition, TransitionCause,
};
pub use snapshot::Snapshot;
pub use types::{LogIndex, Micros, NodeId, Role, Term};

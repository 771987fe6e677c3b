//! The Raft protocol and nothing else: no clock, no randomness, no I/O.
//!
//! A [`Node`] is a value. It is handed an input (a message, a timer firing, a
//! client proposal) together with the current virtual instant and a fresh
//! election-timeout draw, and returns a [`Ready`]: the messages to send, the
//! changes to persist, the entries that are now committed and may be applied,
//! the role transitions it made, and the next instant it wants to be woken.
//!
//! The protocol is generic over the [`Application`] it replicates: it
//! carries the application's commands and snapshot states without reading
//! them (the key-value store is plugged in by `crate::app`).
//!
//! The layout follows raft-rs: the node and its entry points (`node`), its
//! parameters (`options`), what goes in and out of a step (`ready`), role
//! changes (`transition`), the roles' work (`election`, `leader` with its
//! `replication`, `follower`, `read_only`, `membership`), a leader's view of
//! each follower (`progress`), and the data it moves (`log`, `message`,
//! `snapshot`, `types`).

mod application;
mod configuration;
mod election;
mod follower;
mod leader;
mod leader_state;
mod log;
mod membership;
mod message;
mod node;
mod options;
mod progress;
mod read_only;
mod ready;
mod snapshot;
mod transition;
mod types;

pub use application::Application;
pub use configuration::{
    CatchUp, Membership, MembershipChange, MembershipError, MembershipJob, CATCH_UP_ROUNDS_MAX,
};
pub use leader_state::PendingRead;
pub use log::{Entry, Log, LogCommand};
pub use message::{
    AppendEntries, AppendEntriesReply, ConflictHint, InstallSnapshot, Message, MessageKind,
    RequestVote, RequestVoteReply, TimeoutNow,
};
pub use node::Node;
pub use options::{BugSwitches, NodeConfig, RaftOptions, ReadMode};
pub use progress::{PeerProgress, ProgressState};
pub use ready::{
    Input, PersistChange, PersistentState, ProposalOutcome, ReadReady, Ready, StepContext,
};
pub use snapshot::Snapshot;
pub use transition::{Transition, TransitionCause};
pub use types::{LogIndex, Micros, NodeId, Role, Term};

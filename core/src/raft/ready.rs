//! What goes into a server and what comes out: the [`StepContext`] and
//! [`Input`] of one step, and the [`Ready`] it returns, with the
//! [`PersistChange`] the driver writes to [`PersistentState`] first.

use super::application::Application;
use super::configuration::MembershipChange;
use super::log::{Entry, Log};
use super::message::Message;
use super::snapshot::Snapshot;
use super::transition::Transition;
use super::types::{LogIndex, Micros, NodeId, Term};
use std::sync::Arc;

/// What a server is handed with every input: the current virtual instant and a
/// fresh draw from the randomized election-timeout range, which it uses only if
/// it resets its election timer. The server owns no clock and no randomness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepContext {
    /// The virtual instant of this input.
    pub now: Micros,
    /// A random election timeout the driver drew for this step (§5.2).
    pub election_timeout_us: Micros,
}

/// An input to a server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input<A: Application> {
    /// A message from another server.
    Message {
        /// The sender.
        from: NodeId,
        /// The message.
        message: Message<A>,
    },
    /// The instant the server asked to be woken at has come.
    Tick,
    /// Start an election now, whatever the timer says (a user's "Timeout").
    ForceTimeout,
    /// A client asks the server to run a request.
    Propose(Arc<A::Command>),
    /// A user asks this server, if it leads, to hand leadership to another.
    TransferLeadership(NodeId),
    /// A user asks this server, if it leads, to change the membership.
    /// The driver checks [`Node::can_change_membership`](crate::raft::Node::can_change_membership) first.
    ChangeMembership(MembershipChange),
}

/// What happened to a client proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProposalOutcome {
    /// The leader appended it at `index` in `term`; it is not yet committed.
    Accepted {
        /// Where it sits in the log.
        index: LogIndex,
        /// The leader's term.
        term: Term,
    },
    /// This server is not the leader; the client should try `leader_hint`.
    NotLeader {
        /// The leader this server last heard from in its current term, if any.
        leader_hint: Option<NodeId>,
    },
    /// A read answered from this server's state machine as it is now, without
    /// the log (only with the `stale_leader_reads` bug switch).
    ServeLocally,
    /// A read the leader will answer through ReadIndex or its lease; it
    /// comes back in [`Ready::reads`].
    ReadPending,
    /// The leader is handing over and takes no new requests; the client
    /// should try the new leader.
    Transferring {
        /// The server taking over.
        to: NodeId,
    },
}

/// The state that must survive a crash (Figure 2, "persistent state on all servers").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersistentState<A: Application> {
    /// Latest term the server has seen.
    pub current_term: Term,
    /// The candidate that received this server's vote in `current_term`.
    pub voted_for: Option<NodeId>,
    /// The log.
    pub log: Log<A>,
}

/// A change to the persistent state, written to stable storage before any
/// message of the same step is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistChange<A: Application> {
    /// The new current term.
    pub current_term: Term,
    /// The new vote.
    pub voted_for: Option<NodeId>,
    /// Discard stored entries from this index on, then store `entries`.
    pub entries_from: LogIndex,
    /// Entries to store from `entries_from` on.
    pub entries: Vec<Entry<A>>,
    /// A snapshot received from the leader, to fold the stored log into
    /// before the entries are written.
    pub snapshot: Option<Arc<Snapshot<A>>>,
}

impl<A: Application> Input<A> {
    /// A client asks the server to run `command` (an [`Input::Propose`] of
    /// it, for a command not shared with anything else yet).
    pub fn propose(command: A::Command) -> Input<A> {
        Input::Propose(Arc::new(command))
    }
}

impl<A: Application> PersistentState<A> {
    /// Writes a change to this storage.
    pub fn apply(&mut self, change: &PersistChange<A>) {
        self.current_term = change.current_term;
        self.voted_for = change.voted_for;
        if let Some(snapshot) = &change.snapshot {
            self.log.compact_to(snapshot.clone());
        }
        self.log.truncate_from(change.entries_from);
        for entry in &change.entries {
            self.log.append(entry.clone());
        }
    }
}

/// What a server wants done after one input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ready<A: Application> {
    /// Changes to write to stable storage first.
    pub persist: Option<PersistChange<A>>,
    /// Messages to send, with their destinations.
    pub messages: Vec<(NodeId, Message<A>)>,
    /// Entries newly known to be committed, in order, for the state machine.
    pub committed: Vec<Entry<A>>,
    /// Role changes made during this step, in order.
    pub transitions: Vec<Transition>,
    /// The answer to an [`Input::Propose`].
    pub proposal: Option<ProposalOutcome>,
    /// Reads that may now be answered from the state machine, after this
    /// Ready's committed entries are applied.
    pub reads: Vec<ReadReady<A>>,
    /// A snapshot from the leader: the state machine is to be replaced by
    /// its state before this Ready's committed entries are applied.
    pub snapshot: Option<Arc<Snapshot<A>>>,
    /// The instant the server next wants an [`Input::Tick`].
    pub next_deadline: Micros,
}

/// A read a leader has made safe to answer from its state machine now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadReady<A: Application> {
    /// The read.
    pub request: A::Command,
    /// The commitIndex it was ordered after; already applied.
    pub read_index: LogIndex,
}

//! One Raft server as a value: state in, [`Ready`] out (the Raft paper's Figure 2).

use super::log::{Entry, Log, LogCommand};
use super::membership::{
    CatchUp, Membership, MembershipChange, MembershipError, MembershipJob, CATCH_UP_ROUNDS_MAX,
};
use super::message::{
    AppendEntries, AppendEntriesReply, ConflictHint, InstallSnapshot, Message, RequestVote,
    RequestVoteReply, TimeoutNow,
};
use super::snapshot::Snapshot;
use super::types::{LogIndex, Micros, NodeId, Role, Term};
use crate::kv::ClientRequest;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// Switches that each break one rule of Raft. Every one is caught by a checker
/// (see the tests named after them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BugSwitches {
    /// The state machine runs a retried request again instead of answering it
    /// from the client's session (§8).
    #[serde(default)]
    pub no_request_dedup: bool,
    /// A follower accepts AppendEntries without checking prevLogIndex/prevLogTerm (§5.3).
    #[serde(default)]
    pub skip_prev_log_check: bool,
    /// Servers apply entries as soon as they are in the log, before they commit.
    #[serde(default)]
    pub apply_before_commit: bool,
    /// A server grants votes without the up-to-date log check (§5.4.1).
    #[serde(default)]
    pub vote_without_log_check: bool,
    /// A restarted server forgets whom it voted for in its current term, so
    /// it can vote twice in one term (votedFor is persistent state, Figure 2).
    #[serde(default)]
    pub forget_vote_on_restart: bool,
    /// A leader commits an entry of an earlier term once a majority stores it,
    /// which §5.4.2 and the paper's Figure 8 show can lose committed entries.
    #[serde(default)]
    pub commit_old_terms_by_counting: bool,
    /// A server that believes it is leader answers reads from its own state
    /// machine at once, without the log or confirming it still leads (§8):
    /// a deposed leader serves stale values.
    #[serde(default)]
    pub stale_leader_reads: bool,
    /// A leader appends a new configuration before it has committed an
    /// entry of its own term: the single-server change bug found in 2015,
    /// which can let two configurations that share no majority both decide.
    #[serde(default)]
    pub membership_change_before_term_commit: bool,
    /// A change of voters switches straight from C_old to C_new without
    /// joint consensus: the unsafe switch of the paper's Figure 10, where
    /// a majority of each can elect its own leader in the same term.
    #[serde(default)]
    pub direct_membership_switch: bool,
}

/// `NAMES` and `switch_mut` for a struct of boolean switches, from one list
/// of its fields, so the names and the fields cannot drift apart.
macro_rules! named_switches {
    ($type:ident { $($field:ident),+ $(,)? }) => {
        impl $type {
            /// Every switch's name, as written in configs, run files and the CLI.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            /// The switch called `name`, for setting or reading; `None` for an unknown name.
            pub fn switch_mut(&mut self, name: &str) -> Option<&mut bool> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)+
                    _ => None,
                }
            }
        }
    };
}

named_switches!(BugSwitches {
    no_request_dedup,
    skip_prev_log_check,
    apply_before_commit,
    vote_without_log_check,
    forget_vote_on_restart,
    commit_old_terms_by_counting,
    stale_leader_reads,
    membership_change_before_term_commit,
    direct_membership_switch,
});

impl BugSwitches {
    /// True when any rule is broken.
    pub fn any(&self) -> bool {
        *self != BugSwitches::default()
    }
}

/// How a leader answers reads (thesis §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMode {
    /// A read is a log entry like a write: linearizable, and as slow as one.
    #[default]
    Log,
    /// ReadIndex: once it has committed an entry of its term, the leader
    /// notes its commitIndex, confirms it still leads with a heartbeat round
    /// answered by a majority, and answers once that index is applied.
    ReadIndex,
    /// Lease: a majority's answer to a heartbeat round sent at `t` lets the
    /// leader answer reads at once until `t` + the minimum election timeout,
    /// assuming clocks drift by less than the gap to the next election. It
    /// relies on leader stickiness, so it needs CheckQuorum on.
    Lease,
}

/// The optional mechanisms of the Raft paper and thesis, each a switch so a
/// learner can compare a cluster with and without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct RaftOptions {
    /// A new leader appends a no-op entry of its own term at once, so the
    /// entries of earlier terms commit without waiting for a client (thesis §6.4).
    pub noop_on_election: bool,
    /// A follower's rejection names the conflicting term and where it starts
    /// (or where its log ends), so the leader skips a term per round trip
    /// instead of one entry (§5.3's closing optimization).
    pub fast_backtracking: bool,
    /// Before raising its term, a server asks whether it could win; servers
    /// that heard from a leader within the minimum election timeout say no.
    /// A server cut off from the leader then cannot disrupt it (thesis §9.6).
    pub pre_vote: bool,
    /// A leader that hears from no majority within an election timeout steps
    /// down; servers that heard from a leader that recently ignore
    /// RequestVotes (leader stickiness, thesis §4.2.3 and §6.2).
    pub check_quorum: bool,
    /// How reads are answered.
    pub read_mode: ReadMode,
}

named_switches!(RaftOptions {
    noop_on_election,
    fast_backtracking,
    pre_vote,
    check_quorum,
});

impl RaftOptions {
    /// Every option switched on.
    pub fn all() -> RaftOptions {
        let mut options = RaftOptions::default();
        for name in RaftOptions::NAMES {
            if let Some(switch) = options.switch_mut(name) {
                *switch = true;
            }
        }
        options
    }
}

impl Default for RaftOptions {
    fn default() -> RaftOptions {
        RaftOptions {
            noop_on_election: true,
            fast_backtracking: true,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::Log,
        }
    }
}

/// The fixed parameters of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeConfig {
    /// This server.
    pub id: NodeId,
    /// The voting members the cluster started with, this server included;
    /// empty for a server that joins later and learns the configuration
    /// from the leader. The latest configuration entry in the log, if
    /// any, overrides it.
    pub members: Vec<NodeId>,
    /// How long a leader waits between AppendEntries rounds when idle.
    pub heartbeat_interval_us: Micros,
    /// The shortest election timeout: how long a leader's word keeps a
    /// server from helping an election (PreVote, CheckQuorum).
    pub election_timeout_min_us: Micros,
    /// The most entries one AppendEntries carries.
    pub max_entries_per_append: usize,
    /// The most AppendEntries with entries a replicating leader leaves
    /// unacknowledged per follower (flow control); at least 1.
    pub max_inflight_appends: usize,
    /// Optional mechanisms, on or off.
    pub options: RaftOptions,
    /// Rules this server breaks on purpose (all off in a correct cluster).
    pub bugs: BugSwitches,
}

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
pub enum Input {
    /// A message from another server.
    Message {
        /// The sender.
        from: NodeId,
        /// The message.
        message: Message,
    },
    /// The instant the server asked to be woken at has come.
    Tick,
    /// Start an election now, whatever the timer says (a user's "Timeout").
    ForceTimeout,
    /// A client asks the server to run a request.
    Propose(ClientRequest),
    /// A user asks this server, if it leads, to hand leadership to another.
    TransferLeadership(NodeId),
    /// A user asks this server, if it leads, to change the membership.
    /// The driver checks [`Node::can_change_membership`] first.
    ChangeMembership(MembershipChange),
}

/// Why a server changed role: the labels of the arrows in the Raft paper's Figure 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransitionCause {
    /// Its election timer ran out (or a user forced it): it starts an election.
    TimesOut,
    /// It received votes from a majority of servers.
    ReceivesMajority,
    /// It heard from the leader of its own term.
    DiscoversCurrentLeader,
    /// It saw a message with a higher term.
    DiscoversHigherTerm,
    /// It (re)started and begins as a follower.
    StartsUp,
    /// A pre-candidate heard from a majority that they would vote for it: it
    /// starts the real election (thesis §9.6).
    WinsPreVote,
    /// A leader heard from no majority for an election timeout (CheckQuorum).
    LosesQuorum,
    /// The leader asked it to take over (TimeoutNow): it starts an election.
    ReceivesTimeoutNow,
    /// A leader committed a configuration without itself (thesis §4.2.2).
    RemovedFromCluster,
}

impl TransitionCause {
    /// The words of the Figure 4 arrow.
    pub fn label(self) -> &'static str {
        match self {
            TransitionCause::TimesOut => "times out, starts election",
            TransitionCause::ReceivesMajority => "receives votes from majority of servers",
            TransitionCause::DiscoversCurrentLeader => "discovers current leader",
            TransitionCause::DiscoversHigherTerm => "discovers server with higher term",
            TransitionCause::StartsUp => "starts up",
            TransitionCause::WinsPreVote => "receives pre-votes from majority, starts election",
            TransitionCause::LosesQuorum => "hears from no majority for an election timeout",
            TransitionCause::ReceivesTimeoutNow => {
                "told by the leader to take over, starts election"
            }
            TransitionCause::RemovedFromCluster => {
                "commits a configuration without itself, steps down"
            }
        }
    }
}

/// One role change (candidate → candidate counts: a new election).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transition {
    /// The role before.
    pub from: Role,
    /// The role after.
    pub to: Role,
    /// The server's term after the change.
    pub term: Term,
    /// Why it happened.
    pub cause: TransitionCause,
}

/// How a leader sends to one follower (flow control, as etcd raft's progress states).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ProgressState {
    /// The leader does not know where the follower's log matches its own.
    /// It sends one AppendEntries from nextIndex and waits for the answer,
    /// or a heartbeat interval if none comes, before sending another (§5.3's
    /// consistency check, one probe at a time).
    Probe,
    /// The follower's log matched up to matchIndex. The leader streams
    /// batches, moving nextIndex past each one as it sends it, with at most
    /// `max_inflight_appends` of them unacknowledged.
    Replicate,
}

/// A leader's view of one follower's log (Figure 2, "volatile state on
/// leaders") and of what it has sent there (flow control).
///
/// Invariant: `match_index < next_index`. In `Probe`, `inflight` is empty;
/// in `Replicate`, `probe_sent_at` is `None`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerProgress {
    /// The next log index to send to that follower.
    pub next_index: LogIndex,
    /// The highest index known to be replicated on that follower.
    pub match_index: LogIndex,
    /// Probing for where the logs match, or streaming entries.
    pub state: ProgressState,
    /// Probe: when the one AppendEntries in flight was sent; `None` once it
    /// was answered, so the next may go at once.
    pub probe_sent_at: Option<Micros>,
    /// Replicate: the last index of each batch sent and not yet
    /// acknowledged, oldest first. Invariant: strictly increasing, each in
    /// `match_index + 1 ..= next_index - 1`; at most `max_inflight_appends`
    /// (more only after the limit was lowered, until acknowledgments drain them).
    pub inflight: VecDeque<LogIndex>,
    /// Replicate: when the window last moved (a batch sent into an empty
    /// window, or an acknowledgment). Unacknowledged batches that have not
    /// moved for a heartbeat interval were lost, or their answers were: the
    /// leader probes again from matchIndex + 1.
    pub inflight_moved_at: Micros,
}

impl PeerProgress {
    /// A follower a new leader knows nothing about yet: probing from
    /// `next_index` (its own last index + 1, §5.3), matchIndex 0.
    pub fn new(next_index: LogIndex) -> PeerProgress {
        PeerProgress {
            next_index,
            match_index: LogIndex(0),
            state: ProgressState::Probe,
            probe_sent_at: None,
            inflight: VecDeque::new(),
            inflight_moved_at: 0,
        }
    }

    /// Back to probing from `next_index` (never below matchIndex + 1):
    /// whatever was in flight is forgotten, and the probe may go at once.
    fn become_probe(&mut self, next_index: LogIndex) {
        self.state = ProgressState::Probe;
        self.next_index = next_index.max(self.match_index.next());
        self.probe_sent_at = None;
        self.inflight.clear();
    }

    /// The follower's log matches up to matchIndex: stream from just after it.
    fn become_replicate(&mut self, now: Micros) {
        self.state = ProgressState::Replicate;
        self.next_index = self.match_index.next();
        self.probe_sent_at = None;
        self.inflight.clear();
        self.inflight_moved_at = now;
    }

    /// An acknowledgment up to `index` frees every batch ending at or before it.
    fn acknowledge(&mut self, index: LogIndex, now: Micros) {
        self.match_index = self.match_index.max(index);
        self.next_index = self.next_index.max(index.next());
        while self.inflight.front().is_some_and(|end| *end <= index) {
            self.inflight.pop_front();
        }
        self.inflight_moved_at = now;
    }

    /// True when flow control lets a batch of entries go now.
    fn may_send_entries(&self, now: Micros, heartbeat_interval_us: Micros, max: usize) -> bool {
        match self.state {
            ProgressState::Probe => self
                .probe_sent_at
                .is_none_or(|at| now >= at + heartbeat_interval_us),
            ProgressState::Replicate => self.inflight.len() < max,
        }
    }

    /// True when batches sent while replicating have gone unacknowledged
    /// for a heartbeat interval: one of them, or its answer, was lost.
    fn is_stalled(&self, now: Micros, heartbeat_interval_us: Micros) -> bool {
        self.state == ProgressState::Replicate
            && !self.inflight.is_empty()
            && now >= self.inflight_moved_at + heartbeat_interval_us
    }
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

/// A read a leader has made safe to answer from its state machine now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadReady {
    /// The read.
    pub request: ClientRequest,
    /// The commitIndex it was ordered after; already applied.
    pub read_index: LogIndex,
}

/// A read waiting at the leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead {
    /// The read.
    pub request: ClientRequest,
    /// The commitIndex it must follow, once the leader has committed an
    /// entry of its own term.
    pub read_index: Option<LogIndex>,
    /// The heartbeat round whose answer by a majority confirms leadership.
    pub round: Option<u64>,
}

/// The state that must survive a crash (Figure 2, "persistent state on all servers").
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersistentState {
    /// Latest term the server has seen.
    pub current_term: Term,
    /// The candidate that received this server's vote in `current_term`.
    pub voted_for: Option<NodeId>,
    /// The log.
    pub log: Log,
}

/// A change to the persistent state, written to stable storage before any
/// message of the same step is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersistChange {
    /// The new current term.
    pub current_term: Term,
    /// The new vote.
    pub voted_for: Option<NodeId>,
    /// Discard stored entries from this index on, then store `entries`.
    pub entries_from: LogIndex,
    /// Entries to store from `entries_from` on.
    pub entries: Vec<Entry>,
    /// A snapshot received from the leader, to fold the stored log into
    /// before the entries are written.
    pub snapshot: Option<Arc<Snapshot>>,
}

impl PersistentState {
    /// Writes a change to this storage.
    pub fn apply(&mut self, change: &PersistChange) {
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
pub struct Ready {
    /// Changes to write to stable storage first.
    pub persist: Option<PersistChange>,
    /// Messages to send, with their destinations.
    pub messages: Vec<(NodeId, Message)>,
    /// Entries newly known to be committed, in order, for the state machine.
    pub committed: Vec<Entry>,
    /// Role changes made during this step, in order.
    pub transitions: Vec<Transition>,
    /// The answer to an [`Input::Propose`].
    pub proposal: Option<ProposalOutcome>,
    /// Reads that may now be answered from the state machine, after this
    /// Ready's committed entries are applied.
    pub reads: Vec<ReadReady>,
    /// A snapshot from the leader: the state machine is to be replaced by
    /// its state before this Ready's committed entries are applied.
    pub snapshot: Option<Arc<Snapshot>>,
    /// The instant the server next wants an [`Input::Tick`].
    pub next_deadline: Micros,
}

/// Role-specific volatile state.
#[derive(Clone, Debug, PartialEq, Eq)]
enum RoleState {
    Follower,
    PreCandidate {
        votes_granted: BTreeSet<NodeId>,
    },
    Candidate {
        votes_granted: BTreeSet<NodeId>,
    },
    Leader {
        progress: BTreeMap<NodeId, PeerProgress>,
        heartbeat_deadline: Micros,
        /// Peers heard from since the last quorum check (CheckQuorum).
        recently_active: BTreeSet<NodeId>,
        quorum_check_deadline: Micros,
        /// The last heartbeat round sent, when it was sent, and the latest
        /// round each peer answered.
        round: u64,
        rounds_sent_at: VecDeque<(u64, Micros)>,
        acked_round: BTreeMap<NodeId, u64>,
        /// Reads are answerable without a round until then (Lease).
        lease_until: Micros,
        pending_reads: Vec<PendingRead>,
        /// A leadership transfer under way: to whom, and when it is abandoned.
        transfer: Option<(NodeId, Micros)>,
        /// A membership change under way (boxed: it is rare and large).
        membership_job: Option<Box<MembershipJob>>,
    },
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Node {
    config: NodeConfig,
    // Persistent state (mirrored to storage through `Ready::persist`).
    current_term: Term,
    voted_for: Option<NodeId>,
    log: Log,
    /// The configuration the cluster started with (see `NodeConfig::members`).
    bootstrap: Membership,
    /// Every configuration entry in the log, in index order, so the latest
    /// is at hand and a truncation can fall back to the one before.
    /// Invariant: exactly the `LogCommand::Config` entries of `log`.
    configs: Vec<(LogIndex, Membership)>,
    // Volatile state. Invariant: last_applied <= commit_index <= log.last_index().
    commit_index: LogIndex,
    last_applied: LogIndex,
    role: RoleState,
    leader_id: Option<NodeId>,
    /// When this server last heard from a leader of its term.
    leader_heard_at: Option<Micros>,
    election_deadline: Micros,
    election_timeout_us: Micros,
    // Bookkeeping for the Ready being built.
    ready: Ready,
    hard_state_dirty: bool,
    unstable_from: Option<LogIndex>,
}

impl Node {
    /// A server starting for the first time, with empty storage.
    pub fn new(config: NodeConfig, ctx: StepContext) -> Node {
        Node::restart(config, &PersistentState::default(), ctx)
    }

    /// A server starting from what it persisted before a crash (or from a
    /// prepared state in a scenario). Volatile state starts afresh (Figure 2).
    pub fn restart(config: NodeConfig, stored: &PersistentState, ctx: StepContext) -> Node {
        assert!(
            config.members.is_empty() || config.members.contains(&config.id),
            "a server starting a cluster is one of its members"
        );
        assert!(config.heartbeat_interval_us > 0 && config.max_entries_per_append > 0);
        assert!(
            config.max_inflight_appends > 0,
            "one batch may always be in flight"
        );
        let voted_for = if config.bugs.forget_vote_on_restart {
            None
        } else {
            stored.voted_for
        };
        let configs = stored
            .log
            .memberships()
            .map(|(index, membership)| (index, membership.clone()))
            .collect();
        // What a snapshot holds was committed and applied before the crash;
        // the driver restores the state machine from it.
        let snapshot_index = stored.log.snapshot_index();
        Node {
            bootstrap: Membership::of(config.members.iter().copied()),
            configs,
            config,
            current_term: stored.current_term,
            voted_for,
            log: stored.log.clone(),
            commit_index: snapshot_index,
            last_applied: snapshot_index,
            role: RoleState::Follower,
            leader_id: None,
            leader_heard_at: None,
            election_deadline: ctx.now + ctx.election_timeout_us,
            election_timeout_us: ctx.election_timeout_us,
            ready: Ready::default(),
            hard_state_dirty: false,
            unstable_from: None,
        }
    }

    /// Processes one input and returns what the server wants done.
    pub fn step(&mut self, ctx: StepContext, input: Input) -> Ready {
        match input {
            Input::Message { from, message } => self.step_message(ctx, from, message),
            Input::Tick => self.tick(ctx),
            Input::ForceTimeout => self.start_election(ctx),
            Input::Propose(request) => self.propose(ctx, request),
            Input::TransferLeadership(to) => self.transfer_leadership(ctx, to),
            Input::ChangeMembership(change) => self.change_membership(ctx, change),
        }
        self.take_ready()
    }

    // ---- Accessors (read by the simulator's view model and the checkers) ----

    /// This server's id.
    pub fn id(&self) -> NodeId {
        self.config.id
    }

    /// The current role.
    pub fn role(&self) -> Role {
        match self.role {
            RoleState::Follower => Role::Follower,
            RoleState::PreCandidate { .. } => Role::PreCandidate,
            RoleState::Candidate { .. } => Role::Candidate,
            RoleState::Leader { .. } => Role::Leader,
        }
    }

    /// The current term.
    pub fn current_term(&self) -> Term {
        self.current_term
    }

    /// Whom this server voted for in the current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    /// The log.
    pub fn log(&self) -> &Log {
        &self.log
    }

    /// The highest index known to be committed.
    pub fn commit_index(&self) -> LogIndex {
        self.commit_index
    }

    /// The highest index handed to the state machine.
    pub fn last_applied(&self) -> LogIndex {
        self.last_applied
    }

    /// The leader this server knows of in its current term.
    pub fn leader_id(&self) -> Option<NodeId> {
        self.leader_id
    }

    /// When the election timer fires, for followers and candidates.
    pub fn election_deadline(&self) -> Option<Micros> {
        match self.role {
            RoleState::Leader { .. } => None,
            _ => Some(self.election_deadline),
        }
    }

    /// The length of the election timeout drawn when the timer was last reset.
    pub fn election_timeout_us(&self) -> Micros {
        self.election_timeout_us
    }

    /// Votes a candidate (or pre-votes a pre-candidate) has received in its
    /// current election, itself included.
    pub fn votes_granted(&self) -> Vec<NodeId> {
        match &self.role {
            RoleState::Candidate { votes_granted } | RoleState::PreCandidate { votes_granted } => {
                votes_granted.iter().copied().collect()
            }
            _ => Vec::new(),
        }
    }

    /// Reads waiting at a leader for ReadIndex or a lease.
    pub fn pending_reads(&self) -> &[PendingRead] {
        match &self.role {
            RoleState::Leader { pending_reads, .. } => pending_reads,
            _ => &[],
        }
    }

    /// A leader's progress per follower, in id order.
    pub fn progress(&self) -> Vec<(NodeId, PeerProgress)> {
        match &self.role {
            RoleState::Leader { progress, .. } => {
                progress.iter().map(|(id, p)| (*id, p.clone())).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The instant this server next wants to be woken.
    pub fn next_deadline(&self) -> Micros {
        match self.role {
            RoleState::Leader {
                heartbeat_deadline,
                quorum_check_deadline,
                transfer,
                ..
            } => {
                let mut deadline = heartbeat_deadline;
                if self.config.options.check_quorum {
                    deadline = deadline.min(quorum_check_deadline);
                }
                if let Some((_, until)) = transfer {
                    deadline = deadline.min(until);
                }
                deadline
            }
            _ => self.election_deadline,
        }
    }

    /// The configuration this server uses: the latest in its log, committed
    /// or not (thesis §4.1), else the one the cluster started with.
    pub fn membership(&self) -> &Membership {
        self.configs
            .last()
            .map_or_else(|| self.base_membership(), |(_, m)| m)
    }

    /// The configuration in force at `index` (for a snapshot taken there).
    pub fn membership_at(&self, index: LogIndex) -> &Membership {
        self.configs
            .iter()
            .rev()
            .find(|(at, _)| *at <= index)
            .map_or_else(|| self.base_membership(), |(_, m)| m)
    }

    /// The configuration before the log's first configuration entry: the
    /// snapshot's, else the one the cluster started with.
    fn base_membership(&self) -> &Membership {
        self.log
            .snapshot()
            .map_or(&self.bootstrap, |snapshot| &snapshot.membership)
    }

    /// Folds the log up to `snapshot.index` into `snapshot`, which the
    /// driver made from its state machine (thesis §5.1: each server
    /// compacts on its own). Only applied entries can go.
    pub fn compact(&mut self, snapshot: Arc<Snapshot>) {
        assert!(
            snapshot.index <= self.last_applied,
            "a snapshot covers applied entries only"
        );
        debug_assert_eq!(self.log.term_at(snapshot.index), Some(snapshot.term));
        self.configs.retain(|(index, _)| *index > snapshot.index);
        self.log.compact_to(snapshot);
    }

    /// Takes the parameters of `config` that may change while a server
    /// runs: timings, batch and window sizes, options and bug switches. Its
    /// id and the members it started with stay (membership changes go
    /// through the log, thesis chapter 4), and so do the deadlines already
    /// set: the next ones follow the new values. The driver checks the
    /// values first (the simulator's `Config::validate`), e.g. that lease
    /// reads come with CheckQuorum.
    pub fn reconfigure(&mut self, now: Micros, config: NodeConfig) {
        assert_eq!(config.id, self.config.id, "a server keeps its id");
        assert!(config.heartbeat_interval_us > 0 && config.max_entries_per_append > 0);
        assert!(
            config.max_inflight_appends > 0,
            "one batch may always be in flight"
        );
        let members = std::mem::take(&mut self.config.members);
        let old = std::mem::replace(&mut self.config, NodeConfig { members, ..config });
        let (old_options, new_options) = (old.options, self.config.options);
        // A lease rests on the followers that answered a round refusing to
        // vote for a minimum election timeout after (CheckQuorum), under
        // the rules in force when they answered: rounds answered under
        // other rules vouch for nothing (thesis §6.4.1).
        let lease_rules_changed = old_options.read_mode != new_options.read_mode
            || old_options.check_quorum != new_options.check_quorum
            || old.election_timeout_min_us != self.config.election_timeout_min_us;
        let check_quorum_starts = new_options.check_quorum && !old_options.check_quorum;
        let quorum_check_interval = self.config.election_timeout_min_us;
        let RoleState::Leader {
            lease_until,
            rounds_sent_at,
            recently_active,
            quorum_check_deadline,
            ..
        } = &mut self.role
        else {
            return;
        };
        if lease_rules_changed {
            *lease_until = 0;
            rounds_sent_at.clear();
        }
        if check_quorum_starts {
            // Nobody was counting: the first check covers a whole interval
            // from now, not whatever was heard since the term began.
            recently_active.clear();
            *quorum_check_deadline = now + quorum_check_interval;
        }
    }

    /// The log index of the configuration in use; 0 when it is the starting
    /// one or the snapshot's (both committed, which is all callers ask).
    pub fn membership_index(&self) -> LogIndex {
        self.configs.last().map_or(LogIndex(0), |(index, _)| *index)
    }

    /// A leader's membership change under way, if any.
    pub fn membership_job(&self) -> Option<&MembershipJob> {
        match &self.role {
            RoleState::Leader { membership_job, .. } => membership_job.as_deref(),
            _ => None,
        }
    }

    /// Would this server start `change` now? Only a leader with no other
    /// change under way does, and only a change that makes sense for the
    /// configuration in use.
    pub fn can_change_membership(&self, change: &MembershipChange) -> Result<(), MembershipError> {
        let RoleState::Leader { membership_job, .. } = &self.role else {
            return Err(MembershipError::NotLeader);
        };
        let current = self.membership();
        if membership_job.is_some() || current.is_joint() {
            return Err(MembershipError::ChangeInProgress);
        }
        match change {
            MembershipChange::AddServer(id) if current.is_voter(*id) => {
                Err(MembershipError::AlreadyMember(*id))
            }
            MembershipChange::RemoveServer(id) if !current.contains(*id) => {
                Err(MembershipError::NotMember(*id))
            }
            MembershipChange::RemoveServer(id)
                if current.voters.len() == 1 && current.is_voter(*id) =>
            {
                Err(MembershipError::NoVotersLeft)
            }
            MembershipChange::ReplaceVoters(voters) if voters.is_empty() => {
                Err(MembershipError::NoVotersLeft)
            }
            MembershipChange::ReplaceVoters(voters) if *voters == current.voters => {
                Err(MembershipError::NothingToChange)
            }
            _ => Ok(()),
        }
    }

    // ---- Step by input ----

    fn step_message(&mut self, ctx: StepContext, from: NodeId, message: Message) {
        if let RoleState::Leader {
            recently_active, ..
        } = &mut self.role
        {
            recently_active.insert(from);
        }
        // Leader stickiness: while a leader's word is fresh, a RequestVote
        // is ignored outright, its term included, unless that leader asked
        // for the election (a leadership transfer).
        if self.config.options.check_quorum
            && matches!(
                message,
                Message::RequestVote(RequestVote {
                    pre_vote: false,
                    transfer: false,
                    ..
                })
            )
            && self.leader_is_fresh(ctx.now)
        {
            return;
        }
        // A vote request from a server outside our configuration, while a
        // leader's word is fresh, is dropped, its term included: a removed
        // server that never learnt of its removal cannot disrupt the
        // cluster (thesis §4.2.3). Otherwise it is answered as usual: a new
        // server must be able to vote before it learns its configuration.
        if let Message::RequestVote(RequestVote { candidate, .. }) = message {
            if !self.membership().is_voter(candidate) && self.leader_is_fresh(ctx.now) {
                return;
            }
        }
        // §5.1: any higher term seen makes this server a follower in that term.
        if message.term() > self.current_term && !message.is_term_neutral() {
            let leader = match message {
                Message::AppendEntries(AppendEntries { leader, .. }) => Some(leader),
                _ => None,
            };
            self.become_follower(
                ctx,
                message.term(),
                leader,
                TransitionCause::DiscoversHigherTerm,
            );
        }
        match message {
            Message::RequestVote(RequestVote {
                term,
                candidate,
                last_log_index,
                last_log_term,
                pre_vote: false,
                ..
            }) => self.handle_request_vote(ctx, term, candidate, last_log_index, last_log_term),
            Message::RequestVote(RequestVote {
                term,
                candidate,
                last_log_index,
                last_log_term,
                pre_vote: true,
                ..
            }) => self.handle_pre_vote(ctx, term, candidate, last_log_index, last_log_term),
            Message::TimeoutNow(TimeoutNow { term }) => {
                if term == self.current_term && !matches!(self.role, RoleState::Leader { .. }) {
                    self.campaign(ctx, TransitionCause::ReceivesTimeoutNow);
                }
            }
            Message::RequestVoteReply(RequestVoteReply {
                term,
                vote_granted,
                pre_vote: false,
            }) => self.handle_request_vote_reply(ctx, from, term, vote_granted),
            Message::RequestVoteReply(RequestVoteReply {
                term,
                vote_granted,
                pre_vote: true,
            }) => self.handle_pre_vote_reply(ctx, from, term, vote_granted),
            Message::AppendEntries(AppendEntries {
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                round,
            }) => self.handle_append_entries(
                ctx,
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                round,
            ),
            Message::InstallSnapshot(InstallSnapshot {
                term,
                leader,
                snapshot,
                round,
            }) => self.handle_install_snapshot(ctx, term, leader, snapshot, round),
            Message::AppendEntriesReply(AppendEntriesReply {
                term,
                success,
                index,
                conflict,
                round,
            }) => {
                self.handle_append_entries_reply(ctx, from, term, success, index, conflict);
                self.note_round_answered(ctx, from, term, round);
                let transferring_to_sender = matches!(
                    self.role,
                    RoleState::Leader { transfer: Some((to, _)), .. } if to == from
                );
                if success && transferring_to_sender {
                    self.continue_transfer(ctx);
                }
                if success {
                    self.maybe_advance_membership(ctx);
                }
            }
        }
    }

    fn tick(&mut self, ctx: StepContext) {
        match self.role {
            RoleState::Leader {
                heartbeat_deadline,
                quorum_check_deadline,
                ..
            } => {
                if let RoleState::Leader { transfer, .. } = &mut self.role {
                    if transfer.is_some_and(|(_, until)| ctx.now >= until) {
                        // The target never took over: take requests again.
                        *transfer = None;
                    }
                }
                if self.config.options.check_quorum && ctx.now >= quorum_check_deadline {
                    self.check_quorum(ctx);
                    if !matches!(self.role, RoleState::Leader { .. }) {
                        return;
                    }
                }
                if ctx.now >= heartbeat_deadline {
                    self.broadcast_append_entries(ctx);
                }
            }
            RoleState::Follower | RoleState::PreCandidate { .. } | RoleState::Candidate { .. } => {
                if ctx.now >= self.election_deadline {
                    self.start_election(ctx);
                }
            }
        }
        if let RoleState::Leader { .. } = self.role {
            self.maybe_advance_membership(ctx);
        }
    }

    /// Starts handing leadership to `to`: no new requests from now on; once
    /// `to`'s log matches ours it is told to time out at once. Abandoned
    /// after an election timeout (thesis §3.10).
    fn transfer_leadership(&mut self, ctx: StepContext, to: NodeId) {
        if to == self.config.id || !self.membership().is_voter(to) {
            return;
        }
        let until = ctx.now + self.config.election_timeout_min_us;
        let RoleState::Leader { transfer, .. } = &mut self.role else {
            return;
        };
        *transfer = Some((to, until));
        self.continue_transfer(ctx);
    }

    /// Sends TimeoutNow if a transfer is under way and its target is caught
    /// up; otherwise makes sure it is being caught up.
    fn continue_transfer(&mut self, ctx: StepContext) {
        let last_index = self.log.last_index();
        let RoleState::Leader {
            transfer: Some((to, _)),
            progress,
            ..
        } = &self.role
        else {
            return;
        };
        let to = *to;
        let caught_up = progress
            .get(&to)
            .is_some_and(|p| p.match_index == last_index);
        if caught_up {
            let term = self.current_term;
            self.send(to, Message::TimeoutNow(TimeoutNow { term }));
        } else {
            self.maybe_send_entries(ctx, to);
        }
    }

    /// CheckQuorum: a leader that heard from no majority since the last
    /// check steps down; otherwise it starts counting afresh.
    fn check_quorum(&mut self, ctx: StepContext) {
        let interval = self.config.election_timeout_min_us;
        let id = self.config.id;
        let RoleState::Leader {
            recently_active, ..
        } = &self.role
        else {
            return;
        };
        let heard = self
            .membership()
            .has_quorum(|peer| peer == id || recently_active.contains(&peer));
        let RoleState::Leader {
            recently_active,
            quorum_check_deadline,
            ..
        } = &mut self.role
        else {
            return;
        };
        recently_active.clear();
        *quorum_check_deadline = ctx.now + interval;
        if !heard {
            let term = self.current_term;
            self.become_follower(ctx, term, None, TransitionCause::LosesQuorum);
        }
    }

    /// True while this server has heard from a leader of its term within the
    /// minimum election timeout (or is that leader).
    fn leader_is_fresh(&self, now: Micros) -> bool {
        matches!(self.role, RoleState::Leader { .. })
            || self
                .leader_heard_at
                .is_some_and(|at| now < at + self.config.election_timeout_min_us)
    }

    fn propose(&mut self, ctx: StepContext, request: ClientRequest) {
        if !matches!(self.role, RoleState::Leader { .. }) {
            self.ready.proposal = Some(ProposalOutcome::NotLeader {
                leader_hint: self.leader_id,
            });
            return;
        }
        if let RoleState::Leader {
            transfer: Some((to, _)),
            ..
        } = self.role
        {
            self.ready.proposal = Some(ProposalOutcome::Transferring { to });
            return;
        }
        if self.config.bugs.stale_leader_reads && request.op.is_read() {
            self.ready.proposal = Some(ProposalOutcome::ServeLocally);
            return;
        }
        if self.config.options.read_mode != ReadMode::Log && request.op.is_read() {
            if let RoleState::Leader { pending_reads, .. } = &mut self.role {
                pending_reads.push(PendingRead {
                    request,
                    read_index: None,
                    round: None,
                });
            }
            self.ready.proposal = Some(ProposalOutcome::ReadPending);
            self.advance_reads(ctx);
            return;
        }
        let index = self.log.last_index().next();
        self.append_to_own_log(Entry {
            index,
            term: self.current_term,
            command: LogCommand::Client(std::sync::Arc::new(request)),
        });
        self.ready.proposal = Some(ProposalOutcome::Accepted {
            index,
            term: self.current_term,
        });
        // A cluster of one commits at once; otherwise replicate without waiting
        // for the next heartbeat.
        self.maybe_advance_commit(ctx);
        self.broadcast_append_entries(ctx);
    }

    // ---- Membership (thesis chapter 4) ----

    /// Every server a leader sends AppendEntries to: the members of the
    /// configuration in use and, until that configuration commits, those of
    /// the one before, so a removed server still learns it was removed.
    fn replication_targets(&self) -> BTreeSet<NodeId> {
        let mut targets = self.membership().replicas();
        if let Some(previous) = self.uncommitted_predecessor() {
            targets.extend(previous.replicas());
        }
        targets.remove(&self.config.id);
        targets
    }

    /// While the configuration in use is not known to be committed, the one
    /// before it.
    fn uncommitted_predecessor(&self) -> Option<&Membership> {
        if self.membership_index() <= self.commit_index {
            return None;
        }
        match self.configs.len() {
            0 => None,
            1 => Some(self.base_membership()),
            n => Some(&self.configs[n - 2].1),
        }
    }

    /// May this server start an election? A voter may. So may a server
    /// that voted in the configuration before an uncommitted one that
    /// leaves it out: it may hold the only copy of that entry, and the
    /// remaining voters can then only commit it under its leadership (it
    /// counts votes by its own latest configuration, so this is safe).
    fn may_campaign(&self) -> bool {
        let id = self.config.id;
        self.membership().is_voter(id)
            || self
                .uncommitted_predecessor()
                .is_some_and(|previous| previous.is_voter(id))
    }

    /// Brings a leader's per-follower progress in line with the servers it
    /// replicates to: newcomers start at the end of its log, as every
    /// follower does when a leader takes office (Figure 2).
    fn sync_progress(&mut self) {
        let targets = self.replication_targets();
        let next_index = self.log.last_index().next();
        let RoleState::Leader { progress, .. } = &mut self.role else {
            return;
        };
        progress.retain(|peer, _| targets.contains(peer));
        for peer in targets {
            progress
                .entry(peer)
                .or_insert_with(|| PeerProgress::new(next_index));
        }
    }

    /// Takes on a membership change the driver has checked with
    /// [`Node::can_change_membership`].
    fn change_membership(&mut self, ctx: StepContext, change: MembershipChange) {
        if self.can_change_membership(&change).is_err() {
            return;
        }
        if let RoleState::Leader { membership_job, .. } = &mut self.role {
            *membership_job = Some(Box::new(MembershipJob {
                change,
                catch_up: None,
            }));
        }
        self.maybe_advance_membership(ctx);
    }

    /// Moves a leader's membership change one step on if it can: appends
    /// the next configuration once the last one has committed (one change at
    /// a time) and the leader has committed an entry of its own term (the
    /// 2015 fix to single-server changes), or runs a new server's catch-up
    /// rounds. A joint configuration found with no change under way (its
    /// leader failed) is finished by moving to C_new.
    fn maybe_advance_membership(&mut self, ctx: StepContext) {
        let RoleState::Leader {
            membership_job,
            progress,
            ..
        } = &self.role
        else {
            return;
        };
        // Called on every acknowledgment and tick: almost always idle.
        if membership_job.is_none() && !self.membership().is_joint() {
            return;
        }
        let current = self.membership().clone();
        let mut job = match membership_job {
            Some(job) => MembershipJob::clone(job),
            None if current.is_joint() => MembershipJob {
                change: MembershipChange::ReplaceVoters(current.voters.clone()),
                catch_up: None,
            },
            None => return,
        };
        let committed = self.membership_index() <= self.commit_index;
        let may_append = committed
            && (self.config.bugs.membership_change_before_term_commit
                || self.log.term_at(self.commit_index) == Some(self.current_term));
        let mut next = None;
        let mut finished = false;
        match &job.change {
            MembershipChange::AddServer(id) => {
                let id = *id;
                if current.is_voter(id) {
                    finished = committed;
                } else if !current.is_learner(id) {
                    let mut with_learner = current.clone();
                    with_learner.learners.insert(id);
                    next = Some(with_learner);
                } else if committed {
                    let matched = progress.get(&id).map_or(LogIndex(0), |p| p.match_index);
                    match self.catch_up_step(ctx, job.catch_up, matched) {
                        Some(catch_up) => {
                            if catch_up.caught_up {
                                let mut promoted = current.clone();
                                promoted.learners.remove(&id);
                                promoted.voters.insert(id);
                                next = Some(promoted);
                            }
                            job.catch_up = Some(catch_up);
                        }
                        // Too slow for every round: give up; it stays a learner.
                        None => finished = true,
                    }
                }
            }
            MembershipChange::RemoveServer(id) => {
                if current.contains(*id) {
                    let mut without = current.clone();
                    without.voters.remove(id);
                    without.learners.remove(id);
                    next = Some(without);
                } else {
                    finished = committed;
                }
            }
            MembershipChange::ReplaceVoters(voters) => {
                let learners = current.learners.difference(voters).copied().collect();
                if current.voters != *voters {
                    let outgoing = if self.config.bugs.direct_membership_switch {
                        None
                    } else {
                        Some(current.voters.clone())
                    };
                    next = Some(Membership {
                        voters: voters.clone(),
                        outgoing,
                        learners,
                    });
                } else if current.is_joint() {
                    next = Some(Membership {
                        voters: voters.clone(),
                        outgoing: None,
                        learners,
                    });
                } else {
                    finished = committed;
                }
            }
        }
        if let RoleState::Leader { membership_job, .. } = &mut self.role {
            *membership_job = (!finished).then(|| Box::new(job));
        }
        if let (Some(membership), true) = (next, may_append) {
            let index = self.log.last_index().next();
            self.append_to_own_log(Entry {
                index,
                term: self.current_term,
                command: LogCommand::Config(membership),
            });
            self.maybe_advance_commit(ctx);
            self.broadcast_append_entries(ctx);
        }
    }

    /// One look at a learner's catch-up (thesis §4.2.1): starts the first
    /// round, or, once the learner holds everything the current round
    /// asked for, either declares it caught up (the round took less than an
    /// election timeout) or starts the next. `None` once the rounds are
    /// spent.
    fn catch_up_step(
        &self,
        ctx: StepContext,
        catch_up: Option<CatchUp>,
        matched: LogIndex,
    ) -> Option<CatchUp> {
        let new_round = |round| CatchUp {
            round,
            round_end_index: self.log.last_index(),
            round_started_at: ctx.now,
            caught_up: false,
        };
        let Some(mut catch_up) = catch_up else {
            return Some(new_round(1));
        };
        if catch_up.caught_up || matched < catch_up.round_end_index {
            return Some(catch_up);
        }
        if ctx.now - catch_up.round_started_at < self.config.election_timeout_min_us {
            catch_up.caught_up = true;
            return Some(catch_up);
        }
        (catch_up.round < CATCH_UP_ROUNDS_MAX).then(|| new_round(catch_up.round + 1))
    }

    // ---- Elections (§5.2) ----

    /// The election timer ran out (or a user forced it): a pre-vote round
    /// with PreVote on, else an election.
    fn start_election(&mut self, ctx: StepContext) {
        if !self.may_campaign() {
            // Learners, removed servers and servers that have not yet heard
            // of their configuration only listen (thesis §4.2.1, §4.2.2).
            self.reset_election_timer(ctx);
            return;
        }
        if self.config.options.pre_vote {
            self.pre_campaign(ctx);
        } else {
            self.campaign(ctx, TransitionCause::TimesOut);
        }
    }

    /// Asks everyone whether they would vote for this server in the next
    /// term, without changing any term or vote (thesis §9.6).
    fn pre_campaign(&mut self, ctx: StepContext) {
        let from = self.role();
        self.leader_id = None;
        self.role = RoleState::PreCandidate {
            votes_granted: BTreeSet::from([self.config.id]),
        };
        self.record_transition(from, TransitionCause::TimesOut);
        self.reset_election_timer(ctx);
        if self.has_majority_of_votes() {
            self.campaign(ctx, TransitionCause::WinsPreVote);
            return;
        }
        self.ask_for_votes(self.current_term.next(), true, false);
    }

    /// Sends every peer a RequestVote (or pre-vote) for `term`.
    fn ask_for_votes(&mut self, term: Term, pre_vote: bool, transfer: bool) {
        let request = Message::RequestVote(RequestVote {
            term,
            candidate: self.config.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote,
            transfer,
        });
        let mut voters = self.membership().all_voters();
        voters.remove(&self.config.id);
        for peer in voters {
            self.send(peer, request.clone());
        }
    }

    /// A pre-vote is granted to a pre-candidate that could win: its log is
    /// up to date, the term it would campaign in is ahead of ours, and we have
    /// not heard from a leader within the minimum election timeout.
    fn handle_pre_vote(
        &mut self,
        ctx: StepContext,
        term: Term,
        candidate: NodeId,
        last_log_index: LogIndex,
        last_log_term: Term,
    ) {
        let vote_granted = term > self.current_term
            && !self.leader_is_fresh(ctx.now)
            && (self.config.bugs.vote_without_log_check
                || self.log.is_up_to_date(last_log_term, last_log_index));
        let term = if vote_granted {
            term
        } else {
            self.current_term
        };
        self.send(
            candidate,
            Message::RequestVoteReply(RequestVoteReply {
                term,
                vote_granted,
                pre_vote: true,
            }),
        );
    }

    fn handle_pre_vote_reply(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        term: Term,
        vote_granted: bool,
    ) {
        if !vote_granted || term != self.current_term.next() {
            return;
        }
        let RoleState::PreCandidate { votes_granted } = &mut self.role else {
            return;
        };
        votes_granted.insert(from);
        if self.has_majority_of_votes() {
            self.campaign(ctx, TransitionCause::WinsPreVote);
        }
    }

    /// Starts an election: new term, vote for self, ask everyone else.
    fn campaign(&mut self, ctx: StepContext, cause: TransitionCause) {
        let from = self.role();
        self.current_term = Term(self.current_term.0 + 1);
        self.voted_for = Some(self.config.id);
        self.hard_state_dirty = true;
        self.leader_id = None;
        self.role = RoleState::Candidate {
            votes_granted: BTreeSet::from([self.config.id]),
        };
        self.record_transition(from, cause);
        self.reset_election_timer(ctx);
        if self.has_majority_of_votes() {
            self.become_leader(ctx);
            return;
        }
        let transfer = cause == TransitionCause::ReceivesTimeoutNow;
        self.ask_for_votes(self.current_term, false, transfer);
    }

    fn handle_request_vote(
        &mut self,
        ctx: StepContext,
        term: Term,
        candidate: NodeId,
        last_log_index: LogIndex,
        last_log_term: Term,
    ) {
        // Stale candidates are told the current term and refused.
        let vote_granted = term == self.current_term
            && self.voted_for.is_none_or(|voted| voted == candidate)
            && (self.config.bugs.vote_without_log_check
                || self.log.is_up_to_date(last_log_term, last_log_index));
        if vote_granted {
            debug_assert!(!matches!(self.role, RoleState::Leader { .. }));
            self.voted_for = Some(candidate);
            self.hard_state_dirty = true;
            self.reset_election_timer(ctx);
        }
        self.send(
            candidate,
            Message::RequestVoteReply(RequestVoteReply {
                term: self.current_term,
                vote_granted,
                pre_vote: false,
            }),
        );
    }

    fn handle_request_vote_reply(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        term: Term,
        vote_granted: bool,
    ) {
        if term < self.current_term || !vote_granted {
            return;
        }
        let RoleState::Candidate { votes_granted } = &mut self.role else {
            return;
        };
        votes_granted.insert(from);
        if self.has_majority_of_votes() {
            self.become_leader(ctx);
        }
    }

    fn has_majority_of_votes(&self) -> bool {
        match &self.role {
            RoleState::Candidate { votes_granted } | RoleState::PreCandidate { votes_granted } => {
                self.membership()
                    .has_quorum(|id| votes_granted.contains(&id))
            }
            _ => false,
        }
    }

    fn become_leader(&mut self, ctx: StepContext) {
        let next_index = self.log.last_index().next();
        let progress = self
            .replication_targets()
            .into_iter()
            .map(|peer| (peer, PeerProgress::new(next_index)))
            .collect();
        self.role = RoleState::Leader {
            progress,
            heartbeat_deadline: ctx.now,
            recently_active: BTreeSet::new(),
            quorum_check_deadline: ctx.now + self.config.election_timeout_min_us,
            round: 0,
            rounds_sent_at: VecDeque::new(),
            acked_round: BTreeMap::new(),
            lease_until: 0,
            pending_reads: Vec::new(),
            transfer: None,
            membership_job: None,
        };
        self.leader_id = Some(self.config.id);
        self.record_transition(Role::Candidate, TransitionCause::ReceivesMajority);
        if self.config.options.noop_on_election {
            let index = self.log.last_index().next();
            self.append_to_own_log(Entry {
                index,
                term: self.current_term,
                command: LogCommand::Noop,
            });
        }
        // Assert leadership at once (§5.2: "sends heartbeat messages to all of the other servers").
        self.broadcast_append_entries(ctx);
        self.maybe_advance_commit(ctx);
    }

    fn become_follower(
        &mut self,
        ctx: StepContext,
        term: Term,
        leader: Option<NodeId>,
        cause: TransitionCause,
    ) {
        debug_assert!(term >= self.current_term);
        if term > self.current_term {
            self.current_term = term;
            self.voted_for = None;
            self.hard_state_dirty = true;
        }
        self.leader_id = leader;
        let from = self.role();
        if from != Role::Follower {
            self.role = RoleState::Follower;
            self.record_transition(from, cause);
        }
        if from == Role::Leader {
            // A leader's election timer stopped when it took office; a stale
            // deadline would make it campaign the moment it steps down.
            self.reset_election_timer(ctx);
        }
    }

    fn reset_election_timer(&mut self, ctx: StepContext) {
        self.election_timeout_us = ctx.election_timeout_us;
        self.election_deadline = ctx.now + ctx.election_timeout_us;
    }

    // ---- Log replication (§5.3) ----

    /// Starts a heartbeat round: AppendEntries to every peer.
    fn broadcast_append_entries(&mut self, ctx: StepContext) {
        if let RoleState::Leader {
            heartbeat_deadline,
            round,
            rounds_sent_at,
            ..
        } = &mut self.role
        {
            *heartbeat_deadline = ctx.now + self.config.heartbeat_interval_us;
            *round += 1;
            if self.config.options.read_mode == ReadMode::Lease {
                // A round sent an election timeout ago can no longer extend the lease.
                let oldest_useful = ctx.now.saturating_sub(self.config.election_timeout_min_us);
                while rounds_sent_at
                    .front()
                    .is_some_and(|&(_, at)| at < oldest_useful)
                {
                    rounds_sent_at.pop_front();
                }
                rounds_sent_at.push_back((*round, ctx.now));
            }
        }
        self.sync_progress();
        let peers: Vec<NodeId> = match &self.role {
            RoleState::Leader { progress, .. } => progress.keys().copied().collect(),
            _ => Vec::new(),
        };
        for peer in peers {
            self.probe_if_stalled(ctx, peer);
            self.send_append_entries(ctx, peer);
        }
    }

    /// A lost batch or a lost acknowledgment must not wedge a follower:
    /// batches unacknowledged for a heartbeat interval send the leader back
    /// to probing from matchIndex + 1 (as etcd probes on a heartbeat answer).
    fn probe_if_stalled(&mut self, ctx: StepContext, peer: NodeId) {
        let interval = self.config.heartbeat_interval_us;
        let RoleState::Leader { progress, .. } = &mut self.role else {
            return;
        };
        if let Some(peer_progress) = progress.get_mut(&peer) {
            if peer_progress.is_stalled(ctx.now, interval) {
                let next = peer_progress.match_index.next();
                peer_progress.become_probe(next);
            }
        }
    }

    /// Moves reads along: orders them after the commitIndex once the leader
    /// has committed in its term, starts a heartbeat round to confirm it
    /// still leads, and hands over those a majority's answer (or a valid
    /// lease) has made safe.
    fn advance_reads(&mut self, ctx: StepContext) {
        let own_term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        let confirmed_round = self.confirmed_round();
        let commit_index = self.commit_index;
        let mode = self.config.options.read_mode;
        let RoleState::Leader {
            pending_reads,
            round,
            lease_until,
            ..
        } = &mut self.role
        else {
            return;
        };
        if pending_reads.is_empty() || !own_term_committed {
            return;
        }
        let lease_valid = mode == ReadMode::Lease && ctx.now < *lease_until;
        let mut need_round = false;
        for read in pending_reads.iter_mut() {
            if read.read_index.is_none() {
                read.read_index = Some(commit_index);
                if !lease_valid {
                    need_round = true;
                }
            }
        }
        let next_round = *round + 1;
        if need_round {
            for read in pending_reads.iter_mut().filter(|r| r.round.is_none()) {
                read.round = Some(next_round);
            }
        }
        let mut ready = Vec::new();
        pending_reads.retain(|read| {
            let safe = match read.round {
                Some(r) => confirmed_round >= r,
                None => lease_valid,
            };
            if safe {
                ready.push(ReadReady {
                    request: read.request.clone(),
                    read_index: read.read_index.unwrap_or(commit_index),
                });
            }
            !safe
        });
        self.ready.reads.extend(ready);
        if need_round {
            self.broadcast_append_entries(ctx);
        }
    }

    /// Sends `peer` what flow control allows in a heartbeat round: a batch
    /// from its nextIndex on if one may go, else an empty heartbeat (a probe
    /// is out, the window is full, or there is nothing new).
    fn send_append_entries(&mut self, ctx: StepContext, peer: NodeId) {
        if !self.maybe_send_entries(ctx, peer) {
            self.send_heartbeat(peer);
        }
    }

    /// Sends `peer` the entries from its nextIndex on if flow control lets a
    /// batch go: in Probe one AppendEntries (with or without entries) per
    /// answer or heartbeat interval; in Replicate a non-empty batch while
    /// fewer than `max_inflight_appends` are unacknowledged, nextIndex moving
    /// past it at once. True if something was sent.
    fn maybe_send_entries(&mut self, ctx: StepContext, peer: NodeId) -> bool {
        let interval = self.config.heartbeat_interval_us;
        let max_inflight = self.config.max_inflight_appends;
        let max_entries = self.config.max_entries_per_append;
        let last_index = self.log.last_index();
        let snapshot_index = self.log.snapshot_index();
        let RoleState::Leader {
            progress, round, ..
        } = &mut self.role
        else {
            return false;
        };
        let round = *round;
        let Some(peer_progress) = progress.get_mut(&peer) else {
            return false;
        };
        if !peer_progress.may_send_entries(ctx.now, interval, max_inflight) {
            return false;
        }
        if peer_progress.next_index <= snapshot_index {
            // The entries it needs were compacted away: send the snapshot,
            // paced like a probe (thesis §5.1; etcd's snapshot state).
            let Some(snapshot) = self.log.snapshot().cloned() else {
                return false;
            };
            if peer_progress.state == ProgressState::Replicate {
                peer_progress.become_probe(peer_progress.next_index);
            }
            peer_progress.probe_sent_at = Some(ctx.now);
            let message = Message::InstallSnapshot(InstallSnapshot {
                term: self.current_term,
                leader: self.config.id,
                snapshot,
                round,
            });
            self.send(peer, message);
            return true;
        }
        let next_index = peer_progress.next_index;
        let count = (last_index.0 + 1).saturating_sub(next_index.0);
        let count = count.min(max_entries as u64);
        match peer_progress.state {
            ProgressState::Probe => peer_progress.probe_sent_at = Some(ctx.now),
            ProgressState::Replicate if count == 0 => return false,
            ProgressState::Replicate => {
                // Pipelining: the next batch starts after this one, acknowledged or not.
                let batch_end = LogIndex(next_index.0 + count - 1);
                if peer_progress.inflight.is_empty() {
                    peer_progress.inflight_moved_at = ctx.now;
                }
                peer_progress.inflight.push_back(batch_end);
                peer_progress.next_index = batch_end.next();
                debug_assert!(peer_progress.inflight.len() <= max_inflight);
            }
        }
        debug_assert!(next_index <= last_index.next());
        let message = self.append_entries_from(next_index, count as usize, round);
        self.send(peer, message);
        true
    }

    /// An empty AppendEntries at `peer`'s matchIndex, where its log is known
    /// to agree with ours: it asserts leadership and carries leaderCommit
    /// without touching the flow-control window or counting as a probe, so
    /// a follower hears from its leader every round whatever flow control
    /// holds back.
    fn send_heartbeat(&mut self, peer: NodeId) {
        let RoleState::Leader {
            progress, round, ..
        } = &self.role
        else {
            return;
        };
        let round = *round;
        let Some(peer_progress) = progress.get(&peer) else {
            return;
        };
        if peer_progress.match_index < self.log.snapshot_index() {
            // It is being sent the snapshot; a heartbeat would need a
            // prevLogTerm the log no longer holds.
            return;
        }
        let message = self.append_entries_from(peer_progress.match_index.next(), 0, round);
        self.send(peer, message);
    }

    /// AppendEntries carrying `count` entries from `first` on.
    fn append_entries_from(&self, first: LogIndex, count: usize, round: u64) -> Message {
        let prev_log_index = first.prev();
        let prev_log_term = self
            .log
            .term_at(prev_log_index)
            .expect("a leader's nextIndex never passes its log's end + 1");
        let entries = self.log.entries_from(first).take(count).cloned().collect();
        Message::AppendEntries(AppendEntries {
            term: self.current_term,
            leader: self.config.id,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
            round,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn handle_append_entries(
        &mut self,
        ctx: StepContext,
        term: Term,
        leader: NodeId,
        prev_log_index: LogIndex,
        prev_log_term: Term,
        entries: Vec<Entry>,
        leader_commit: LogIndex,
        round: u64,
    ) {
        if term < self.current_term {
            // A stale leader: refuse, and our term will make it step down.
            self.reply_append(leader, false, prev_log_index, None, round);
            return;
        }
        self.heed_leader(ctx, term, leader);

        if prev_log_index < self.log.snapshot_index() {
            // What the snapshot covers is committed, so it is in the
            // leader's log too: we share at least that much.
            self.reply_append(leader, true, self.log.snapshot_index(), None, round);
            return;
        }
        let bug_skip =
            self.config.bugs.skip_prev_log_check && self.log.last_index() >= prev_log_index;
        if !bug_skip && self.log.term_at(prev_log_index) != Some(prev_log_term) {
            let conflict = self
                .config
                .options
                .fast_backtracking
                .then(|| self.conflict_hint(prev_log_index));
            self.reply_append(leader, false, prev_log_index, conflict, round);
            return;
        }
        let last_new_index = LogIndex(prev_log_index.0 + entries.len() as u64);
        for entry in entries {
            match self.log.term_at(entry.index) {
                Some(existing) if existing == entry.term => {}
                Some(_) => {
                    // §5.3: a conflicting entry and all that follow it go.
                    debug_assert!(
                        self.config.bugs.any() || entry.index > self.commit_index,
                        "a committed entry is never overwritten"
                    );
                    self.truncate_log_from(entry.index);
                    self.append_to_own_log(entry);
                }
                None => self.append_to_own_log(entry),
            }
        }
        if leader_commit > self.commit_index {
            self.commit_index = leader_commit.min(last_new_index).max(self.commit_index);
        }
        self.reply_append(leader, true, last_new_index, None, round);
    }

    /// A message from the leader of our term (or a later one): follow it,
    /// and hold off our own election (§5.2).
    fn heed_leader(&mut self, ctx: StepContext, term: Term, leader: NodeId) {
        debug_assert_eq!(term, self.current_term);
        if !matches!(self.role, RoleState::Follower) {
            self.become_follower(
                ctx,
                term,
                Some(leader),
                TransitionCause::DiscoversCurrentLeader,
            );
        }
        self.leader_id = Some(leader);
        self.leader_heard_at = Some(ctx.now);
        self.reset_election_timer(ctx);
    }

    /// Answers an AppendEntries (or InstallSnapshot) of heartbeat `round`.
    fn reply_append(
        &mut self,
        leader: NodeId,
        success: bool,
        index: LogIndex,
        conflict: Option<ConflictHint>,
        round: u64,
    ) {
        let reply = Message::AppendEntriesReply(AppendEntriesReply {
            term: self.current_term,
            success,
            index,
            conflict,
            round,
        });
        self.send(leader, reply);
    }

    /// A leader's snapshot: unless it is behind what we have committed, it
    /// replaces our log up to its index (keeping what follows if that
    /// matches), and the state machine is reloaded from it (thesis §5.1).
    fn handle_install_snapshot(
        &mut self,
        ctx: StepContext,
        term: Term,
        leader: NodeId,
        snapshot: Arc<Snapshot>,
        round: u64,
    ) {
        let index = snapshot.index;
        if term < self.current_term {
            self.reply_append(leader, false, index, None, round);
            return;
        }
        self.heed_leader(ctx, term, leader);
        if index > self.commit_index {
            let keeps_suffix = self.log.term_at(index) == Some(snapshot.term);
            self.configs.retain(|(at, _)| keeps_suffix && *at > index);
            self.log.compact_to(snapshot.clone());
            self.commit_index = index;
            self.last_applied = index;
            // Persisted and loaded by the driver from the Ready.
            self.ready.snapshot = Some(snapshot);
        }
        self.reply_append(leader, true, index, None, round);
    }

    /// A peer answered heartbeat round `round` in our term: it still takes us
    /// for its leader. Extends the lease and moves waiting reads along.
    fn note_round_answered(&mut self, ctx: StepContext, from: NodeId, term: Term, round: u64) {
        // Reads through the log never wait on rounds: skip the bookkeeping,
        // unless reads taken through ReadIndex or a lease before the mode
        // became Log still wait for theirs.
        let reads_wait = !self.pending_reads().is_empty();
        if term != self.current_term
            || (self.config.options.read_mode == ReadMode::Log && !reads_wait)
        {
            return;
        }
        let lease = self.config.election_timeout_min_us;
        let RoleState::Leader { acked_round, .. } = &mut self.role else {
            return;
        };
        let acked = acked_round.entry(from).or_insert(0);
        *acked = (*acked).max(round);
        let confirmed = self.confirmed_round();
        let RoleState::Leader {
            rounds_sent_at,
            lease_until,
            ..
        } = &mut self.role
        else {
            return;
        };
        if let Some(&(_, sent_at)) = rounds_sent_at.iter().rev().find(|(r, _)| *r <= confirmed) {
            *lease_until = (*lease_until).max(sent_at + lease);
        }
        self.advance_reads(ctx);
    }

    /// For a leader, the latest heartbeat round a majority has answered
    /// (of both halves when joint), the leader counting as having answered
    /// every round; 0 for anyone else.
    fn confirmed_round(&self) -> u64 {
        let RoleState::Leader { acked_round, .. } = &self.role else {
            return 0;
        };
        let id = self.config.id;
        self.membership().quorum_value(|peer| {
            if peer == id {
                u64::MAX
            } else {
                acked_round.get(&peer).copied().unwrap_or(0)
            }
        })
    }

    /// Where a leader should look next after this log failed to match at
    /// `prev_log_index`.
    fn conflict_hint(&self, prev_log_index: LogIndex) -> ConflictHint {
        match self.log.term_at(prev_log_index) {
            None => ConflictHint {
                term: None,
                first_index: self.log.last_index().next(),
            },
            Some(term) => {
                let mut first = prev_log_index;
                while first.0 > 1 && self.log.term_at(first.prev()) == Some(term) {
                    first = first.prev();
                }
                ConflictHint {
                    term: Some(term),
                    first_index: first,
                }
            }
        }
    }

    /// Where a leader with this log resumes after a rejection carrying `hint`:
    /// just past its own last entry of the conflicting term if it has one,
    /// else at the first index the follower holds of that term.
    fn next_index_after(&self, hint: ConflictHint) -> LogIndex {
        let Some(term) = hint.term else {
            return hint.first_index;
        };
        let mut index = self.log.last_index();
        while index.0 > 0 {
            match self.log.term_at(index) {
                Some(t) if t == term => return index.next(),
                Some(t) if t < term => break,
                Some(_) => index = index.prev(),
                // Compacted: nothing further back to compare.
                None => break,
            }
        }
        hint.first_index
    }

    /// Updates `from`'s progress with its answer and sends what that allows.
    /// Replies may come late, twice or out of order: only one that tells
    /// something new moves the progress, so no copy sends a batch again.
    fn handle_append_entries_reply(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        term: Term,
        success: bool,
        index: LogIndex,
        conflict: Option<ConflictHint>,
    ) {
        if term < self.current_term {
            return;
        }
        let hinted = conflict
            .filter(|_| self.config.options.fast_backtracking)
            .map(|hint| self.next_index_after(hint));
        let RoleState::Leader { progress, .. } = &mut self.role else {
            return;
        };
        let Some(peer) = progress.get_mut(&from) else {
            return;
        };
        let (advanced, send_more) = if success {
            Self::on_append_success(peer, index, ctx.now)
        } else {
            (false, Self::on_append_rejection(peer, index, hinted))
        };
        debug_assert!(peer.match_index < peer.next_index);
        if advanced {
            self.maybe_advance_commit(ctx);
        }
        if send_more {
            self.maybe_send_entries(ctx, from);
        }
    }

    /// A follower stored our entries up to `index`. Returns whether
    /// matchIndex moved, and whether to send the next batch.
    fn on_append_success(peer: &mut PeerProgress, index: LogIndex, now: Micros) -> (bool, bool) {
        match peer.state {
            // A duplicated or late success, below what we know, says nothing new.
            ProgressState::Probe if index < peer.match_index => (false, false),
            ProgressState::Probe if index < peer.next_index.prev() => {
                // An answer to a heartbeat at matchIndex (or to an older
                // probe): it may raise matchIndex, but the probe is still out.
                let advanced = index > peer.match_index;
                peer.match_index = index;
                peer.next_index = peer.next_index.max(index.next());
                (advanced, false)
            }
            ProgressState::Probe => {
                // The probe's answer: the logs agree up to `index`, at or
                // past where we asked. Start streaming after it.
                let advanced = index > peer.match_index;
                peer.match_index = index;
                peer.become_replicate(now);
                (advanced, true)
            }
            // Only a reply that moves matchIndex forward frees a slot and asks
            // for the next batch: a duplicated or late one would otherwise send
            // the same batch again, and with a duplicating network the copies
            // multiply.
            ProgressState::Replicate if index <= peer.match_index => (false, false),
            ProgressState::Replicate => {
                peer.acknowledge(index, now);
                (true, true)
            }
        }
    }

    /// A follower's log does not hold our entry at `index` (the rejected
    /// prevLogIndex): back off one entry, or past the whole conflicting term
    /// with a hint, and probe again (§5.3). Late or duplicate rejections,
    /// for an index we already moved past, change nothing. Returns whether
    /// to send the new probe.
    fn on_append_rejection(
        peer: &mut PeerProgress,
        index: LogIndex,
        hinted: Option<LogIndex>,
    ) -> bool {
        let answers_what_we_sent = match peer.state {
            ProgressState::Probe => index.next() == peer.next_index,
            ProgressState::Replicate => index < peer.next_index,
        };
        if !answers_what_we_sent || index <= peer.match_index {
            return false;
        }
        let next = hinted.map_or(index, |hint| hint.min(index));
        peer.become_probe(next.max(LogIndex(1)));
        true
    }

    /// §5.3, §5.4.2: commit the highest index of the current term stored on
    /// a majority (of both halves during joint consensus; the leader counts
    /// itself only if it votes in the configuration, thesis §4.2.2). A
    /// leader that has just committed a configuration without itself steps
    /// down.
    fn maybe_advance_commit(&mut self, ctx: StepContext) {
        let RoleState::Leader { progress, .. } = &self.role else {
            return;
        };
        let id = self.config.id;
        let own_last = self.log.last_index();
        let majority_holds = self.membership().quorum_value(|peer| {
            if peer == id {
                own_last
            } else {
                progress.get(&peer).map_or(LogIndex(0), |p| p.match_index)
            }
        });
        // Entries of earlier terms are never committed by counting replicas:
        // terms only grow along the log, so if the entry a majority holds is
        // of an earlier term, so is every entry before it.
        let countable = self.log.term_at(majority_holds) == Some(self.current_term)
            || self.config.bugs.commit_old_terms_by_counting;
        if majority_holds <= self.commit_index || !countable {
            return;
        }
        self.commit_index = majority_holds;
        let own_config_committed = self.membership_index() <= self.commit_index;
        if own_config_committed && !self.membership().is_voter(id) {
            let term = self.current_term;
            self.become_follower(ctx, term, None, TransitionCause::RemovedFromCluster);
            return;
        }
        self.maybe_advance_membership(ctx);
    }

    fn append_to_own_log(&mut self, entry: Entry) {
        self.mark_unstable(entry.index);
        if let Some(membership) = entry.command.membership() {
            self.configs.push((entry.index, membership.clone()));
        }
        self.log.append(entry);
    }

    /// Removes every entry from `from` on, and the configurations they held
    /// (a server falls back to the configuration before, thesis §4.1).
    fn truncate_log_from(&mut self, from: LogIndex) {
        self.mark_unstable(from);
        self.configs.retain(|(index, _)| *index < from);
        self.log.truncate_from(from);
    }

    // ---- Helpers ----

    fn send(&mut self, to: NodeId, message: Message) {
        self.ready.messages.push((to, message));
    }

    fn mark_unstable(&mut self, index: LogIndex) {
        self.unstable_from = Some(self.unstable_from.map_or(index, |i| i.min(index)));
    }

    fn record_transition(&mut self, from: Role, cause: TransitionCause) {
        self.ready.transitions.push(Transition {
            from,
            to: self.role(),
            term: self.current_term,
            cause,
        });
    }

    fn take_ready(&mut self) -> Ready {
        // A snapshot installed in this step goes to disk with the rest.
        let snapshot = self.ready.snapshot.clone();
        if self.hard_state_dirty || self.unstable_from.is_some() || snapshot.is_some() {
            // Entries the snapshot replaced need not be written.
            let entries_from = self
                .unstable_from
                .unwrap_or_else(|| self.log.last_index().next())
                .max(self.log.snapshot_index().next());
            self.ready.persist = Some(PersistChange {
                current_term: self.current_term,
                voted_for: self.voted_for,
                entries_from,
                entries: self.log.entries_from(entries_from).cloned().collect(),
                snapshot,
            });
        }
        // The bug hands uncommitted entries to the state machine.
        let apply_up_to = if self.config.bugs.apply_before_commit {
            self.log.last_index()
        } else {
            self.commit_index
        };
        if apply_up_to > self.last_applied {
            self.ready.committed = self
                .log
                .entries_from(self.last_applied.next())
                .take_while(|e| e.index <= apply_up_to)
                .cloned()
                .collect();
            self.last_applied = apply_up_to;
        }
        debug_assert!(
            self.config.bugs.apply_before_commit || self.last_applied <= self.commit_index
        );
        debug_assert!(self.commit_index <= self.log.last_index());
        self.hard_state_dirty = false;
        self.unstable_from = None;
        let mut ready = std::mem::take(&mut self.ready);
        ready.next_deadline = self.next_deadline();
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::BugSwitches;

    #[test]
    fn every_bug_name_sets_exactly_one_distinct_switch() {
        let mut seen = Vec::new();
        for name in BugSwitches::NAMES {
            let mut bugs = BugSwitches::default();
            *bugs
                .switch_mut(name)
                .expect("every listed name is a switch") = true;
            assert!(bugs.any());
            assert!(
                !seen.contains(&bugs),
                "{name} sets the same switch as another"
            );
            seen.push(bugs);
        }
        assert!(BugSwitches::default().switch_mut("no_such_bug").is_none());
    }

    #[test]
    fn every_option_name_is_a_distinct_switch() {
        let all = super::RaftOptions::all();
        for name in super::RaftOptions::NAMES {
            let mut options = all;
            *options
                .switch_mut(name)
                .expect("every listed name is an option") = false;
            assert_ne!(options, all, "{name}");
        }
    }
}

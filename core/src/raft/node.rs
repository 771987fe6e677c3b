//! One Raft server as a value: state in, [`Ready`] out (the Raft paper's Figure 2).

use super::log::{Entry, Log, LogCommand};
use super::message::{ConflictHint, Message};
use super::types::{LogIndex, Micros, NodeId, Role, Term};
use crate::kv::ClientRequest;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

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
    /// Every voting member of the cluster, this server included.
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
    /// `match_index + 1 ..= next_index - 1`; at most `max_inflight_appends`.
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
}

impl PersistentState {
    /// Writes a change to this storage.
    pub fn apply(&mut self, change: &PersistChange) {
        self.current_term = change.current_term;
        self.voted_for = change.voted_for;
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
            config.members.contains(&config.id),
            "a server is a member of its cluster"
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
        Node {
            config,
            current_term: stored.current_term,
            voted_for,
            log: stored.log.clone(),
            commit_index: LogIndex(0),
            last_applied: LogIndex(0),
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

    /// The members of the cluster, this server included.
    pub fn members(&self) -> &[NodeId] {
        &self.config.members
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
                Message::RequestVote {
                    pre_vote: false,
                    transfer: false,
                    ..
                }
            )
            && self.leader_is_fresh(ctx.now)
        {
            return;
        }
        // §5.1: any higher term seen makes this server a follower in that term.
        if message.term() > self.current_term && !message.is_term_neutral() {
            let leader = match message {
                Message::AppendEntries { leader, .. } => Some(leader),
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
            Message::RequestVote {
                term,
                candidate,
                last_log_index,
                last_log_term,
                pre_vote: false,
                ..
            } => self.handle_request_vote(ctx, term, candidate, last_log_index, last_log_term),
            Message::RequestVote {
                term,
                candidate,
                last_log_index,
                last_log_term,
                pre_vote: true,
                ..
            } => self.handle_pre_vote(ctx, term, candidate, last_log_index, last_log_term),
            Message::TimeoutNow { term } => {
                if term == self.current_term && !matches!(self.role, RoleState::Leader { .. }) {
                    self.campaign(ctx, TransitionCause::ReceivesTimeoutNow);
                }
            }
            Message::RequestVoteReply {
                term,
                vote_granted,
                pre_vote: false,
            } => self.handle_request_vote_reply(ctx, from, term, vote_granted),
            Message::RequestVoteReply {
                term,
                vote_granted,
                pre_vote: true,
            } => self.handle_pre_vote_reply(ctx, from, term, vote_granted),
            Message::AppendEntries {
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                round,
            } => self.handle_append_entries(
                ctx,
                term,
                leader,
                prev_log_index,
                prev_log_term,
                entries,
                leader_commit,
                round,
            ),
            Message::AppendEntriesReply {
                term,
                success,
                index,
                conflict,
                round,
            } => {
                self.handle_append_entries_reply(ctx, from, term, success, index, conflict);
                self.note_round_answered(ctx, from, term, round);
                let transferring_to_sender = matches!(
                    self.role,
                    RoleState::Leader { transfer: Some((to, _)), .. } if to == from
                );
                if success && transferring_to_sender {
                    self.continue_transfer(ctx);
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
    }

    /// Starts handing leadership to `to`: no new requests from now on; once
    /// `to`'s log matches ours it is told to time out at once. Abandoned
    /// after an election timeout (thesis §3.10).
    fn transfer_leadership(&mut self, ctx: StepContext, to: NodeId) {
        if to == self.config.id || !self.config.members.contains(&to) {
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
            self.send(to, Message::TimeoutNow { term });
        } else {
            self.maybe_send_entries(ctx, to);
        }
    }

    /// CheckQuorum: a leader that heard from no majority since the last
    /// check steps down; otherwise it starts counting afresh.
    fn check_quorum(&mut self, ctx: StepContext) {
        let quorum = self.quorum();
        let interval = self.config.election_timeout_min_us;
        let RoleState::Leader {
            recently_active,
            quorum_check_deadline,
            ..
        } = &mut self.role
        else {
            return;
        };
        let heard = 1 + recently_active.len();
        recently_active.clear();
        *quorum_check_deadline = ctx.now + interval;
        if heard < quorum {
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
        self.maybe_advance_commit();
        self.broadcast_append_entries(ctx);
    }

    // ---- Elections (§5.2) ----

    /// The election timer ran out (or a user forced it): a pre-vote round
    /// with PreVote on, else an election.
    fn start_election(&mut self, ctx: StepContext) {
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
        let request = Message::RequestVote {
            term,
            candidate: self.config.id,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre_vote,
            transfer,
        };
        let peers: Vec<NodeId> = self.peers().collect();
        for peer in peers {
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
            Message::RequestVoteReply {
                term,
                vote_granted,
                pre_vote: true,
            },
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
            Message::RequestVoteReply {
                term: self.current_term,
                vote_granted,
                pre_vote: false,
            },
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
                let members = &self.config.members;
                votes_granted
                    .iter()
                    .filter(|id| members.contains(id))
                    .count()
                    >= self.quorum()
            }
            _ => false,
        }
    }

    fn become_leader(&mut self, ctx: StepContext) {
        let next_index = self.log.last_index().next();
        let progress = self
            .peers()
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
        self.maybe_advance_commit();
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
        let peers: Vec<NodeId> = self.peers().collect();
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
        let quorum = self.quorum();
        let commit_index = self.commit_index;
        let mode = self.config.options.read_mode;
        let RoleState::Leader {
            pending_reads,
            acked_round,
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
        let confirmed_round = majority_round(acked_round, quorum);
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
        Message::AppendEntries {
            term: self.current_term,
            leader: self.config.id,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit: self.commit_index,
            round,
        }
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
            self.send(
                leader,
                Message::AppendEntriesReply {
                    term: self.current_term,
                    success: false,
                    index: prev_log_index,
                    conflict: None,
                    round,
                },
            );
            return;
        }
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

        let bug_skip =
            self.config.bugs.skip_prev_log_check && self.log.last_index() >= prev_log_index;
        if !bug_skip && self.log.term_at(prev_log_index) != Some(prev_log_term) {
            let conflict = self
                .config
                .options
                .fast_backtracking
                .then(|| self.conflict_hint(prev_log_index));
            self.send(
                leader,
                Message::AppendEntriesReply {
                    term: self.current_term,
                    success: false,
                    index: prev_log_index,
                    conflict,
                    round,
                },
            );
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
                    self.log.truncate_from(entry.index);
                    self.mark_unstable(entry.index);
                    self.log.append(entry);
                }
                None => {
                    self.mark_unstable(entry.index);
                    self.log.append(entry);
                }
            }
        }
        if leader_commit > self.commit_index {
            self.commit_index = leader_commit.min(last_new_index).max(self.commit_index);
        }
        self.send(
            leader,
            Message::AppendEntriesReply {
                term: self.current_term,
                success: true,
                index: last_new_index,
                conflict: None,
                round,
            },
        );
    }

    /// A peer answered heartbeat round `round` in our term: it still takes us
    /// for its leader. Extends the lease and moves waiting reads along.
    fn note_round_answered(&mut self, ctx: StepContext, from: NodeId, term: Term, round: u64) {
        // Reads through the log never wait on rounds: skip the bookkeeping.
        if term != self.current_term || self.config.options.read_mode == ReadMode::Log {
            return;
        }
        let quorum = self.quorum();
        let lease = self.config.election_timeout_min_us;
        let RoleState::Leader {
            acked_round,
            rounds_sent_at,
            lease_until,
            ..
        } = &mut self.role
        else {
            return;
        };
        let acked = acked_round.entry(from).or_insert(0);
        *acked = (*acked).max(round);
        let confirmed = majority_round(acked_round, quorum);
        if let Some(&(_, sent_at)) = rounds_sent_at.iter().rev().find(|(r, _)| *r <= confirmed) {
            *lease_until = (*lease_until).max(sent_at + lease);
        }
        self.advance_reads(ctx);
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
                _ => index = index.prev(),
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
            self.maybe_advance_commit();
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

    /// §5.3, §5.4.2: commit the highest index of the current term stored on a majority.
    fn maybe_advance_commit(&mut self) {
        let RoleState::Leader { progress, .. } = &self.role else {
            return;
        };
        let quorum = self.quorum();
        let own_last = self.log.last_index();
        let mut candidate = own_last;
        while candidate > self.commit_index {
            if self.log.term_at(candidate) != Some(self.current_term)
                && !self.config.bugs.commit_old_terms_by_counting
            {
                // Entries of earlier terms are never committed by counting replicas.
                break;
            }
            let replicas = 1 + progress
                .values()
                .filter(|p| p.match_index >= candidate)
                .count();
            if replicas >= quorum {
                self.commit_index = candidate;
                return;
            }
            candidate = candidate.prev();
        }
    }

    fn append_to_own_log(&mut self, entry: Entry) {
        self.mark_unstable(entry.index);
        self.log.append(entry);
    }

    // ---- Helpers ----

    fn peers(&self) -> impl Iterator<Item = NodeId> + '_ {
        let id = self.config.id;
        self.config
            .members
            .iter()
            .copied()
            .filter(move |m| *m != id)
    }

    fn quorum(&self) -> usize {
        self.config.members.len() / 2 + 1
    }

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
        if self.hard_state_dirty || self.unstable_from.is_some() {
            let entries_from = self
                .unstable_from
                .unwrap_or_else(|| self.log.last_index().next());
            self.ready.persist = Some(PersistChange {
                current_term: self.current_term,
                voted_for: self.voted_for,
                entries_from,
                entries: self.log.entries_from(entries_from).cloned().collect(),
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

/// The latest heartbeat round a majority has answered, the leader counting
/// as having answered every round.
fn majority_round(acked_round: &BTreeMap<NodeId, u64>, quorum: usize) -> u64 {
    if quorum <= 1 {
        return u64::MAX;
    }
    let mut rounds: Vec<u64> = acked_round.values().copied().collect();
    rounds.sort_unstable_by(|a, b| b.cmp(a));
    rounds.get(quorum - 2).copied().unwrap_or(0)
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

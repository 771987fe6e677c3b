//! One Raft server as a value: state in, [`Ready`] out (the Raft paper's
//! Figure 2). This file holds the server's state, its two entry points
//! ([`Node::step`] and the tick inside it) and the bookkeeping of the Ready
//! being built; the work of each role lives beside it (`election`,
//! `leader`, `follower`, `read_only`, `membership`).

use super::application::Application;
use super::configuration::Membership;
use super::leader_state::{LeaderState, PendingRead};
use super::log::{Entry, Log, StorageChunk};
use super::message::{Message, TimeoutNow};
use super::options::NodeConfig;
use super::progress::PeerProgress;
use super::ready::{Input, PersistChange, PersistentState, Ready, StepContext};
use super::snapshot::Snapshot;
use super::transition::{Transition, TransitionCause};
use super::types::{LogIndex, Micros, NodeId, Role, Term};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Role-specific volatile state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum RoleState<A: Application> {
    Follower,
    PreCandidate { votes_granted: BTreeSet<NodeId> },
    Candidate { votes_granted: BTreeSet<NodeId> },
    Leader(LeaderState<A>),
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Node<A: Application> {
    pub(super) config: NodeConfig,
    // Persistent state (mirrored to storage through `Ready::persist`).
    pub(super) current_term: Term,
    pub(super) voted_for: Option<NodeId>,
    pub(super) log: Log<A>,
    /// The configuration the cluster started with (see `NodeConfig::members`).
    pub(super) bootstrap: Membership,
    /// Every configuration entry in the log, in index order, so the latest
    /// is at hand and a truncation can fall back to the one before.
    /// Invariant: exactly the `LogCommand::Config` entries of `log`.
    pub(super) configs: Vec<(LogIndex, Membership)>,
    // Volatile state. Invariant: last_applied <= commit_index <= log.last_index().
    pub(super) commit_index: LogIndex,
    pub(super) last_applied: LogIndex,
    pub(super) role: RoleState<A>,
    pub(super) leader_id: Option<NodeId>,
    /// When this server last heard from a leader of its term.
    pub(super) leader_heard_at: Option<Micros>,
    pub(super) election_deadline: Micros,
    pub(super) election_timeout_us: Micros,
    // Bookkeeping for the Ready being built.
    pub(super) ready: Ready<A>,
    hard_state_dirty: bool,
    unstable_from: Option<LogIndex>,
}

impl<A: Application> Node<A> {
    /// A server starting for the first time, with empty storage.
    pub fn new(config: NodeConfig, ctx: StepContext) -> Node<A> {
        Node::restart(config, &PersistentState::default(), ctx)
    }

    /// A server starting from what it persisted before a crash (or from a
    /// prepared state in a scenario). Volatile state starts afresh (Figure 2).
    pub fn restart(config: NodeConfig, stored: &PersistentState<A>, ctx: StepContext) -> Node<A> {
        assert!(
            config.members.is_empty() || config.members.contains(&config.id),
            "a server starting a cluster is one of its members"
        );
        assert_valid_limits(&config);
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
            election_deadline: ctx.now.saturating_add(ctx.election_timeout_us),
            election_timeout_us: ctx.election_timeout_us,
            ready: Ready::default(),
            hard_state_dirty: false,
            unstable_from: None,
        }
    }

    /// Processes one input and returns what the server wants done.
    pub fn step(&mut self, ctx: StepContext, input: Input<A>) -> Ready<A> {
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
            RoleState::Leader(_) => Role::Leader,
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
    pub fn log(&self) -> &Log<A> {
        &self.log
    }

    /// For a copy kept aside (a checkpoint): its log takes exact copies of
    /// what the original writes next (see [`Log::release_open_storage`]).
    pub(crate) fn release_open_log_storage(&mut self) {
        self.log.release_open_storage();
    }

    /// Lets this server's log store a full chunk of entries in `offer`'s
    /// storage when it holds the same entries there (memory only: see
    /// [`Log::adopt_storage`]).
    pub(crate) fn adopt_log_storage(&mut self, offer: &StorageChunk<A>) -> bool {
        self.log.adopt_storage(offer)
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
            RoleState::Leader(_) => None,
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
    pub fn pending_reads(&self) -> &[PendingRead<A>] {
        self.leader()
            .map_or(&[], |leader| leader.pending_reads.as_slice())
    }

    /// A leader's progress per follower, in id order.
    pub fn progress(&self) -> Vec<(NodeId, PeerProgress)> {
        self.leader().map_or_else(Vec::new, |leader| {
            leader
                .progress
                .iter()
                .map(|(id, p)| (*id, p.clone()))
                .collect()
        })
    }

    /// The instant this server next wants to be woken.
    pub fn next_deadline(&self) -> Micros {
        match &self.role {
            RoleState::Leader(leader) => leader.next_deadline(self.config.options.check_quorum),
            _ => self.election_deadline,
        }
    }

    /// Folds the log up to `snapshot.index` into `snapshot`, which the
    /// driver made from its state machine (thesis §5.1: each server
    /// compacts on its own). Only applied entries can go.
    pub fn compact(&mut self, snapshot: Arc<Snapshot<A>>) {
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
        assert_valid_limits(&config);
        let members = std::mem::take(&mut self.config.members);
        let old = std::mem::replace(&mut self.config, NodeConfig { members, ..config });
        if let RoleState::Leader(leader) = &mut self.role {
            leader.reconfigure(now, &old, &self.config);
        }
    }

    // ---- Step: what every role does, then the role's own step ----

    fn step_message(&mut self, ctx: StepContext, from: NodeId, message: Message<A>) {
        if let RoleState::Leader(leader) = &mut self.role {
            leader.recently_active.insert(from);
        }
        if self.ignores_vote_request(ctx.now, &message) {
            return;
        }
        // §5.1: any higher term seen makes this server a follower in that term.
        if message.term() > self.current_term && !message.is_term_neutral() {
            let leader = match &message {
                Message::AppendEntries(append) => Some(append.leader),
                _ => None,
            };
            let cause = TransitionCause::DiscoversHigherTerm;
            self.become_follower(ctx, message.term(), leader, cause);
        }
        // Requests are answered whatever the role; replies matter only to
        // the role that asked.
        match &message {
            Message::RequestVote(request) if request.pre_vote => self.handle_pre_vote(ctx, request),
            Message::RequestVote(request) => self.handle_request_vote(ctx, request),
            Message::AppendEntries(append) => self.handle_append_entries(ctx, append),
            Message::InstallSnapshot(install) => self.handle_install_snapshot(ctx, install),
            _ => match self.role {
                RoleState::Leader(_) => self.step_leader(ctx, from, &message),
                RoleState::Candidate { .. } | RoleState::PreCandidate { .. } => {
                    self.step_candidate(ctx, from, &message);
                }
                RoleState::Follower => self.step_follower(ctx, &message),
            },
        }
    }

    /// A follower answers only a leader's request to take over.
    fn step_follower(&mut self, ctx: StepContext, message: &Message<A>) {
        if let Message::TimeoutNow(timeout) = message {
            self.handle_timeout_now(ctx, timeout);
        }
    }

    /// The leader of our term asks us to take over at once (thesis §3.10).
    pub(super) fn handle_timeout_now(&mut self, ctx: StepContext, timeout: &TimeoutNow) {
        debug_assert!(!self.is_leader());
        if timeout.term == self.current_term {
            self.campaign(ctx, TransitionCause::ReceivesTimeoutNow);
        }
    }

    fn tick(&mut self, ctx: StepContext) {
        if self.is_leader() {
            self.tick_leader(ctx);
        } else if ctx.now >= self.election_deadline {
            self.start_election(ctx);
        }
        // A tick can make a leader (a cluster of one wins at once).
        if self.is_leader() {
            self.maybe_advance_membership(ctx);
        }
    }

    // ---- Helpers ----

    /// The leader's state, if this server leads.
    pub(super) fn leader(&self) -> Option<&LeaderState<A>> {
        match &self.role {
            RoleState::Leader(leader) => Some(leader),
            _ => None,
        }
    }

    /// The leader's state, for changing, if this server leads.
    pub(super) fn leader_mut(&mut self) -> Option<&mut LeaderState<A>> {
        match &mut self.role {
            RoleState::Leader(leader) => Some(leader),
            _ => None,
        }
    }

    /// True while this server leads.
    pub(super) fn is_leader(&self) -> bool {
        matches!(self.role, RoleState::Leader(_))
    }

    pub(super) fn send(&mut self, to: NodeId, message: Message<A>) {
        self.ready.messages.push((to, message));
    }

    /// The term and vote changed: they go to disk with this step's Ready.
    pub(super) fn mark_hard_state_dirty(&mut self) {
        self.hard_state_dirty = true;
    }

    fn mark_unstable(&mut self, index: LogIndex) {
        self.unstable_from = Some(self.unstable_from.map_or(index, |i| i.min(index)));
    }

    pub(super) fn record_transition(&mut self, from: Role, cause: TransitionCause) {
        self.ready.transitions.push(Transition {
            from,
            to: self.role(),
            term: self.current_term,
            cause,
        });
    }

    pub(super) fn append_to_own_log(&mut self, entry: Entry<A>) {
        self.mark_unstable(entry.index);
        if let Some(membership) = entry.command.membership() {
            self.configs.push((entry.index, membership.clone()));
        }
        self.log.append(entry);
    }

    /// Removes every entry from `from` on, and the configurations they held
    /// (a server falls back to the configuration before, thesis §4.1).
    pub(super) fn truncate_log_from(&mut self, from: LogIndex) {
        self.mark_unstable(from);
        self.configs.retain(|(index, _)| *index < from);
        self.log.truncate_from(from);
    }

    fn take_ready(&mut self) -> Ready<A> {
        self.ready.persist = self.take_persist_change();
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
        let mut ready = std::mem::take(&mut self.ready);
        ready.next_deadline = self.next_deadline();
        ready
    }

    /// What this step changed of the persistent state, if anything.
    fn take_persist_change(&mut self) -> Option<PersistChange<A>> {
        // A snapshot installed in this step goes to disk with the rest.
        let snapshot = self.ready.snapshot.clone();
        let dirty = self.hard_state_dirty || self.unstable_from.is_some() || snapshot.is_some();
        let unstable_from = self.unstable_from.take();
        self.hard_state_dirty = false;
        if !dirty {
            return None;
        }
        // Entries the snapshot replaced need not be written.
        let entries_from = unstable_from
            .unwrap_or_else(|| self.log.last_index().next())
            .max(self.log.snapshot_index().next());
        Some(PersistChange {
            current_term: self.current_term,
            voted_for: self.voted_for,
            entries_from,
            entries: self.log.entries_from(entries_from).cloned().collect(),
            snapshot,
        })
    }
}

/// The limits every configuration must respect.
fn assert_valid_limits(config: &NodeConfig) {
    assert!(config.heartbeat_interval_us > 0 && config.max_entries_per_append > 0);
    assert!(
        config.max_inflight_appends > 0,
        "one batch may always be in flight"
    );
}

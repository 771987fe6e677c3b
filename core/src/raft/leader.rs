//! The leader: its volatile state ([`LeaderState`]), taking office, its
//! tick (heartbeats, CheckQuorum, an expiring transfer), client proposals
//! and leadership transfer. How it replicates its log and commits is in
//! `leader/replication`.

mod replication;

use super::application::Application;
use super::log::{Entry, LogCommand};
use super::membership::MembershipJob;
use super::message::{Message, TimeoutNow};
use super::node::{Node, RoleState};
use super::options::{NodeConfig, ReadMode};
use super::progress::PeerProgress;
use super::read_only::PendingRead;
use super::ready::{ProposalOutcome, StepContext};
use super::transition::TransitionCause;
use super::types::{Micros, NodeId, Role};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// What only a leader keeps (Figure 2, "volatile state on leaders", and the
/// bookkeeping of the thesis's optional mechanisms).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct LeaderState<A: Application> {
    /// Each follower's progress and flow control.
    pub(super) progress: BTreeMap<NodeId, PeerProgress>,
    /// When the next heartbeat round is due.
    pub(super) heartbeat_deadline: Micros,
    /// Peers heard from since the last quorum check (CheckQuorum).
    pub(super) recently_active: BTreeSet<NodeId>,
    /// When the next quorum check is due (CheckQuorum).
    pub(super) quorum_check_deadline: Micros,
    /// The last heartbeat round sent.
    pub(super) round: u64,
    /// When each recent round was sent (Lease), oldest first.
    pub(super) rounds_sent_at: VecDeque<(u64, Micros)>,
    /// The latest round each peer answered.
    pub(super) acked_round: BTreeMap<NodeId, u64>,
    /// Reads are answerable without a round until then (Lease).
    pub(super) lease_until: Micros,
    /// Reads waiting for ReadIndex or the lease.
    pub(super) pending_reads: Vec<PendingRead<A>>,
    /// A leadership transfer under way: to whom, and when it is abandoned.
    pub(super) transfer: Option<(NodeId, Micros)>,
    /// A membership change under way (boxed: it is rare and large).
    pub(super) membership_job: Option<Box<MembershipJob>>,
}

impl<A: Application> LeaderState<A> {
    /// A leader taking office at `now` with these followers; its first
    /// heartbeat round is due at once.
    fn new(now: Micros, progress: BTreeMap<NodeId, PeerProgress>, config: &NodeConfig) -> Self {
        LeaderState {
            progress,
            heartbeat_deadline: now,
            recently_active: BTreeSet::new(),
            quorum_check_deadline: now + config.election_timeout_us_min,
            round: 0,
            rounds_sent_at: VecDeque::new(),
            acked_round: BTreeMap::new(),
            lease_until: 0,
            pending_reads: Vec::new(),
            transfer: None,
            membership_job: None,
        }
    }

    /// The instant the leader next wants to be woken.
    pub(super) fn next_deadline(&self, check_quorum: bool) -> Micros {
        let mut deadline = self.heartbeat_deadline;
        if check_quorum {
            deadline = deadline.min(self.quorum_check_deadline);
        }
        if let Some((_, until)) = self.transfer {
            deadline = deadline.min(until);
        }
        deadline
    }

    /// Starts heartbeat round `round + 1` at `now`, remembering when it
    /// went for the lease.
    fn start_round(&mut self, now: Micros, config: &NodeConfig) {
        self.heartbeat_deadline = now + config.heartbeat_interval_us;
        self.round += 1;
        if config.options.read_mode == ReadMode::Lease {
            // A round sent an election timeout ago can no longer extend the lease.
            let oldest_useful = now.saturating_sub(config.election_timeout_us_min);
            while self
                .rounds_sent_at
                .front()
                .is_some_and(|&(_, at)| at < oldest_useful)
            {
                self.rounds_sent_at.pop_front();
            }
            self.rounds_sent_at.push_back((self.round, now));
        }
    }

    /// The server's parameters went from `old` to `new` at `now`.
    pub(super) fn reconfigure(&mut self, now: Micros, old: &NodeConfig, new: &NodeConfig) {
        let (old_options, new_options) = (old.options, new.options);
        // A lease rests on the followers that answered a round refusing to
        // vote for a minimum election timeout after (CheckQuorum), under
        // the rules in force when they answered: rounds answered under
        // other rules vouch for nothing (thesis §6.4.1).
        let lease_rules_changed = old_options.read_mode != new_options.read_mode
            || old_options.check_quorum != new_options.check_quorum
            || old.election_timeout_us_min != new.election_timeout_us_min;
        if lease_rules_changed {
            self.lease_until = 0;
            self.rounds_sent_at.clear();
        }
        if new_options.check_quorum && !old_options.check_quorum {
            // Nobody was counting: the first check covers a whole interval
            // from now, not whatever was heard since the term began.
            self.recently_active.clear();
            self.quorum_check_deadline = now + new.election_timeout_us_min;
        }
    }
}

impl<A: Application> Node<A> {
    /// Takes office (§5.2): every follower probed from the end of our log,
    /// a no-op of our term if the option is on, and a heartbeat round at once.
    pub(super) fn become_leader(&mut self, ctx: StepContext) {
        let next_index = self.log.last_index().next();
        let progress = self
            .replication_targets()
            .into_iter()
            .map(|peer| (peer, PeerProgress::new(next_index)))
            .collect();
        self.role = RoleState::Leader(LeaderState::new(ctx.now, progress, &self.config));
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

    /// A leader's timer: an abandoned transfer ends, CheckQuorum runs when
    /// due, and a heartbeat round starts when due.
    pub(super) fn tick_leader(&mut self, ctx: StepContext) {
        let Some(leader) = self.leader_mut() else {
            return;
        };
        if leader.transfer.is_some_and(|(_, until)| ctx.now >= until) {
            // The target never took over: take requests again.
            leader.transfer = None;
        }
        let (quorum_check_due, heartbeat_due) = (
            ctx.now >= leader.quorum_check_deadline,
            ctx.now >= leader.heartbeat_deadline,
        );
        if self.config.options.check_quorum && quorum_check_due {
            self.check_quorum(ctx);
            if !self.is_leader() {
                return;
            }
        }
        if heartbeat_due {
            self.broadcast_append_entries(ctx);
        }
    }

    /// A leader hears only answers to its AppendEntries and snapshots.
    pub(super) fn step_leader(&mut self, ctx: StepContext, from: NodeId, message: &Message<A>) {
        let Message::AppendEntriesReply(reply) = message else {
            return;
        };
        self.handle_append_entries_reply(ctx, from, reply);
        self.note_round_answered(ctx, from, reply.term, reply.round);
        if !reply.success {
            return;
        }
        let transferring_to_sender = self
            .leader()
            .is_some_and(|leader| leader.transfer.is_some_and(|(to, _)| to == from));
        if transferring_to_sender {
            self.continue_transfer(ctx);
        }
        self.maybe_advance_membership(ctx);
    }

    /// A client's request: appended to the log and replicated (§5.3), or,
    /// for a read, answered through ReadIndex or the lease (thesis §6.4).
    pub(super) fn propose(&mut self, ctx: StepContext, request: A::Command) {
        if let Some(refusal) = self.refuse_proposal(&request) {
            self.ready.proposal = Some(refusal);
            return;
        }
        if self.config.options.read_mode != ReadMode::Log && A::is_read(&request) {
            if let Some(leader) = self.leader_mut() {
                leader.pending_reads.push(PendingRead {
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
            command: LogCommand::Client(Arc::new(request)),
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

    /// Why this server will not take `request` now, if it will not.
    fn refuse_proposal(&self, request: &A::Command) -> Option<ProposalOutcome> {
        let Some(leader) = self.leader() else {
            return Some(ProposalOutcome::NotLeader {
                leader_hint: self.leader_id,
            });
        };
        if let Some((to, _)) = leader.transfer {
            return Some(ProposalOutcome::Transferring { to });
        }
        if self.config.bugs.stale_leader_reads && A::is_read(request) {
            return Some(ProposalOutcome::ServeLocally);
        }
        None
    }

    /// Starts handing leadership to `to`: no new requests from now on; once
    /// `to`'s log matches ours it is told to time out at once. Abandoned
    /// after an election timeout (thesis §3.10).
    pub(super) fn transfer_leadership(&mut self, ctx: StepContext, to: NodeId) {
        if to == self.config.id || !self.membership().is_voter(to) {
            return;
        }
        let until = ctx.now + self.config.election_timeout_us_min;
        let Some(leader) = self.leader_mut() else {
            return;
        };
        leader.transfer = Some((to, until));
        self.continue_transfer(ctx);
    }

    /// Sends TimeoutNow if a transfer is under way and its target is caught
    /// up; otherwise makes sure it is being caught up.
    fn continue_transfer(&mut self, ctx: StepContext) {
        let last_index = self.log.last_index();
        let Some(leader) = self.leader() else {
            return;
        };
        let Some((to, _)) = leader.transfer else {
            return;
        };
        let caught_up = leader
            .progress
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
        let interval = self.config.election_timeout_us_min;
        let id = self.config.id;
        let Some(leader) = self.leader() else {
            return;
        };
        let heard = self
            .membership()
            .has_quorum(|peer| peer == id || leader.recently_active.contains(&peer));
        let Some(leader) = self.leader_mut() else {
            return;
        };
        leader.recently_active.clear();
        leader.quorum_check_deadline = ctx.now + interval;
        if !heard {
            let term = self.current_term;
            self.become_follower(ctx, term, None, TransitionCause::LosesQuorum);
        }
    }
}

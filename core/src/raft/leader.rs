//! The leader: its volatile state ([`LeaderState`]), taking office, its
//! tick (heartbeats, CheckQuorum, an expiring transfer), client proposals
//! and leadership transfer. How it replicates its log and commits is in
//! `leader/replication`.

mod replication;

use super::application::Application;
use super::leader_state::{LeaderState, PendingRead};
use super::log::{Entry, LogCommand};
use super::message::{Message, TimeoutNow};
use super::node::{Node, RoleState};
use super::options::ReadMode;
use super::progress::PeerProgress;
use super::ready::{ProposalOutcome, StepContext};
use super::transition::TransitionCause;
use super::types::{NodeId, Role};
use std::sync::Arc;

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
    pub(super) fn propose(&mut self, ctx: StepContext, request: Arc<A::Command>) {
        if let Some(refusal) = self.refuse_proposal(&request) {
            self.ready.proposal = Some(refusal);
            return;
        }
        if self.config.options.read_mode != ReadMode::Log && A::is_read(&request) {
            if let Some(leader) = self.leader_mut() {
                leader.pending_reads.push(PendingRead {
                    request: Arc::unwrap_or_clone(request),
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
            command: LogCommand::Client(request),
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
        let until = ctx.now.saturating_add(self.config.election_timeout_us_min);
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
        leader.quorum_check_deadline = ctx.now.saturating_add(interval);
        if !heard {
            let term = self.current_term;
            self.become_follower(ctx, term, None, TransitionCause::LosesQuorum);
        }
    }
}

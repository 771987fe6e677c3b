//! Leader election (§5.2) with the up-to-date check (§5.4.1), PreVote
//! (thesis §9.6), leader stickiness (thesis §4.2.3, §6.2), and stepping
//! down to follower.

use super::application::Application;
use super::message::{Message, RequestVote, RequestVoteReply};
use super::node::{Node, RoleState};
use super::ready::StepContext;
use super::transition::TransitionCause;
use super::types::{Micros, NodeId, Role, Term};
use std::collections::BTreeSet;

impl<A: Application> Node<A> {
    /// The election timer ran out (or a user forced it): a pre-vote round
    /// with PreVote on, else an election.
    pub(super) fn start_election(&mut self, ctx: StepContext) {
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

    /// A candidate (or pre-candidate) hears the answers to its requests
    /// and a leader's request to take over.
    pub(super) fn step_candidate(&mut self, ctx: StepContext, from: NodeId, message: &Message<A>) {
        match message {
            Message::RequestVoteReply(reply) if reply.pre_vote => {
                self.handle_pre_vote_reply(ctx, from, reply);
            }
            Message::RequestVoteReply(reply) => self.handle_request_vote_reply(ctx, from, reply),
            Message::TimeoutNow(timeout) => self.handle_timeout_now(ctx, timeout),
            _ => {}
        }
    }

    /// Leader stickiness: while a leader's word is fresh, a RequestVote is
    /// ignored outright, its term included, unless that leader asked for
    /// the election (a leadership transfer). So is one from a server
    /// outside our configuration: a removed server that never learnt of its
    /// removal cannot disrupt the cluster (thesis §4.2.3). Otherwise it is
    /// answered as usual: a new server must be able to vote before it
    /// learns its configuration.
    pub(super) fn ignores_vote_request(&self, now: Micros, message: &Message<A>) -> bool {
        let Message::RequestVote(request) = message else {
            return false;
        };
        if !self.leader_is_fresh(now) {
            return false;
        }
        let sticky = self.config.options.check_quorum && !request.pre_vote && !request.transfer;
        sticky || !self.membership().is_voter(request.candidate)
    }

    /// True while this server has heard from a leader of its term within the
    /// minimum election timeout (or is that leader).
    pub(super) fn leader_is_fresh(&self, now: Micros) -> bool {
        self.is_leader()
            || self
                .leader_heard_at
                .is_some_and(|at| now < at.saturating_add(self.config.election_timeout_us_min))
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
    pub(super) fn handle_pre_vote(&mut self, ctx: StepContext, request: &RequestVote) {
        let vote_granted = request.term > self.current_term
            && !self.leader_is_fresh(ctx.now)
            && self.log_allows_vote(request);
        let term = if vote_granted {
            request.term
        } else {
            self.current_term
        };
        let reply = RequestVoteReply {
            term,
            vote_granted,
            pre_vote: true,
        };
        self.send(request.candidate, Message::RequestVoteReply(reply));
    }

    /// §5.4.1: is the candidate's log at least as up to date as ours (or
    /// does the bug switch skip the check)?
    fn log_allows_vote(&self, request: &RequestVote) -> bool {
        self.config.bugs.vote_without_log_check
            || self
                .log
                .is_up_to_date(request.last_log_term, request.last_log_index)
    }

    fn handle_pre_vote_reply(&mut self, ctx: StepContext, from: NodeId, reply: &RequestVoteReply) {
        if !reply.vote_granted || reply.term != self.current_term.next() {
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
    pub(super) fn campaign(&mut self, ctx: StepContext, cause: TransitionCause) {
        let from = self.role();
        self.current_term = self.current_term.next();
        self.voted_for = Some(self.config.id);
        self.mark_hard_state_dirty();
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

    /// A vote is granted once per term, first come first served, to a
    /// candidate whose log is at least as up to date (§5.2, §5.4.1).
    pub(super) fn handle_request_vote(&mut self, ctx: StepContext, request: &RequestVote) {
        // Stale candidates are told the current term and refused.
        let vote_granted = request.term == self.current_term
            && self
                .voted_for
                .is_none_or(|voted| voted == request.candidate)
            && self.log_allows_vote(request);
        if vote_granted {
            debug_assert!(!self.is_leader());
            self.voted_for = Some(request.candidate);
            self.mark_hard_state_dirty();
            self.reset_election_timer(ctx);
        }
        let reply = RequestVoteReply {
            term: self.current_term,
            vote_granted,
            pre_vote: false,
        };
        self.send(request.candidate, Message::RequestVoteReply(reply));
    }

    fn handle_request_vote_reply(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        reply: &RequestVoteReply,
    ) {
        if reply.term < self.current_term || !reply.vote_granted {
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

    /// Becomes a follower in `term` (a later one: the vote is forgotten),
    /// following `leader` if known.
    pub(super) fn become_follower(
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
            self.mark_hard_state_dirty();
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

    pub(super) fn reset_election_timer(&mut self, ctx: StepContext) {
        self.election_timeout_us = ctx.election_timeout_us;
        self.election_deadline = ctx.now.saturating_add(ctx.election_timeout_us);
    }
}

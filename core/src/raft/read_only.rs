//! Linearizable reads without the log (thesis §6.4): ReadIndex, where a
//! read waits for a heartbeat round a majority answered after it, and
//! leases, where a recent round answered by a majority vouches for the
//! leader until a minimum election timeout after it was sent.

use super::application::Application;
use super::node::{Node, RoleState};
use super::options::ReadMode;
use super::ready::ReadReady;
use super::ready::StepContext;
use super::types::{NodeId, Term};

impl<A: Application> Node<A> {
    /// Moves reads along: orders them after the commitIndex once the leader
    /// has committed in its term, starts a heartbeat round to confirm it
    /// still leads, and hands over those a majority's answer (or a valid
    /// lease) has made safe.
    pub(super) fn advance_reads(&mut self, ctx: StepContext) {
        let own_term_committed = self.log.term_at(self.commit_index) == Some(self.current_term);
        let confirmed_round = self.confirmed_round();
        let commit_index = self.commit_index;
        let mode = self.config.options.read_mode;
        let Some(leader) = self.leader_mut() else {
            return;
        };
        if leader.pending_reads.is_empty() || !own_term_committed {
            return;
        }
        let lease_valid = mode == ReadMode::Lease && ctx.now < leader.lease_until;
        let mut need_round = false;
        for read in &mut leader.pending_reads {
            if read.read_index.is_none() {
                read.read_index = Some(commit_index);
                need_round |= !lease_valid;
            }
        }
        let next_round = leader.round + 1;
        if need_round {
            for read in leader
                .pending_reads
                .iter_mut()
                .filter(|r| r.round.is_none())
            {
                read.round = Some(next_round);
            }
        }
        let mut ready = Vec::new();
        leader.pending_reads.retain(|read| {
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

    /// A peer answered heartbeat round `round` in our term: it still takes us
    /// for its leader. Extends the lease and moves waiting reads along.
    pub(super) fn note_round_answered(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        term: Term,
        round: u64,
    ) {
        // Reads through the log never wait on rounds: skip the bookkeeping,
        // unless reads taken through ReadIndex or a lease before the mode
        // became Log still wait for theirs.
        let reads_wait = !self.pending_reads().is_empty();
        if term != self.current_term
            || (self.config.options.read_mode == ReadMode::Log && !reads_wait)
        {
            return;
        }
        let lease = self.config.election_timeout_us_min;
        let Some(leader) = self.leader_mut() else {
            return;
        };
        let acked = leader.acked_round.entry(from).or_insert(0);
        *acked = (*acked).max(round);
        let confirmed = self.confirmed_round();
        let Some(leader) = self.leader_mut() else {
            return;
        };
        let sent_at = leader
            .rounds_sent_at
            .iter()
            .rev()
            .find(|(r, _)| *r <= confirmed);
        if let Some(&(_, sent_at)) = sent_at {
            leader.lease_until = leader.lease_until.max(sent_at.saturating_add(lease));
        }
        self.advance_reads(ctx);
    }

    /// For a leader, the latest heartbeat round a majority has answered
    /// (of both halves when joint), the leader counting as having answered
    /// every round; 0 for anyone else.
    fn confirmed_round(&self) -> u64 {
        let RoleState::Leader(leader) = &self.role else {
            return 0;
        };
        let id = self.config.id;
        self.membership().quorum_value(|peer| {
            if peer == id {
                u64::MAX
            } else {
                leader.acked_round.get(&peer).copied().unwrap_or(0)
            }
        })
    }
}

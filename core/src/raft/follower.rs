//! The follower's side of replication (§5.3) and of snapshots (thesis
//! §5.1): the consistency check, conflicting entries overwritten, the
//! leader's commitIndex followed, and a leader's snapshot installed.

use super::application::Application;
use super::message::{AppendEntries, AppendEntriesReply, ConflictHint, InstallSnapshot, Message};
use super::node::{Node, RoleState};
use super::ready::StepContext;
use super::transition::TransitionCause;
use super::types::{LogIndex, NodeId, Term};

impl<A: Application> Node<A> {
    /// AppendEntries from a leader: refused if stale or if our log does not
    /// hold its prevLogIndex/prevLogTerm; otherwise its entries are stored,
    /// conflicting ones replacing ours, and its commitIndex followed.
    pub(super) fn handle_append_entries(&mut self, ctx: StepContext, append: &AppendEntries<A>) {
        let (leader, prev_log_index, round) = (append.leader, append.prev_log_index, append.round);
        if append.term < self.current_term {
            // A stale leader: refuse, and our term will make it step down.
            self.reply_append(leader, false, prev_log_index, None, round);
            return;
        }
        self.heed_leader(ctx, append.term, leader);
        if prev_log_index < self.log.snapshot_index() {
            // What the snapshot covers is committed, so it is in the
            // leader's log too: we share at least that much.
            self.reply_append(leader, true, self.log.snapshot_index(), None, round);
            return;
        }
        let bug_skip =
            self.config.bugs.skip_prev_log_check && self.log.last_index() >= prev_log_index;
        if !bug_skip && self.log.term_at(prev_log_index) != Some(append.prev_log_term) {
            let conflict = self
                .config
                .options
                .fast_backtracking
                .then(|| self.conflict_hint(prev_log_index));
            self.reply_append(leader, false, prev_log_index, conflict, round);
            return;
        }
        let last_new_index = LogIndex(prev_log_index.0 + append.entries.len() as u64);
        for entry in &append.entries {
            match self.log.term_at(entry.index) {
                Some(existing) if existing == entry.term => {}
                Some(_) => {
                    // §5.3: a conflicting entry and all that follow it go.
                    debug_assert!(
                        self.config.bugs.any() || entry.index > self.commit_index,
                        "a committed entry is never overwritten"
                    );
                    self.truncate_log_from(entry.index);
                    self.append_to_own_log(entry.clone());
                }
                None => self.append_to_own_log(entry.clone()),
            }
        }
        if append.leader_commit > self.commit_index {
            self.commit_index = append
                .leader_commit
                .min(last_new_index)
                .max(self.commit_index);
        }
        self.reply_append(leader, true, last_new_index, None, round);
    }

    /// A message from the leader of our term (or a later one): follow it,
    /// and hold off our own election (§5.2).
    fn heed_leader(&mut self, ctx: StepContext, term: Term, leader: NodeId) {
        debug_assert_eq!(term, self.current_term);
        if !matches!(self.role, RoleState::Follower) {
            let cause = TransitionCause::DiscoversCurrentLeader;
            self.become_follower(ctx, term, Some(leader), cause);
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
    pub(super) fn handle_install_snapshot(
        &mut self,
        ctx: StepContext,
        install: &InstallSnapshot<A>,
    ) {
        let (leader, round, snapshot) = (install.leader, install.round, &install.snapshot);
        let index = snapshot.index;
        if install.term < self.current_term {
            self.reply_append(leader, false, index, None, round);
            return;
        }
        self.heed_leader(ctx, install.term, leader);
        if index > self.commit_index {
            let keeps_suffix = self.log.term_at(index) == Some(snapshot.term);
            self.configs.retain(|(at, _)| keeps_suffix && *at > index);
            self.log.compact_to(snapshot.clone());
            self.commit_index = index;
            self.last_applied = index;
            // Persisted and loaded by the driver from the Ready.
            self.ready.snapshot = Some(snapshot.clone());
        }
        self.reply_append(leader, true, index, None, round);
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
}

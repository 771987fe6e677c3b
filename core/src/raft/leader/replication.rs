//! The leader's side of log replication (§5.3): heartbeat rounds, batches
//! paced by flow control, snapshots for followers that fell behind the
//! log's start, the answers to all of them, and commitment (§5.4.2).

use crate::raft::application::Application;
use crate::raft::message::{
    AppendEntries, AppendEntriesReply, ConflictHint, InstallSnapshot, Message,
};
use crate::raft::node::{Node, RoleState};
use crate::raft::progress::ProgressState;
use crate::raft::ready::StepContext;
use crate::raft::transition::TransitionCause;
use crate::raft::types::{LogIndex, NodeId};

impl<A: Application> Node<A> {
    /// Starts a heartbeat round: AppendEntries to every peer.
    pub(in crate::raft) fn broadcast_append_entries(&mut self, ctx: StepContext) {
        if let RoleState::Leader(leader) = &mut self.role {
            leader.start_round(ctx.now, &self.config);
        }
        self.sync_progress();
        let peers: Vec<NodeId> = self
            .leader()
            .map_or_else(Vec::new, |leader| leader.progress.keys().copied().collect());
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
        let Some(leader) = self.leader_mut() else {
            return;
        };
        if let Some(peer_progress) = leader.progress.get_mut(&peer) {
            if peer_progress.is_stalled(ctx.now, interval) {
                let next = peer_progress.match_index.next();
                peer_progress.become_probe(next);
            }
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
    pub(in crate::raft) fn maybe_send_entries(&mut self, ctx: StepContext, peer: NodeId) -> bool {
        let interval = self.config.heartbeat_interval_us;
        let max_inflight = self.config.max_inflight_appends;
        let max_entries = self.config.max_entries_per_append;
        let last_index = self.log.last_index();
        let RoleState::Leader(leader) = &mut self.role else {
            return false;
        };
        let round = leader.round;
        let Some(peer_progress) = leader.progress.get_mut(&peer) else {
            return false;
        };
        if !peer_progress.may_send_entries(ctx.now, interval, max_inflight) {
            return false;
        }
        if peer_progress.next_index <= self.log.snapshot_index() {
            return self.send_snapshot(ctx, peer);
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

    /// The entries `peer` needs were compacted away: send the snapshot,
    /// paced like a probe (thesis §5.1; etcd's snapshot state).
    fn send_snapshot(&mut self, ctx: StepContext, peer: NodeId) -> bool {
        let Some(snapshot) = self.log.snapshot().cloned() else {
            return false;
        };
        let RoleState::Leader(leader) = &mut self.role else {
            return false;
        };
        let Some(peer_progress) = leader.progress.get_mut(&peer) else {
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
            round: leader.round,
        });
        self.send(peer, message);
        true
    }

    /// An empty AppendEntries at `peer`'s matchIndex, where its log is known
    /// to agree with ours: it asserts leadership and carries leaderCommit
    /// without touching the flow-control window or counting as a probe, so
    /// a follower hears from its leader every round whatever flow control
    /// holds back.
    fn send_heartbeat(&mut self, peer: NodeId) {
        let Some(leader) = self.leader() else {
            return;
        };
        let round = leader.round;
        let Some(peer_progress) = leader.progress.get(&peer) else {
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
    fn append_entries_from(&self, first: LogIndex, count: usize, round: u64) -> Message<A> {
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

    /// Updates `from`'s progress with its answer and sends what that allows.
    /// Replies may come late, twice or out of order: only one that tells
    /// something new moves the progress, so no copy sends a batch again.
    pub(in crate::raft) fn handle_append_entries_reply(
        &mut self,
        ctx: StepContext,
        from: NodeId,
        reply: &AppendEntriesReply,
    ) {
        if reply.term < self.current_term {
            return;
        }
        let hinted = reply
            .conflict
            .filter(|_| self.config.options.fast_backtracking)
            .map(|hint| self.next_index_after(hint));
        let Some(peer) = self
            .leader_mut()
            .and_then(|leader| leader.progress.get_mut(&from))
        else {
            return;
        };
        let (advanced, send_more) = if reply.success {
            peer.on_append_success(reply.index, ctx.now)
        } else {
            (false, peer.on_append_rejection(reply.index, hinted))
        };
        debug_assert!(peer.match_index < peer.next_index);
        if advanced {
            self.maybe_advance_commit(ctx);
        }
        if send_more {
            self.maybe_send_entries(ctx, from);
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

    /// §5.3, §5.4.2: commit the highest index of the current term stored on
    /// a majority (of both halves during joint consensus; the leader counts
    /// itself only if it votes in the configuration, thesis §4.2.2). A
    /// leader that has just committed a configuration without itself steps
    /// down.
    pub(in crate::raft) fn maybe_advance_commit(&mut self, ctx: StepContext) {
        let Some(leader) = self.leader() else {
            return;
        };
        let id = self.config.id;
        let own_last = self.log.last_index();
        let majority_holds = self.membership().quorum_value(|peer| {
            if peer == id {
                own_last
            } else {
                leader
                    .progress
                    .get(&peer)
                    .map_or(LogIndex(0), |p| p.match_index)
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
}

//! A leader's view of each follower's log and the flow control of what it
//! sends there, after etcd raft's progress states: probe one AppendEntries
//! at a time until the logs match, then stream batches through a window.

use super::types::{LogIndex, Micros};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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
    pub(super) fn become_probe(&mut self, next_index: LogIndex) {
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
    pub(super) fn may_send_entries(
        &self,
        now: Micros,
        heartbeat_interval_us: Micros,
        max: usize,
    ) -> bool {
        match self.state {
            ProgressState::Probe => self
                .probe_sent_at
                .is_none_or(|at| now >= at.saturating_add(heartbeat_interval_us)),
            ProgressState::Replicate => self.inflight.len() < max,
        }
    }

    /// True when batches sent while replicating have gone unacknowledged
    /// for a heartbeat interval: one of them, or its answer, was lost.
    pub(super) fn is_stalled(&self, now: Micros, heartbeat_interval_us: Micros) -> bool {
        self.state == ProgressState::Replicate
            && !self.inflight.is_empty()
            && now >= self.inflight_moved_at.saturating_add(heartbeat_interval_us)
    }

    /// The follower stored our entries up to `index`. Returns whether
    /// matchIndex moved, and whether to send the next batch.
    pub(super) fn on_append_success(&mut self, index: LogIndex, now: Micros) -> (bool, bool) {
        match self.state {
            // A duplicated or late success, below what we know, says nothing new.
            ProgressState::Probe if index < self.match_index => (false, false),
            ProgressState::Probe if index < self.next_index.prev() => {
                // An answer to a heartbeat at matchIndex (or to an older
                // probe): it may raise matchIndex, but the probe is still out.
                let advanced = index > self.match_index;
                self.match_index = index;
                self.next_index = self.next_index.max(index.next());
                (advanced, false)
            }
            ProgressState::Probe => {
                // The probe's answer: the logs agree up to `index`, at or
                // past where we asked. Start streaming after it.
                let advanced = index > self.match_index;
                self.match_index = index;
                self.become_replicate(now);
                (advanced, true)
            }
            // Only a reply that moves matchIndex forward frees a slot and asks
            // for the next batch: a duplicated or late one would otherwise send
            // the same batch again, and with a duplicating network the copies
            // multiply.
            ProgressState::Replicate if index <= self.match_index => (false, false),
            ProgressState::Replicate => {
                self.acknowledge(index, now);
                (true, true)
            }
        }
    }

    /// The follower's log does not hold our entry at `index` (the rejected
    /// prevLogIndex): back off one entry, or past the whole conflicting term
    /// with a hint, and probe again (§5.3). Late or duplicate rejections,
    /// for an index we already moved past, change nothing. Returns whether
    /// to send the new probe.
    pub(super) fn on_append_rejection(
        &mut self,
        index: LogIndex,
        hinted: Option<LogIndex>,
    ) -> bool {
        let answers_what_we_sent = match self.state {
            ProgressState::Probe => index.next() == self.next_index,
            ProgressState::Replicate => index < self.next_index,
        };
        if !answers_what_we_sent || index <= self.match_index {
            return false;
        }
        let next = hinted.map_or(index, |hint| hint.min(index));
        self.become_probe(next.max(LogIndex(1)));
        true
    }
}

//! What only a leader keeps (Figure 2, "volatile state on leaders", and the
//! bookkeeping of the thesis's optional mechanisms), as data: the leader's
//! handlers are in `leader`.

use super::application::Application;
use super::configuration::MembershipJob;
use super::options::{NodeConfig, ReadMode};
use super::progress::PeerProgress;
use super::types::{LogIndex, Micros, NodeId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A read waiting at the leader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingRead<A: Application> {
    /// The read.
    pub request: A::Command,
    /// The commitIndex it must follow, once the leader has committed an
    /// entry of its own term.
    pub read_index: Option<LogIndex>,
    /// The heartbeat round whose answer by a majority confirms leadership.
    pub round: Option<u64>,
}

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
    pub(super) fn new(
        now: Micros,
        progress: BTreeMap<NodeId, PeerProgress>,
        config: &NodeConfig,
    ) -> Self {
        LeaderState {
            progress,
            heartbeat_deadline: now,
            recently_active: BTreeSet::new(),
            quorum_check_deadline: now.saturating_add(config.election_timeout_us_min),
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
    pub(super) fn start_round(&mut self, now: Micros, config: &NodeConfig) {
        self.heartbeat_deadline = now.saturating_add(config.heartbeat_interval_us);
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
            self.quorum_check_deadline = now.saturating_add(new.election_timeout_us_min);
        }
    }
}

//! Cluster membership: who votes, who only listens, and how the set changes
//! (Raft thesis chapter 4; the paper's §6).
//!
//! A configuration is an entry in the log like any other ([`LogCommand::Config`]
//! in `log`), and a server uses the latest one its log holds, committed or
//! not (thesis §4.1). During joint consensus a decision needs a majority of
//! the new voters *and* a majority of the old ones (paper §6).

mod plan;

use super::application::Application;
use super::configuration::{Membership, MembershipChange, MembershipError, MembershipJob};
use super::log::{Entry, LogCommand};
use super::node::Node;
use super::progress::PeerProgress;
use super::ready::StepContext;
use super::types::{LogIndex, NodeId};
use plan::{next_membership_step, MembershipState};
use std::collections::BTreeSet;
use std::sync::Arc;

impl<A: Application> Node<A> {
    /// The configuration this server uses: the latest in its log, committed
    /// or not (thesis §4.1), else the one the cluster started with.
    pub fn membership(&self) -> &Membership {
        self.configs
            .last()
            .map_or_else(|| self.base_membership(), |(_, m)| m)
    }

    /// The configuration in force at `index` (for a snapshot taken there).
    pub fn membership_at(&self, index: LogIndex) -> &Membership {
        self.configs
            .iter()
            .rev()
            .find(|(at, _)| *at <= index)
            .map_or_else(|| self.base_membership(), |(_, m)| m)
    }

    /// The configuration before the log's first configuration entry: the
    /// snapshot's, else the one the cluster started with.
    fn base_membership(&self) -> &Membership {
        self.log
            .snapshot()
            .map_or(&self.bootstrap, |snapshot| &snapshot.membership)
    }

    /// The log index of the configuration in use; 0 when it is the starting
    /// one or the snapshot's (both committed, which is all callers ask).
    pub fn membership_index(&self) -> LogIndex {
        self.configs.last().map_or(LogIndex(0), |(index, _)| *index)
    }

    /// A leader's membership change under way, if any.
    pub fn membership_job(&self) -> Option<&MembershipJob> {
        self.leader()
            .and_then(|leader| leader.membership_job.as_deref())
    }

    /// Would this server start `change` now? Only a leader with no other
    /// change under way does, and only a change that makes sense for the
    /// configuration in use.
    pub fn can_change_membership(&self, change: &MembershipChange) -> Result<(), MembershipError> {
        let Some(leader) = self.leader() else {
            return Err(MembershipError::NotLeader);
        };
        let current = self.membership();
        if leader.membership_job.is_some() || current.is_joint() {
            return Err(MembershipError::ChangeInProgress);
        }
        match change {
            MembershipChange::AddServer(id) if current.is_voter(*id) => {
                Err(MembershipError::AlreadyMember(*id))
            }
            MembershipChange::RemoveServer(id) if !current.contains(*id) => {
                Err(MembershipError::NotMember(*id))
            }
            MembershipChange::RemoveServer(id)
                if current.voters.len() == 1 && current.is_voter(*id) =>
            {
                Err(MembershipError::NoVotersLeft)
            }
            MembershipChange::ReplaceVoters(voters) if voters.is_empty() => {
                Err(MembershipError::NoVotersLeft)
            }
            MembershipChange::ReplaceVoters(voters) if *voters == current.voters => {
                Err(MembershipError::NothingToChange)
            }
            _ => Ok(()),
        }
    }

    /// Every server a leader sends AppendEntries to: the members of the
    /// configuration in use and, until that configuration commits, those of
    /// the one before, so a removed server still learns it was removed.
    pub(super) fn replication_targets(&self) -> BTreeSet<NodeId> {
        let mut targets = self.membership().replicas();
        if let Some(previous) = self.uncommitted_predecessor() {
            targets.extend(previous.replicas());
        }
        targets.remove(&self.config.id);
        targets
    }

    /// While the configuration in use is not known to be committed, the one
    /// before it.
    fn uncommitted_predecessor(&self) -> Option<&Membership> {
        if self.membership_index() <= self.commit_index {
            return None;
        }
        match self.configs.len() {
            0 => None,
            1 => Some(self.base_membership()),
            n => Some(&self.configs[n - 2].1),
        }
    }

    /// May this server start an election? A voter may. So may a server
    /// that voted in the configuration before an uncommitted one that
    /// leaves it out: it may hold the only copy of that entry, and the
    /// remaining voters can then only commit it under its leadership (it
    /// counts votes by its own latest configuration, so this is safe).
    pub(super) fn may_campaign(&self) -> bool {
        let id = self.config.id;
        self.membership().is_voter(id)
            || self
                .uncommitted_predecessor()
                .is_some_and(|previous| previous.is_voter(id))
    }

    /// Brings a leader's per-follower progress in line with the servers it
    /// replicates to: newcomers start at the end of its log, as every
    /// follower does when a leader takes office (Figure 2).
    pub(super) fn sync_progress(&mut self) {
        let targets = self.replication_targets();
        let next_index = self.log.last_index().next();
        let Some(leader) = self.leader_mut() else {
            return;
        };
        leader.progress.retain(|peer, _| targets.contains(peer));
        for peer in targets {
            leader
                .progress
                .entry(peer)
                .or_insert_with(|| PeerProgress::new(next_index));
        }
    }

    /// Takes on a membership change the driver has checked with
    /// [`Node::can_change_membership`].
    pub(super) fn change_membership(&mut self, ctx: StepContext, change: MembershipChange) {
        if self.can_change_membership(&change).is_err() {
            return;
        }
        if let Some(leader) = self.leader_mut() {
            leader.membership_job = Some(Box::new(MembershipJob {
                change,
                catch_up: None,
            }));
        }
        self.maybe_advance_membership(ctx);
    }

    /// Carries out the next step of a leader's membership change, as
    /// [`next_membership_step`] decides it: keeps what is left of the job
    /// and appends the configuration it names, if any.
    pub(super) fn maybe_advance_membership(&mut self, ctx: StepContext) {
        let Some(leader) = self.leader() else {
            return;
        };
        // Called on every acknowledgment and tick: almost always idle.
        if leader.membership_job.is_none() && !self.membership().is_joint() {
            return;
        }
        let step = next_membership_step(&self.membership_state(ctx));
        if let Some(leader) = self.leader_mut() {
            leader.membership_job = step.job.map(Box::new);
        }
        let Some(membership) = step.append else {
            return;
        };
        let index = self.log.last_index().next();
        self.append_to_own_log(Entry {
            index,
            term: self.current_term,
            command: LogCommand::Config(Arc::new(membership)),
        });
        self.maybe_advance_commit(ctx);
        self.broadcast_append_entries(ctx);
    }

    /// What a leader knows that decides its membership change's next step.
    fn membership_state(&self, ctx: StepContext) -> MembershipState<'_> {
        let job = self.membership_job();
        let learner_match = match job.map(|job| &job.change) {
            Some(MembershipChange::AddServer(id)) => self
                .leader()
                .and_then(|leader| leader.progress.get(id))
                .map_or(LogIndex(0), |p| p.match_index),
            _ => LogIndex(0),
        };
        let committed = self.membership_index() <= self.commit_index;
        let term_committed = self.config.bugs.membership_change_before_term_commit
            || self.log.term_at(self.commit_index) == Some(self.current_term);
        MembershipState {
            current: self.membership(),
            job,
            committed,
            may_append: committed && term_committed,
            direct_switch: self.config.bugs.direct_membership_switch,
            learner_match,
            last_index: self.log.last_index(),
            now: ctx.now,
            election_timeout_us_min: self.config.election_timeout_us_min,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[u32]) -> BTreeSet<NodeId> {
        list.iter().copied().map(NodeId).collect()
    }

    #[test]
    fn joint_consensus_needs_a_majority_of_both_halves() {
        let joint = Membership {
            voters: ids(&[1, 2, 3, 4, 5]),
            outgoing: Some(ids(&[1, 2, 3])),
            learners: BTreeSet::new(),
        };
        let of = |set: &[u32]| {
            let set = ids(set);
            move |id: NodeId| set.contains(&id)
        };
        assert!(!joint.has_quorum(of(&[1, 4, 5])), "no majority of C_old");
        assert!(!joint.has_quorum(of(&[1, 2])), "no majority of C_new");
        assert!(joint.has_quorum(of(&[1, 2, 4])));
        assert!(Membership::of(ids(&[1, 2, 3])).has_quorum(of(&[2, 3])));
    }

    #[test]
    fn quorum_value_is_the_minimum_over_both_halves() {
        let joint = Membership {
            voters: ids(&[3, 4, 5]),
            outgoing: Some(ids(&[1, 2, 3])),
            learners: ids(&[6]),
        };
        let matched = |id: NodeId| LogIndex([0, 9, 9, 5, 2, 2, 9][id.0 as usize]);
        // C_old {1,2,3}: 9,9,5 → 9; C_new {3,4,5}: 5,2,2 → 2. The learner does not count.
        assert_eq!(joint.quorum_value(matched), LogIndex(2));
        let single = Membership::of(ids(&[1]));
        assert_eq!(single.quorum_value(matched), LogIndex(9));
    }

    #[test]
    fn replicas_are_voters_of_both_halves_and_learners() {
        let joint = Membership {
            voters: ids(&[3, 4]),
            outgoing: Some(ids(&[1, 3])),
            learners: ids(&[6]),
        };
        assert_eq!(joint.replicas(), ids(&[1, 3, 4, 6]));
        assert!(joint.is_voter(NodeId(1)) && !joint.is_voter(NodeId(6)));
        assert_eq!(joint.to_string(), "{S1,S3}→{S3,S4} learners {S6}");
    }
}

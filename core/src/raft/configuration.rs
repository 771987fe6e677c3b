//! A cluster configuration as data: who votes, who only listens, the change
//! under way and a new server's catch-up (thesis chapter 4). How a server
//! uses and changes it is in `membership`.

use super::types::{LogIndex, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Most catch-up rounds a new server gets before the leader gives up on
/// making it a voter (thesis §4.2.1 suggests about ten).
pub const CATCH_UP_ROUNDS_MAX: u32 = 10;

/// One configuration of the cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    /// The voting members (C_new during joint consensus).
    pub voters: BTreeSet<NodeId>,
    /// During joint consensus, the voters being replaced (C_old); `None`
    /// otherwise.
    pub outgoing: Option<BTreeSet<NodeId>>,
    /// Servers that receive the log but do not vote and do not count
    /// towards any majority: new servers catching up (thesis §4.2.1).
    pub learners: BTreeSet<NodeId>,
}

impl Membership {
    /// A plain configuration of `voters`.
    pub fn of(voters: impl IntoIterator<Item = NodeId>) -> Membership {
        Membership {
            voters: voters.into_iter().collect(),
            outgoing: None,
            learners: BTreeSet::new(),
        }
    }

    /// True during joint consensus (C_old,new).
    pub fn is_joint(&self) -> bool {
        self.outgoing.is_some()
    }

    /// True if `id` votes in this configuration (in either half when joint).
    pub fn is_voter(&self, id: NodeId) -> bool {
        self.voters.contains(&id) || self.outgoing.as_ref().is_some_and(|o| o.contains(&id))
    }

    /// True if `id` is a learner here.
    pub fn is_learner(&self, id: NodeId) -> bool {
        self.learners.contains(&id)
    }

    /// True if `id` takes part at all, voting or learning.
    pub fn contains(&self, id: NodeId) -> bool {
        self.is_voter(id) || self.is_learner(id)
    }

    /// Every server that votes, in either half when joint, in id order.
    pub fn all_voters(&self) -> BTreeSet<NodeId> {
        let mut all = self.voters.clone();
        if let Some(outgoing) = &self.outgoing {
            all.extend(outgoing);
        }
        all
    }

    /// Every server a leader replicates to under this configuration, in id order.
    pub fn replicas(&self) -> BTreeSet<NodeId> {
        let mut all = self.all_voters();
        all.extend(&self.learners);
        all
    }

    /// Do the servers for which `granted` holds form a majority of every
    /// voting set (both halves during joint consensus)?
    pub fn has_quorum(&self, granted: impl Fn(NodeId) -> bool) -> bool {
        let majority_of = |set: &BTreeSet<NodeId>| {
            !set.is_empty() && set.iter().filter(|id| granted(**id)).count() > set.len() / 2
        };
        majority_of(&self.voters) && self.outgoing.as_ref().is_none_or(majority_of)
    }

    /// The highest value that a majority of every voting set has reached,
    /// given each voter's value: for match indexes, the index a leader may
    /// commit up to (§5.3); for heartbeat rounds, the latest round a
    /// majority answered.
    pub fn quorum_value<T: Copy + Ord + Default>(&self, value: impl Fn(NodeId) -> T) -> T {
        let quorum_value_of = |set: &BTreeSet<NodeId>| {
            let mut values: Vec<T> = set.iter().map(|id| value(*id)).collect();
            values.sort_unstable_by(|a, b| b.cmp(a));
            // With n voters, the (n/2 + 1)-th highest value is held by a majority.
            values.get(set.len() / 2).copied().unwrap_or_default()
        };
        let incoming = quorum_value_of(&self.voters);
        match &self.outgoing {
            Some(outgoing) => incoming.min(quorum_value_of(outgoing)),
            None => incoming,
        }
    }
}

impl fmt::Display for Membership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |set: &BTreeSet<NodeId>| {
            set.iter()
                .map(NodeId::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        match &self.outgoing {
            Some(outgoing) => write!(f, "{{{}}}→{{{}}}", names(outgoing), names(&self.voters))?,
            None => write!(f, "{{{}}}", names(&self.voters))?,
        }
        if !self.learners.is_empty() {
            write!(f, " learners {{{}}}", names(&self.learners))?;
        }
        Ok(())
    }
}

/// A change of membership a user asks a leader for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MembershipChange {
    /// Add one server: first as a learner that catches up in rounds, then
    /// as a voter (thesis §4.2.1, §4.3: one server at a time).
    AddServer(NodeId),
    /// Remove one server, voter or learner (thesis §4.2.2).
    RemoveServer(NodeId),
    /// Replace the voters with this set by joint consensus: C_old,new, then
    /// C_new once it commits (paper §6).
    ReplaceVoters(BTreeSet<NodeId>),
}

impl fmt::Display for MembershipChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MembershipChange::AddServer(id) => write!(f, "add {id}"),
            MembershipChange::RemoveServer(id) => write!(f, "remove {id}"),
            MembershipChange::ReplaceVoters(voters) => {
                write!(f, "change the voters to {}", Membership::of(voters.clone()))
            }
        }
    }
}

/// Why a leader will not start a membership change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MembershipError {
    /// Only a leader changes the membership.
    NotLeader,
    /// One change at a time: the last one has not finished.
    ChangeInProgress,
    /// The server to add is already in the configuration.
    AlreadyMember(NodeId),
    /// The server to remove is not in the configuration.
    NotMember(NodeId),
    /// A cluster needs at least one voter.
    NoVotersLeft,
    /// The requested voters are the current ones.
    NothingToChange,
}

impl fmt::Display for MembershipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MembershipError::NotLeader => f.write_str("only the leader changes the membership"),
            MembershipError::ChangeInProgress => {
                f.write_str("a membership change is still under way: one at a time")
            }
            MembershipError::AlreadyMember(id) => write!(f, "{id} is already in the cluster"),
            MembershipError::NotMember(id) => write!(f, "{id} is not in the cluster"),
            MembershipError::NoVotersLeft => f.write_str("a cluster needs at least one voter"),
            MembershipError::NothingToChange => f.write_str("those are the voters already"),
        }
    }
}

impl std::error::Error for MembershipError {}

/// A membership change a leader is carrying out, step by step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipJob {
    /// What was asked.
    pub change: MembershipChange,
    /// For a server being added: its catch-up progress.
    pub catch_up: Option<CatchUp>,
}

/// A new server catching up in rounds before it may vote (thesis §4.2.1):
/// each round replicates every entry the leader held when the round began;
/// once a round takes less than an election timeout, the server is close
/// enough to become a voter without hurting availability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatchUp {
    /// Rounds begun so far.
    pub round: u32,
    /// The leader's last index when this round began: the round ends when
    /// the learner's matchIndex reaches it.
    pub round_end_index: LogIndex,
    /// When this round began.
    pub round_started_at: crate::raft::Micros,
    /// The last round finished within an election timeout.
    pub caught_up: bool,
}

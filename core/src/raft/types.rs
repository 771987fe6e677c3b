//! Newtypes for the protocol's numbers, so a term is never mistaken for an index.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Virtual time in microseconds. The simulator owns it; Raft only compares instants it is handed.
pub type Micros = u64;

/// A server's identity, numbered from 1 as in the Raft paper's figures ("S1".."S9").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

/// A Raft term (§5.1). Terms only grow on a server.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Term(pub u64);

impl Term {
    /// The term after this one. The last term stays last rather than wrap
    /// to 0; configurations keep runs far below it.
    pub fn next(self) -> Term {
        Term(self.0.saturating_add(1))
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A position in the replicated log. Index 1 is the first entry; index 0 is "before the log".
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct LogIndex(pub u64);

impl LogIndex {
    /// The index just after this one.
    pub fn next(self) -> LogIndex {
        LogIndex(self.0 + 1)
    }

    /// The index just before this one, saturating at 0.
    pub fn prev(self) -> LogIndex {
        LogIndex(self.0.saturating_sub(1))
    }
}

impl fmt::Display for LogIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The three roles of the Raft paper's Figure 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Passive: answers leaders and candidates, times out into an election.
    Follower,
    /// Asking for votes in its own term.
    Candidate,
    /// Handles client requests and replicates its log.
    Leader,
    /// With PreVote on: asking whether it could win an election, before it
    /// raises its term (thesis §9.6).
    PreCandidate,
}

impl Role {
    /// Every role, in the order of the paper's Figure 4 (PreVote's last).
    pub const ALL: [Role; 4] = [
        Role::Follower,
        Role::Candidate,
        Role::Leader,
        Role::PreCandidate,
    ];

    /// The role whose [`Role::as_str`] name is `name`.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// The lower-case name used in the page's `data-role` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
            Role::PreCandidate => "pre-candidate",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

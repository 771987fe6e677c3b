//! Why and how a server changes role: the arrows of the Raft paper's Figure 4.

use super::types::{Role, Term};
use serde::{Deserialize, Serialize};

/// Why a server changed role: the labels of the arrows in the Raft paper's Figure 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransitionCause {
    /// Its election timer ran out (or a user forced it): it starts an election.
    TimesOut,
    /// It received votes from a majority of servers.
    ReceivesMajority,
    /// It heard from the leader of its own term.
    DiscoversCurrentLeader,
    /// It saw a message with a higher term.
    DiscoversHigherTerm,
    /// It (re)started and begins as a follower.
    StartsUp,
    /// A pre-candidate heard from a majority that they would vote for it: it
    /// starts the real election (thesis §9.6).
    WinsPreVote,
    /// A leader heard from no majority for an election timeout (CheckQuorum).
    LosesQuorum,
    /// The leader asked it to take over (TimeoutNow): it starts an election.
    ReceivesTimeoutNow,
    /// A leader committed a configuration without itself (thesis §4.2.2).
    RemovedFromCluster,
}

impl TransitionCause {
    /// The words of the Figure 4 arrow.
    pub fn label(self) -> &'static str {
        match self {
            TransitionCause::TimesOut => "times out, starts election",
            TransitionCause::ReceivesMajority => "receives votes from majority of servers",
            TransitionCause::DiscoversCurrentLeader => "discovers current leader",
            TransitionCause::DiscoversHigherTerm => "discovers server with higher term",
            TransitionCause::StartsUp => "starts up",
            TransitionCause::WinsPreVote => "receives pre-votes from majority, starts election",
            TransitionCause::LosesQuorum => "hears from no majority for an election timeout",
            TransitionCause::ReceivesTimeoutNow => {
                "told by the leader to take over, starts election"
            }
            TransitionCause::RemovedFromCluster => {
                "commits a configuration without itself, steps down"
            }
        }
    }
}

/// One role change (candidate → candidate counts: a new election).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Transition {
    /// The role before.
    pub from: Role,
    /// The role after.
    pub to: Role,
    /// The server's term after the change.
    pub term: Term,
    /// Why it happened.
    pub cause: TransitionCause,
}

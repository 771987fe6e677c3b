//! The parameters of a server: its identity and timings ([`NodeConfig`]), the
//! optional mechanisms of the paper and thesis ([`RaftOptions`], [`ReadMode`])
//! and the rules it may break on purpose ([`BugSwitches`]).

use super::types::{Micros, NodeId};
use serde::{Deserialize, Serialize};

/// Switches that each break one rule of Raft. Every one is caught by a checker
/// (see the tests named after them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BugSwitches {
    /// The state machine runs a retried request again instead of answering it
    /// from the client's session (§8).
    #[serde(default)]
    pub no_request_dedup: bool,
    /// A follower accepts AppendEntries without checking prevLogIndex/prevLogTerm (§5.3).
    #[serde(default)]
    pub skip_prev_log_check: bool,
    /// Servers apply entries as soon as they are in the log, before they commit.
    #[serde(default)]
    pub apply_before_commit: bool,
    /// A server grants votes without the up-to-date log check (§5.4.1).
    #[serde(default)]
    pub vote_without_log_check: bool,
    /// A restarted server forgets whom it voted for in its current term, so
    /// it can vote twice in one term (votedFor is persistent state, Figure 2).
    #[serde(default)]
    pub forget_vote_on_restart: bool,
    /// A leader commits an entry of an earlier term once a majority stores it,
    /// which §5.4.2 and the paper's Figure 8 show can lose committed entries.
    #[serde(default)]
    pub commit_old_terms_by_counting: bool,
    /// A server that believes it is leader answers reads from its own state
    /// machine at once, without the log or confirming it still leads (§8):
    /// a deposed leader serves stale values.
    #[serde(default)]
    pub stale_leader_reads: bool,
    /// A leader appends a new configuration before it has committed an
    /// entry of its own term: the single-server change bug found in 2015,
    /// which can let two configurations that share no majority both decide.
    #[serde(default)]
    pub membership_change_before_term_commit: bool,
    /// A change of voters switches straight from C_old to C_new without
    /// joint consensus: the unsafe switch of the paper's Figure 10, where
    /// a majority of each can elect its own leader in the same term.
    #[serde(default)]
    pub direct_membership_switch: bool,
}

/// `NAMES` and `switch_mut` for a struct of boolean switches, from one list
/// of its fields, so the names and the fields cannot drift apart.
macro_rules! named_switches {
    ($type:ident { $($field:ident),+ $(,)? }) => {
        impl $type {
            /// Every switch's name, as written in configs, run files and the CLI.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            /// The switch called `name`, for setting or reading; `None` for an unknown name.
            pub fn switch_mut(&mut self, name: &str) -> Option<&mut bool> {
                match name {
                    $(stringify!($field) => Some(&mut self.$field),)+
                    _ => None,
                }
            }
        }
    };
}

named_switches!(BugSwitches {
    no_request_dedup,
    skip_prev_log_check,
    apply_before_commit,
    vote_without_log_check,
    forget_vote_on_restart,
    commit_old_terms_by_counting,
    stale_leader_reads,
    membership_change_before_term_commit,
    direct_membership_switch,
});

impl BugSwitches {
    /// True when any rule is broken.
    pub fn any(&self) -> bool {
        *self != BugSwitches::default()
    }
}

/// How a leader answers reads (thesis §6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReadMode {
    /// A read is a log entry like a write: linearizable, and as slow as one.
    #[default]
    Log,
    /// ReadIndex: once it has committed an entry of its term, the leader
    /// notes its commitIndex, confirms it still leads with a heartbeat round
    /// answered by a majority, and answers once that index is applied.
    ReadIndex,
    /// Lease: a majority's answer to a heartbeat round sent at `t` lets the
    /// leader answer reads at once until `t` + the minimum election timeout,
    /// assuming clocks drift by less than the gap to the next election. It
    /// relies on leader stickiness, so it needs CheckQuorum on.
    Lease,
}

/// The optional mechanisms of the Raft paper and thesis, each a switch so a
/// learner can compare a cluster with and without it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct RaftOptions {
    /// A new leader appends a no-op entry of its own term at once, so the
    /// entries of earlier terms commit without waiting for a client (thesis §6.4).
    pub noop_on_election: bool,
    /// A follower's rejection names the conflicting term and where it starts
    /// (or where its log ends), so the leader skips a term per round trip
    /// instead of one entry (§5.3's closing optimization).
    pub fast_backtracking: bool,
    /// Before raising its term, a server asks whether it could win; servers
    /// that heard from a leader within the minimum election timeout say no.
    /// A server cut off from the leader then cannot disrupt it (thesis §9.6).
    pub pre_vote: bool,
    /// A leader that hears from no majority within an election timeout steps
    /// down; servers that heard from a leader that recently ignore
    /// RequestVotes (leader stickiness, thesis §4.2.3 and §6.2).
    pub check_quorum: bool,
    /// How reads are answered.
    pub read_mode: ReadMode,
}

named_switches!(RaftOptions {
    noop_on_election,
    fast_backtracking,
    pre_vote,
    check_quorum,
});

impl RaftOptions {
    /// Every option switched on.
    pub fn all() -> RaftOptions {
        let mut options = RaftOptions::default();
        for name in RaftOptions::NAMES {
            if let Some(switch) = options.switch_mut(name) {
                *switch = true;
            }
        }
        options
    }
}

impl Default for RaftOptions {
    fn default() -> RaftOptions {
        RaftOptions {
            noop_on_election: true,
            fast_backtracking: true,
            pre_vote: false,
            check_quorum: false,
            read_mode: ReadMode::Log,
        }
    }
}

/// The fixed parameters of one server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeConfig {
    /// This server.
    pub id: NodeId,
    /// The voting members the cluster started with, this server included;
    /// empty for a server that joins later and learns the configuration
    /// from the leader. The latest configuration entry in the log, if
    /// any, overrides it.
    pub members: Vec<NodeId>,
    /// How long a leader waits between AppendEntries rounds when idle.
    pub heartbeat_interval_us: Micros,
    /// The shortest election timeout: how long a leader's word keeps a
    /// server from helping an election (PreVote, CheckQuorum).
    pub election_timeout_us_min: Micros,
    /// The most entries one AppendEntries carries.
    pub max_entries_per_append: usize,
    /// The most AppendEntries with entries a replicating leader leaves
    /// unacknowledged per follower (flow control); at least 1.
    pub max_inflight_appends: usize,
    /// Optional mechanisms, on or off.
    pub options: RaftOptions,
    /// Rules this server breaks on purpose (all off in a correct cluster).
    pub bugs: BugSwitches,
}

#[cfg(test)]
mod tests {
    use super::BugSwitches;

    #[test]
    fn every_bug_name_sets_exactly_one_distinct_switch() {
        let mut seen = Vec::new();
        for name in BugSwitches::NAMES {
            let mut bugs = BugSwitches::default();
            *bugs
                .switch_mut(name)
                .expect("every listed name is a switch") = true;
            assert!(bugs.any());
            assert!(
                !seen.contains(&bugs),
                "{name} sets the same switch as another"
            );
            seen.push(bugs);
        }
        assert!(BugSwitches::default().switch_mut("no_such_bug").is_none());
    }

    #[test]
    fn every_option_name_is_a_distinct_switch() {
        let all = super::RaftOptions::all();
        for name in super::RaftOptions::NAMES {
            let mut options = all;
            *options
                .switch_mut(name)
                .expect("every listed name is an option") = false;
            assert_ne!(options, all, "{name}");
        }
    }
}

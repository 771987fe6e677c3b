//! The parameters of a simulated cluster, with the defaults learners meet first.

use crate::kv::StateMachine;
use crate::raft::{BugSwitches, Micros, RaftOptions, ReadMode};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The most servers a cluster may have; the ring view is drawn for up to nine.
pub const NODE_COUNT_MAX: usize = 9;

/// Everything that shapes a run besides its seed and its inputs. A field
/// missing from a saved run takes its default, so runs saved before a field
/// existed still load.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Servers in the cluster, 1 to [`NODE_COUNT_MAX`].
    pub node_count: usize,
    /// Shortest election timeout (§5.2, default 150 ms).
    pub election_timeout_us_min: Micros,
    /// Longest election timeout (default 300 ms).
    pub election_timeout_us_max: Micros,
    /// A leader's idle interval between AppendEntries rounds (default 50 ms).
    pub heartbeat_interval_us: Micros,
    /// Shortest one-way network delay (default 10 ms, as RaftScope).
    pub latency_us_min: Micros,
    /// Longest one-way network delay (default 15 ms).
    pub latency_us_max: Micros,
    /// The most entries one AppendEntries carries.
    pub max_entries_per_append: usize,
    /// The most AppendEntries with entries a leader leaves unacknowledged
    /// per follower while replicating (flow control, default 4).
    pub max_inflight_appends: usize,
    /// How long a client waits for an answer before trying another server.
    pub client_timeout_us: Micros,
    /// Optional mechanisms of the paper and thesis, on or off.
    pub raft: RaftOptions,
    /// Rules deliberately broken, so a learner can watch Raft fail and the
    /// checkers are shown able to catch it. All off by default.
    pub bugs: BugSwitches,
    /// The replicated application: the key-value store (default) or the toy
    /// A/B/C machine. It decides what the workload asks for.
    pub state_machine: StateMachine,
    /// Log compaction: a server snapshots its state machine once it has
    /// applied this many entries past its last snapshot, and a leader sends
    /// the snapshot to a follower that needs what it dropped. 0 (the
    /// default) never compacts.
    pub snapshot_every: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            node_count: 5,
            election_timeout_us_min: 150_000,
            election_timeout_us_max: 300_000,
            heartbeat_interval_us: 50_000,
            latency_us_min: 10_000,
            latency_us_max: 15_000,
            max_entries_per_append: 8,
            max_inflight_appends: 4,
            client_timeout_us: 600_000,
            raft: RaftOptions::default(),
            bugs: BugSwitches::default(),
            snapshot_every: 0,
            state_machine: StateMachine::default(),
        }
    }
}

/// Why a [`Config`] cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `node_count` is outside 1..=9.
    NodeCount(usize),
    /// A min/max pair is empty or zero.
    Range(&'static str),
    /// Heartbeats must come well inside the election timeout or leaders are deposed.
    HeartbeatTooSlow,
    /// `max_entries_per_append` is zero.
    BatchSize,
    /// `max_inflight_appends` is zero.
    InflightLimit,
    /// Lease reads are only safe with leader stickiness (CheckQuorum).
    LeaseWithoutCheckQuorum,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NodeCount(n) => {
                write!(f, "a cluster has 1 to {NODE_COUNT_MAX} servers, not {n}")
            }
            ConfigError::Range(what) => write!(
                f,
                "{what}: the minimum must be positive and at most the maximum"
            ),
            ConfigError::HeartbeatTooSlow => f.write_str(
                "the heartbeat interval must be shorter than the shortest election timeout",
            ),
            ConfigError::BatchSize => {
                f.write_str("an AppendEntries must be able to carry at least one entry")
            }
            ConfigError::InflightLimit => {
                f.write_str("a leader must be able to have at least one AppendEntries in flight")
            }
            ConfigError::LeaseWithoutCheckQuorum => f.write_str(
                "lease reads are safe only if servers ignore elections while a leader is fresh: switch on CheckQuorum",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Checks that the parameters describe a cluster that can run.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=NODE_COUNT_MAX).contains(&self.node_count) {
            return Err(ConfigError::NodeCount(self.node_count));
        }
        let ranges = [
            (
                "election timeout",
                self.election_timeout_us_min,
                self.election_timeout_us_max,
            ),
            ("latency", self.latency_us_min, self.latency_us_max),
        ];
        for (what, min, max) in ranges {
            if min == 0 || min > max {
                return Err(ConfigError::Range(what));
            }
        }
        if self.heartbeat_interval_us == 0 || self.client_timeout_us == 0 {
            return Err(ConfigError::Range("interval"));
        }
        if self.heartbeat_interval_us >= self.election_timeout_us_min {
            return Err(ConfigError::HeartbeatTooSlow);
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::BatchSize);
        }
        if self.max_inflight_appends == 0 {
            return Err(ConfigError::InflightLimit);
        }
        if self.raft.read_mode == ReadMode::Lease && !self.raft.check_quorum {
            return Err(ConfigError::LeaseWithoutCheckQuorum);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_bad_values_are_named() {
        assert_eq!(Config::default().validate(), Ok(()));
        let too_many = Config {
            node_count: 10,
            ..Config::default()
        };
        assert_eq!(too_many.validate(), Err(ConfigError::NodeCount(10)));
        let inverted = Config {
            latency_us_min: 20,
            latency_us_max: 10,
            ..Config::default()
        };
        assert!(inverted
            .validate()
            .unwrap_err()
            .to_string()
            .contains("latency"));
        let slow = Config {
            heartbeat_interval_us: 150_000,
            ..Config::default()
        };
        assert_eq!(slow.validate(), Err(ConfigError::HeartbeatTooSlow));
        let no_window = Config {
            max_inflight_appends: 0,
            ..Config::default()
        };
        assert_eq!(no_window.validate(), Err(ConfigError::InflightLimit));
    }
}

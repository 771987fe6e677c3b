//! The parameters of a simulated cluster, with the defaults learners meet first.

use crate::app::{Entry, Log, LogCommand, PersistentState};
use crate::kv::{parse_operation, ClientId, ClientRequest, ParseOperationError, StateMachine};
use crate::raft::{BugSwitches, LogIndex, Micros, NodeId, RaftOptions, ReadMode, Term};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// The most servers a cluster may have; the ring view is drawn for up to nine.
pub const NODE_COUNT_MAX: usize = 9;

/// The longest disk write or timer jitter a configuration may ask for (10 s).
pub const MODEL_DELAY_US_MAX: Micros = 10_000_000;

/// The longest timeout, interval or network delay a configuration or a
/// link fault may ask for (one hour): every instant a run computes stays
/// many orders of magnitude below `u64::MAX` microseconds.
pub const DURATION_US_MAX: Micros = 3_600_000_000;

/// The most entries one AppendEntries may carry.
pub const ENTRIES_PER_APPEND_MAX: usize = 1_024;

/// The most unacknowledged AppendEntries a leader may keep per follower.
pub const INFLIGHT_APPENDS_MAX: usize = 256;

/// The longest compaction interval, in applied entries.
pub const SNAPSHOT_EVERY_MAX: u64 = 1_000_000;

/// The highest term a starting state may give: a run then has room for
/// far more elections than it can hold before terms would stop growing.
pub const TERM_MAX: u64 = 1_000_000_000_000;

/// The most entries a server's starting log may hold.
pub const INITIAL_LOG_LEN_MAX: usize = 1_000;

/// Everything that shapes a run besides its seed and its inputs. A field
/// missing from a saved run takes its default, so runs saved before a field
/// existed still load.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Servers in the cluster, 1 to [`NODE_COUNT_MAX`].
    #[serde(deserialize_with = "crate::format::count")]
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
    /// Late timers and slow disks, as real servers have them: off by default.
    pub delays: DelayModel,
    /// The most entries one AppendEntries carries.
    #[serde(deserialize_with = "crate::format::count")]
    pub max_entries_per_append: usize,
    /// The most AppendEntries with entries a leader leaves unacknowledged
    /// per follower while replicating (flow control, default 4).
    #[serde(deserialize_with = "crate::format::count")]
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
    /// What each server has on its disk at instant 0: `None` (the default)
    /// starts every server empty in term 0; a scenario that begins from a
    /// figure of the paper gives the terms, votes and logs. Fixed for the
    /// whole run. (Left out of files when `None`, so files written before
    /// the field existed read the same.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial: Option<InitialState>,
}

/// Delays real servers have and the default model leaves out. Both are off
/// (0) by default, and while off they draw nothing and hash to nothing, so
/// every run, scenario and link made before they existed replays the same.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DelayModel {
    /// Timer jitter: a server's timer fires late by a uniform draw from
    /// `0..=timer_jitter_us_max` from its own stream, as a real server
    /// wakes late by scheduling noise. 0 fires exactly on time.
    pub timer_jitter_us_max: Micros,
    /// The shortest disk write. A step that persists its term, vote or log
    /// holds the messages it sends until the write is done, and the
    /// server's later messages queue behind it. (Messages that waited for a
    /// write still go out if the server crashes first: a simplification.)
    pub disk_write_us_min: Micros,
    /// The longest disk write; 0 means writes take no time.
    pub disk_write_us_max: Micros,
}

impl std::hash::Hash for DelayModel {
    /// Nothing while both delays are off, so a configuration's hash (part
    /// of a run's trace hash) is what it was before they existed.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        if *self != DelayModel::default() {
            (
                self.timer_jitter_us_max,
                self.disk_write_us_min,
                self.disk_write_us_max,
            )
                .hash(state);
        }
    }
}

/// The persistent state every server starts from: as if each had crashed
/// with this on its disk and just restarted, a follower that knows nothing
/// of who leads and has committed nothing yet (commitIndex 0). Roles are not
/// part of it: a scenario that needs a given leader forces its election
/// with timed inputs (a `Timeout` at 0 ms).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialState {
    /// One per server, in id order: the first is S1.
    pub servers: Vec<InitialServer>,
}

/// One server's disk at instant 0 (the Raft paper's Figure 2, "persistent
/// state on all servers").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialServer {
    /// The latest term it has seen (0 if left out).
    #[serde(default)]
    pub current_term: Term,
    /// Whom it voted for in `current_term`, if anyone.
    #[serde(default)]
    pub voted_for: Option<NodeId>,
    /// Its log from index 1 on.
    #[serde(default)]
    pub log: Vec<InitialEntry>,
}

/// One entry of a starting log: the term that created it and what it asks.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialEntry {
    /// The term of the leader that created it (at least 1).
    pub term: Term,
    /// `noop`, or an operation as [`parse_operation`] reads it (`x=1`,
    /// `get x`, `del x`, `X`).
    pub op: String,
}

/// The client the entries of a starting log are filed under: no real client
/// (those are C1 and up) ever retries them, so sessions never mix them up.
/// The linearizability checker sees only the clients' own operations, not
/// these entries, so a run's clients should use keys the starting logs do
/// not write (or the checker may find their answers unexplained).
pub const INITIAL_CLIENT: ClientId = ClientId(0);

impl InitialEntry {
    /// The entry as it sits at `index`: a no-op, or a request of
    /// [`INITIAL_CLIENT`] numbered by its index (so the same text at the
    /// same index and term is the same entry on every server).
    pub fn to_entry(&self, index: LogIndex) -> Result<Entry, ParseOperationError> {
        let command = if self.op.trim() == "noop" {
            LogCommand::Noop
        } else {
            LogCommand::Client(Arc::new(ClientRequest {
                client: INITIAL_CLIENT,
                seq: index.0,
                op: parse_operation(&self.op)?,
            }))
        };
        Ok(Entry {
            index,
            term: self.term,
            command,
        })
    }
}

/// Why an [`InitialState`] is not one a cluster could be in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InitialStateError {
    /// It must give exactly one state per server.
    ServerCount {
        /// `node_count`.
        expected: usize,
        /// States given.
        found: usize,
    },
    /// Entries are created in terms from 1 on.
    EntryTermZero {
        /// The server.
        node: NodeId,
        /// The entry.
        index: LogIndex,
    },
    /// A term lower than the entry's before it: terms never decrease along a log.
    TermsDecrease {
        /// The server.
        node: NodeId,
        /// The entry whose term is lower than its predecessor's.
        index: LogIndex,
    },
    /// A server stores an entry of a term it has not seen.
    EntryAfterCurrentTerm {
        /// The server.
        node: NodeId,
        /// The entry.
        index: LogIndex,
    },
    /// `voted_for` names no server of the cluster.
    VoteForNoServer {
        /// The voter.
        node: NodeId,
        /// Whom it names.
        voted_for: NodeId,
    },
    /// An entry's `op` does not parse.
    Operation {
        /// The server.
        node: NodeId,
        /// The entry.
        index: LogIndex,
        /// What is wrong with it.
        error: ParseOperationError,
    },
    /// Two logs hold an entry with the same index and term but differ at or
    /// before it, which the Log Matching property rules out.
    LogMatching {
        /// One server.
        first: NodeId,
        /// The other.
        second: NodeId,
        /// The index where both have the same term.
        index: LogIndex,
    },
}

impl fmt::Display for InitialStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitialStateError::ServerCount { expected, found } => write!(
                f,
                "the initial state gives {found} servers, but the cluster has {expected}"
            ),
            InitialStateError::EntryTermZero { node, index } => {
                write!(f, "{node}'s entry {index} has term 0; terms start at 1")
            }
            InitialStateError::TermsDecrease { node, index } => write!(
                f,
                "{node}'s entry {index} has a lower term than the entry before it; terms never decrease along a log"
            ),
            InitialStateError::EntryAfterCurrentTerm { node, index } => write!(
                f,
                "{node}'s entry {index} is of a term later than its current_term"
            ),
            InitialStateError::VoteForNoServer { node, voted_for } => {
                write!(f, "{node} voted for {voted_for}, which is not in the cluster")
            }
            InitialStateError::Operation { node, index, error } => {
                write!(f, "{node}'s entry {index}: {error}")
            }
            InitialStateError::LogMatching {
                first,
                second,
                index,
            } => write!(
                f,
                "{first} and {second} both hold an entry of the same term at index {index} but their logs differ up to it (Log Matching)"
            ),
        }
    }
}

impl std::error::Error for InitialStateError {}

impl InitialState {
    /// Each server's disk, S1 first, checked against a cluster of
    /// `node_count` servers.
    pub fn persistent_states(
        &self,
        node_count: usize,
    ) -> Result<Vec<PersistentState>, InitialStateError> {
        if self.servers.len() != node_count {
            return Err(InitialStateError::ServerCount {
                expected: node_count,
                found: self.servers.len(),
            });
        }
        let mut states = Vec::with_capacity(node_count);
        for (number, server) in (1..).zip(&self.servers) {
            let node = NodeId(number);
            if let Some(voted_for) = server.voted_for {
                if !(1..=node_count as u32).contains(&voted_for.0) {
                    return Err(InitialStateError::VoteForNoServer { node, voted_for });
                }
            }
            let mut entries: Vec<Entry> = Vec::with_capacity(server.log.len());
            for (position, initial) in (1..).zip(&server.log) {
                let index = LogIndex(position);
                if initial.term == Term(0) {
                    return Err(InitialStateError::EntryTermZero { node, index });
                }
                if entries.last().is_some_and(|last| last.term > initial.term) {
                    return Err(InitialStateError::TermsDecrease { node, index });
                }
                if initial.term > server.current_term {
                    return Err(InitialStateError::EntryAfterCurrentTerm { node, index });
                }
                let entry = initial
                    .to_entry(index)
                    .map_err(|error| InitialStateError::Operation { node, index, error })?;
                entries.push(entry);
            }
            states.push(PersistentState {
                current_term: server.current_term,
                voted_for: server.voted_for,
                log: Log::from_entries(entries),
            });
        }
        check_log_matching(&states)?;
        Ok(states)
    }
}

/// Two logs with an entry of the same index and term must be identical up to
/// it (§5.3): a starting state that breaks this is none Raft could reach.
fn check_log_matching(states: &[PersistentState]) -> Result<(), InitialStateError> {
    for (i, a) in states.iter().enumerate() {
        for (j, b) in states.iter().enumerate().skip(i + 1) {
            let shared = a.log.last_index().min(b.log.last_index());
            // The highest index where the terms agree decides: everything
            // up to it must be the same.
            let agree = (1..=shared.0)
                .rev()
                .map(LogIndex)
                .find(|&index| a.log.term_at(index) == b.log.term_at(index));
            let Some(agree) = agree else {
                continue;
            };
            let same = (1..=agree.0)
                .map(LogIndex)
                .all(|index| a.log.get(index) == b.log.get(index));
            if !same {
                return Err(InitialStateError::LogMatching {
                    first: NodeId(i as u32 + 1),
                    second: NodeId(j as u32 + 1),
                    index: agree,
                });
            }
        }
    }
    Ok(())
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
            delays: DelayModel::default(),
            max_entries_per_append: 8,
            max_inflight_appends: 4,
            client_timeout_us: 600_000,
            raft: RaftOptions::default(),
            bugs: BugSwitches::default(),
            snapshot_every: 0,
            state_machine: StateMachine::default(),
            initial: None,
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
    /// A disk write range or timer jitter that is empty or over
    /// [`MODEL_DELAY_US_MAX`].
    ModelDelay(&'static str),
    /// A duration, count or term outside what the simulator handles.
    OutOfRange {
        /// The field, as it is named in configuration files.
        field: &'static str,
        /// The value given.
        value: u64,
        /// The smallest value allowed.
        min: u64,
        /// The largest value allowed.
        max: u64,
    },
    /// Heartbeats must come well inside the election timeout or leaders are deposed.
    HeartbeatTooSlow,
    /// `max_entries_per_append` is zero.
    BatchSize,
    /// `max_inflight_appends` is zero.
    InflightLimit,
    /// Lease reads are only safe with leader stickiness (CheckQuorum).
    LeaseWithoutCheckQuorum,
    /// The starting state is not one this cluster could be in.
    InitialState(InitialStateError),
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
            ConfigError::ModelDelay(what) => write!(
                f,
                "{what}: from 0 to 10 s, the minimum at most the maximum"
            ),
            ConfigError::OutOfRange {
                field,
                value,
                min,
                max,
            } => write!(f, "{field} is {value}, outside the allowed range {min} to {max}"),
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
            ConfigError::InitialState(e) => write!(f, "initial state: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `Ok` when `value` is within `min..=max`, else the error naming `field`.
pub fn check_bound(field: &'static str, value: u64, min: u64, max: u64) -> Result<(), ConfigError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::OutOfRange {
            field,
            value,
            min,
            max,
        })
    }
}

/// [`check_bound`] for a count held in a `usize`.
fn check_count(
    field: &'static str,
    value: usize,
    min: usize,
    max: usize,
) -> Result<(), ConfigError> {
    let wide = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    check_bound(field, wide(value), wide(min), wide(max))
}

impl Config {
    /// A valid configuration whose timers fire every few microseconds, so
    /// that a run makes millions of steps per virtual second: what step
    /// budgets (a frame's, a link's, a seek's) are tested against.
    pub fn step_storm() -> Config {
        Config {
            election_timeout_us_min: 20,
            election_timeout_us_max: 40,
            heartbeat_interval_us: 10,
            latency_us_min: 1,
            latency_us_max: 3,
            ..Config::default()
        }
    }

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
        let delays = &self.delays;
        if delays.disk_write_us_min > delays.disk_write_us_max
            || delays.disk_write_us_max > MODEL_DELAY_US_MAX
        {
            return Err(ConfigError::ModelDelay("disk write"));
        }
        if delays.timer_jitter_us_max > MODEL_DELAY_US_MAX {
            return Err(ConfigError::ModelDelay("timer jitter"));
        }
        if self.heartbeat_interval_us == 0 || self.client_timeout_us == 0 {
            return Err(ConfigError::Range("interval"));
        }
        if self.max_entries_per_append == 0 {
            return Err(ConfigError::BatchSize);
        }
        if self.max_inflight_appends == 0 {
            return Err(ConfigError::InflightLimit);
        }
        self.check_bounds()?;
        if self.heartbeat_interval_us >= self.election_timeout_us_min {
            return Err(ConfigError::HeartbeatTooSlow);
        }
        if self.raft.read_mode == ReadMode::Lease && !self.raft.check_quorum {
            return Err(ConfigError::LeaseWithoutCheckQuorum);
        }
        if let Some(initial) = &self.initial {
            initial
                .persistent_states(self.node_count)
                .map_err(ConfigError::InitialState)?;
        }
        Ok(())
    }

    /// Every duration, count and starting term within what the simulator
    /// handles, so no instant, index or term it computes can overflow.
    fn check_bounds(&self) -> Result<(), ConfigError> {
        let durations = [
            ("election_timeout_us_min", self.election_timeout_us_min),
            ("election_timeout_us_max", self.election_timeout_us_max),
            ("heartbeat_interval_us", self.heartbeat_interval_us),
            ("latency_us_min", self.latency_us_min),
            ("latency_us_max", self.latency_us_max),
            ("client_timeout_us", self.client_timeout_us),
        ];
        for (field, value) in durations {
            check_bound(field, value, 1, DURATION_US_MAX)?;
        }
        check_count(
            "max_entries_per_append",
            self.max_entries_per_append,
            1,
            ENTRIES_PER_APPEND_MAX,
        )?;
        check_count(
            "max_inflight_appends",
            self.max_inflight_appends,
            1,
            INFLIGHT_APPENDS_MAX,
        )?;
        check_bound("snapshot_every", self.snapshot_every, 0, SNAPSHOT_EVERY_MAX)?;
        let servers = self.initial.iter().flat_map(|initial| &initial.servers);
        for server in servers {
            check_bound("initial.current_term", server.current_term.0, 0, TERM_MAX)?;
            check_count("initial.log", server.log.len(), 0, INITIAL_LOG_LEN_MAX)?;
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

    fn entry(term: u64, op: &str) -> InitialEntry {
        InitialEntry {
            term: Term(term),
            op: op.into(),
        }
    }

    fn server(current_term: u64, log: &[(u64, &str)]) -> InitialServer {
        InitialServer {
            current_term: Term(current_term),
            voted_for: None,
            log: log.iter().map(|&(t, op)| entry(t, op)).collect(),
        }
    }

    fn starting_from(servers: Vec<InitialServer>) -> Config {
        Config {
            node_count: 3,
            initial: Some(InitialState { servers }),
            ..Config::default()
        }
    }

    fn initial_error(servers: Vec<InitialServer>) -> InitialStateError {
        match starting_from(servers).validate() {
            Err(ConfigError::InitialState(e)) => e,
            other => panic!("expected an initial-state error, got {other:?}"),
        }
    }

    #[test]
    fn an_initial_state_becomes_each_servers_disk() {
        let base = [(1, "x=1"), (1, "noop"), (2, "get x")];
        let mut voter = server(3, &base);
        voter.voted_for = Some(NodeId(2));
        let config = starting_from(vec![voter, server(2, &base[..2]), server(3, &[])]);
        assert_eq!(config.validate(), Ok(()));
        let disks = config
            .initial
            .as_ref()
            .map(|i| i.persistent_states(3))
            .expect("given")
            .expect("valid");
        assert_eq!(disks[0].current_term, Term(3));
        assert_eq!(disks[0].voted_for, Some(NodeId(2)));
        let terms: Vec<u64> = disks[0].log.entries().map(|e| e.term.0).collect();
        assert_eq!(terms, [1, 1, 2]);
        assert_eq!(
            disks[0].log.get(LogIndex(2)).map(|e| &e.command),
            Some(&LogCommand::Noop)
        );
        let first = disks[0]
            .log
            .get(LogIndex(1))
            .and_then(|e| e.command.request());
        assert_eq!(first.map(|r| (r.client, r.seq)), Some((INITIAL_CLIENT, 1)));
        assert_eq!(
            disks[0].log.get(LogIndex(1)),
            disks[1].log.get(LogIndex(1)),
            "the same entry"
        );
        assert!(disks[2].log.is_empty());
    }

    #[test]
    fn impossible_initial_states_are_refused_with_the_reason() {
        assert_eq!(
            initial_error(vec![server(1, &[])]),
            InitialStateError::ServerCount {
                expected: 3,
                found: 1
            }
        );
        let decreasing = vec![
            server(3, &[(2, "x=1"), (1, "x=2")]),
            server(0, &[]),
            server(0, &[]),
        ];
        assert_eq!(
            initial_error(decreasing),
            InitialStateError::TermsDecrease {
                node: NodeId(1),
                index: LogIndex(2)
            }
        );
        let ahead = vec![server(0, &[]), server(1, &[(2, "x=1")]), server(0, &[])];
        assert_eq!(
            initial_error(ahead),
            InitialStateError::EntryAfterCurrentTerm {
                node: NodeId(2),
                index: LogIndex(1)
            }
        );
        let zero = vec![server(0, &[(0, "x=1")]), server(0, &[]), server(0, &[])];
        assert!(matches!(
            initial_error(zero),
            InitialStateError::EntryTermZero { .. }
        ));
        let mut stray = server(1, &[]);
        stray.voted_for = Some(NodeId(4));
        let vote = initial_error(vec![stray, server(0, &[]), server(0, &[])]);
        assert_eq!(
            vote,
            InitialStateError::VoteForNoServer {
                node: NodeId(1),
                voted_for: NodeId(4)
            }
        );
        assert!(vote.to_string().contains("S4"), "{vote}");
        let bad_op = initial_error(vec![
            server(1, &[(1, "set x")]),
            server(0, &[]),
            server(0, &[]),
        ]);
        assert!(matches!(bad_op, InitialStateError::Operation { .. }));
        assert!(bad_op.to_string().starts_with("S1's entry 1:"), "{bad_op}");
        let mismatch = vec![
            server(2, &[(1, "x=1"), (2, "x=2")]),
            server(2, &[(1, "x=9"), (2, "x=2")]),
            server(0, &[]),
        ];
        assert_eq!(
            initial_error(mismatch),
            InitialStateError::LogMatching {
                first: NodeId(1),
                second: NodeId(2),
                index: LogIndex(2)
            }
        );
    }

    #[test]
    fn an_initial_state_reads_back_from_json_and_rejects_unknown_fields() {
        let config = starting_from(vec![
            server(2, &[(1, "x=1"), (2, "noop")]),
            server(0, &[]),
            server(0, &[]),
        ]);
        let text = serde_json::to_string(&config).expect("serializes");
        let back: Config = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, config);
        let without: serde_json::Value =
            serde_json::to_value(Config::default()).expect("serializes");
        assert!(without.get("initial").is_none(), "left out when None");
        let typo = r#"{"initial": {"servers": [{"current_trem": 1}]}}"#;
        let error = serde_json::from_str::<Config>(typo).expect_err("unknown field");
        assert!(error.to_string().contains("current_trem"), "{error}");
    }
}

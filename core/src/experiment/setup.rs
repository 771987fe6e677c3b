//! One election trial: the cluster right after the leader's last heartbeat,
//! the leader down, and the survivors left to elect a new one.

use super::Measure;
use crate::raft::{Micros, NodeId, Role, Term};
use crate::run::RunDescription;
use crate::sim::rng::Stream;
use crate::sim::{
    Command, Config, ConfigError, DelayModel, InitialEntry, InitialServer, InitialState, Simulation,
};
use std::fmt;

/// How long a trial may run without every survivor knowing a new leader
/// before it is given up as capped (60 s of virtual time).
pub const TRIAL_CAP_US_DEFAULT: Micros = 60_000_000;

/// The stream tag for the instant the leader crashed within its heartbeat
/// interval.
const CRASH_STREAM: u64 = 0xC4A5;

/// The cluster and timing of an election trial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElectionSetup {
    /// Servers in the cluster, 3 to 9.
    pub nodes: usize,
    /// The election timeout range, µs.
    pub election_timeout_us: (Micros, Micros),
    /// The leader's heartbeat interval; `None` is half the shortest timeout,
    /// as in the paper.
    pub heartbeat_us: Option<Micros>,
    /// The one-way network delay range, µs.
    pub latency_us: (Micros, Micros),
    /// The disk write range, µs; `(0, 0)` writes take no time.
    pub disk_write_us: (Micros, Micros),
    /// How late a timer may fire, µs (0: on time).
    pub timer_jitter_us: Micros,
    /// Servers down: the leader (S1), then S2, S3, … (at least 1).
    pub failed: usize,
    /// How many survivors hold the longest log and so can win; the rest
    /// lack its last entry.
    pub eligible: usize,
    /// The longest a trial runs before it is counted as capped.
    pub cap_us: Micros,
}

impl Default for ElectionSetup {
    /// The paper's LAN as calibrated in docs/EXPERIMENTS.md: five servers,
    /// timeouts 150–300 ms, one-way latency 1–2 ms, disk writes 1–2 ms,
    /// timers up to 0.5 ms late, the leader down, two of four survivors
    /// eligible.
    fn default() -> ElectionSetup {
        ElectionSetup {
            nodes: 5,
            election_timeout_us: (150_000, 300_000),
            heartbeat_us: None,
            latency_us: (1_000, 2_000),
            disk_write_us: (1_000, 2_000),
            timer_jitter_us: 500,
            failed: 1,
            eligible: 2,
            cap_us: TRIAL_CAP_US_DEFAULT,
        }
    }
}

/// Values to lay over an [`ElectionSetup`] (what a learner or the command
/// line changed); each `None` keeps the setup's own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetupChanges {
    /// The one-way network delay range, µs.
    pub latency_us: Option<(Micros, Micros)>,
    /// The disk write range, µs.
    pub disk_write_us: Option<(Micros, Micros)>,
    /// How late a timer may fire, µs.
    pub timer_jitter_us: Option<Micros>,
    /// Servers in the cluster.
    pub nodes: Option<usize>,
    /// Survivors with the longest log.
    pub eligible: Option<usize>,
}

/// Why an [`ElectionSetup`] cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    /// Fewer than 3 or more than 9 servers.
    Nodes(usize),
    /// No failed server, or no survivor.
    Failed(usize),
    /// No eligible survivor, or more than there are survivors.
    Eligible(usize),
    /// The configuration it makes is refused.
    Config(ConfigError),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Nodes(n) => write!(f, "an experiment runs 3 to 9 servers, not {n}"),
            SetupError::Failed(n) => write!(
                f,
                "{n} failed servers: at least the leader fails, and a survivor must remain"
            ),
            SetupError::Eligible(n) => write!(
                f,
                "{n} eligible survivors: at least one, at most the survivors"
            ),
            SetupError::Config(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// What one trial found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrialOutcome {
    /// A leader every survivor knows.
    Elected {
        /// From the crash until the last survivor learnt the new leader.
        downtime_us: Micros,
        /// The first term that had candidates elected nobody.
        split_vote: bool,
    },
    /// No leader known to every survivor within the cap.
    Capped {
        /// From the crash to the cap.
        after_us: Micros,
    },
}

impl TrialOutcome {
    /// The downtime, counting a capped trial as its time to the cap.
    pub fn downtime_us(&self) -> Micros {
        match *self {
            TrialOutcome::Elected { downtime_us, .. } => downtime_us,
            TrialOutcome::Capped { after_us } => after_us,
        }
    }
}

impl ElectionSetup {
    /// This setup with `changes` laid over it. A new cluster size keeps
    /// the failed servers (all but one at most) and, unless `eligible` is
    /// given too, about the same share of the survivors eligible (at least
    /// one). [`ElectionSetup::validate`] says whether the result can run.
    pub fn with(&self, changes: &SetupChanges) -> ElectionSetup {
        let mut setup = self.clone();
        setup.latency_us = changes.latency_us.unwrap_or(self.latency_us);
        setup.disk_write_us = changes.disk_write_us.unwrap_or(self.disk_write_us);
        setup.timer_jitter_us = changes.timer_jitter_us.unwrap_or(self.timer_jitter_us);
        if let Some(nodes) = changes.nodes.filter(|&n| n >= 2) {
            let survivors_before = self.nodes.saturating_sub(self.failed).max(1);
            let eligible_share = self.eligible as f64 / survivors_before as f64;
            setup.nodes = nodes;
            setup.failed = self.failed.min(nodes - 1);
            let survivors = nodes - setup.failed;
            setup.eligible =
                ((eligible_share * survivors as f64).round() as usize).clamp(1, survivors);
        }
        setup.eligible = changes.eligible.unwrap_or(setup.eligible);
        setup
    }

    /// Checks the setup describes a trial that can run.
    pub fn validate(&self) -> Result<(), SetupError> {
        if !(3..=9).contains(&self.nodes) {
            return Err(SetupError::Nodes(self.nodes));
        }
        if self.failed == 0 || self.failed >= self.nodes {
            return Err(SetupError::Failed(self.failed));
        }
        if self.eligible == 0 || self.eligible > self.nodes - self.failed {
            return Err(SetupError::Eligible(self.eligible));
        }
        self.config().validate().map_err(SetupError::Config)
    }

    /// The thesis's closed-form chance that the first round splits with
    /// this setup's cluster, survivors, shortest latency and timeout range
    /// ([`super::split_vote_probability`]; exact for a fixed latency, equal
    /// logs and no disk time or jitter).
    pub fn split_vote_closed_form(&self) -> f64 {
        super::split_vote_probability(
            self.nodes,
            self.nodes - self.failed,
            self.latency_us.0,
            self.election_timeout_us.1 - self.election_timeout_us.0,
        )
    }

    /// The heartbeat interval in force.
    pub fn heartbeat(&self) -> Micros {
        self.heartbeat_us
            .unwrap_or(self.election_timeout_us.0 / 2)
            .max(1)
    }

    /// The run's configuration: the timing, and every server's disk as it
    /// is right after the leader's last heartbeat (term 1; the leader and
    /// the eligible survivors with two entries, the others with one).
    pub fn config(&self) -> Config {
        let long = vec![entry("x=1"), entry("x=2")];
        let short = vec![entry("x=1")];
        let servers = (0..self.nodes)
            .map(|i| {
                // S1 led; survivors are the servers after the failed ones.
                let survivor = i.checked_sub(self.failed);
                let eligible = survivor.is_none_or(|s| s < self.eligible);
                InitialServer {
                    current_term: Term(1),
                    voted_for: Some(NodeId(1)),
                    log: if eligible {
                        long.clone()
                    } else {
                        short.clone()
                    },
                }
            })
            .collect();
        Config {
            node_count: self.nodes,
            election_timeout_us_min: self.election_timeout_us.0,
            election_timeout_us_max: self.election_timeout_us.1,
            heartbeat_interval_us: self.heartbeat(),
            latency_us_min: self.latency_us.0,
            latency_us_max: self.latency_us.1,
            delays: DelayModel {
                timer_jitter_us_max: self.timer_jitter_us,
                disk_write_us_min: self.disk_write_us.0,
                disk_write_us_max: self.disk_write_us.1,
            },
            initial: Some(InitialState { servers }),
            ..Config::default()
        }
    }

    /// The run of the trial drawn from `seed`, and the instant within the
    /// heartbeat interval at which the leader crashed. The run starts with
    /// every failed server down; the survivors' timers start at 0, the
    /// instant they heard the last heartbeat.
    pub fn trial_run(&self, seed: u64) -> (RunDescription, Micros) {
        let sim = self.start(seed);
        let run = RunDescription {
            seed,
            config: sim.config().clone(),
            inputs: sim.inputs().to_vec(),
        };
        (run, self.crash_at(seed))
    }

    /// The instant within the heartbeat interval at which the leader of the
    /// trial drawn from `seed` crashed: its downtime counts from there.
    pub fn crash_at(&self, seed: u64) -> Micros {
        Stream::new(seed, CRASH_STREAM, 0, 0).uniform(0, self.heartbeat() - 1)
    }

    /// Runs the trial drawn from `seed`.
    pub(super) fn run_trial(&self, seed: u64, _measure: Measure) -> TrialOutcome {
        let crash_at = self.crash_at(seed);
        let mut sim = self.start(seed);
        let survivors: Vec<NodeId> = (self.failed + 1..=self.nodes)
            .map(|i| NodeId(i as u32))
            .collect();
        let mut first_candidacy: Option<Term> = None;
        while let Some(record) = sim.step_no_later_than(self.cap_us) {
            for (id, transition) in &record.transitions {
                if transition.to == Role::Candidate && first_candidacy.is_none() {
                    first_candidacy = sim.node(*id).map(|n| n.current_term());
                }
            }
            if let Some(term) = known_leader_term(&sim, &survivors) {
                return TrialOutcome::Elected {
                    downtime_us: record.at.saturating_sub(crash_at),
                    split_vote: first_candidacy.is_some_and(|first| term > first),
                };
            }
        }
        TrialOutcome::Capped {
            after_us: self.cap_us.saturating_sub(crash_at),
        }
    }

    /// The trial's simulation at instant 0, the failed servers down.
    fn start(&self, seed: u64) -> Simulation {
        let mut sim = match Simulation::new(seed, self.config()) {
            Ok(sim) => sim,
            // `validate` refuses what cannot start; a setup that skipped it
            // still gets a simulation (of the default cluster).
            Err(_) => Simulation::new(seed, Config::default()).expect("the default is valid"),
        };
        for id in 1..=self.failed {
            // Each server is up at 0, so each crash is accepted.
            let _ = sim.submit(Command::Crash {
                node: NodeId(id as u32),
            });
        }
        sim
    }
}

/// The term of a leader every survivor knows, if there is one: the instant
/// this first holds ends a trial's downtime ("time without leader").
pub fn known_leader_term(sim: &Simulation, survivors: &[NodeId]) -> Option<Term> {
    let leader = survivors
        .iter()
        .filter_map(|&id| sim.node(id))
        .find(|n| n.role() == Role::Leader)?;
    let (id, term) = (leader.id(), leader.current_term());
    survivors
        .iter()
        .filter(|&&s| s != id)
        .all(|&s| {
            sim.node(s)
                .is_some_and(|n| n.current_term() == term && n.leader_id() == Some(id))
        })
        .then_some(term)
}

/// An entry of term 1 with operation `op`.
fn entry(op: &str) -> InitialEntry {
    InitialEntry {
        term: Term(1),
        op: op.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_replays_from_its_run_description() {
        let setup = ElectionSetup::default();
        let (run, _) = setup.trial_run(5);
        let sim = Simulation::replay(run.seed, run.config.clone(), &run.inputs).unwrap();
        assert_eq!(sim.inputs().len(), 1, "the leader's crash");
        assert!(sim.node(NodeId(1)).is_none(), "S1 is down");
        assert!(matches!(
            setup.run_trial(5, Measure::Downtime),
            TrialOutcome::Elected { .. }
        ));
    }

    #[test]
    fn changes_keep_the_share_of_eligible_survivors_unless_it_is_given() {
        let base = ElectionSetup::default();
        let seven = base.with(&SetupChanges {
            nodes: Some(7),
            latency_us: Some((5_000, 5_000)),
            ..SetupChanges::default()
        });
        assert_eq!((seven.nodes, seven.failed, seven.eligible), (7, 1, 3));
        assert_eq!(seven.latency_us, (5_000, 5_000));
        assert_eq!(seven.disk_write_us, base.disk_write_us, "unchanged");
        let given = base.with(&SetupChanges {
            nodes: Some(3),
            eligible: Some(3),
            ..SetupChanges::default()
        });
        assert_eq!(
            given.validate(),
            Err(SetupError::Eligible(3)),
            "2 survivors"
        );
        assert_eq!(base.with(&SetupChanges::default()), base);
    }

    #[test]
    fn setups_that_cannot_run_are_refused() {
        let bad = |setup: ElectionSetup| setup.validate().unwrap_err();
        let base = ElectionSetup::default();
        assert_eq!(
            bad(ElectionSetup {
                nodes: 2,
                ..base.clone()
            }),
            SetupError::Nodes(2)
        );
        assert_eq!(
            bad(ElectionSetup {
                failed: 5,
                ..base.clone()
            }),
            SetupError::Failed(5)
        );
        assert_eq!(
            bad(ElectionSetup {
                eligible: 5,
                ..base.clone()
            }),
            SetupError::Eligible(5)
        );
        assert!(matches!(
            bad(ElectionSetup {
                election_timeout_us: (300, 100),
                ..base
            }),
            SetupError::Config(_)
        ));
    }
}

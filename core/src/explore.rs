//! Runs one seed as a fault-lab experiment: a swarm plan of faults and a
//! workload, every safety property after every event, then a heal phase in
//! which the cluster must elect a leader, finish every request, and answer
//! reads of every key — and the whole client history must be linearizable.
//! The explorer CLI and the randomized tests are both built on [`run_seed`].

use crate::check::{check_history, NotLinearizable, SafetyChecker, Violation};
use crate::kv::{Operation, StateMachine, TOY_KEY};
use crate::raft::Micros;
use crate::sim::{Command, Config, Simulation, StepRecord, SwarmPlan};
use std::fmt;

mod shrink;

pub use shrink::{shrink, Shrunk, SHRINK_RUNS_MAX};

/// The knobs of one experiment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Experiment {
    /// The cluster's configuration (bug switches included).
    pub config: Config,
    /// How long faults are injected.
    pub fault_us: Micros,
    /// The swarm also asks for membership changes (servers added, removed,
    /// voters replaced, up to nine servers).
    pub membership_changes: bool,
    /// The swarm also reconfigures the running cluster (options, timeouts,
    /// heartbeat) now and then, and restores `config` at the heal.
    pub reconfigurations: bool,
}

impl Default for Experiment {
    fn default() -> Experiment {
        Experiment {
            config: Config::default(),
            fault_us: 10_000_000,
            membership_changes: false,
            reconfigurations: false,
        }
    }
}

/// Election rounds the cluster gets after the heal. Each round a split vote
/// needs two servers' randomized timeouts to land within one message delay
/// of each other; twenty in a row is far beyond anything a correct cluster
/// shows over millions of seeds.
pub const ELECTION_ROUNDS: u64 = 20;

impl Experiment {
    /// How long after the heal a leader must be in place: [`ELECTION_ROUNDS`]
    /// rounds, each the longest election timeout plus a request and a reply.
    pub fn election_bound_us(&self) -> Micros {
        let round = self.config.election_timeout_us_max + 2 * self.config.latency_us_max;
        ELECTION_ROUNDS * round
    }

    /// How long, once a leader is in place, every request has to be
    /// answered: a client that knows no leader tries each server in turn,
    /// waiting one client timeout at each, and then once more.
    pub fn answer_bound_us(&self) -> Micros {
        let servers = if self.membership_changes {
            crate::sim::NODE_COUNT_MAX
        } else {
            self.config.node_count
        };
        (servers as u64 + 1) * self.config.client_timeout_us
    }
}

/// What went wrong in a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A Figure 3 property broke; the first violation, with the events processed before it.
    Safety {
        /// The violation.
        violation: Violation,
        /// Events processed when it was seen.
        event: u64,
    },
    /// The client history is not linearizable.
    Linearizability(NotLinearizable),
    /// No leader by the end of the settle phase.
    NoLeader,
    /// Requests still unanswered at the end of the settle phase.
    Unanswered(usize),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Safety { violation, event } => write!(f, "{violation} (event {event})"),
            Failure::Linearizability(e) => write!(f, "Linearizability violated: {e}"),
            Failure::NoLeader => f.write_str("Liveness: no leader after the heal"),
            Failure::Unanswered(n) => write!(f, "Liveness: {n} requests unanswered after the heal"),
        }
    }
}

/// The outcome of one seed.
#[derive(Clone, Debug)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Events processed.
    pub events: u64,
    /// Client operations in the history.
    pub operations: usize,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// The simulation as it ended (for traces and replays).
    pub sim: Simulation,
}

/// Runs one seed. Invalid configurations are reported as an error.
pub fn run_seed(seed: u64, experiment: &Experiment) -> Result<Report, crate::sim::ConfigError> {
    run_plan(seed, experiment, &plan_for(seed, experiment))
}

/// The swarm plan seed `seed` runs under `experiment`: its faults, workload
/// and (if asked) membership changes and reconfigurations.
pub fn plan_for(seed: u64, experiment: &Experiment) -> SwarmPlan {
    let plan = if experiment.membership_changes {
        SwarmPlan::with_membership_changes(seed, experiment.config.node_count, experiment.fault_us)
    } else {
        SwarmPlan::from_seed(seed, experiment.config.node_count, experiment.fault_us)
    };
    if experiment.reconfigurations {
        plan.with_reconfigurations(seed, &experiment.config)
    } else {
        plan
    }
}

/// Runs seed `seed` under `plan` instead of the one it draws: how a
/// shrunk plan ([`shrink`]) is checked. The heal phase and the checks are
/// those of [`run_seed`].
pub fn run_plan(
    seed: u64,
    experiment: &Experiment,
    plan: &SwarmPlan,
) -> Result<Report, crate::sim::ConfigError> {
    let mut sim = Simulation::new(seed, experiment.config.clone())?;
    let mut checker = SafetyChecker::new();
    let mut failure = None;
    for (at, command) in &plan.commands {
        failure = run_checked(&mut sim, &mut checker, *at)
            .or_else(|| apply_checked(&mut sim, &mut checker, command.clone()));
        if failure.is_some() {
            break;
        }
    }
    if failure.is_none() {
        failure = settle(&mut sim, &mut checker, plan, experiment);
    }
    if failure.is_none() {
        if let Err(e) = check_history(&sim.history()) {
            failure = Some(Failure::Linearizability(e));
        }
    }
    Ok(Report {
        seed,
        events: sim.events_processed(),
        operations: sim.history().len(),
        failure,
        sim,
    })
}

/// Runs to `until` with the checker watching every event.
fn run_checked(
    sim: &mut Simulation,
    checker: &mut SafetyChecker,
    until: Micros,
) -> Option<Failure> {
    while let Some(record) = sim.step_no_later_than(until) {
        if let Some(failure) = observe(sim, checker, &record) {
            return Some(failure);
        }
    }
    sim.advance_to(until);
    None
}

/// Applies a command (one that does not apply, such as restarting a running
/// server, is skipped) and checks the state it leaves.
fn apply_checked(
    sim: &mut Simulation,
    checker: &mut SafetyChecker,
    command: Command,
) -> Option<Failure> {
    let record = sim.submit(command).ok()?;
    observe(sim, checker, &record)
}

fn observe(sim: &Simulation, checker: &mut SafetyChecker, record: &StepRecord) -> Option<Failure> {
    let violation = checker.observe(sim, record).into_iter().next()?;
    Some(Failure::Safety {
        violation,
        event: sim.events_processed(),
    })
}

/// The heal phase: stop the workload, let the cluster recover, then read every key.
fn settle(
    sim: &mut Simulation,
    checker: &mut SafetyChecker,
    plan: &SwarmPlan,
    experiment: &Experiment,
) -> Option<Failure> {
    if let Some(f) = apply_checked(sim, checker, Command::SetWorkload { workload: None }) {
        return Some(f);
    }
    let keys = plan
        .commands
        .iter()
        .find_map(|(_, c)| match c {
            Command::SetWorkload { workload: Some(w) } => Some(w.keys),
            _ => None,
        })
        .unwrap_or(0);
    let keys: Vec<String> = match experiment.config.state_machine {
        StateMachine::KeyValue => (0..keys).map(|k| format!("k{k}")).collect(),
        StateMachine::Toy => vec![TOY_KEY.to_owned()],
    };
    let elected_by = plan.heal_at + experiment.election_bound_us();
    if let Some(f) = run_checked(sim, checker, elected_by) {
        return Some(f);
    }
    if sim.leader().is_none() {
        return Some(Failure::NoLeader);
    }
    // Every acknowledged write must be readable: a read of each key (for
    // the toy machine, of its state) after the writes end must see the last
    // one (the linearizability check says so).
    for key in keys {
        let op = Operation::Get { key };
        let read = Command::ClientRequest {
            client: None,
            target: None,
            op,
        };
        if let Some(f) = apply_checked(sim, checker, read) {
            return Some(f);
        }
    }
    if let Some(f) = run_checked(sim, checker, elected_by + experiment.answer_bound_us()) {
        return Some(f);
    }
    let unanswered = sim
        .history()
        .iter()
        .filter(|op| op.result == crate::history::OpResult::Unknown)
        .count();
    (unanswered > 0).then_some(Failure::Unanswered(unanswered))
}

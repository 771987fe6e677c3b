//! The explorer: runs many seeded swarm experiments with every checker on, on
//! every core, and prints, for a failure, its seed, the property and the
//! commands that replay and export it.
//!
//! ```text
//! raftlab-cli explore [--seeds N] [--start S] [--jobs J] [--bug NAME] [--on OPTIONS] [--off OPTIONS] [--reads MODE] [--state-machine MACHINE] [--snapshot-every N] [--membership on] [--reconfigure on]
//! raftlab-cli replay --seed S [--bug NAME] [--on OPTIONS] [--off OPTIONS] [--reads MODE] [--state-machine MACHINE] [--snapshot-every N] [--membership on] [--reconfigure on] [--json FILE]
//! raftlab-cli check --file FILE
//! raftlab-cli scenario --file FILE [--journal]
//! ```

use raftlab_core::check::{check_history, SafetyChecker};
use raftlab_core::explore::{run_seed, Experiment, Failure};
use raftlab_core::kv::StateMachine;
use raftlab_core::raft::{Micros, RaftOptions, ReadMode};
use raftlab_core::run::RunDescription;
use raftlab_core::scenario::Scenario;
use raftlab_core::sim::{BugSwitches, Config, Simulation};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;

const USAGE: &str = "usage:
  raftlab-cli explore [--seeds N] [--start S] [--jobs J] [--bug NAME] [--on OPTIONS] [--off OPTIONS] [--reads MODE] [--state-machine MACHINE] [--snapshot-every N] [--membership on] [--reconfigure on]
  raftlab-cli replay --seed S [--bug NAME] [--on OPTIONS] [--off OPTIONS] [--reads MODE] [--state-machine MACHINE] [--snapshot-every N] [--membership on] [--reconfigure on] [--json FILE]
  raftlab-cli check --file FILE
  raftlab-cli scenario --file FILE [--journal]   (plays a scenario headless: its steps, violations, linearizability; --journal prints every step of the run)

MODE: how leaders answer reads: log (default), read-index or lease (needs check_quorum)

MACHINE: what the cluster replicates: kv (default, the key-value store) or toy (states A/B/C, operations X/Y/Z)

OPTIONS: a comma-separated list of Raft options (or `all`):
  noop_on_election, fast_backtracking, pre_vote, check_quorum";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The command line after the command name.
struct Flags<'a>(&'a [String]);

impl Flags<'_> {
    fn text(&self, name: &str) -> Result<Option<&str>, String> {
        match self.0.iter().position(|a| a == name) {
            None => Ok(None),
            Some(i) => self
                .0
                .get(i + 1)
                .map(|v| Some(v.as_str()))
                .ok_or(format!("{name} needs a value")),
        }
    }

    fn number(&self, name: &str) -> Result<Option<u64>, String> {
        self.text(name)?
            .map(|v| {
                v.parse()
                    .map_err(|_| format!("{name} needs a whole number, not {v:?}"))
            })
            .transpose()
    }

    fn experiment(&self) -> Result<Experiment, String> {
        let mut bugs = BugSwitches::default();
        if let Some(name) = self.text("--bug")? {
            *bugs.switch_mut(name).ok_or(format!(
                "no bug switch {name:?}; there are: {}",
                BugSwitches::NAMES.join(", ")
            ))? = true;
        }
        let mut raft = RaftOptions::default();
        for (flag, on) in [("--on", true), ("--off", false)] {
            let Some(list) = self.text(flag)? else {
                continue;
            };
            let names: Vec<&str> = if list == "all" {
                RaftOptions::NAMES.to_vec()
            } else {
                list.split(',').collect()
            };
            for name in names {
                *raft.switch_mut(name).ok_or(format!(
                    "no Raft option {name:?}; there are: {}",
                    RaftOptions::NAMES.join(", ")
                ))? = on;
            }
        }
        if let Some(mode) = self.text("--reads")? {
            raft.read_mode = match mode {
                "log" => ReadMode::Log,
                "read-index" => ReadMode::ReadIndex,
                "lease" => ReadMode::Lease,
                other => {
                    return Err(format!(
                        "--reads takes log, read-index or lease, not {other:?}"
                    ))
                }
            };
        }
        let state_machine = match self.text("--state-machine")? {
            None | Some("kv") => StateMachine::KeyValue,
            Some("toy") => StateMachine::Toy,
            Some(other) => return Err(format!("--state-machine takes kv or toy, not {other:?}")),
        };
        let snapshot_every = self.number("--snapshot-every")?.unwrap_or(0);
        let membership_changes = match self.text("--membership")? {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => return Err(format!("--membership takes on or off, not {other:?}")),
        };
        let reconfigurations = match self.text("--reconfigure")? {
            None | Some("off") => false,
            Some("on") => true,
            Some(other) => return Err(format!("--reconfigure takes on or off, not {other:?}")),
        };
        Ok(Experiment {
            config: Config {
                raft,
                bugs,
                state_machine,
                snapshot_every,
                ..Config::default()
            },
            membership_changes,
            reconfigurations,
            ..Experiment::default()
        })
    }

    /// The flags that shape the experiment, as a command-line suffix for
    /// printed replay commands.
    fn experiment_suffix(&self) -> Result<String, String> {
        let mut suffix = String::new();
        for flag in [
            "--bug",
            "--on",
            "--off",
            "--reads",
            "--state-machine",
            "--snapshot-every",
            "--membership",
            "--reconfigure",
        ] {
            if let Some(value) = self.text(flag)? {
                suffix.push_str(&format!(" {flag} {value}"));
            }
        }
        Ok(suffix)
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let command = args.first().ok_or("no command given")?;
    let flags = Flags(&args[1..]);
    match command.as_str() {
        "explore" => explore(&flags),
        "replay" => replay(&flags),
        "check" => check(&flags),
        "scenario" => scenario(&flags),
        other => Err(format!("unknown command {other:?}")),
    }
}

/// What one seed came to, as the workers report it.
struct Outcome {
    seed: u64,
    events: u64,
    operations: usize,
    failure: Option<Failure>,
}

fn explore(flags: &Flags) -> Result<ExitCode, String> {
    let seeds = flags.number("--seeds")?.unwrap_or(1000);
    let start = flags.number("--start")?.unwrap_or(0);
    let available = thread::available_parallelism().map_or(1, |n| n.get() as u64);
    let jobs = flags.number("--jobs")?.unwrap_or(available).clamp(1, 256);
    let experiment = flags.experiment()?;
    let suffix = flags.experiment_suffix()?;
    experiment.config.validate().map_err(|e| e.to_string())?;

    let next_seed = AtomicU64::new(start);
    let end = start.saturating_add(seeds);
    let (results, received) = mpsc::channel::<Outcome>();
    let (mut events, mut operations, mut failures) = (0u64, 0usize, 0u64);
    thread::scope(|scope| {
        for _ in 0..jobs {
            let results = results.clone();
            let (next_seed, experiment) = (&next_seed, &experiment);
            scope.spawn(move || loop {
                let seed = next_seed.fetch_add(1, Ordering::Relaxed);
                if seed >= end {
                    break;
                }
                let report = run_seed(seed, experiment).expect("the config was validated");
                let outcome = Outcome {
                    seed,
                    events: report.events,
                    operations: report.operations,
                    failure: report.failure,
                };
                if results.send(outcome).is_err() {
                    break;
                }
            });
        }
        drop(results);
        // Print in seed order, whichever worker finishes first.
        let mut waiting = BTreeMap::new();
        let mut next = start;
        for outcome in received {
            waiting.insert(outcome.seed, outcome);
            while let Some(outcome) = waiting.remove(&next) {
                events += outcome.events;
                operations += outcome.operations;
                if let Some(failure) = outcome.failure {
                    failures += 1;
                    let seed = outcome.seed;
                    println!("FAIL seed {seed}: {failure}");
                    println!("  replay: cargo run --profile explore -p raftlab-cli -- replay --seed {seed}{suffix}");
                    println!("  export: cargo run --profile explore -p raftlab-cli -- replay --seed {seed}{suffix} --json seed-{seed}.json");
                }
                next += 1;
                let done = next - start;
                if done % 500 == 0 || done == seeds {
                    println!("{done}/{seeds} seeds, {events} events, {operations} client operations, {failures} failing");
                }
            }
        }
    });
    println!("{} passed, {failures} failed", seeds - failures);
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn replay(flags: &Flags) -> Result<ExitCode, String> {
    let seed = flags.number("--seed")?.ok_or("replay needs --seed")?;
    let experiment = flags.experiment()?;
    let report = run_seed(seed, &experiment).map_err(|e| e.to_string())?;
    print_inputs(&report.sim);
    println!(
        "{} events, {} client operations, trace hash {:016x}",
        report.events,
        report.operations,
        report.sim.trace_hash()
    );
    if let Some(path) = flags.text("--json")? {
        let json = RunDescription::of(&report.sim).to_json();
        std::fs::write(path, json).map_err(|e| format!("cannot write {path}: {e}"))?;
        println!("run written to {path} (check it with: raftlab-cli check --file {path})");
    }
    Ok(verdict(report.failure))
}

/// Rebuilds a run file with the safety checker watching every step, then
/// checks the client history for linearizability.
fn check(flags: &Flags) -> Result<ExitCode, String> {
    let path = flags.text("--file")?.ok_or("check needs --file")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let run = RunDescription::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let mut sim = Simulation::new(run.seed, run.config.clone()).map_err(|e| e.to_string())?;
    let mut checker = SafetyChecker::new();
    let mut failure = None;
    // Play to the last input, then a while longer so requests can finish.
    let end = run.inputs.last().map_or(0, |i| i.at) + 5_000_000;
    while failure.is_none() {
        match sim
            .step_along(&run.inputs, end as Micros)
            .map_err(|e| format!("{path}: {e}"))?
        {
            None => break,
            Some(record) => {
                if let Some(violation) = checker.observe(&sim, &record).into_iter().next() {
                    let event = sim.events_processed();
                    failure = Some(Failure::Safety { violation, event });
                }
            }
        }
    }
    if sim.inputs().len() < run.inputs.len() {
        return Err(format!("{path}: the run stops before its last input"));
    }
    if failure.is_none() {
        failure = check_history(&sim.history())
            .err()
            .map(Failure::Linearizability);
    }
    print_inputs(&sim);
    println!(
        "seed {}, {} events, trace hash {:016x}",
        run.seed,
        sim.events_processed(),
        sim.trace_hash()
    );
    Ok(verdict(failure))
}

/// Plays a scenario file to its end with the checkers on and prints where
/// each narration step falls, for whoever writes one.
fn scenario(flags: &Flags) -> Result<ExitCode, String> {
    let path = flags.text("--file")?.ok_or("scenario needs --file")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let mut playback = scenario.play().map_err(|e| format!("{path}: {e}"))?;
    if flags.0.iter().any(|a| a == "--journal") {
        for entry in playback.journal() {
            println!("{:>8} {:>10} µs  {}", entry.position, entry.at, entry.text);
        }
    }
    print_inputs(
        &RunDescription::to_timeline(&scenario.to_run())
            .map_err(|e| e.to_string())?
            .sim()
            .clone(),
    );
    let steps = scenario.resolve_steps_in(&playback);
    let violations = playback.violations();
    if violations.len() > 10 {
        println!("{} violations; the first ten:", violations.len());
    }
    for violation in violations.iter().take(10) {
        println!(
            "violation at position {}: {}",
            violation.position, violation.violation
        );
    }
    let linearizable = format!("{:?}", playback.linearizability());
    println!("{linearizable}");
    let steps = steps.map_err(|e| format!("{path}: {e}"))?;
    for step in steps {
        println!(
            "step {} at position {} ({} µs): {}\n    matched: {}",
            step.index,
            step.position,
            step.at_us,
            step.text,
            step.matched.as_deref().unwrap_or("(an instant)")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_inputs(sim: &Simulation) {
    for input in sim.inputs() {
        println!(
            "{:>12} µs  after event {:>6}  {}",
            input.at, input.after_event, input.command
        );
    }
}

fn verdict(failure: Option<Failure>) -> ExitCode {
    match failure {
        Some(failure) => {
            println!("FAIL: {failure}");
            ExitCode::FAILURE
        }
        None => {
            println!("all checks passed");
            ExitCode::SUCCESS
        }
    }
}

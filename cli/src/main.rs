//! The explorer: runs many seeded swarm experiments with every checker on, on
//! every core, and prints, for a failure, its seed, the property and the
//! commands that replay and export it.
//!
//! `raftlab-cli --help` lists the subcommands and `raftlab-cli SUBCOMMAND --help`
//! their flags (declared in `args`).

mod args;
mod experiments;

use args::{Cli, Command, ExploreArgs, ReplayArgs, ScenarioArgs, ShrinkArgs};
use clap::Parser;
use raftlab_core::check::{check_history, SafetyChecker};
use raftlab_core::explore::{run_seed, shrink, Experiment, Failure, Report};
use raftlab_core::raft::Micros;
use raftlab_core::run::RunDescription;
use raftlab_core::scenario::Scenario;
use raftlab_core::sim::Simulation;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Explore(args) => explore(args),
        Command::Replay(args) => replay(args),
        Command::Check(args) => check(&args.file),
        Command::Scenario(args) => scenario(args),
        Command::Experiment(args) => experiments::experiment(args),
    };
    result.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

/// What one seed came to, as the workers report it.
struct Outcome {
    seed: u64,
    events: u64,
    operations: usize,
    failure: Option<Failure>,
}

fn explore(args: &ExploreArgs) -> Result<ExitCode, String> {
    let (seeds, start) = (args.seeds, args.start);
    let available = thread::available_parallelism().map_or(1, |n| n.get() as u64);
    let jobs = args.jobs.unwrap_or(available).clamp(1, 256);
    let experiment = args.experiment.experiment();
    let suffix = args.experiment.suffix();
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
                    if args.shrink.shrink {
                        print_shrunk(seed, &experiment, &args.shrink, "  ");
                    }
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

fn replay(args: &ReplayArgs) -> Result<ExitCode, String> {
    let experiment = args.experiment.experiment();
    let report = run_seed(args.seed, &experiment).map_err(|e| e.to_string())?;
    print_inputs(&report.sim);
    println!(
        "{} events, {} client operations, trace hash {:016x}",
        report.events,
        report.operations,
        report.sim.trace_hash()
    );
    if report.failure.is_some() {
        println!("open it: {}", page_link(&args.shrink.page, &report));
        if args.shrink.shrink {
            print_shrunk(args.seed, &experiment, &args.shrink, "");
        }
    }
    if let Some(path) = &args.json {
        let json = RunDescription::of(&report.sim).to_json();
        std::fs::write(path, json).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let path = path.display();
        println!("run written to {path} (check it with: raftlab-cli check --file {path})");
    }
    Ok(verdict(report.failure))
}

/// Rebuilds a run file with the safety checker watching every step, then
/// checks the client history for linearizability.
fn check(file: &Path) -> Result<ExitCode, String> {
    let path = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {path}: {e}"))?;
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
fn scenario(args: &ScenarioArgs) -> Result<ExitCode, String> {
    let path = args.file.display();
    let text =
        std::fs::read_to_string(&args.file).map_err(|e| format!("cannot read {path}: {e}"))?;
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{path}: {e}"))?;
    let mut playback = scenario.play().map_err(|e| format!("{path}: {e}"))?;
    if args.journal {
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

/// Shrinks seed `seed`'s failing run and prints the minimal commands, the
/// failure they still cause and a link that opens the page there; each line
/// starts with `indent`.
fn print_shrunk(seed: u64, experiment: &Experiment, args: &ShrinkArgs, indent: &str) {
    let shrunk = match shrink(seed, experiment) {
        Ok(Some(shrunk)) => shrunk,
        Ok(None) => return,
        Err(e) => {
            println!("{indent}shrink: {e}");
            return;
        }
    };
    let budget = if shrunk.out_of_runs {
        " (run budget spent: not minimal)"
    } else {
        ""
    };
    println!(
        "{indent}shrunk: {} of {} commands in {} runs{budget}",
        shrunk.plan.commands.len(),
        shrunk.original_commands,
        shrunk.runs
    );
    for (at, command) in &shrunk.plan.commands {
        println!("{indent}{at:>12} µs  {command}");
    }
    if let Some(failure) = &shrunk.report.failure {
        println!("{indent}still: {failure}");
    }
    println!("{indent}open it: {}", page_link(&args.page, &shrunk.report));
}

/// A link to the playground at `page` that opens `report`'s run paused
/// where it ended: at the violation for a safety failure, at the end of the
/// heal phase otherwise.
fn page_link(page: &str, report: &Report) -> String {
    let run = RunDescription::of(&report.sim);
    format!(
        "{page}?run={}&at={}&t={}",
        run.to_url_token(),
        report.sim.position(),
        report.sim.now()
    )
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

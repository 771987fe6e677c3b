//! The explorer: runs many seeded swarm experiments with every checker on and
//! prints, for a failure, its seed, the property and the command that replays it.
//!
//! ```text
//! raftlab-cli explore [--seeds N] [--start S]
//! raftlab-cli replay --seed S
//! ```

use raftlab_core::explore::{run_seed, Experiment};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}\n\nusage:\n  raftlab-cli explore [--seeds N] [--start S]\n  raftlab-cli replay --seed S");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let command = args.first().ok_or("no command given")?;
    let flag = |name: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == name) {
            None => Ok(default),
            Some(i) => args
                .get(i + 1)
                .and_then(|v| v.parse().ok())
                .ok_or(format!("{name} needs a whole number")),
        }
    };
    let experiment = Experiment::default();
    match command.as_str() {
        "explore" => {
            let seeds = flag("--seeds", 1000)?;
            let start = flag("--start", 0)?;
            let (mut events, mut operations, mut failures) = (0u64, 0usize, 0u64);
            for seed in start..start + seeds {
                let report = run_seed(seed, &experiment).map_err(|e| e.to_string())?;
                events += report.events;
                operations += report.operations;
                if let Some(failure) = report.failure {
                    failures += 1;
                    println!("FAIL seed {seed}: {failure}");
                    println!(
                        "  replay: cargo run --release -p raftlab-cli -- replay --seed {seed}"
                    );
                }
                let done = seed - start + 1;
                if done % 100 == 0 || done == seeds {
                    println!("{done}/{seeds} seeds, {events} events, {operations} client operations, {failures} failing");
                }
            }
            println!("{} passed, {failures} failed", seeds - failures);
            Ok(if failures == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        "replay" => {
            let seed = flag("--seed", u64::MAX)?;
            if seed == u64::MAX {
                return Err("replay needs --seed".into());
            }
            let report = run_seed(seed, &experiment).map_err(|e| e.to_string())?;
            for input in report.sim.inputs() {
                println!(
                    "{:>12} µs  after event {:>6}  {}",
                    input.at, input.after_event, input.command
                );
            }
            println!(
                "{} events, {} client operations, trace hash {:016x}",
                report.events,
                report.operations,
                report.sim.trace_hash()
            );
            match report.failure {
                Some(failure) => {
                    println!("FAIL: {failure}");
                    Ok(ExitCode::FAILURE)
                }
                None => {
                    println!("all checks passed");
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        other => Err(format!("unknown command {other:?}")),
    }
}

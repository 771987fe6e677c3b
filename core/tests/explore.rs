//! Swarm runs of the fault lab with every checker on: all safety properties,
//! linearizability of the client history, and liveness after the heal; and
//! each bug switch caught by a checker within a bounded number of seeds.
//! (`forget_vote_on_restart` and `commit_old_terms_by_counting` need a precise
//! sequence of crashes and elections; `bug_switches.rs` scripts them.)

use raftlab_core::explore::{run_seed, Experiment, Failure};
use raftlab_core::sim::{BugSwitches, Config};

/// Seeds run here in a debug build; `make test` runs thousands more through the
/// explorer CLI in release mode.
const SEEDS: u64 = 10;

#[test]
fn swarm_runs_stay_safe_linearizable_and_live() {
    let experiment = Experiment::default();
    let mut operations = 0;
    for seed in 0..SEEDS {
        let report = run_seed(seed, &experiment).expect("valid config");
        if let Some(failure) = &report.failure {
            panic!(
                "seed {seed}: {failure}\nreplay: cargo run -p raftlab-cli -- replay --seed {seed}"
            );
        }
        operations += report.operations;
    }
    assert!(
        operations > 20 * SEEDS as usize,
        "the workload ran: {operations} operations"
    );
}

/// Runs seeds until one fails; returns the seed and the failure.
fn first_failure(bugs: BugSwitches, max_seeds: u64) -> (u64, Failure) {
    let experiment = Experiment {
        config: Config {
            bugs,
            ..Config::default()
        },
        ..Experiment::default()
    };
    for seed in 0..max_seeds {
        let report = run_seed(seed, &experiment).expect("valid config");
        if let Some(failure) = report.failure {
            println!("{bugs:?} caught at seed {seed}: {failure}");
            return (seed, failure);
        }
    }
    panic!("{bugs:?} was not caught in {max_seeds} seeds");
}

#[test]
fn without_request_dedup_a_retried_write_runs_twice_and_linearizability_fails() {
    let bugs = BugSwitches {
        no_request_dedup: true,
        ..BugSwitches::default()
    };
    let (_, failure) = first_failure(bugs, 50);
    assert!(matches!(failure, Failure::Linearizability(_)), "{failure}");
}

#[test]
fn skipping_the_prev_log_check_is_caught() {
    let bugs = BugSwitches {
        skip_prev_log_check: true,
        ..BugSwitches::default()
    };
    let (_, failure) = first_failure(bugs, 30);
    assert!(
        matches!(
            failure,
            Failure::Safety { .. } | Failure::Linearizability(_)
        ),
        "{failure}"
    );
}

#[test]
fn applying_before_commit_is_caught() {
    let bugs = BugSwitches {
        apply_before_commit: true,
        ..BugSwitches::default()
    };
    let (_, failure) = first_failure(bugs, 30);
    assert!(
        matches!(
            failure,
            Failure::Safety { .. } | Failure::Linearizability(_)
        ),
        "{failure}"
    );
}

#[test]
fn voting_without_the_log_check_is_caught() {
    let bugs = BugSwitches {
        vote_without_log_check: true,
        ..BugSwitches::default()
    };
    let (_, failure) = first_failure(bugs, 30);
    assert!(
        matches!(
            failure,
            Failure::Safety { .. } | Failure::Linearizability(_)
        ),
        "{failure}"
    );
}

#[test]
fn stale_leader_reads_are_caught_by_linearizability() {
    let bugs = BugSwitches {
        stale_leader_reads: true,
        ..BugSwitches::default()
    };
    let (_, failure) = first_failure(bugs, 100);
    assert!(matches!(failure, Failure::Linearizability(_)), "{failure}");
}

//! Swarm runs of the fault lab with every checker on: all safety properties,
//! linearizability of the client history, and liveness after the heal; and
//! each bug switch caught by a checker within a bounded number of seeds.
//! (`forget_vote_on_restart` and `commit_old_terms_by_counting` need a precise
//! sequence of crashes and elections; `bug_switches.rs` scripts them.)

use raftlab_core::check::Property;
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

/// Runs seeds with the bug switch `name` on until one fails; returns the
/// failure, after printing the seed and the failure.
fn first_failure(name: &str, max_seeds: u64) -> Failure {
    let mut bugs = BugSwitches::default();
    *bugs.switch_mut(name).expect("a bug switch") = true;
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
            println!("{name} caught at seed {seed}: {failure}");
            return failure;
        }
    }
    panic!("{name} was not caught in {max_seeds} seeds");
}

/// The safety property a failure broke, if it was a safety failure.
fn property(failure: &Failure) -> Option<Property> {
    match failure {
        Failure::Safety { violation, .. } => Some(violation.property),
        _ => None,
    }
}

#[test]
fn without_request_dedup_a_retried_write_runs_twice_and_linearizability_fails() {
    let failure = first_failure("no_request_dedup", 50);
    assert!(
        matches!(failure, Failure::Linearizability(ref e) if !e.undecided),
        "{failure}"
    );
}

#[test]
fn skipping_the_prev_log_check_breaks_log_matching() {
    let failure = first_failure("skip_prev_log_check", 30);
    assert_eq!(property(&failure), Some(Property::LogMatching), "{failure}");
}

#[test]
fn applying_before_commit_breaks_state_machine_safety() {
    let failure = first_failure("apply_before_commit", 30);
    assert_eq!(
        property(&failure),
        Some(Property::StateMachineSafety),
        "{failure}"
    );
}

#[test]
fn voting_without_the_log_check_breaks_leader_completeness() {
    let failure = first_failure("vote_without_log_check", 30);
    assert_eq!(
        property(&failure),
        Some(Property::LeaderCompleteness),
        "{failure}"
    );
}

#[test]
fn stale_leader_reads_are_caught_by_linearizability() {
    let failure = first_failure("stale_leader_reads", 100);
    assert!(
        matches!(failure, Failure::Linearizability(ref e) if !e.undecided),
        "{failure}"
    );
}

#[test]
fn with_log_compaction_the_checkers_stay_quiet_on_correct_runs_and_catch_a_bad_vote() {
    let compacting = |bugs: BugSwitches| Experiment {
        config: Config {
            snapshot_every: 10,
            bugs,
            ..Config::default()
        },
        ..Experiment::default()
    };
    for seed in 0..4 {
        let report = run_seed(seed, &compacting(BugSwitches::default())).expect("valid config");
        assert!(
            report.failure.is_none(),
            "seed {seed}: {:?}",
            report.failure
        );
    }
    let mut bugs = BugSwitches::default();
    *bugs
        .switch_mut("vote_without_log_check")
        .expect("a bug switch") = true;
    let caught = (0..40).find_map(|seed| {
        run_seed(seed, &compacting(bugs))
            .expect("valid config")
            .failure
    });
    println!("caught with compaction: {caught:?}");
    assert!(
        matches!(
            caught,
            Some(Failure::Safety { .. } | Failure::Linearizability(_))
        ),
        "{caught:?}"
    );
}

//! The page's running linearizability verdict (`Playback::linearizability`,
//! which settles the history as it goes) agrees with a check of the whole
//! history at every position it is asked for, forwards and after seeking
//! back, on swarm runs with and without the stale-read bug switch.

use raftlab_core::check::check_history;
use raftlab_core::explore::{run_seed, Experiment, Failure};
use raftlab_core::playback::{Linearizability, Playback};
use raftlab_core::sim::{BugSwitches, Config};

const MS: u64 = 1_000;

/// Asks `playback` for its verdict and compares it with the whole-history
/// check there; returns whether the history is broken.
fn agrees_with_whole_history(playback: &mut Playback, seed: u64) -> bool {
    let history = playback.sim().history();
    let whole = check_history(&history);
    let position = playback.position();
    let running = playback.linearizability().clone();
    match (&whole, &running) {
        (Ok(()), Linearizability::Linearizable { operations }) => {
            assert_eq!(*operations, history.len(), "seed {seed} at {position}");
            false
        }
        (Err(e), Linearizability::Broken(found)) => {
            assert_eq!(e.key, found.key, "seed {seed} at {position}");
            true
        }
        // The whole-history search ran out of states; the running one
        // judges settled pieces and may decide.
        (Err(e), _) if e.undecided => false,
        _ => panic!(
            "seed {seed} at position {position}: whole history {whole:?}, running {running:?}"
        ),
    }
}

/// Replays seed `seed`'s swarm run in a playback, judging every `every_ms`
/// forwards and then at earlier instants; whether it ended broken.
fn check_seed(seed: u64, experiment: &Experiment, every_ms: u64) -> bool {
    let report = run_seed(seed, experiment).expect("valid config");
    let end = report.sim.now();
    let mut playback = Playback::new(report.sim);
    let mut t = 0;
    let mut broken = false;
    while t < end {
        t = (t + every_ms * MS).min(end);
        playback.advance_to(t).expect("the recorded run replays");
        broken = agrees_with_whole_history(&mut playback, seed);
    }
    for back in [end / 2, end / 5, end * 4 / 5, end / 3] {
        playback.seek(back).expect("seeks back");
        agrees_with_whole_history(&mut playback, seed);
    }
    playback.seek(end).expect("seeks to the end");
    assert_eq!(agrees_with_whole_history(&mut playback, seed), broken);
    broken
}

#[test]
fn the_running_verdict_matches_the_whole_history_on_correct_runs() {
    for seed in 0..3 {
        assert!(
            !check_seed(seed, &Experiment::default(), 700),
            "seed {seed}"
        );
    }
}

/// Finds the first seed whose swarm run with bug switch `name` breaks
/// linearizability, and checks the running verdict catches it too.
fn caught_with_bug(name: &str, max_seeds: u64) {
    let mut bugs = BugSwitches::default();
    *bugs.switch_mut(name).expect("a bug switch") = true;
    let experiment = Experiment {
        config: Config {
            bugs,
            ..Config::default()
        },
        ..Experiment::default()
    };
    let seed = (0..max_seeds)
        .find(|&seed| {
            matches!(
                run_seed(seed, &experiment).expect("valid config").failure,
                Some(Failure::Linearizability(ref e)) if !e.undecided
            )
        })
        .unwrap_or_else(|| panic!("{name} is caught within {max_seeds} seeds"));
    assert!(check_seed(seed, &experiment, 500), "{name}, seed {seed}");
}

#[test]
fn the_running_verdict_catches_stale_leader_reads() {
    caught_with_bug("stale_leader_reads", 100);
}

#[test]
fn the_running_verdict_catches_a_retried_write_run_twice() {
    caught_with_bug("no_request_dedup", 50);
}

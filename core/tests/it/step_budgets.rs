//! A step budget bounds how much one call plays, whatever the run does: a
//! cluster with microsecond timeouts makes millions of steps per virtual
//! second, and a frame or a link must still return. Playing in budgeted
//! pieces reaches the same run as playing in one go.

use raftlab_core::session::Command;
use raftlab_core::session::{Config, Session, WorkloadSpec};

#[test]
fn a_budget_stops_the_play_with_the_clock_at_the_last_step() {
    let mut session = Session::new(7, Config::step_storm()).expect("valid config");
    let far = 3_600_000_000;
    let played = session.play_within(far, 5_000).expect("plays");
    assert!(
        !played.reached,
        "an hour of a storm is more than 5000 steps"
    );
    assert_eq!(session.position(), 5_000);
    assert!(
        session.now() < 1_000_000,
        "the clock stayed with the steps: {}",
        session.now()
    );
    assert_eq!(session.explored_until(), session.now());
}

#[test]
fn playing_in_budgeted_pieces_reaches_the_same_run_as_one_call() {
    let workload = Command::SetWorkload {
        workload: Some(WorkloadSpec {
            ops_per_second: 500,
            ..WorkloadSpec::default()
        }),
    };
    let target = 20_000;
    let mut whole = Session::new(3, Config::step_storm()).expect("valid config");
    whole.submit(workload.clone()).expect("a valid workload");
    whole.play_to(target).expect("plays");

    let mut pieces = Session::new(3, Config::step_storm()).expect("valid config");
    pieces.submit(workload).expect("a valid workload");
    let mut calls = 0;
    while !pieces.play_within(target, 97).expect("plays").reached {
        calls += 1;
        assert!(calls < 100_000, "never reached the target");
    }
    assert!(calls > 10, "the storm needed many pieces ({calls})");
    assert_eq!(pieces.now(), whole.now());
    assert_eq!(pieces.position(), whole.position());
    assert_eq!(pieces.description(), whole.description());
    assert_eq!(pieces.view(), whole.view());
}

#[test]
fn a_budget_larger_than_the_steps_reaches_the_instant() {
    let mut session = Session::new(1, Config::default()).expect("valid config");
    let played = session.play_within(2_000_000, 1_000_000).expect("plays");
    assert!(played.reached);
    assert_eq!(session.now(), 2_000_000);
}

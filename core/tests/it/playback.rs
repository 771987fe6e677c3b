//! The page's playback: a journal of every step in words, the checkers run
//! once per step of the future, and both kept right across scrubbing, jumps
//! and commands given in the past.

use raftlab_core::check::Property;
use raftlab_core::journal::{Fate, MarkKind};
use raftlab_core::kv::Operation;
use raftlab_core::playback::{Linearizability, Playback};
use raftlab_core::raft::{NodeId, RaftOptions, Role};
use raftlab_core::sim::{BugSwitches, Command, Config, Simulation};

const MS: u64 = 1_000;

fn playback(seed: u64) -> Playback {
    Playback::new(Simulation::new(seed, Config::default()).expect("valid config"))
}

fn put(value: &str) -> Command {
    Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Put {
            key: "x".into(),
            value: value.into(),
        },
    }
}

#[test]
fn the_journal_describes_every_step_once_in_order() {
    let mut p = playback(3);
    p.advance_to(1_000 * MS).expect("plays");
    let positions: Vec<u64> = p.journal().map(|e| e.position).collect();
    assert_eq!(positions.len() as u64, p.position(), "one entry per step");
    assert!(positions.windows(2).all(|w| w[1] == w[0] + 1));
    let election = p
        .journal()
        .find(|e| e.marks.election)
        .expect("a leader is elected within a second");
    assert!(
        election
            .text
            .contains("receives votes from majority of servers → leader"),
        "{}",
        election.text
    );
    let timeout = p
        .journal()
        .find(|e| {
            e.text
                .contains("times out, starts election → candidate, term 1")
        })
        .expect("the first election starts with a timeout");
    assert!(timeout.at < election.at);
    let delivered = p
        .journal()
        .find_map(|e| e.flight.clone())
        .expect("messages were delivered");
    assert_eq!(delivered.fate, Fate::Delivered);
    assert!(delivered.sent_at < delivered.ended_at);
}

#[test]
fn scrubbing_back_and_forth_neither_repeats_nor_loses_journal_entries() {
    let mut p = playback(5);
    p.advance_to(800 * MS).expect("plays");
    let frontier = p.frontier();
    let journal: Vec<String> = p.journal().map(|e| e.text.clone()).collect();
    p.seek(200 * MS).expect("seeks back");
    assert!(p.position() < frontier);
    assert!(
        p.journal_until_now(usize::MAX)
            .iter()
            .all(|e| e.position <= p.position() && e.at <= 200 * MS),
        "the event log ends at the playback position"
    );
    p.advance_to(500 * MS).expect("replays");
    p.seek(800 * MS).expect("seeks forward");
    assert_eq!(p.frontier(), frontier);
    let again: Vec<String> = p.journal().map(|e| e.text.clone()).collect();
    assert_eq!(again, journal);
    // Going past the frontier journals the new steps.
    p.advance_to(900 * MS).expect("plays on");
    assert_eq!(p.journal().len() as u64, p.frontier());
    assert!(p.frontier() > frontier);
}

#[test]
fn stepping_back_shows_the_state_one_step_earlier() {
    let mut p = playback(8);
    p.advance_to(600 * MS).expect("plays");
    assert!(p.step().expect("steps"));
    let before = p.sim().view();
    assert!(p.step().expect("steps"));
    assert_ne!(p.sim().view(), before);
    p.step_back().expect("steps back");
    assert_eq!(p.sim().view(), before);
}

#[test]
fn jumps_land_on_the_next_election_and_the_next_commit() {
    let mut p = playback(2);
    assert!(p.jump_to_next(MarkKind::Election).expect("jumps"));
    let leaders: Vec<NodeId> = p
        .sim()
        .running_nodes()
        .filter(|n| n.role() == Role::Leader)
        .map(|n| n.id())
        .collect();
    assert_eq!(leaders.len(), 1, "the jump stops where the leader appears");
    let elected_at = p.position();
    p.submit(put("1")).expect("a put");
    let leader = p.sim().leader().expect("a leader");
    let applied = |p: &Playback| p.sim().node(leader).expect("running").last_applied().0;
    assert!(p.jump_to_next(MarkKind::Commit).expect("jumps"));
    assert_eq!(applied(&p), 1, "first the leader's no-op commits");
    assert!(p.jump_to_next(MarkKind::Commit).expect("jumps"));
    assert_eq!(applied(&p), 2, "then the put");
    // Jumping backwards through the journal works after playing on.
    p.seek(0).expect("back to the start");
    assert!(p.jump_to_next(MarkKind::Election).expect("jumps"));
    assert_eq!(p.position(), elected_at);
}

/// S1 wins term 1 with S2's vote; S2 restarts having forgotten its vote and
/// votes again in term 1 for S3, which cannot reach S1. (The paper's basic
/// algorithm: with a no-op, S2's longer log would refuse S3.)
fn double_vote() -> Playback {
    let config = Config {
        raft: RaftOptions {
            noop_on_election: false,
            ..RaftOptions::default()
        },
        node_count: 3,
        election_timeout_us_min: 60_000 * MS,
        election_timeout_us_max: 90_000 * MS,
        client_timeout_us: 60_000 * MS,
        bugs: BugSwitches {
            forget_vote_on_restart: true,
            ..BugSwitches::default()
        },
        ..Config::default()
    };
    let mut p = Playback::new(Simulation::new(1, config).expect("valid config"));
    let script = [
        Command::CutLink {
            from: NodeId(1),
            to: NodeId(3),
        },
        Command::CutLink {
            from: NodeId(3),
            to: NodeId(1),
        },
        Command::Timeout { node: NodeId(1) },
        Command::Crash { node: NodeId(2) },
        Command::Restart { node: NodeId(2) },
        Command::Timeout { node: NodeId(3) },
    ];
    for command in script {
        p.submit(command).expect("the script is valid");
        let then = p.now() + 150 * MS;
        p.advance_to(then).expect("plays");
    }
    p
}

#[test]
fn a_violation_is_found_once_and_stays_found_while_scrubbing() {
    let mut p = double_vote();
    let first = p
        .violations()
        .first()
        .expect("two leaders in term 1")
        .clone();
    assert_eq!(first.violation.property, Property::ElectionSafety);
    let count = p.violations().len();
    p.seek(first.violation.at - 1).expect("seeks back");
    assert!(p.violations_until_now().is_empty());
    assert_eq!(p.violations().len(), count, "still known ahead");
    assert!(p.jump_to_next(MarkKind::Violation).expect("jumps"));
    assert_eq!(p.position(), first.position);
    assert_eq!(p.violations_until_now().len(), 1);
    let end = p.explored_until();
    p.seek(end).expect("seeks to the end");
    assert_eq!(p.violations().len(), count, "replaying finds nothing twice");
}

#[test]
fn a_command_in_the_past_rewrites_the_future_and_rechecks_it() {
    let mut p = double_vote();
    assert!(!p.violations().is_empty());
    // Go back to before S2 crashed and keep it up instead: no double vote.
    let crash = p
        .journal()
        .find(|e| e.text == "you: crash S2")
        .expect("journaled")
        .position;
    p.seek_position(crash - 1).expect("seeks back");
    p.submit(Command::Timeout { node: NodeId(3) })
        .expect("a timeout");
    assert!(
        p.violations().is_empty(),
        "the old future's violations are gone"
    );
    let last = p.journal().last().expect("journaled");
    assert!(
        last.text
            .starts_with("you: force a timeout on S3; S3 times out"),
        "{}",
        last.text
    );
    assert_eq!(p.journal().len() as u64, p.frontier());
    let then = p.now() + 500 * MS;
    p.advance_to(then).expect("plays");
    assert!(p.violations().is_empty(), "{:?}", p.violations());
    assert_eq!(
        p.timeline().recorded_inputs().len(),
        4,
        "two cuts, the first timeout, the new timeout"
    );
}

#[test]
fn a_refused_command_changes_nothing() {
    let mut p = playback(1);
    p.advance_to(300 * MS).expect("plays");
    let frontier = p.frontier();
    p.seek(100 * MS).expect("seeks back");
    let error = p.submit(Command::Restart { node: NodeId(2) });
    assert!(error.is_err(), "S2 is running");
    assert_eq!(p.frontier(), frontier, "the future is kept");
}

#[test]
fn client_histories_are_checked_for_linearizability_at_the_playback_position() {
    let mut p = playback(4);
    assert!(p.jump_to_next(MarkKind::Election).expect("jumps"));
    for value in ["1", "2", "3"] {
        p.submit(put(value)).expect("a put");
        let then = p.now() + 200 * MS;
        p.advance_to(then).expect("plays");
    }
    assert_eq!(
        *p.linearizability(),
        Linearizability::Linearizable { operations: 3 }
    );
    p.seek(0).expect("back to the start");
    assert_eq!(
        *p.linearizability(),
        Linearizability::Linearizable { operations: 0 }
    );
}

/// The event log as the page asks for it at the frontier (entries kept as
/// they were told) is exactly what it gets back later, when the stretch is
/// told again by replaying from a checkpoint; and the marks the scrubber
/// jumps between survive as positions.
#[test]
fn a_journal_told_again_after_seeking_back_is_the_one_told_live() {
    let config = Config {
        snapshot_every: 50,
        ..Config::default()
    };
    let mut sim = Simulation::new(4, config).expect("valid config");
    sim.submit(Command::SetWorkload {
        workload: Some(raftlab_core::sim::WorkloadSpec::default()),
    })
    .expect("the default workload is valid");
    let mut p = Playback::new(sim);
    let mut live = Vec::new();
    let mut t = 0;
    while t < 40_000 * MS {
        t += 2_500 * MS;
        p.advance_to(t).expect("plays");
        live.push((p.position(), p.journal_until_now(400)));
    }
    assert!(p.frontier() > 5_000, "long enough to tell most of it again");
    for (position, told) in live.iter().rev() {
        p.seek_position(*position).expect("seeks back");
        let again = p.journal_until_now(400);
        assert_eq!(again.len(), told.len(), "at {position}");
        assert!(
            again.iter().zip(told).all(|(a, b)| **a == **b),
            "at {position}"
        );
    }
    // Jumps find the same commits from anywhere.
    p.seek_position(0).expect("back to the start");
    let mut commits = Vec::new();
    while p.jump_to_next(MarkKind::Commit).expect("jumps") && p.position() < p.frontier() {
        commits.push(p.position());
        if commits.len() == 50 {
            break;
        }
    }
    let marked: Vec<u64> = p
        .journal_range(1, p.frontier())
        .iter()
        .filter(|e| e.marks.commit)
        .map(|e| e.position)
        .take(50)
        .collect();
    assert_eq!(commits, marked);
}

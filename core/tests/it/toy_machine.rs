//! The toy state machine of the first source document (states A, B, C;
//! operations X, Y, Z) replicated by Raft, with the safety checker on: a
//! dropped operation would leave a replica in the wrong state, but the
//! leader retries AppendEntries until every server has applied X, X, Y and
//! sits in C; a duplicated delivery is applied once; without client sessions
//! a retried X runs twice and the linearizability checker rejects the
//! history; and swarm runs of the toy machine stay safe, linearizable and
//! live.

use crate::support::{toy, Checked, MS};
use raftlab_core::app::Message;
use raftlab_core::check::check_history;
use raftlab_core::explore::{run_seed, Experiment};
use raftlab_core::kv::{ClientId, KvStore, Operation, StateMachine, ToyOp, ToyState};
use raftlab_core::raft::{LogIndex, NodeId, Role};
use raftlab_core::sim::{BugSwitches, Command, Config, EventKind, LinkFaults, Payload};
use std::collections::BTreeMap;

/// A three-server cluster replicating the toy machine.
fn toy_cluster(seed: u64, bugs: BugSwitches) -> Checked {
    Checked::new(
        seed,
        Config {
            node_count: 3,
            state_machine: StateMachine::Toy,
            bugs,
            ..Config::default()
        },
    )
}

/// Every server's toy state, as the page shows it.
fn toy_states(c: &Checked) -> Vec<Option<ToyState>> {
    c.sim.view().nodes.iter().map(|n| n.toy_state).collect()
}

/// Steps to `until` with the checker on, counting the steps `count` picks out.
fn run_counting(c: &mut Checked, until: u64, count: impl Fn(&EventKind) -> bool) -> usize {
    let mut counted = 0;
    while let Some(record) = c.sim.step_no_later_than(until) {
        let found = c.checker.observe(&c.sim, &record);
        assert!(found.is_empty(), "seed {}: {}", c.sim.seed(), found[0]);
        counted += usize::from(count(&record.event));
    }
    c.sim.advance_to(until);
    counted
}

#[test]
fn a_dropped_operation_would_leave_a_replica_in_b_but_raft_retries_it_until_every_server_reaches_c()
{
    // What a replica that missed one X would hold: X, Y from A is B.
    let mut missed_one = KvStore::default();
    for op in [ToyOp::X, ToyOp::Y] {
        missed_one.execute(&Operation::Toy { op });
    }
    assert_eq!(missed_one.toy_state(), ToyState::B);

    for seed in 0..3 {
        let mut c = toy_cluster(seed, BugSwitches::default());
        c.run_until_leader(2_000 * MS);
        assert_eq!(toy_states(&c), vec![Some(ToyState::A); 3]);
        c.apply(Command::SetNetworkFaults {
            faults: LinkFaults {
                drop_per_mille: 400,
                ..LinkFaults::default()
            },
        });
        for op in [ToyOp::X, ToyOp::X, ToyOp::Y] {
            c.apply(toy(op));
        }
        let lossy_until = c.sim.now() + 3_000 * MS;
        let dropped_appends = run_counting(&mut c, lossy_until, |event| {
            matches!(event, EventKind::Dropped(p)
                if matches!(p.payload, Payload::Raft(Message::AppendEntries(_))))
        });
        assert!(dropped_appends > 0, "seed {seed}: 40% loss drops some");

        c.apply(Command::SetNetworkFaults {
            faults: LinkFaults::default(),
        });
        c.run_ok(c.sim.now() + 2_000 * MS);
        assert_eq!(
            toy_states(&c),
            vec![Some(ToyState::C); 3],
            "seed {seed}: every server applied X, X, Y"
        );
        let answers: Vec<_> = c
            .sim
            .completed_requests()
            .map(|done| done.outcome.previous.clone())
            .collect();
        let previous = |s: ToyState| s.to_value();
        assert_eq!(
            answers,
            vec![
                previous(ToyState::A),
                previous(ToyState::B),
                previous(ToyState::A)
            ],
            "seed {seed}: each operation saw the state the one before left"
        );
        assert_eq!(check_history(&c.sim.history()), Ok(()));
    }
}

#[test]
fn a_duplicated_delivery_is_applied_once() {
    for seed in 0..3 {
        let mut c = toy_cluster(seed, BugSwitches::default());
        c.apply(Command::SetNetworkFaults {
            faults: LinkFaults {
                duplicate_per_mille: 500,
                ..LinkFaults::default()
            },
        });
        c.run_until_leader(2_000 * MS);
        for op in [ToyOp::X, ToyOp::X, ToyOp::Y, ToyOp::Z] {
            c.apply(toy(op));
        }
        let mut applied: BTreeMap<(NodeId, LogIndex), u32> = BTreeMap::new();
        let mut duplicates = 0;
        let until = c.sim.now() + 3_000 * MS;
        while let Some(record) = c.sim.step_no_later_than(until) {
            let found = c.checker.observe(&c.sim, &record);
            assert!(found.is_empty(), "seed {seed}: {}", found[0]);
            if matches!(&record.event, EventKind::Delivered(p) if p.duplicate) {
                duplicates += 1;
            }
            for (id, entry) in &record.applied {
                *applied.entry((*id, entry.index)).or_insert(0) += 1;
            }
        }
        assert!(duplicates > 10, "seed {seed}: the network duplicated");
        assert!(
            applied.values().all(|&times| times == 1),
            "seed {seed}: no server applies an index twice"
        );
        // X, X, Y, Z from A: B, A, C, then Z swaps C for B.
        assert_eq!(toy_states(&c), vec![Some(ToyState::B); 3], "seed {seed}");
    }
}

/// The page's client sends X to the leader, which crashes once a follower
/// has appended it but before the acknowledgement that commits it arrives:
/// the client hears nothing and retries elsewhere. Only that follower can
/// win the next election (the other's log is behind), so X survives, and the
/// new leader logs the retried X a second time. Returns the cluster once everyone has applied both copies.
fn retry_after_leader_crash(seed: u64, bugs: BugSwitches) -> Checked {
    let mut c = toy_cluster(seed, bugs);
    let leader = c.run_until_leader(2_000 * MS);
    c.run_ok(c.sim.now() + 200 * MS);
    c.apply(Command::ClientRequest {
        client: None,
        target: Some(leader),
        op: Operation::Toy { op: ToyOp::X },
    });
    let before = c.sim.node(leader).expect("up").log().last_index();
    let appended = |c: &Checked, id: NodeId| {
        c.sim
            .node(id)
            .is_some_and(|n| n.log().last_index() > before)
    };
    // The request reaches the leader after one client hop.
    while !appended(&c, leader) {
        let record = c.sim.step().expect("the cluster is never idle");
        assert!(c.checker.observe(&c.sim, &record).is_empty());
    }
    let index = c.sim.node(leader).expect("up").log().last_index();
    let followers: Vec<NodeId> = (1..=3).map(NodeId).filter(|id| *id != leader).collect();
    while !followers.iter().any(|id| appended(&c, *id)) {
        let record = c.sim.step().expect("the cluster is never idle");
        assert!(c.checker.observe(&c.sim, &record).is_empty());
    }
    assert!(
        c.sim.node(leader).expect("up").commit_index() < index,
        "seed {seed}: the leader has not heard the acknowledgements yet"
    );
    c.apply(Command::Crash { node: leader });
    c.run_ok(c.sim.now() + 3_000 * MS);
    c.apply(Command::Restart { node: leader });
    c.run_ok(c.sim.now() + 1_000 * MS);
    let done: Vec<_> = c.sim.completed_requests().collect();
    assert_eq!(done.len(), 1, "seed {seed}: the retry was answered");
    assert!(done[0].attempts > 1, "seed {seed}: it took a retry");
    let copies = c
        .sim
        .node(c.sim.leader().expect("a leader"))
        .expect("up")
        .log()
        .entries()
        .filter(|e| e.command.request().is_some_and(|r| r.client == ClientId(1)))
        .count();
    assert_eq!(copies, 2, "seed {seed}: X is in the log twice");
    c
}

#[test]
fn without_request_dedup_a_retried_toy_operation_runs_twice_and_linearizability_rejects_it() {
    for seed in 0..3 {
        let with_sessions = retry_after_leader_crash(seed, BugSwitches::default());
        assert_eq!(
            toy_states(&with_sessions),
            vec![Some(ToyState::B); 3],
            "seed {seed}: the session ran X once"
        );
        assert_eq!(check_history(&with_sessions.sim.history()), Ok(()));

        let bugs = BugSwitches {
            no_request_dedup: true,
            ..BugSwitches::default()
        };
        let without = retry_after_leader_crash(seed, bugs);
        assert_eq!(
            toy_states(&without),
            vec![Some(ToyState::A); 3],
            "seed {seed}: X ran twice, taking every server back to A"
        );
        let done: Vec<_> = without.sim.completed_requests().collect();
        assert_eq!(
            done[0].outcome.previous.as_deref(),
            Some("B"),
            "seed {seed}: the client is told X found B, though it sent one X from A"
        );
        let verdict = check_history(&without.sim.history()).expect_err("not linearizable");
        assert!(!verdict.undecided, "seed {seed}");
    }
}

#[test]
fn swarm_runs_of_the_toy_machine_stay_safe_linearizable_and_live() {
    let experiment = Experiment {
        config: Config {
            state_machine: StateMachine::Toy,
            ..Config::default()
        },
        ..Experiment::default()
    };
    let mut toy_ops = 0;
    for seed in 0..200 {
        let report = run_seed(seed, &experiment).expect("valid config");
        if let Some(failure) = &report.failure {
            panic!(
                "seed {seed}: {failure}\nreplay: cargo run -p raftlab-cli -- replay --seed {seed} --state-machine toy"
            );
        }
        toy_ops += report
            .sim
            .history()
            .iter()
            .filter(|op| matches!(op.op, Operation::Toy { .. }))
            .count();
        let leader = report.sim.leader().expect("live after the heal");
        assert_eq!(
            report.sim.node(leader).map(|n| n.role()),
            Some(Role::Leader)
        );
    }
    assert!(
        toy_ops > 2_000,
        "the workload drew toy operations: {toy_ops}"
    );
}

//! The simulator drives real nodes deterministically: same seed and inputs,
//! same run; inputs are recorded and replay bit for bit.

use crate::support::{crash, put, restart, Checked, MS};
use raftlab_core::raft::{NodeId, Role};
use raftlab_core::sim::{Command, CommandError, Config, Simulation, WorkloadSpec};

fn busy_run(seed: u64) -> Simulation {
    let mut c = Checked::five(seed);
    c.run_ok(400 * MS);
    c.apply(put("a", "1"));
    c.run_ok(600 * MS);
    if let Some(leader) = c.sim.leader() {
        c.apply(Command::Crash { node: leader });
    }
    c.apply(put("b", "2"));
    c.run_ok(1_500 * MS);
    c.apply(restart_any_crashed(&c.sim));
    c.run_ok(2_000 * MS);
    c.sim
}

fn restart_any_crashed(sim: &Simulation) -> Command {
    let id = (1..=5)
        .find(|&i| sim.node(NodeId(i)).is_none())
        .unwrap_or(1);
    if sim.node(NodeId(id)).is_none() {
        restart(id)
    } else {
        Command::Timeout { node: NodeId(id) }
    }
}

#[test]
fn same_seed_and_inputs_give_the_same_trace() {
    let a = busy_run(42);
    let b = busy_run(42);
    assert_eq!(a.trace_hash(), b.trace_hash());
    assert_eq!(a.view(), b.view());
    assert_ne!(
        a.trace_hash(),
        busy_run(43).trace_hash(),
        "the seed matters"
    );
}

#[test]
fn replaying_the_input_log_rebuilds_the_run_bit_for_bit() {
    let original = busy_run(7);
    assert_eq!(original.inputs().len(), 4);
    let mut replayed = Simulation::replay(
        original.seed(),
        original.config().clone(),
        original.inputs(),
    )
    .unwrap();
    replayed.advance_to(original.now());
    assert_eq!(replayed.trace_hash(), original.trace_hash());
    assert_eq!(replayed.view(), original.view());
}

#[test]
fn inputs_between_events_at_the_same_instant_replay_in_place() {
    let mut sim = Simulation::new(3, Config::default()).unwrap();
    sim.advance_to(500 * MS);
    // Step one event at a time and crash in the middle of a burst.
    for _ in 0..3 {
        sim.step();
    }
    let leader = sim.leader().unwrap();
    sim.submit(Command::Crash { node: leader }).unwrap();
    sim.advance_to(1_500 * MS);
    let mut again = Simulation::replay(3, Config::default(), sim.inputs()).unwrap();
    again.advance_to(1_500 * MS);
    assert_eq!(again.trace_hash(), sim.trace_hash());
}

#[test]
fn step_processes_exactly_one_event() {
    let mut sim = Simulation::new(1, Config::default()).unwrap();
    let before = sim.events_processed();
    let record = sim.step().expect("timers are scheduled from the start");
    assert_eq!(sim.events_processed(), before + 1);
    assert_eq!(sim.now(), record.at);
}

#[test]
fn invalid_commands_are_errors_not_panics() {
    let mut sim = Simulation::new(1, Config::default()).unwrap();
    assert_eq!(
        sim.submit(Command::Restart { node: NodeId(2) }),
        Err(CommandError::NotCrashed(NodeId(2)))
    );
    assert_eq!(
        sim.submit(Command::Crash { node: NodeId(9) }),
        Err(CommandError::NoSuchNode(NodeId(9)))
    );
    sim.submit(Command::Crash { node: NodeId(2) }).unwrap();
    assert_eq!(
        sim.submit(Command::Crash { node: NodeId(2) }),
        Err(CommandError::AlreadyCrashed(NodeId(2)))
    );
    assert_eq!(
        sim.submit(Command::Timeout { node: NodeId(2) }),
        Err(CommandError::Crashed(NodeId(2)))
    );
    assert_eq!(sim.inputs().len(), 1, "only the valid command was recorded");
    assert!(Simulation::new(
        1,
        Config {
            node_count: 0,
            ..Config::default()
        }
    )
    .is_err());
}

#[test]
fn a_replay_that_names_an_unreachable_point_is_an_error() {
    let mut sim = Simulation::new(1, Config::default()).unwrap();
    sim.advance_to(100 * MS);
    sim.submit(crash(1)).unwrap();
    let mut inputs = sim.inputs().to_vec();
    inputs[0].after_event += 1_000_000;
    assert!(Simulation::replay(1, Config::default(), &inputs).is_err());
}

#[test]
fn messages_in_flight_are_drawn_between_send_and_delivery() {
    let mut sim = Simulation::new(5, Config::default()).unwrap();
    sim.advance_to(1_000 * MS);
    let view = sim.view();
    assert!(
        !view.messages.is_empty(),
        "a leader's heartbeats are always in flight"
    );
    for m in &view.messages {
        assert!(m.sent_at <= view.now && view.now <= m.deliver_at);
        let latency = m.deliver_at - m.sent_at;
        assert!(
            (10 * MS..=15 * MS).contains(&latency),
            "RaftScope's 10–15 ms"
        );
        assert!((0.0..=1.0).contains(&m.progress_at(view.now)));
        assert!(!m.fields.is_empty());
    }
    let leader = view.nodes.iter().find(|n| n.role == Role::Leader).unwrap();
    assert_eq!(leader.progress.len(), 4);
    assert_eq!(leader.election_deadline, None);
    let follower = view
        .nodes
        .iter()
        .find(|n| n.role == Role::Follower)
        .unwrap();
    let deadline = follower.election_deadline.unwrap();
    assert!(deadline > view.now && deadline - view.now <= follower.election_timeout_us);
}

#[test]
fn crashed_server_shows_its_disk_and_loses_its_volatile_state() {
    let mut c = Checked::five(11);
    let leader = c.run_until_leader(2_000 * MS);
    c.apply(put("k", "v"));
    c.run_ok(c.sim.now() + 300 * MS);
    let follower = (1..=5).map(NodeId).find(|id| *id != leader).unwrap();
    c.apply(Command::Crash { node: follower });
    let view = c.sim.view();
    let crashed = view.node(follower).unwrap();
    assert!(!crashed.alive);
    assert_eq!(crashed.log.len(), 2, "the log (no-op, put) is on disk");
    assert_eq!(crashed.commit_index.0, 0, "commitIndex is volatile");
    assert!(
        crashed.kv.is_empty(),
        "the state machine is rebuilt from the log after restart"
    );
}

#[test]
fn the_view_shows_the_workload_while_it_runs() {
    let mut sim = Simulation::new(6, Config::default()).unwrap();
    assert_eq!(sim.view().workload, None);
    let spec = WorkloadSpec {
        clients: 2,
        ops_per_second: 50,
        ..WorkloadSpec::default()
    };
    sim.submit(Command::SetWorkload {
        workload: Some(spec),
    })
    .unwrap();
    assert_eq!(sim.view().workload, Some(spec));
    sim.submit(Command::SetWorkload { workload: None }).unwrap();
    assert_eq!(sim.view().workload, None);
}

#[test]
fn a_view_holds_a_long_logs_newest_entries_and_counts_the_rest() {
    let mut sim = Simulation::new(6, Config::default()).unwrap();
    let spec = WorkloadSpec {
        clients: 2,
        ops_per_second: 100,
        ..WorkloadSpec::default()
    };
    sim.submit(Command::SetWorkload {
        workload: Some(spec),
    })
    .unwrap();
    sim.advance_to(5_000 * MS);
    let view = sim.view();
    let leader = view.leader().expect("a leader after 5 s");
    let log = sim.node(leader.id).expect("the leader").log();
    assert!(
        log.len() > raftlab_core::view::LOG_TAIL,
        "{} entries",
        log.len()
    );
    assert_eq!(leader.log_len, log.len());
    assert_eq!(leader.log.len(), raftlab_core::view::LOG_TAIL);
    let newest: Vec<_> = log
        .entries()
        .skip(log.len() - raftlab_core::view::LOG_TAIL)
        .cloned()
        .collect();
    assert_eq!(leader.log, newest, "the newest entries, oldest first");
}

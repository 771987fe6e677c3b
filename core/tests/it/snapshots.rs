//! Log compaction (Raft thesis chapter 5, paper §7): servers snapshot their
//! state machine, client sessions included, every `snapshot_every` applied
//! entries; a leader sends its snapshot to a follower too far behind; a
//! server restarts from its snapshot plus the log after it. The safety
//! checker watches every event.

use crate::support::{crash, put, restart, Checked, MS};
use raftlab_core::raft::{LogIndex, MessageKind, NodeId};
use raftlab_core::sim::{Command, Config, EventKind};

const EVERY: u64 = 10;

fn compacting(seed: u64, nodes: usize) -> Checked {
    Checked::new(
        seed,
        Config {
            node_count: nodes,
            snapshot_every: EVERY,
            ..Config::default()
        },
    )
}

/// Runs `c` for `duration`, counting InstallSnapshot messages delivered.
fn run_counting_snapshots(c: &mut Checked, duration: u64) -> usize {
    let until = c.sim.now() + duration;
    let mut delivered = 0;
    while let Some(record) = c.sim.step_no_later_than(until) {
        if let EventKind::Delivered(packet) = &record.event {
            if packet.payload.kind() == MessageKind::InstallSnapshot {
                delivered += 1;
            }
        }
        let found = c.checker.observe(&c.sim, &record);
        assert!(found.is_empty(), "seed {}: {}", c.sim.seed(), found[0]);
    }
    c.sim.advance_to(until);
    delivered
}

fn other_than(leader: NodeId, nodes: u32) -> NodeId {
    (1..=nodes)
        .map(NodeId)
        .find(|id| *id != leader)
        .expect("another server")
}

#[test]
fn servers_compact_their_logs_once_they_have_applied_enough_entries() {
    let mut c = compacting(1, 3);
    c.run_until_leader(3_000 * MS);
    for i in 0..45 {
        c.apply(put(&format!("k{}", i % 5), &i.to_string()));
    }
    c.run_ok(c.sim.now() + 5_000 * MS);
    for node in c.sim.running_nodes() {
        let log = node.log();
        assert!(log.snapshot_index() >= LogIndex(40), "{}", node.id());
        assert!(log.len() < 2 * EVERY as usize, "the log stays short");
        let snapshot = log.snapshot().expect("a snapshot");
        assert_eq!(snapshot.index, log.snapshot_index());
        assert!(
            snapshot.state.sessions().count() >= 1,
            "client sessions travel in the snapshot"
        );
    }
    let view = c.sim.view();
    assert!(view.nodes.iter().all(|n| n.snapshot_index.0 >= 40));
}

#[test]
fn a_follower_too_far_behind_is_sent_the_leaders_snapshot_and_catches_up() {
    for seed in 0..5 {
        let mut c = compacting(seed, 3);
        let leader = c.run_until_leader(3_000 * MS);
        let lagging = other_than(leader, 3);
        c.apply(crash(lagging.0));
        for i in 0..40 {
            c.apply(put("x", &i.to_string()));
        }
        c.run_ok(c.sim.now() + 3_000 * MS);
        let leader_log = c.sim.node(leader).expect("running").log();
        assert!(
            leader_log.snapshot_index().0 >= EVERY,
            "seed {seed}: compacted"
        );
        c.apply(restart(lagging.0));
        let snapshots = run_counting_snapshots(&mut c, 3_000 * MS);
        assert!(
            snapshots >= 1,
            "seed {seed}: InstallSnapshot reached {lagging}"
        );
        assert_eq!(
            c.sim.kv(lagging).and_then(|kv| kv.get("x")),
            Some("39"),
            "seed {seed}: {lagging} holds the state"
        );
        let follower = c.sim.node(lagging).expect("running");
        assert!(follower.log().snapshot_index().0 >= EVERY);
        assert_eq!(
            follower.commit_index(),
            c.sim.node(leader).expect("up").commit_index()
        );
    }
}

#[test]
fn a_server_restarts_from_its_snapshot_plus_the_log_after_it() {
    let mut c = compacting(4, 3);
    let leader = c.run_until_leader(3_000 * MS);
    for i in 0..25 {
        c.apply(put("y", &i.to_string()));
    }
    c.run_ok(c.sim.now() + 3_000 * MS);
    let server = other_than(leader, 3);
    let on_disk = c.sim.storage(server).expect("a server").log.clone();
    let snapshot = on_disk.snapshot().expect("a snapshot on disk").clone();
    assert!(!on_disk.is_empty(), "and entries after it");
    c.apply(crash(server.0));
    c.apply(restart(server.0));
    // Before it hears from the leader: the snapshot's state, and its
    // commitIndex at the snapshot.
    let restarted = c.sim.node(server).expect("running");
    assert_eq!(restarted.commit_index(), snapshot.index);
    assert_eq!(
        c.sim.kv(server).and_then(|kv| kv.get("y")),
        snapshot.state.get("y")
    );
    c.run_ok(c.sim.now() + 1_000 * MS);
    assert_eq!(c.sim.kv(server).and_then(|kv| kv.get("y")), Some("24"));
}

#[test]
fn a_new_server_joining_a_compacted_cluster_starts_from_a_snapshot() {
    let mut c = compacting(2, 3);
    c.run_until_leader(3_000 * MS);
    for i in 0..30 {
        c.apply(put("z", &i.to_string()));
    }
    c.run_ok(c.sim.now() + 3_000 * MS);
    c.apply(Command::AddServer { node: NodeId(4) });
    let snapshots = run_counting_snapshots(&mut c, 5_000 * MS);
    assert!(snapshots >= 1, "S4 got a snapshot");
    let s4 = c.sim.node(NodeId(4)).expect("running");
    assert!(
        s4.membership().is_voter(NodeId(4)),
        "and then became a voter"
    );
    assert_eq!(c.sim.kv(NodeId(4)).and_then(|kv| kv.get("z")), Some("29"));
}

#[test]
fn a_snapshot_message_shows_its_fields() {
    let mut c = compacting(3, 3);
    let leader = c.run_until_leader(3_000 * MS);
    let lagging = other_than(leader, 3);
    c.apply(crash(lagging.0));
    for i in 0..20 {
        c.apply(put("w", &i.to_string()));
    }
    c.run_ok(c.sim.now() + 2_000 * MS);
    c.apply(restart(lagging.0));
    let deadline = c.sim.now() + 2_000 * MS;
    let mut fields = None;
    while c.sim.now() < deadline && fields.is_none() {
        c.run_ok(c.sim.now() + MS);
        fields = c
            .sim
            .view()
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::InstallSnapshot)
            .map(|m| m.fields.clone());
    }
    let fields = fields.expect("an InstallSnapshot in flight");
    let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
    assert!(names.contains(&"lastIncludedIndex") && names.contains(&"lastIncludedTerm"));
}

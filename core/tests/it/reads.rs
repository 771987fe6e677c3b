//! Linearizable reads without the log (Raft thesis §6.4): ReadIndex, and
//! leases with their clock assumption; a deposed leader answers neither.

use crate::support::{put, Checked, MS};
use raftlab_core::kv::{ClientId, Operation};
use raftlab_core::raft::{NodeId, RaftOptions, ReadMode};
use raftlab_core::sim::{Command, Config, ConfigError};

fn reads(read_mode: ReadMode) -> Config {
    Config {
        raft: RaftOptions {
            read_mode,
            check_quorum: read_mode == ReadMode::Lease,
            ..RaftOptions::default()
        },
        ..Config::default()
    }
}

fn get_from(client: u32, target: Option<NodeId>) -> Command {
    Command::ClientRequest {
        client: Some(ClientId(client)),
        target,
        op: Operation::Get { key: "x".into() },
    }
}

/// Writes x=1 through the leader, then reads x from it; returns the read's
/// latency and whether the leader's log grew because of it.
fn read_after_write(mode: ReadMode) -> (u64, bool) {
    let mut c = Checked::new(8, reads(mode));
    let leader = c.run_until_leader(3_000 * MS);
    c.apply(put("x", "1"));
    c.run_ok(c.sim.now() + 500 * MS);
    let length = c.sim.node(leader).expect("up").log().last_index();
    c.apply(get_from(2, Some(leader)));
    c.run_ok(c.sim.now() + 500 * MS);
    let read = c
        .sim
        .completed_requests()
        .find(|op| op.request.client == ClientId(2))
        .expect("the read is answered");
    assert_eq!(
        read.outcome.previous.as_deref(),
        Some("1"),
        "it sees the write"
    );
    assert_eq!(read.served_by, leader);
    let grew = c.sim.node(leader).expect("up").log().last_index() > length;
    (read.completed_at - read.invoked_at, grew)
}

#[test]
fn through_the_log_a_read_is_an_entry() {
    let (_, grew) = read_after_write(ReadMode::Log);
    assert!(grew);
}

#[test]
fn read_index_answers_after_a_heartbeat_round_without_a_log_entry() {
    let (latency, grew) = read_after_write(ReadMode::ReadIndex);
    assert!(!grew, "no entry for a read");
    let hop = Config::default().latency_us_min;
    assert!(
        latency >= 4 * hop,
        "request, heartbeat round, answer: {latency} µs"
    );
}

#[test]
fn a_valid_lease_answers_at_once() {
    let (latency, grew) = read_after_write(ReadMode::Lease);
    assert!(!grew);
    let hop = Config::default().latency_us_max;
    assert!(latency <= 2 * hop, "request and answer only: {latency} µs");
}

#[test]
fn lease_reads_need_check_quorum() {
    let config = Config {
        raft: RaftOptions {
            read_mode: ReadMode::Lease,
            check_quorum: false,
            ..RaftOptions::default()
        },
        ..Config::default()
    };
    assert_eq!(config.validate(), Err(ConfigError::LeaseWithoutCheckQuorum));
}

/// The seed claim: a stale leader, cut off with a minority, cannot serve a
/// linearizable read. The read sent to it is answered (after the client
/// gives up on it) by the new leader, with the new value.
#[test]
fn a_partitioned_old_leader_cannot_serve_a_read() {
    for mode in [ReadMode::ReadIndex, ReadMode::Lease] {
        let mut c = Checked::new(12, reads(mode));
        let old = c.run_until_leader(3_000 * MS);
        c.apply(put("x", "old"));
        c.run_ok(c.sim.now() + 500 * MS);
        let others: Vec<NodeId> = (1..=5).map(NodeId).filter(|id| *id != old).collect();
        c.apply(Command::Partition {
            groups: vec![vec![old, others[0]], others[1..].to_vec()],
        });
        c.run_ok(c.sim.now() + 1_500 * MS);
        c.apply(Command::ClientRequest {
            client: Some(ClientId(3)),
            target: Some(others[1]),
            op: Operation::Put {
                key: "x".into(),
                value: "new".into(),
            },
        });
        c.run_ok(c.sim.now() + 1_500 * MS);
        c.apply(get_from(2, Some(old)));
        c.run_ok(c.sim.now() + 5_000 * MS);
        let read = c
            .sim
            .completed_requests()
            .find(|op| op.request.client == ClientId(2))
            .unwrap_or_else(|| panic!("{mode:?}: the read is answered in the end"));
        assert_ne!(read.served_by, old, "{mode:?}: never by the old leader");
        assert_eq!(read.outcome.previous.as_deref(), Some("new"), "{mode:?}");
    }
}

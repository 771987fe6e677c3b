//! Scenarios named after what they show: the claims of the explainers in
//! `shared/seeds/` and the Raft paper, each watched in a simulated cluster with
//! the safety checker on after every event.

use crate::support::{crash, get, put, restart, Checked, MS};
use raftlab_core::app::Message;
use raftlab_core::raft::{AppendEntriesReply, LogIndex, NodeId, RaftOptions, Role, Term};
use raftlab_core::sim::{Command, Config, EventKind, Payload};

#[test]
fn a_leader_is_elected_from_a_cold_start_within_a_few_timeouts() {
    for seed in 0..50 {
        let mut c = Checked::five(seed);
        let leader = c.run_until_leader(2_000 * MS);
        assert!(
            c.sim.now() <= 1_000 * MS,
            "seed {seed}: took {} µs",
            c.sim.now()
        );
        // One heartbeat later, every server follows it.
        c.run_ok(c.sim.now() + 60 * MS);
        let view = c.sim.view();
        let leaders = view.nodes.iter().filter(|n| n.role == Role::Leader).count();
        assert_eq!(leaders, 1, "seed {seed}");
        assert!(
            view.nodes.iter().all(|n| n.leader_id == Some(leader)),
            "seed {seed}"
        );
    }
}

#[test]
fn client_writes_commit_on_a_majority_and_every_server_applies_them_in_order() {
    let mut c = Checked::five(1);
    let leader = c.run_until_leader(2_000 * MS);
    for (key, value) in [("x", "1"), ("y", "2"), ("x", "3")] {
        c.apply(put(key, value));
    }
    c.apply(get("x"));
    c.run_ok(c.sim.now() + 1_000 * MS);
    let done: Vec<_> = c.sim.completed_requests().collect();
    assert_eq!(done.len(), 4);
    assert!(done.iter().all(|op| op.served_by == leader));
    assert_eq!(
        done[3].outcome.previous.as_deref(),
        Some("3"),
        "the read sees the last write"
    );
    let last = c.sim.node(leader).unwrap().log().last_index();
    assert_eq!(
        last,
        LogIndex(5),
        "the leader's no-op, then the four requests"
    );
    for id in 1..=5 {
        let node = c.sim.node(NodeId(id)).unwrap();
        assert_eq!(
            node.commit_index(),
            last,
            "S{id} learned the commit from leaderCommit"
        );
        let kv = c.sim.kv(NodeId(id)).unwrap();
        assert_eq!((kv.get("x"), kv.get("y")), (Some("3"), Some("2")), "S{id}");
    }
}

#[test]
fn a_crashed_leader_is_replaced_by_a_new_leader_in_a_higher_term() {
    for seed in 0..30 {
        let mut c = Checked::five(seed);
        let old = c.run_until_leader(2_000 * MS);
        let old_term = c.sim.node(old).unwrap().current_term();
        c.apply(Command::Crash { node: old });
        let new = c.run_until_leader(3_000 * MS);
        assert_ne!(new, old, "seed {seed}");
        assert!(
            c.sim.node(new).unwrap().current_term() > old_term,
            "seed {seed}"
        );
        // The old leader comes back as a follower and learns the new term.
        c.apply(Command::Restart { node: old });
        c.run_ok(c.sim.now() + 500 * MS);
        let back = c.sim.node(old).unwrap();
        assert_eq!(back.role(), Role::Follower, "seed {seed}");
        assert_eq!(back.leader_id(), Some(new), "seed {seed}");
    }
}

#[test]
fn five_servers_stay_live_with_two_crashed() {
    let mut c = Checked::five(4);
    let leader = c.run_until_leader(2_000 * MS);
    let others: Vec<u32> = (1..=5).filter(|&i| NodeId(i) != leader).collect();
    c.apply(crash(others[0]));
    c.apply(crash(leader.0));
    c.apply(put("k", "v"));
    c.run_ok(c.sim.now() + 3_000 * MS);
    let done: Vec<_> = c.sim.completed_requests().collect();
    assert_eq!(done.len(), 1, "the write completes with 3 of 5 up");
}

#[test]
fn three_of_five_crashed_stalls_without_a_wrong_answer() {
    let mut c = Checked::five(5);
    c.run_until_leader(2_000 * MS);
    c.apply(put("k", "before"));
    c.run_ok(c.sim.now() + 500 * MS);
    let leader = c.sim.leader().unwrap();
    let others: Vec<u32> = (1..=5).filter(|&i| NodeId(i) != leader).collect();
    for id in &others[..3] {
        c.apply(crash(*id));
    }
    c.apply(put("k", "during"));
    c.run_ok(c.sim.now() + 5_000 * MS);
    assert_eq!(
        c.sim.completed_requests().count(),
        1,
        "no answer for the write without a majority"
    );
    let survivors = [leader, NodeId(others[3])];
    for id in survivors {
        assert_eq!(
            c.sim.kv(id).unwrap().get("k"),
            Some("before"),
            "{id} never applies the stalled write"
        );
    }
    // Bring one back: a majority again, the write completes.
    c.apply(restart(others[0]));
    c.run_ok(c.sim.now() + 5_000 * MS);
    assert_eq!(c.sim.completed_requests().count(), 2);
}

/// A follower misses five writes while crashed; a new leader then finds
/// where its log ends. Returns the follower's rejections on the way.
fn crashed_follower_catches_up(fast_backtracking: bool) -> usize {
    let config = Config {
        raft: RaftOptions {
            fast_backtracking,
            ..RaftOptions::default()
        },
        ..Config::default()
    };
    let mut c = Checked::new(6, config);
    let first = c.run_until_leader(2_000 * MS);
    let follower = (1..=5).map(NodeId).find(|id| *id != first).unwrap();
    c.apply(Command::Crash { node: follower });
    for i in 0..5 {
        c.apply(put("k", &i.to_string()));
        c.run_ok(c.sim.now() + 200 * MS);
    }
    assert_eq!(c.sim.completed_requests().count(), 5);
    // A new leader starts with nextIndex just past its own log for everyone,
    // so it must discover where the returning follower's log ends.
    c.apply(Command::Crash { node: first });
    let leader = c.run_until_leader(3_000 * MS);
    c.apply(Command::Restart { node: follower });
    let mut rejections = 0;
    let deadline = c.sim.now() + 1_000 * MS;
    while c.sim.now() < deadline {
        let record = c.sim.step().unwrap();
        assert!(c.checker.observe(&c.sim, &record).is_empty());
        if let EventKind::Delivered(p) = &record.event {
            if let Payload::Raft(Message::AppendEntriesReply(AppendEntriesReply {
                success: false,
                ..
            })) = p.payload
            {
                if p.from == raftlab_core::sim::Endpoint::Node(follower) {
                    rejections += 1;
                }
            }
        }
    }
    assert!(
        rejections >= 1,
        "the follower's log had a hole: it refused first"
    );
    let leader_log = c.sim.node(leader).unwrap().log().clone();
    assert_eq!(
        c.sim.node(follower).unwrap().log(),
        &leader_log,
        "then it caught up"
    );
    assert_eq!(
        c.sim.node(follower).unwrap().commit_index(),
        leader_log.last_index(),
        "the new leader's no-op committed everything before it"
    );
    rejections
}

#[test]
fn a_crashed_follower_catches_up_as_the_leader_walks_next_index_back() {
    let rejections = crashed_follower_catches_up(false);
    assert!(
        rejections >= 5,
        "one refusal per entry walked back, got {rejections}"
    );
}

#[test]
fn with_fast_backtracking_the_leader_jumps_to_the_end_of_a_short_log() {
    let rejections = crashed_follower_catches_up(true);
    assert!(
        rejections <= 2,
        "the first refusal says where the log ends, got {rejections}"
    );
}

#[test]
fn a_split_vote_is_resolved_by_randomized_timeouts() {
    let mut c = Checked::five(8);
    let first = c.run_until_leader(2_000 * MS);
    c.apply(Command::Crash { node: first });
    let alive: Vec<u32> = (1..=5).filter(|&i| NodeId(i) != first).collect();
    // Four candidates at the same instant: each votes for itself, so no one can
    // reach 3 of 5 in this term.
    for id in &alive {
        c.apply(Command::Timeout { node: NodeId(*id) });
    }
    let split_term = c.sim.node(NodeId(alive[0])).unwrap().current_term();
    c.run_ok(c.sim.now() + 100 * MS);
    assert_eq!(c.sim.leader(), None, "nobody wins term {split_term}");
    let winner = c.run_until_leader(3_000 * MS);
    let term = c.sim.node(winner).unwrap().current_term();
    assert!(
        term > split_term,
        "a later election, after a random timeout, wins"
    );
    assert!(term > Term(split_term.0));
}

#[test]
fn the_safety_properties_hold_over_300_seeds_with_crashes_and_restarts() {
    for seed in 0..300 {
        run_random_faults(seed);
    }
}

/// A run whose fault schedule is drawn from the seed itself: crashes, restarts,
/// forced timeouts and client writes at random instants over 6 virtual seconds.
fn run_random_faults(seed: u64) {
    let mut c = Checked::five(seed);
    let mut draw = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move |n: u64| {
        draw ^= draw << 13;
        draw ^= draw >> 7;
        draw ^= draw << 17;
        draw % n
    };
    let mut t = 0;
    for _ in 0..40 {
        t += 50 * MS + next(200) * MS;
        c.run_ok(t);
        let id = 1 + next(5) as u32;
        let command = match next(4) {
            0 => crash(id),
            1 => restart(id),
            2 => Command::Timeout { node: NodeId(id) },
            _ => put("k", &t.to_string()),
        };
        let _ = c.sim.submit(command).map(|record| {
            let found = c.checker.observe(&c.sim, &record);
            assert!(found.is_empty(), "seed {seed}: {}", found[0]);
        });
    }
    c.run_ok(t + 2_000 * MS);
}

//! PreVote, CheckQuorum and leader stickiness (Raft thesis §9.6, §6.2,
//! §4.2.3), each shown against the same cluster with it switched off.

use crate::support::{Checked, MS};
use raftlab_core::raft::{NodeId, RaftOptions, Role, Term, TransitionCause};
use raftlab_core::sim::{Command, Config};

fn options(pre_vote: bool, check_quorum: bool) -> Config {
    Config {
        raft: RaftOptions {
            pre_vote,
            check_quorum,
            ..RaftOptions::default()
        },
        ..Config::default()
    }
}

/// Runs `c` to `until`, checking every event, and counts the elections won.
fn elections_until(c: &mut Checked, until: u64) -> usize {
    let mut won = 0;
    while let Some(record) = c.sim.step_no_later_than(until) {
        if let Some(v) = c.checker.observe(&c.sim, &record).into_iter().next() {
            panic!("seed {}: {v}", c.sim.seed());
        }
        won += record
            .transitions
            .iter()
            .filter(|(_, t)| t.to == Role::Leader)
            .count();
    }
    c.sim.advance_to(until);
    won
}

fn term_of(c: &Checked, id: NodeId) -> Term {
    c.sim.node(id).expect("running").current_term()
}

/// A follower is cut off for 3 s, then rejoins. Returns the leader and its
/// term before, the cut-off server's term on rejoining, and the leader and
/// its term after.
fn rejoin(seed: u64, pre_vote: bool) -> ((NodeId, Term), Term, Option<(NodeId, Term)>) {
    let mut c = Checked::new(seed, options(pre_vote, false));
    let leader = c.run_until_leader(3_000 * MS);
    c.run_ok(c.sim.now() + 500 * MS);
    let before = (leader, term_of(&c, leader));
    let loner = (1..=5)
        .map(NodeId)
        .find(|id| *id != leader)
        .expect("five servers");
    let rest: Vec<NodeId> = (1..=5).map(NodeId).filter(|id| *id != loner).collect();
    c.apply(Command::Partition {
        groups: vec![vec![loner], rest],
    });
    c.run_ok(c.sim.now() + 3_000 * MS);
    let loner_term = term_of(&c, loner);
    c.apply(Command::Heal);
    c.run_ok(c.sim.now() + 2_000 * MS);
    let after = c.sim.leader().map(|l| (l, term_of(&c, l)));
    (before, loner_term, after)
}

#[test]
fn without_pre_vote_a_rejoining_server_deposes_the_leader_with_its_inflated_term() {
    for seed in 0..5 {
        let (before, loner_term, after) = rejoin(seed, false);
        assert!(
            loner_term.0 > before.1 .0 + 3,
            "seed {seed}: the cut-off server kept campaigning"
        );
        let after = after.expect("a leader again");
        assert!(
            after.1 > before.1,
            "seed {seed}: a new term began: {before:?} → {after:?}"
        );
    }
}

#[test]
fn with_pre_vote_a_rejoining_server_does_not_disturb_the_leader() {
    for seed in 0..5 {
        let (before, loner_term, after) = rejoin(seed, true);
        assert_eq!(
            loner_term, before.1,
            "seed {seed}: pre-votes failed, so its term never rose"
        );
        assert_eq!(after, Some(before), "seed {seed}: same leader, same term");
    }
}

/// Partial connectivity: S1, S2, S3 fully connected; S4 reaches only S2; S5
/// reaches only S3. Returns the elections won over 20 s after the first.
fn partial_connectivity(seed: u64, pre_vote: bool, check_quorum: bool) -> usize {
    let mut c = Checked::new(seed, options(pre_vote, check_quorum));
    let n = NodeId;
    let allowed = [(1, 2), (1, 3), (2, 3), (2, 4), (3, 5)];
    for a in 1..=5u32 {
        for b in 1..=5u32 {
            let linked = allowed.contains(&(a.min(b), a.max(b)));
            if a != b && !linked {
                c.apply(Command::CutLink {
                    from: n(a),
                    to: n(b),
                });
            }
        }
    }
    c.run_until_leader(5_000 * MS);
    let start = c.sim.now();
    elections_until(&mut c, start + 20_000 * MS)
}

#[test]
fn partial_connectivity_keeps_deposing_the_leader_without_pre_vote_and_check_quorum() {
    let elections: usize = (0..5)
        .map(|seed| partial_connectivity(seed, false, false))
        .sum();
    println!("without: {elections} elections over 5 × 20 s");
    assert!(
        elections >= 20,
        "the leader is deposed again and again: {elections}"
    );
}

#[test]
fn partial_connectivity_is_stable_with_pre_vote_and_check_quorum() {
    for seed in 0..5 {
        let elections = partial_connectivity(seed, true, true);
        assert!(
            elections <= 1,
            "seed {seed}: {elections} elections after the first"
        );
    }
}

#[test]
fn with_check_quorum_a_leader_cut_off_from_the_majority_steps_down() {
    for check_quorum in [false, true] {
        let mut c = Checked::new(3, options(false, check_quorum));
        let leader = c.run_until_leader(3_000 * MS);
        let others: Vec<NodeId> = (1..=5).map(NodeId).filter(|id| *id != leader).collect();
        c.apply(Command::Partition {
            groups: vec![vec![leader, others[0]], others[1..].to_vec()],
        });
        // One minimum election timeout to notice, one more for the check.
        c.run_ok(c.sim.now() + 2 * Config::default().election_timeout_us_min + 10 * MS);
        let node = c.sim.node(leader).expect("running");
        if check_quorum {
            assert_eq!(node.role(), Role::Follower, "it stepped down");
            let view = c.sim.view();
            let last = view
                .node(leader)
                .and_then(|v| v.transitions.last().copied());
            assert_eq!(
                last.map(|t| t.transition.cause),
                Some(TransitionCause::LosesQuorum)
            );
        } else {
            assert_eq!(
                node.role(),
                Role::Leader,
                "without the check it never knows"
            );
        }
    }
}

fn leader_and_other(c: &mut Checked) -> (NodeId, NodeId) {
    let leader = c.run_until_leader(3_000 * MS);
    c.run_ok(c.sim.now() + 300 * MS);
    let other = (1..=5)
        .map(NodeId)
        .find(|id| *id != leader)
        .expect("five servers");
    (leader, other)
}

#[test]
fn leadership_transfer_hands_over_in_the_next_term() {
    for (pre_vote, check_quorum) in [(false, false), (true, true)] {
        let mut c = Checked::new(5, options(pre_vote, check_quorum));
        let (leader, target) = leader_and_other(&mut c);
        let term = term_of(&c, leader);
        c.apply(Command::TransferLeadership { to: target });
        c.run_ok(c.sim.now() + 500 * MS);
        assert_eq!(c.sim.leader(), Some(target), "stickiness={check_quorum}");
        assert_eq!(term_of(&c, target), term.next(), "one election, no split");
        let view = c.sim.view();
        let took_over = view
            .node(target)
            .expect("in view")
            .transitions
            .iter()
            .any(|t| t.transition.cause == TransitionCause::ReceivesTimeoutNow);
        assert!(took_over, "it started the election on TimeoutNow");
    }
}

#[test]
fn a_transfer_that_cannot_finish_is_abandoned_and_requests_resume() {
    let mut c = Checked::five(6);
    let (leader, target) = leader_and_other(&mut c);
    c.apply(Command::Partition {
        groups: vec![vec![target]],
    });
    c.apply(Command::TransferLeadership { to: target });
    c.apply(crate::support::put("k", "during the transfer"));
    c.run_ok(c.sim.now() + 3_000 * MS);
    assert_eq!(c.sim.leader(), Some(leader), "the target never took over");
    let done: Vec<_> = c.sim.completed_requests().collect();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].served_by, leader);
    assert!(done[0].attempts > 1, "refused while the transfer was on");
}

#[test]
fn a_transfer_needs_a_leader() {
    let mut c = Checked::five(7);
    let err = c.sim.submit(Command::TransferLeadership { to: NodeId(2) });
    assert_eq!(err.unwrap_err(), raftlab_core::sim::CommandError::NoLeader);
}

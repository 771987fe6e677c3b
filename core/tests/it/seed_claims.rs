//! Claims of the five source documents in `shared/seeds/` that no other test
//! file shows yet, each watched in a simulated cluster with the safety
//! checker on, in virtual time only. (`docs/SEED_CLAIMS.md` maps every claim
//! of the five documents to the test that shows it.)
//!
//! - 000 (log replication with the toy machine):
//!   `a_follower_that_crashed_misses_x_x_y_and_after_restarting_agrees_on_c`.
//! - 001 (state machine replication step by step):
//!   `replication_goes_append_send_acknowledge_commit_then_apply`,
//!   `an_idle_leader_sends_empty_append_entries_as_heartbeats_and_nobody_times_out`.
//! - 002 (elections, AppendEntries, the state diagram):
//!   `a_candidate_without_a_majority_times_out_and_tries_again_in_the_next_term`,
//!   `a_candidate_that_hears_the_leader_of_its_term_becomes_its_follower`,
//!   `append_entries_carries_term_prev_log_index_prev_log_term_entries_and_leader_commit`,
//!   `every_role_change_is_an_arrow_of_the_state_diagram`.
//! - 003 (linearizability, the majority rule):
//!   `a_write_is_acknowledged_only_once_a_majority_stores_it`.
//! - 004 (terms):
//!   `each_term_begins_with_an_election_and_has_at_most_one_leader`.

use crate::support::{crash, put, restart, toy, Checked, MS};
use raftlab_core::app::{AppendEntries, Message};
use raftlab_core::kv::{StateMachine, ToyOp, ToyState};
use raftlab_core::raft::{
    AppendEntriesReply, LogIndex, NodeId, RequestVote, Role, Term, Transition, TransitionCause,
};
use raftlab_core::sim::{
    ClientResult, Command, Config, Endpoint, EventKind, Payload, StepRecord, SwarmPlan,
};
use std::collections::{BTreeMap, BTreeSet};

/// Steps to `until` with the checker on, handing every record to `watch`.
fn run_watching(c: &mut Checked, until: u64, mut watch: impl FnMut(&Checked, &StepRecord)) {
    while let Some(record) = c.sim.step_no_later_than(until) {
        let found = c.checker.observe(&c.sim, &record);
        assert!(found.is_empty(), "seed {}: {}", c.sim.seed(), found[0]);
        watch(c, &record);
    }
    c.sim.advance_to(until);
}

fn last_index(c: &Checked, id: NodeId) -> LogIndex {
    c.sim.node(id).map_or(LogIndex(0), |n| n.log().last_index())
}

/// The servers other than `leader`, in id order.
fn others(c: &Checked, leader: NodeId) -> Vec<NodeId> {
    let n = c.sim.config().node_count as u32;
    (1..=n).map(NodeId).filter(|id| *id != leader).collect()
}

// ---- 000: the toy machine ----

#[test]
fn a_follower_that_crashed_misses_x_x_y_and_after_restarting_agrees_on_c() {
    for seed in 0..3 {
        let config = Config {
            node_count: 3,
            state_machine: StateMachine::Toy,
            ..Config::default()
        };
        let mut c = Checked::new(seed, config);
        let leader = c.run_until_leader(2_000 * MS);
        let follower = others(&c, leader)[0];
        c.apply(Command::Crash { node: follower });
        for op in [ToyOp::X, ToyOp::X, ToyOp::Y] {
            c.apply(toy(op));
        }
        c.run_ok(c.sim.now() + 1_000 * MS);
        let states =
            |c: &Checked| -> Vec<_> { c.sim.view().nodes.iter().map(|n| n.toy_state).collect() };
        assert_eq!(
            c.sim.completed_requests().count(),
            3,
            "seed {seed}: two of three servers are a majority"
        );
        let mut expected = vec![Some(ToyState::C); 3];
        expected[(follower.0 - 1) as usize] = Some(ToyState::A);
        assert_eq!(
            states(&c),
            expected,
            "seed {seed}: the crashed one missed all three"
        );

        c.apply(Command::Restart { node: follower });
        c.run_ok(c.sim.now() + 1_000 * MS);
        assert_eq!(
            states(&c),
            vec![Some(ToyState::C); 3],
            "seed {seed}: the leader re-sent what it missed; everyone agrees on C"
        );
    }
}

// ---- 001: replication step by step, heartbeats ----

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "the seed's claim is one sequence of steps, checked in order"
)]
fn replication_goes_append_send_acknowledge_commit_then_apply() {
    for seed in 0..5 {
        let mut c = Checked::five(seed);
        let leader = c.run_until_leader(2_000 * MS);
        c.run_ok(c.sim.now() + 200 * MS);
        let index = last_index(&c, leader).next();
        let followers = others(&c, leader);
        c.apply(put("x", "3"));
        // The instant of each step, in events processed.
        let mut leader_appended = None;
        let mut follower_appended = BTreeMap::new();
        let mut acknowledged = BTreeSet::new();
        let mut committed = None;
        let mut leader_applied = None;
        let mut answered = None;
        let until = c.sim.now() + 1_000 * MS;
        run_watching(&mut c, until, |c, record| {
            let step = c.sim.events_processed();
            if leader_appended.is_none() && last_index(c, leader) >= index {
                leader_appended = Some(step);
            }
            for &id in &followers {
                if last_index(c, id) >= index && !follower_appended.contains_key(&id) {
                    // 2 and 4: it came in an AppendEntries from the leader.
                    let carried = matches!(&record.event, EventKind::Delivered(p)
                        if p.from == Endpoint::Node(leader) && matches!(&p.payload,
                            Payload::Raft(Message::AppendEntries(AppendEntries { entries, .. }))
                                if entries.iter().any(|e| e.index == index)));
                    assert!(carried, "seed {seed}: {id} appended from an AppendEntries");
                    follower_appended.insert(id, step);
                }
            }
            if let EventKind::Delivered(p) = &record.event {
                if let (
                    Endpoint::Node(from),
                    Payload::Raft(Message::AppendEntriesReply(AppendEntriesReply {
                        success: true,
                        index: acked,
                        ..
                    })),
                ) = (p.from, &p.payload)
                {
                    if *acked >= index && p.to == Endpoint::Node(leader) && committed.is_none() {
                        acknowledged.insert(from);
                    }
                }
                if matches!(
                    p.payload,
                    Payload::Reply {
                        result: ClientResult::Done(_),
                        ..
                    }
                ) {
                    answered.get_or_insert(step);
                }
            }
            let commit = c.sim.node(leader).map(|n| n.commit_index());
            if committed.is_none() && commit >= Some(index) {
                committed = Some(step);
                // 5: a majority (the leader and two of four) holds it.
                assert!(acknowledged.len() >= 2, "seed {seed}: {acknowledged:?}");
            }
            if record
                .applied
                .iter()
                .any(|(id, e)| *id == leader && e.index == index)
            {
                leader_applied = Some(step);
            }
        });
        let (appended, committed, applied, answered) = (
            leader_appended.expect("the leader appended"),
            committed.expect("it committed"),
            leader_applied.expect("the leader applied"),
            answered.expect("the client was answered"),
        );
        assert_eq!(
            follower_appended.len(),
            4,
            "seed {seed}: every follower appended"
        );
        // 1: the leader's own log first; then the followers; then commit.
        assert!(follower_appended
            .values()
            .all(|&s| appended < s && s < answered));
        assert!(appended < committed && committed <= applied && applied < answered);
    }
}

#[test]
fn an_idle_leader_sends_empty_append_entries_as_heartbeats_and_nobody_times_out() {
    let mut c = Checked::five(3);
    let leader = c.run_until_leader(2_000 * MS);
    c.run_ok(c.sim.now() + 200 * MS);
    let term = c.sim.node(leader).expect("up").current_term();
    let interval = c.sim.config().heartbeat_interval_us;
    let mut sent: BTreeMap<NodeId, Vec<u64>> = BTreeMap::new();
    let mut transitions = 0;
    let until = c.sim.now() + 2_000 * MS;
    run_watching(&mut c, until, |_, record| {
        transitions += record.transitions.len();
        if let EventKind::Delivered(p) = &record.event {
            if let (
                Endpoint::Node(from),
                Endpoint::Node(to),
                Payload::Raft(Message::AppendEntries(AppendEntries { entries, .. })),
            ) = (p.from, p.to, &p.payload)
            {
                assert_eq!(from, leader);
                assert!(entries.is_empty(), "nothing to replicate");
                sent.entry(to).or_default().push(p.sent_at);
            }
        }
    });
    assert_eq!(transitions, 0, "no follower's timer ran out");
    assert_eq!(c.sim.leader(), Some(leader));
    assert_eq!(c.sim.node(leader).map(|n| n.current_term()), Some(term));
    assert_eq!(sent.len(), 4, "every follower hears the leader");
    for (to, times) in &sent {
        assert!(times.len() >= 38, "{to}: {} heartbeats in 2 s", times.len());
        assert!(
            times.windows(2).all(|w| w[1] - w[0] <= interval),
            "{to}: at most one heartbeat interval apart"
        );
    }
}

// ---- 002: elections, AppendEntries, the state diagram ----

#[test]
fn a_candidate_without_a_majority_times_out_and_tries_again_in_the_next_term() {
    let config = Config {
        node_count: 3,
        ..Config::default()
    };
    let mut c = Checked::new(4, config);
    c.apply(crash(2));
    c.apply(crash(3));
    let mut elections = Vec::new();
    let mut votes_asked = BTreeMap::new();
    run_watching(&mut c, 3_000 * MS, |_, record| {
        for (id, t) in &record.transitions {
            assert_eq!(*id, NodeId(1));
            assert_eq!(
                (t.to, t.cause),
                (Role::Candidate, TransitionCause::TimesOut)
            );
            elections.push(t.term);
        }
        if let EventKind::Lost(p) = &record.event {
            if let Payload::Raft(Message::RequestVote(RequestVote { term, .. })) = p.payload {
                *votes_asked.entry(term).or_insert(0) += 1;
            }
        }
    });
    assert!(elections.len() >= 8, "{} elections in 3 s", elections.len());
    let consecutive: Vec<Term> = (1..=elections.len() as u64).map(Term).collect();
    assert_eq!(elections, consecutive, "each new election is the next term");
    let complete: Vec<_> = elections[..elections.len() - 1].to_vec();
    assert!(
        complete.iter().all(|t| votes_asked.get(t) == Some(&2)),
        "every election asks both others for a vote: {votes_asked:?}"
    );
    assert_eq!(c.sim.leader(), None, "one vote of three is no majority");
}

#[test]
fn a_candidate_that_hears_the_leader_of_its_term_becomes_its_follower() {
    for seed in 0..5 {
        // Timers too long to fire: the only elections are the two forced here.
        let config = Config {
            node_count: 3,
            election_timeout_us_min: 60_000 * MS,
            election_timeout_us_max: 90_000 * MS,
            client_timeout_us: 60_000 * MS,
            ..Config::default()
        };
        let mut c = Checked::new(seed, config);
        c.apply(Command::Timeout { node: NodeId(1) });
        c.apply(Command::Timeout { node: NodeId(2) });
        let mut seen: Vec<(NodeId, Transition)> = Vec::new();
        run_watching(&mut c, 500 * MS, |_, record| {
            seen.extend(record.transitions.iter().copied())
        });
        let leader = c.sim.leader().expect("server 3's vote decides");
        let loser = NodeId(3 - leader.0);
        assert_eq!(
            seen.iter().find(|(id, _)| *id == loser).map(|(_, t)| *t),
            Some(Transition {
                from: Role::Candidate,
                to: Role::Follower,
                term: Term(1),
                cause: TransitionCause::DiscoversCurrentLeader,
            }),
            "seed {seed}: it gave up its election in the same term"
        );
        let node = c.sim.node(loser).expect("up");
        assert_eq!(
            (node.leader_id(), node.current_term()),
            (Some(leader), Term(1))
        );
    }
}

#[test]
fn append_entries_carries_term_prev_log_index_prev_log_term_entries_and_leader_commit() {
    let mut c = Checked::five(5);
    let leader = c.run_until_leader(2_000 * MS);
    c.apply(crash(others(&c, leader)[0].0));
    for i in 0..6 {
        c.apply(put("k", &i.to_string()));
    }
    c.run_ok(c.sim.now() + 1_000 * MS);
    c.apply(restart(others(&c, leader)[0].0));
    let mut checked = 0;
    let until = c.sim.now() + 1_000 * MS;
    run_watching(&mut c, until, |c, record| {
        let EventKind::Delivered(p) = &record.event else {
            return;
        };
        let Payload::Raft(Message::AppendEntries(AppendEntries {
            term,
            leader: sender,
            prev_log_index,
            prev_log_term,
            entries,
            leader_commit,
            ..
        })) = &p.payload
        else {
            return;
        };
        let node = c.sim.node(*sender).expect("the leader is up");
        let log = node.log();
        assert_eq!(*term, node.current_term());
        assert_eq!(*prev_log_term, log.term_at(*prev_log_index).expect("held"));
        assert!(*leader_commit <= node.commit_index());
        for (offset, entry) in entries.iter().enumerate() {
            assert_eq!(entry.index, LogIndex(prev_log_index.0 + 1 + offset as u64));
            assert_eq!(Some(entry), log.get(entry.index), "copied from its log");
        }
        let names: Vec<&str> = p.payload.fields().iter().map(|(name, _)| *name).collect();
        for name in [
            "term",
            "prevLogIndex",
            "prevLogTerm",
            "entries",
            "leaderCommit",
        ] {
            assert!(names.contains(&name), "the inspector names {name}");
        }
        checked += usize::from(!entries.is_empty());
    });
    assert!(checked > 0, "the restarted follower was sent entries");
}

/// Every role change of each of 30 swarm runs (crashes, partitions, lossy
/// links, transfers), with the safety checker on.
fn swarm_transitions() -> Vec<Vec<(NodeId, Transition)>> {
    let mut runs = Vec::new();
    for seed in 0..30 {
        let mut all = Vec::new();
        let mut c = Checked::five(seed);
        let plan = SwarmPlan::from_seed(seed, 5, 5_000_000);
        for (at, command) in plan.commands {
            run_watching(&mut c, at, |_, record| {
                all.extend(record.transitions.iter().copied())
            });
            if let Ok(record) = c.sim.submit(command) {
                assert!(c.checker.observe(&c.sim, &record).is_empty(), "seed {seed}");
                all.extend(record.transitions);
            }
        }
        run_watching(&mut c, plan.heal_at + 3_000 * MS, |_, record| {
            all.extend(record.transitions.iter().copied())
        });
        runs.push(all);
    }
    runs
}

#[test]
fn every_role_change_is_an_arrow_of_the_state_diagram() {
    use Role::{Candidate, Follower, Leader};
    use TransitionCause::*;
    // The Raft paper's Figure 4, plus leadership transfer (TimeoutNow).
    let arrows = [
        (Follower, Follower, StartsUp),
        (Follower, Candidate, TimesOut),
        (Follower, Candidate, ReceivesTimeoutNow),
        (Candidate, Candidate, TimesOut),
        (Candidate, Leader, ReceivesMajority),
        (Candidate, Follower, DiscoversCurrentLeader),
        (Candidate, Follower, DiscoversHigherTerm),
        (Leader, Follower, DiscoversHigherTerm),
    ];
    let mut lit = BTreeSet::new();
    for (id, t) in swarm_transitions().into_iter().flatten() {
        let arrow = arrows
            .iter()
            .position(|&(from, to, cause)| (from, to, cause) == (t.from, t.to, t.cause));
        let arrow = arrow.unwrap_or_else(|| panic!("{id}: {t:?} is no arrow of the diagram"));
        lit.insert(arrow);
    }
    assert_eq!(
        lit.len(),
        arrows.len(),
        "every arrow was taken at least once"
    );
}

// ---- 003: the majority rule for writes ----

#[test]
fn a_write_is_acknowledged_only_once_a_majority_stores_it() {
    let mut c = crate::support::five_writes_over_lossy_links(6);
    let mut acknowledged = 0;
    let until = c.sim.now() + 10_000 * MS;
    run_watching(&mut c, until, |c, record| {
        let EventKind::Delivered(p) = &record.event else {
            return;
        };
        let (
            Endpoint::Node(server),
            Payload::Reply {
                seq,
                result: ClientResult::Done(_),
            },
        ) = (p.from, &p.payload)
        else {
            return;
        };
        let node = c.sim.node(server).expect("a live leader answered");
        let entry = node
            .log()
            .entries()
            .find(|e| e.command.request().is_some_and(|r| r.seq == *seq))
            .expect("the answered request is in the leader's log");
        assert!(entry.index <= node.commit_index(), "answered after commit");
        let holders = (1..=5)
            .map(NodeId)
            .filter(|id| {
                c.sim
                    .storage(*id)
                    .is_some_and(|s| s.log.get(entry.index) == Some(entry))
            })
            .count();
        assert!(holders >= 3, "{holders} of 5 servers store it on disk");
        acknowledged += 1;
    });
    assert_eq!(acknowledged, 5, "every write was answered");
}

// ---- 004: terms ----

#[test]
fn each_term_begins_with_an_election_and_has_at_most_one_leader() {
    let mut elections_won = 0;
    for (run, transitions) in swarm_transitions().into_iter().enumerate() {
        let mut candidates: BTreeSet<(Term, NodeId)> = BTreeSet::new();
        let mut leaders: BTreeMap<Term, NodeId> = BTreeMap::new();
        for (id, t) in transitions {
            if t.to == Role::Candidate {
                candidates.insert((t.term, id));
            }
            if t.to == Role::Leader {
                assert!(
                    candidates.contains(&(t.term, id)),
                    "run {run}: {id} leads term {} only after standing for election in it",
                    t.term
                );
                let first = *leaders.entry(t.term).or_insert(id);
                assert_eq!(first, id, "run {run}: one leader in term {}", t.term);
                elections_won += 1;
            }
        }
    }
    assert!(elections_won > 30, "{elections_won} elections won");
}

//! Membership change (Raft thesis chapter 4, paper §6): single-server
//! changes with a new server catching up as a learner, joint consensus, a
//! removed leader stepping down, clusters from one server to nine, and the
//! two ways of getting it wrong: the single-server bug found in 2015 (with
//! its fix switched off) and the paper's Figure 10 direct switch.
//!
//! The two bugs are shown on bare nodes with messages delivered by hand, so
//! the exact interleaving of the paper's argument happens on every run; the
//! rest runs in the simulator with the safety checker watching every event.

use crate::support::{put, Checked, MS};
use raftlab_core::app::{Input, LogCommand, Message, Node};
use raftlab_core::check::{Observation, ObservedNode, Property, SafetyChecker, Violation};
use raftlab_core::raft::MembershipError;
use raftlab_core::raft::{
    BugSwitches, Membership, MembershipChange, NodeConfig, NodeId, RaftOptions, Role, StepContext,
    TransitionCause,
};
use raftlab_core::sim::{Command, CommandError, Config};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

fn n(id: u32) -> NodeId {
    NodeId(id)
}

fn ids(list: &[u32]) -> BTreeSet<NodeId> {
    list.iter().copied().map(NodeId).collect()
}

// ---- Bare nodes, messages by hand ----

const TIMEOUT: u64 = 150_000;

/// Servers `1..=initial` start a cluster together; the others start empty
/// and learn their configuration from a leader.
struct Bare {
    nodes: BTreeMap<NodeId, Node>,
    queue: VecDeque<(NodeId, NodeId, Message)>,
    checker: SafetyChecker,
    violations: Vec<Violation>,
    now: u64,
}

impl Bare {
    fn new(initial: u32, total: u32, bugs: BugSwitches) -> Bare {
        let nodes = (1..=total)
            .map(|id| {
                let members = if id <= initial {
                    (1..=initial).map(NodeId).collect()
                } else {
                    Vec::new()
                };
                let config = NodeConfig {
                    id: n(id),
                    members,
                    heartbeat_interval_us: 50_000,
                    election_timeout_us_min: TIMEOUT,
                    max_entries_per_append: 8,
                    max_inflight_appends: 4,
                    options: RaftOptions::default(),
                    bugs,
                };
                (n(id), Node::new(config, ctx(0)))
            })
            .collect();
        Bare {
            nodes,
            queue: VecDeque::new(),
            checker: SafetyChecker::new(),
            violations: Vec::new(),
            now: 0,
        }
    }

    fn input(&mut self, id: u32, input: Input) {
        self.now += 1;
        let ready = self
            .nodes
            .get_mut(&n(id))
            .expect("a server of the test")
            .step(ctx(self.now), input);
        for (to, message) in ready.messages {
            self.queue.push_back((n(id), to, message));
        }
        self.observe();
    }

    /// Delivers queued messages between servers of `group` (dropping the
    /// rest) until none is left or `stop` holds.
    fn deliver_within(&mut self, group: &[u32], stop: impl Fn(&Bare) -> bool) {
        while let Some((from, to, message)) = self.queue.pop_front() {
            if group.contains(&from.0) && group.contains(&to.0) {
                self.input(to.0, Input::Message { from, message });
                if stop(self) {
                    return;
                }
            }
        }
    }

    fn node(&self, id: u32) -> &Node {
        &self.nodes[&n(id)]
    }

    fn is_leader(&self, id: u32) -> bool {
        self.node(id).role() == Role::Leader
    }

    /// Times `id` out (again, if its first term was taken) until it leads,
    /// talking only to `group`.
    fn elect(&mut self, id: u32, group: &[u32]) {
        for _ in 0..3 {
            self.input(id, Input::ForceTimeout);
            self.deliver_within(group, |b| b.is_leader(id));
            if self.is_leader(id) {
                return;
            }
        }
        panic!("S{id} could not win an election within {group:?}");
    }

    fn observe(&mut self) {
        let nodes = self
            .nodes
            .values()
            .map(|node| ObservedNode {
                id: node.id(),
                running: Some((node.role(), node.current_term(), node.commit_index())),
                log: node.log(),
            })
            .collect();
        let seen = Observation {
            at: self.now,
            nodes,
            applied: &[],
        };
        let found = self.checker.check(&seen);
        self.violations.extend(found);
    }

    /// Lets a heartbeat interval pass and wakes `id`.
    fn heartbeat(&mut self, id: u32) {
        self.now += 50_000;
        self.input(id, Input::Tick);
    }

    fn reported(&self, property: Property) -> bool {
        self.violations.iter().any(|v| v.property == property)
    }
}

fn ctx(now: u64) -> StepContext {
    StepContext {
        now,
        election_timeout_us: TIMEOUT,
    }
}

/// The single-server change bug (Ongaro, raft-dev, July 2015). S1 leads
/// {S1..S4} in term 1, adds S5 and gets the new configuration C2 =
/// {S1..S5} onto S5 only. S2 then leads term 2 under {S1..S4} and removes
/// S1: C3 = {S2,S3,S4}. Without the fix S2 appends C3 at once and commits it
/// with S3, a majority of C3; S1, still under C2, then wins term 3 with S4
/// and S5 and erases the committed C3. With the fix S2 must first commit an
/// entry of term 2, which needs S4 too, and nothing S2 wrote commits.
fn single_server_change_race(bugs: BugSwitches) -> Bare {
    let mut b = Bare::new(4, 5, bugs);
    let old = [1, 2, 3, 4];
    b.elect(1, &old);
    b.deliver_within(&old, |_| false);
    // S5 joins as a learner; C1 with the learner commits on S1..S4.
    b.input(
        1,
        Input::ChangeMembership(MembershipChange::AddServer(n(5))),
    );
    b.deliver_within(&old, |_| false);
    b.heartbeat(1);
    b.deliver_within(&old, |_| false);
    // S5 catches up in one short round and S1 promotes it: C2 reaches S5 only.
    b.heartbeat(1);
    b.deliver_within(&[1, 5], |_| false);
    assert!(b.node(1).membership().is_voter(n(5)), "S1 appended C2");
    assert!(b.node(5).membership().is_voter(n(5)));
    assert!(!b.node(4).membership().is_voter(n(5)));
    b.queue.clear();

    // S2 wins term 2 under C1 and is asked to remove S1; it talks to S3 only.
    b.elect(2, &[2, 3, 4]);
    b.input(
        2,
        Input::ChangeMembership(MembershipChange::RemoveServer(n(1))),
    );
    b.deliver_within(&[2, 3], |_| false);
    b.queue.clear();

    // S1 campaigns under C2 with S4 and S5.
    b.elect(1, &[1, 4, 5]);
    b
}

#[test]
fn without_the_2015_fix_a_single_server_change_race_loses_a_committed_configuration() {
    let bugs = BugSwitches {
        membership_change_before_term_commit: true,
        ..BugSwitches::default()
    };
    let b = single_server_change_race(bugs);
    let s2 = b.node(2);
    let c3_index = s2
        .log()
        .entries()
        .find(|e| matches!(&e.command, LogCommand::Config(c3) if c3.voters == ids(&[2, 3, 4])))
        .map(|e| e.index)
        .expect("S2 appended C3");
    assert!(s2.commit_index() >= c3_index, "S2 committed C3 with S3");
    assert!(b.is_leader(1), "S1 won term 3 with S4 and S5");
    assert!(
        b.reported(Property::LeaderCompleteness),
        "the checker reports the lost entry: {:?}",
        b.violations
    );
}

#[test]
fn with_the_2015_fix_a_new_leader_changes_membership_only_after_committing_in_its_term() {
    let b = single_server_change_race(BugSwitches::default());
    let s2 = b.node(2);
    assert!(
        s2.log()
            .entries()
            .all(|e| !matches!(&e.command, LogCommand::Config(m) if !m.contains(n(1)))),
        "S2 never appended C3: its term-2 no-op did not commit"
    );
    assert!(s2.membership_job().is_some() || !b.is_leader(2), "C3 waits");
    assert!(
        b.violations.is_empty(),
        "S1 may lead term 3, but nothing committed was lost: {:?}",
        b.violations
    );
}

/// The paper's Figure 10: switching {S1,S2,S3} straight to {S1..S5} lets
/// {S2,S3}, a majority of C_old, and {S1,S4,S5}, a majority of C_new, each
/// elect a leader in the same term. Joint consensus needs a majority of
/// both, so only one side can.
fn figure_10(bugs: BugSwitches) -> Bare {
    let mut b = Bare::new(3, 5, bugs);
    b.elect(1, &[1, 2, 3]);
    b.deliver_within(&[1, 2, 3], |_| false);
    b.input(
        1,
        Input::ChangeMembership(MembershipChange::ReplaceVoters(ids(&[1, 2, 3, 4, 5]))),
    );
    // The new configuration reaches the new servers only.
    b.deliver_within(&[1, 4, 5], |_| false);
    b.queue.clear();
    // Partition {S2,S3} | {S1,S4,S5}: each side tries to elect a leader.
    b.input(2, Input::ForceTimeout);
    b.deliver_within(&[2, 3], |_| false);
    b.input(4, Input::ForceTimeout);
    b.deliver_within(&[1, 4, 5], |_| false);
    b
}

#[test]
fn figure_10_switching_configurations_directly_allows_two_leaders_in_one_term() {
    let bugs = BugSwitches {
        direct_membership_switch: true,
        ..BugSwitches::default()
    };
    let b = figure_10(bugs);
    assert!(b.is_leader(2) && b.is_leader(4), "a leader on each side");
    assert_eq!(b.node(2).current_term(), b.node(4).current_term());
    assert!(
        b.reported(Property::ElectionSafety),
        "the checker sees two leaders: {:?}",
        b.violations
    );
}

#[test]
fn figure_10_with_joint_consensus_only_one_side_can_elect_a_leader() {
    let b = figure_10(BugSwitches::default());
    assert!(b.node(4).membership().is_joint(), "S4 holds C_old,new");
    assert!(b.is_leader(2), "C_old's majority elects S2");
    assert!(!b.is_leader(4), "S4 has C_new's majority but not C_old's");
    assert!(b.violations.is_empty(), "{:?}", b.violations);
}

// ---- In the simulator ----

fn cluster(seed: u64, nodes: usize) -> Checked {
    let config = Config {
        node_count: nodes,
        ..Config::default()
    };
    Checked::new(seed, config)
}

/// Runs until `done` holds, at most `limit` from now, checking every event.
fn run_until(c: &mut Checked, limit: u64, done: impl Fn(&Checked) -> bool) -> bool {
    let deadline = c.sim.now() + limit;
    while c.sim.now() < deadline {
        if done(c) {
            return true;
        }
        let t = c.sim.now() + 5 * MS;
        c.run_ok(t);
    }
    done(c)
}

fn leader_membership(c: &Checked) -> Option<Membership> {
    let leader = c.sim.leader()?;
    Some(c.sim.node(leader)?.membership().clone())
}

/// Every running server's configuration has exactly `voters`, the
/// leader's change is finished and its configuration committed.
fn settled_on(c: &Checked, voters: &[u32]) -> bool {
    let Some(leader) = c.sim.leader().and_then(|id| c.sim.node(id)) else {
        return false;
    };
    let wanted = ids(voters);
    leader.membership_job().is_none()
        && leader.membership_index() <= leader.commit_index()
        && !leader.membership().is_joint()
        && leader.membership().voters == wanted
        && c.sim
            .running_nodes()
            .filter(|node| wanted.contains(&node.id()))
            .all(|node| node.membership().voters == wanted)
}

#[test]
fn a_new_server_catches_up_as_a_learner_in_rounds_then_becomes_a_voter() {
    for seed in 0..5 {
        let mut c = cluster(seed, 3);
        c.run_until_leader(3_000 * MS);
        for i in 0..30 {
            c.apply(put("k", &i.to_string()));
        }
        c.run_ok(c.sim.now() + 2_000 * MS);
        c.apply(Command::AddServer { node: n(4) });
        assert_eq!(c.sim.server_count(), 4, "S4 started with an empty disk");
        let became_learner = run_until(&mut c, 2_000 * MS, |c| {
            leader_membership(c).is_some_and(|m| m.is_learner(n(4)))
        });
        assert!(became_learner, "seed {seed}: S4 is a learner first");
        // Watch the leader's job on the way: S4 is promoted only after a
        // catch-up round, and once it is, the job is over.
        let rounds_seen = std::cell::Cell::new(false);
        let promoted = run_until(&mut c, 5_000 * MS, |c| {
            let in_round = c.sim.running_nodes().any(|node| {
                node.membership_job()
                    .is_some_and(|job| job.catch_up.is_some())
            });
            rounds_seen.set(rounds_seen.get() || in_round);
            settled_on(c, &[1, 2, 3, 4])
        });
        assert!(promoted, "seed {seed}: S4 became a voter");
        assert!(rounds_seen.get(), "seed {seed}: after a catch-up round");
        let leader = c.sim.leader().expect("a leader");
        let leader_log = c.sim.node(leader).expect("running").log().clone();
        let s4 = c.sim.node(n(4)).expect("running");
        assert!(
            s4.log().last_index() >= leader_log.last_index().prev(),
            "seed {seed}: S4 holds the log"
        );
        assert!(
            c.sim.kv(n(4)).and_then(|kv| kv.get("k")) == Some("29"),
            "seed {seed}: S4 applied every write"
        );
    }
}

#[test]
fn catch_up_rounds_are_visible_to_the_leader_while_the_learner_lags() {
    let mut c = cluster(7, 3);
    c.run_until_leader(3_000 * MS);
    let leader = c.sim.leader().expect("a leader");
    // Many entries and a slow link to S4 make its first round long.
    for i in 0..200 {
        c.apply(put("k", &i.to_string()));
    }
    c.run_ok(c.sim.now() + 5_000 * MS);
    c.apply(Command::AddServer { node: n(4) });
    let saw_round = run_until(&mut c, 3_000 * MS, |c| {
        c.sim
            .node(leader)
            .and_then(|l| l.membership_job())
            .and_then(|job| job.catch_up)
            .is_some_and(|round| round.round >= 1)
    });
    assert!(saw_round, "the leader tracks S4's catch-up round");
    let view = c.sim.view();
    let leader_view = view.node(leader).expect("in the view");
    assert!(leader_view.membership_job.is_some(), "shown in the view");
    assert!(run_until(&mut c, 10_000 * MS, |c| settled_on(
        c,
        &[1, 2, 3, 4]
    )));
}

#[test]
fn a_removed_leader_steps_down_once_the_configuration_without_it_commits() {
    for seed in 0..5 {
        let mut c = cluster(seed, 5);
        let old = c.run_until_leader(3_000 * MS);
        c.apply(put("before", "1"));
        c.run_ok(c.sim.now() + 500 * MS);
        c.apply(Command::RemoveServer { node: old });
        let rest: Vec<u32> = (1..=5).filter(|&i| n(i) != old).collect();
        assert!(
            run_until(&mut c, 5_000 * MS, |c| settled_on(c, &rest)),
            "seed {seed}: the four others settle on their own configuration"
        );
        let stepped_down = c
            .sim
            .view()
            .node(old)
            .expect("still running")
            .transitions
            .iter()
            .any(|t| t.transition.cause == TransitionCause::RemovedFromCluster);
        assert!(stepped_down, "seed {seed}: {old} stepped down");
        let term_after = c.sim.node(old).expect("running").current_term();
        c.apply(put("after", "2"));
        c.run_ok(c.sim.now() + 3_000 * MS);
        let removed = c.sim.node(old).expect("running");
        assert_eq!(
            removed.role(),
            Role::Follower,
            "seed {seed}: it only listens"
        );
        assert_eq!(removed.current_term(), term_after, "it never campaigns");
        let leader = c.sim.leader().expect("a new leader");
        assert_ne!(leader, old);
        assert_eq!(
            c.sim.kv(leader).and_then(|kv| kv.get("after")),
            Some("2"),
            "seed {seed}: the four commit without it"
        );
    }
}

#[test]
fn joint_consensus_takes_three_servers_to_five_through_c_old_new() {
    for seed in 0..5 {
        let mut c = cluster(seed, 3);
        let leader = c.run_until_leader(3_000 * MS);
        c.run_ok(c.sim.now() + 200 * MS);
        c.apply(Command::ChangeMembership {
            voters: vec![n(1), n(2), n(3), n(4), n(5)],
        });
        assert_eq!(c.sim.server_count(), 5);
        assert!(
            run_until(&mut c, 5_000 * MS, |c| settled_on(c, &[1, 2, 3, 4, 5])),
            "seed {seed}: five voters"
        );
        let configs: Vec<Membership> = c
            .sim
            .node(c.sim.leader().expect("leader"))
            .expect("running")
            .log()
            .memberships()
            .map(|(_, m)| m.clone())
            .collect();
        let joint = Membership {
            voters: ids(&[1, 2, 3, 4, 5]),
            outgoing: Some(ids(&[1, 2, 3])),
            learners: BTreeSet::new(),
        };
        assert_eq!(
            configs,
            vec![joint, Membership::of(ids(&[1, 2, 3, 4, 5]))],
            "seed {seed}: C_old,new then C_new (leader {leader})"
        );
        // Five voters tolerate two failures.
        let survivors_leader = c.sim.leader().expect("leader");
        let crashed: Vec<u32> = (1..=5)
            .filter(|&i| n(i) != survivors_leader)
            .take(2)
            .collect();
        for id in &crashed {
            c.apply(Command::Crash { node: n(*id) });
        }
        c.apply(put("x", "5"));
        let committed = run_until(&mut c, 3_000 * MS, |c| {
            c.sim.kv(survivors_leader).and_then(|kv| kv.get("x")) == Some("5")
        });
        assert!(committed, "seed {seed}: 3 of 5 commit");
    }
}

#[test]
fn joint_consensus_can_replace_every_voter_and_the_old_leader_steps_down() {
    let mut c = cluster(3, 3);
    c.run_until_leader(3_000 * MS);
    c.apply(put("kept", "yes"));
    c.run_ok(c.sim.now() + 500 * MS);
    c.apply(Command::ChangeMembership {
        voters: vec![n(4), n(5), n(6)],
    });
    assert!(run_until(&mut c, 8_000 * MS, |c| settled_on(c, &[4, 5, 6])));
    let leader = c.sim.leader().expect("a leader");
    assert!([4, 5, 6].contains(&leader.0), "the new voters lead");
    assert_eq!(c.sim.kv(leader).and_then(|kv| kv.get("kept")), Some("yes"));
}

#[test]
fn clusters_grow_one_server_at_a_time_from_one_to_nine_and_shrink_back() {
    let mut c = cluster(11, 1);
    c.run_until_leader(3_000 * MS);
    for size in 2..=9u32 {
        c.apply(Command::AddServer { node: n(size) });
        let voters: Vec<u32> = (1..=size).collect();
        assert!(
            run_until(&mut c, 10_000 * MS, |c| settled_on(c, &voters)),
            "grew to {size}"
        );
        c.apply(put("size", &size.to_string()));
    }
    for size in (1..9u32).rev() {
        let removed = n(size + 1);
        c.apply(Command::RemoveServer { node: removed });
        let voters: Vec<u32> = (1..=size).collect();
        assert!(
            run_until(&mut c, 10_000 * MS, |c| settled_on(c, &voters)),
            "shrank to {size}"
        );
    }
    c.apply(put("size", "1"));
    assert!(run_until(&mut c, 2_000 * MS, |c| {
        c.sim.kv(n(1)).and_then(|kv| kv.get("size")) == Some("1")
    }));
}

#[test]
fn one_membership_change_at_a_time_and_nonsense_changes_are_refused() {
    let mut c = cluster(5, 3);
    c.run_until_leader(3_000 * MS);
    c.run_ok(c.sim.now() + 300 * MS);
    c.apply(Command::AddServer { node: n(4) });
    let again = c.sim.submit(Command::AddServer { node: n(5) });
    assert_eq!(
        again.map(|_| ()),
        Err(CommandError::Membership(MembershipError::ChangeInProgress))
    );
    assert_eq!(
        c.sim.server_count(),
        4,
        "the refused change started nothing"
    );
    assert!(run_until(&mut c, 5_000 * MS, |c| settled_on(
        c,
        &[1, 2, 3, 4]
    )));
    let refused = [
        (
            Command::AddServer { node: n(2) },
            CommandError::Membership(MembershipError::AlreadyMember(n(2))),
        ),
        (
            Command::AddServer { node: n(10) },
            CommandError::NoSuchNode(n(10)),
        ),
        (
            Command::ChangeMembership { voters: vec![] },
            CommandError::Membership(MembershipError::NoVotersLeft),
        ),
        (
            Command::ChangeMembership {
                voters: vec![n(1), n(2), n(3), n(4)],
            },
            CommandError::Membership(MembershipError::NothingToChange),
        ),
    ];
    for (command, error) in refused {
        assert_eq!(c.sim.submit(command).map(|_| ()), Err(error));
    }
}

#[test]
fn a_membership_change_replays_bit_for_bit() {
    let mut c = cluster(9, 3);
    c.run_until_leader(3_000 * MS);
    c.apply(Command::AddServer { node: n(4) });
    c.run_ok(c.sim.now() + 2_000 * MS);
    c.apply(Command::ChangeMembership {
        voters: vec![n(2), n(3), n(4), n(5)],
    });
    c.run_ok(c.sim.now() + 3_000 * MS);
    let replayed = raftlab_core::Simulation::replay(9, c.sim.config().clone(), c.sim.inputs())
        .expect("the inputs replay");
    let mut replayed = replayed;
    replayed.advance_to(c.sim.now());
    assert_eq!(replayed.trace_hash(), c.sim.trace_hash());
    assert_eq!(replayed.server_count(), 5);
}

#[test]
fn swarm_runs_with_membership_changes_and_snapshots_stay_safe_linearizable_and_live() {
    use raftlab_core::explore::{run_seed, Experiment};
    let experiment = Experiment {
        config: Config {
            raft: RaftOptions::all(),
            snapshot_every: 16,
            ..Config::default()
        },
        membership_changes: true,
        ..Experiment::default()
    };
    let mut changes = 0;
    for seed in 0..100 {
        let report = run_seed(seed, &experiment).expect("valid config");
        assert!(
            report.failure.is_none(),
            "seed {seed}: {:?}",
            report.failure
        );
        changes += report
            .sim
            .inputs()
            .iter()
            .filter(|input| {
                matches!(
                    input.command,
                    Command::AddServer { .. }
                        | Command::RemoveServer { .. }
                        | Command::ChangeMembership { .. }
                )
            })
            .count();
    }
    assert!(
        changes >= 50,
        "the leaders took {changes} membership changes"
    );
}

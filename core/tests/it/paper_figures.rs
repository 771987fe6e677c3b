//! The Raft paper's figures as exact log states on bare `Node`s: each test
//! starts the servers from the logs a figure draws (or from the state just
//! before it, and drives messages by hand until the figure's logs appear),
//! then checks what the figure says. Elections are forced with
//! `Input::ForceTimeout`; the no-op entry of a new leader is off (the paper's
//! basic algorithm, as in `crate::bare::config`) unless a test says otherwise, so
//! the indices and terms are the figure's.

use crate::bare::{request, stored, Cluster, HEARTBEAT};
use raftlab_core::app::{AppendEntries, Input, Message, PersistentState};
use raftlab_core::check::{Observation, ObservedNode, Property, SafetyChecker, Violation};
use raftlab_core::raft::{BugSwitches, LogIndex, NodeConfig, NodeId, Role, Term};

/// A server's stored state: `current_term`, whom it voted for in it, and a
/// log with these terms from index 1.
fn voted(term: u64, voted_for: u32, terms: &[u64]) -> PersistentState {
    PersistentState {
        voted_for: Some(NodeId(voted_for)),
        ..stored(term, terms)
    }
}

/// The terms of a server's log, index 1 first.
fn terms(c: &Cluster, id: u32) -> Vec<u64> {
    let log = match c.nodes.get(&NodeId(id)) {
        Some(node) => node.log(),
        None => &c.storage[&NodeId(id)].log,
    };
    log.entries().map(|e| e.term.0).collect()
}

/// Forces `id` to time out until it leads, at most `attempts` elections, and
/// returns whether it won.
fn time_out_until_leader(c: &mut Cluster, id: u32, attempts: usize) -> bool {
    for _ in 0..attempts {
        c.input(id, Input::ForceTimeout);
        c.deliver_all();
        if c.node(id).role() == Role::Leader {
            return true;
        }
    }
    false
}

/// What the safety checker sees of the cluster now: running servers with
/// their role, term and commitIndex, crashed ones with the log on their disk,
/// and the entries applied since the last look.
fn check(c: &mut Cluster, checker: &mut SafetyChecker) -> Vec<Violation> {
    let applied = std::mem::take(&mut c.applied);
    let nodes = c
        .storage
        .iter()
        .map(|(id, disk)| match c.nodes.get(id) {
            Some(node) => ObservedNode {
                id: *id,
                running: Some((node.role(), node.current_term(), node.commit_index())),
                log: node.log(),
            },
            None => ObservedNode {
                id: *id,
                running: None,
                log: &disk.log,
            },
        })
        .collect();
    checker.check(&Observation {
        at: c.now,
        nodes,
        applied: &applied,
    })
}

/// Delivers every queued message and those they cause, one at a time,
/// checking the cluster after each; returns the properties that broke.
fn deliver_all_checked(c: &mut Cluster, checker: &mut SafetyChecker) -> Vec<Property> {
    let mut broken: Vec<Property> = check(c, checker).iter().map(|v| v.property).collect();
    while c.deliver_one().is_some() {
        broken.extend(check(c, checker).iter().map(|v| v.property));
    }
    broken
}

// ---- Figure 6 ----

#[test]
fn figure_6_entries_up_to_index_7_are_committed_index_8_is_not() {
    // Before term 3: four servers hold 1,1,1,2; S4 holds 1,1 and is down.
    let before = [1, 1, 1, 2];
    let mut c = Cluster::new(&[
        stored(2, &before),
        stored(2, &before),
        stored(2, &before),
        stored(2, &[1, 1]),
        stored(2, &before),
    ]);
    c.crash(4);
    assert!(
        time_out_until_leader(&mut c, 1, 1),
        "S2, S3 and S5 elect S1"
    );
    assert_eq!(c.node(1).current_term(), Term(3));
    // Without the no-op the leader's term-3 entries are the figure's
    // indices 5 to 8 (with it, a no-op would take index 5).
    for seq in 5..=8 {
        c.input(1, Input::propose(request(seq)));
    }
    // S2 receives only index 5, S5 up to 7, S3 everything.
    let reaches = |to: NodeId, first: LogIndex| match to.0 {
        2 => first <= LogIndex(5),
        5 => first <= LogIndex(7),
        _ => true,
    };
    c.queue.retain(|(_, to, m)| match m {
        Message::AppendEntries(AppendEntries { entries, .. }) => {
            entries.first().is_none_or(|e| reaches(*to, e.index))
        }
        _ => true,
    });
    c.deliver_all();
    let figure = [
        vec![1, 1, 1, 2, 3, 3, 3, 3],
        vec![1, 1, 1, 2, 3],
        vec![1, 1, 1, 2, 3, 3, 3, 3],
        vec![1, 1],
        vec![1, 1, 1, 2, 3, 3, 3],
    ];
    for (id, expected) in (1..=5).zip(figure) {
        assert_eq!(terms(&c, id), expected, "S{id}'s log is the figure's");
    }
    // Index 7 is on S1, S3 and S5, a majority of five; index 8 only on S1 and S3.
    assert_eq!(c.node(1).commit_index(), LogIndex(7));
    // Once index 8 reaches a third server it commits too: a heartbeat
    // interval without acknowledgments sends the leader back to probing.
    c.restart(4);
    for _ in 0..3 {
        c.now += HEARTBEAT;
        c.input(1, Input::Tick);
        c.deliver_all();
    }
    assert_eq!(c.node(1).commit_index(), LogIndex(8));
    assert!((2..=5).all(|id| terms(&c, id) == terms(&c, 1)));
}

// ---- Figure 7 ----

/// The Raft paper's Figure 7: the leader of term 8 and followers (a)–(f).
fn figure_7_logs() -> [PersistentState; 7] {
    [
        stored(8, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6]),
        stored(8, &[1, 1, 1, 4, 4, 5, 5, 6, 6]),
        stored(8, &[1, 1, 1, 4]),
        stored(8, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
        stored(8, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
        stored(8, &[1, 1, 1, 4, 4, 4, 4]),
        stored(8, &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
    ]
}

#[test]
fn figure_7_a_leader_holding_the_term_8_log_repairs_followers_a_to_f() {
    let mut c = Cluster::new(&figure_7_logs());
    // S1 holds the leader's log; its election makes it leader of term 9.
    c.elect(1);
    // Extra entries that conflict with nothing stay until the leader writes
    // over them: one new entry of its term replaces those of (c) and (d).
    c.input(1, Input::propose(request(11)));
    c.now = 50_000;
    for _ in 0..20 {
        c.now += 50_000;
        c.input(1, Input::Tick);
        c.deliver_all();
    }
    let leader_log = c.node(1).log().clone();
    assert_eq!(leader_log.last_index(), LogIndex(11));
    assert_eq!(leader_log.last_term(), Term(9));
    for (id, name) in (2..=7).zip(["a", "b", "c", "d", "e", "f"]) {
        assert_eq!(
            c.node(id).log(),
            &leader_log,
            "follower ({name}) holds exactly the leader's log: missing entries added, extra ones removed"
        );
    }
}

#[test]
fn figure_7_who_could_win_an_election() {
    // Each server in turn times out first with the others' logs as in the
    // figure. Only a log at least as up to date as a majority's can win
    // (§5.4.1): the leader's, (a), (c) and (d); not (b), (e) or (f).
    let names = ["leader", "a", "b", "c", "d", "e", "f"];
    let mut winners = Vec::new();
    for (id, name) in (1..=7).zip(names) {
        let mut c = Cluster::new(&figure_7_logs());
        c.input(id, Input::ForceTimeout);
        c.deliver_all();
        if c.node(id).role() == Role::Leader {
            winners.push(name);
        }
    }
    assert_eq!(winners, ["leader", "a", "c", "d"]);
}

// ---- Figure 8 ----

/// The servers' stored states at the end of the Raft paper's Figure 8 (b).
/// In (a) S1 led term 2 and replicated index 2 to S2 only; in (b) S1 crashed
/// and S5 won term 3 with the votes of S3, S4 and its own, and appended
/// index 2 of term 3 before crashing too.
fn figure_8_b_logs() -> [PersistentState; 5] {
    [
        voted(2, 1, &[1, 2]),
        voted(2, 1, &[1, 2]),
        voted(3, 5, &[1]),
        voted(3, 5, &[1]),
        voted(3, 5, &[1, 3]),
    ]
}

/// Figure 8 (c) up to the term-4 entry: S1 restarts and leads term 4 (term
/// 3 was S5's, where S3 had voted), and replicates its index 2 of term 2 to
/// S3, so S1, S2 and S3 store it. S4 and S5 are down.
fn figure_8_c(make_config: fn(u32, u32) -> NodeConfig) -> Cluster {
    let mut c = Cluster::with_config(&figure_8_b_logs(), make_config);
    c.crash(4);
    c.crash(5);
    assert!(time_out_until_leader(&mut c, 1, 2), "S1 wins term 4");
    assert_eq!(c.node(1).current_term(), Term(4));
    for id in 1..=3 {
        assert_eq!(terms(&c, id), [1, 2], "S{id}");
    }
    c
}

/// Figure 8 (c) to (d): S1 appends index 3 of term 4 and crashes before
/// sending it; S4 and S5 come back, and S5 times out in term 4 (S2 and S3
/// have voted there) and again in term 5, where S2, S3 and S4 vote for it:
/// its last term, 3, is above theirs.
fn figure_8_d(c: &mut Cluster) -> bool {
    c.input(1, Input::propose(request(3)));
    assert_eq!(terms(c, 1), [1, 2, 4]);
    c.queue.clear();
    c.crash(1);
    c.restart(4);
    c.restart(5);
    time_out_until_leader(c, 5, 2)
}

/// The basic algorithm with one rule broken: entries of earlier terms commit
/// by counting replicas.
fn commit_old_terms_by_counting(id: u32, n: u32) -> NodeConfig {
    NodeConfig {
        bugs: BugSwitches {
            commit_old_terms_by_counting: true,
            ..BugSwitches::default()
        },
        ..crate::bare::config(id, n)
    }
}

#[test]
fn figure_8_c_index_2_on_a_majority_is_not_committed() {
    let mut c = figure_8_c(crate::bare::config);
    // Heartbeats come and go; index 2 stays on three of five servers, and
    // is of term 2, not the leader's term 4 (§5.4.2).
    for _ in 0..3 {
        c.now += HEARTBEAT;
        c.input(1, Input::Tick);
        c.deliver_all();
    }
    let progress = c.node(1).progress();
    let stored_on = 1 + progress
        .iter()
        .filter(|(_, p)| p.match_index >= LogIndex(2))
        .count();
    assert_eq!(stored_on, 3, "a majority of five stores index 2");
    assert!(c.node(1).commit_index() < LogIndex(2));
    // The term-4 entry appended but not yet sent commits nothing either.
    c.input(1, Input::propose(request(3)));
    assert_eq!(terms(&c, 1), [1, 2, 4]);
    assert!(c.node(1).commit_index() < LogIndex(2));
}

#[test]
fn figure_8_d_s5_can_be_elected_and_overwrites_index_2() {
    let mut checker = SafetyChecker::new();
    let mut c = figure_8_c(crate::bare::config);
    assert!(figure_8_d(&mut c), "S5 wins term 5");
    assert_eq!(c.node(5).current_term(), Term(5));
    let broken = deliver_all_checked(&mut c, &mut checker);
    for id in 2..=5 {
        assert_eq!(terms(&c, id), [1, 3], "S{id} holds S5's term-3 entry");
    }
    // S1 comes back and loses its index 2 (and 3) as well.
    c.restart(1);
    c.now += HEARTBEAT;
    c.input(5, Input::Tick);
    let mut broken_later = deliver_all_checked(&mut c, &mut checker);
    assert_eq!(terms(&c, 1), [1, 3]);
    // Nothing broke: index 2 of term 2 was never committed.
    broken_later.extend(broken);
    assert_eq!(broken_later, []);
}

#[test]
fn figure_8_e_once_a_term_4_entry_is_on_a_majority_index_2_is_committed_and_s5_cannot_win() {
    let mut c = figure_8_c(crate::bare::config);
    c.input(1, Input::propose(request(3)));
    c.deliver_all();
    for id in 1..=3 {
        assert_eq!(terms(&c, id), [1, 2, 4], "S{id}");
    }
    assert_eq!(
        c.node(1).commit_index(),
        LogIndex(3),
        "index 3 of term 4 commits, and index 2 with it"
    );
    c.crash(1);
    c.restart(4);
    c.restart(5);
    assert!(
        !time_out_until_leader(&mut c, 5, 3),
        "S2 and S3 hold a term-4 entry: S5's log is behind theirs (§5.4.1)"
    );
    assert_eq!(terms(&c, 2), [1, 2, 4], "index 2 stays");
}

#[test]
fn figure_8_with_commit_by_counting_the_checker_reports_the_lost_entry() {
    let mut checker = SafetyChecker::new();
    let mut c = figure_8_c(commit_old_terms_by_counting);
    // With the bug, three copies of index 2 are enough: S1 commits and
    // applies it in term 4.
    assert_eq!(c.node(1).commit_index(), LogIndex(2));
    let mut broken = deliver_all_checked(&mut c, &mut checker);
    assert_eq!(broken, []);
    assert!(figure_8_d(&mut c), "S5 still wins term 5");
    broken.extend(deliver_all_checked(&mut c, &mut checker));
    for id in 2..=5 {
        assert_eq!(terms(&c, id), [1, 3], "S{id}: the committed entry is gone");
    }
    // S5 leads term 5 without the entry S1 committed in term 4; then, by
    // the same bug, S5 commits its own index 2 and applies a different entry
    // where S1 applied index 2.
    assert_eq!(
        broken,
        [Property::LeaderCompleteness, Property::StateMachineSafety]
    );
}

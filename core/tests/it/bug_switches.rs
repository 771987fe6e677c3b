//! Targeted scenarios for the bug switches whose failure needs a precise
//! sequence of crashes and elections, too rare for random swarm runs to hit
//! in a bounded number of seeds. Each runs over several seeds (the seed moves
//! every latency and timeout draw): with the switch on, a checker reports the
//! violation in every one; with it off, none does.

use raftlab_core::check::{Property, SafetyChecker, Violation};
use raftlab_core::kv::{ClientId, Operation};
use raftlab_core::raft::{NodeId, RaftOptions, Role, Term};
use raftlab_core::sim::{BugSwitches, Command, Config, Simulation};

const MS: u64 = 1_000;
const SEEDS: u64 = 10;

/// A cluster whose servers never time out by themselves: elections happen
/// only when the script says so. It runs the paper's basic algorithm: a new
/// leader appends no no-op entry (that entry would hide these bugs here).
fn scripted(seed: u64, nodes: usize, bugs: BugSwitches) -> Script {
    let config = Config {
        raft: RaftOptions {
            noop_on_election: false,
            ..RaftOptions::default()
        },
        node_count: nodes,
        election_timeout_us_min: 60_000 * MS,
        election_timeout_us_max: 90_000 * MS,
        client_timeout_us: 60_000 * MS,
        bugs,
        ..Config::default()
    };
    Script {
        sim: Simulation::new(seed, config).expect("valid config"),
        checker: SafetyChecker::new(),
        found: None,
    }
}

/// A simulation driven step by step with the checker watching; remembers the
/// first violation and the event it came at.
struct Script {
    sim: Simulation,
    checker: SafetyChecker,
    found: Option<(u64, Violation)>,
}

impl Script {
    fn run_for(&mut self, duration: u64) {
        let until = self.sim.now() + duration;
        while let Some(record) = self.sim.step_no_later_than(until) {
            let violations = self.checker.observe(&self.sim, &record);
            self.note(violations);
        }
        self.sim.advance_to(until);
    }

    fn act(&mut self, command: Command) {
        let record = self
            .sim
            .submit(command)
            .expect("the script's commands are valid");
        let violations = self.checker.observe(&self.sim, &record);
        self.note(violations);
        self.run_for(150 * MS);
    }

    fn note(&mut self, violations: Vec<Violation>) {
        if self.found.is_none() {
            if let Some(v) = violations.into_iter().next() {
                self.found = Some((self.sim.events_processed(), v));
            }
        }
    }

    fn role(&self, id: u32) -> Option<(Role, Term)> {
        self.sim
            .node(NodeId(id))
            .map(|n| (n.role(), n.current_term()))
    }
}

fn n(id: u32) -> NodeId {
    NodeId(id)
}

/// A put from a client of its own (so it never waits behind another's request).
fn put_to(id: u32, client: u32, value: &str) -> Command {
    Command::ClientRequest {
        client: Some(ClientId(client)),
        target: Some(n(id)),
        op: Operation::Put {
            key: "x".into(),
            value: value.into(),
        },
    }
}

/// S1 wins term 1 with S2's vote; S2 crashes and restarts; S3, which cannot
/// reach S1, asks S2 for its vote in the same term 1.
fn double_vote(seed: u64, bugs: BugSwitches) -> Script {
    let mut s = scripted(seed, 3, bugs);
    s.act(Command::CutLink {
        from: n(1),
        to: n(3),
    });
    s.act(Command::CutLink {
        from: n(3),
        to: n(1),
    });
    s.act(Command::Timeout { node: n(1) });
    assert_eq!(
        s.role(1),
        Some((Role::Leader, Term(1))),
        "seed {seed}: S1 leads term 1"
    );
    s.act(Command::Crash { node: n(2) });
    s.act(Command::Restart { node: n(2) });
    s.act(Command::Timeout { node: n(3) });
    s.run_for(500 * MS);
    s
}

#[test]
fn forgetting_the_vote_on_restart_elects_two_leaders_in_one_term() {
    let bugs = BugSwitches {
        forget_vote_on_restart: true,
        ..BugSwitches::default()
    };
    for seed in 0..SEEDS {
        let s = double_vote(seed, bugs);
        let (event, violation) = s.found.expect("the double vote is caught");
        if seed == 0 {
            println!("forget_vote_on_restart, seed {seed}, event {event}: {violation}");
        }
        assert_eq!(
            violation.property,
            Property::ElectionSafety,
            "seed {seed}: {violation}"
        );
    }
}

#[test]
fn remembering_the_vote_keeps_one_leader_per_term() {
    for seed in 0..SEEDS {
        let s = double_vote(seed, BugSwitches::default());
        assert!(s.found.is_none(), "seed {seed}: {:?}", s.found);
        assert_ne!(
            s.role(3),
            Some((Role::Leader, Term(1))),
            "S2 refuses a second vote"
        );
    }
}

/// The Raft paper's Figure 8 with five servers (terms shifted down by one):
/// (a) S1 leads term 1 and gets index 2 onto S2 only; (b) S1 crashes, S5 wins
/// term 2 with S3–S5 and appends a different index 2 alone; (c) S5 crashes,
/// S1 restarts, wins term 3 and copies its index 2 (term 1) to a majority;
/// (d) S1 crashes, S5 restarts and wins term 4 with S2–S4, and overwrites
/// index 2 everywhere with its own.
fn figure_8(seed: u64, bugs: BugSwitches) -> Script {
    let mut s = scripted(seed, 5, bugs);
    s.act(Command::Timeout { node: n(1) });
    s.act(put_to(1, 1, "1"));
    // (a)
    s.act(Command::Partition {
        groups: vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]],
    });
    s.act(put_to(1, 2, "2 from S1, term 1"));
    // (b)
    s.act(Command::Crash { node: n(1) });
    s.act(Command::Timeout { node: n(5) });
    assert_eq!(
        s.role(5).map(|r| r.0),
        Some(Role::Leader),
        "seed {seed}: S5 leads (b)"
    );
    s.act(Command::Partition {
        groups: vec![vec![n(5)], vec![n(1), n(2), n(3), n(4)]],
    });
    s.act(put_to(5, 3, "2 from S5, term 2"));
    // (c)
    s.act(Command::Crash { node: n(5) });
    s.act(Command::Restart { node: n(1) });
    // Term 2 is taken (S3 and S4 voted for S5): S1 needs a second try.
    s.act(Command::Timeout { node: n(1) });
    s.act(Command::Timeout { node: n(1) });
    s.run_for(300 * MS);
    assert_eq!(
        s.role(1).map(|r| r.0),
        Some(Role::Leader),
        "seed {seed}: S1 leads (c)"
    );
    let index_2_copies = (1..=4)
        .filter(|&id| {
            s.sim
                .node(n(id))
                .and_then(|node| node.log().term_at(raftlab_core::LogIndex(2)))
                == Some(Term(1))
        })
        .count();
    assert!(index_2_copies >= 3, "seed {seed}: index 2 is on a majority");
    // (d)
    s.act(Command::Crash { node: n(1) });
    s.act(Command::Heal);
    s.act(Command::Restart { node: n(5) });
    s.act(Command::Timeout { node: n(5) });
    s.act(Command::Timeout { node: n(5) });
    s.act(put_to(5, 4, "3 from S5"));
    s.run_for(500 * MS);
    s
}

#[test]
fn figure_8_committing_an_old_term_entry_by_counting_loses_it() {
    let bugs = BugSwitches {
        commit_old_terms_by_counting: true,
        ..BugSwitches::default()
    };
    for seed in 0..SEEDS {
        let s = figure_8(seed, bugs);
        let (event, violation) = s.found.expect("the lost commit is caught");
        if seed == 0 {
            println!("commit_old_terms_by_counting, seed {seed}, event {event}: {violation}");
        }
        assert!(
            matches!(
                violation.property,
                Property::LeaderCompleteness | Property::StateMachineSafety
            ),
            "seed {seed}: {violation}"
        );
    }
}

#[test]
fn figure_8_an_old_term_entry_on_a_majority_is_not_committed() {
    for seed in 0..SEEDS {
        let s = figure_8(seed, BugSwitches::default());
        assert!(s.found.is_none(), "seed {seed}: {:?}", s.found);
        let leader = s.sim.leader().expect("S5 leads at the end");
        assert_eq!(leader, n(5));
        let log = s.sim.node(leader).expect("running").log();
        assert_eq!(
            log.term_at(raftlab_core::LogIndex(2)),
            Some(Term(2)),
            "S5's index 2 stands"
        );
    }
}

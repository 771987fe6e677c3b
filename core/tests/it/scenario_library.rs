//! The bundled scenario files under `scenarios/`: every file is in the
//! library, parses, rebuilds its run and places every narration step; each
//! scenario, played headless to its end with the safety checker on every
//! step, shows what its narration claims; and a malformed file is a clear
//! error, never a panic.

use raftlab_core::check::Property;
use raftlab_core::journal::JournalEntry;
use raftlab_core::kv::{ClientId, ToyState};
use raftlab_core::playback::{Linearizability, Playback};
use raftlab_core::raft::{LogIndex, Membership, MessageKind, NodeId, Role, Term};
use raftlab_core::run::RunDescription;
use raftlab_core::scenario::{library, ResolvedStep, Scenario, ScenarioError};
use raftlab_core::sim::{EventKind, Simulation, StepRecord};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// A bundled scenario, played to its end, with its steps placed.
struct Played {
    scenario: Scenario,
    playback: Playback,
    steps: Vec<ResolvedStep>,
}

impl Played {
    fn new(id: &str) -> Played {
        let (_, json) = library()
            .into_iter()
            .find(|(name, _)| *name == id)
            .unwrap_or_else(|| panic!("{id} is in the library"));
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{id}: {e}"));
        let playback = scenario.play().unwrap_or_else(|e| panic!("{id}: {e}"));
        let steps = scenario
            .resolve_steps_in(&playback)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        Played {
            scenario,
            playback,
            steps,
        }
    }

    /// The simulation at the end of the run.
    fn end(&self) -> &Simulation {
        self.playback.sim()
    }

    /// The simulation where narration step `step` shows it.
    fn at_step(&self, step: usize) -> Simulation {
        let mut playback = self.playback.clone();
        playback
            .seek_position(self.steps[step].position)
            .expect("the recorded run replays");
        playback.sim().clone()
    }

    fn journal(&self) -> impl Iterator<Item = Rc<JournalEntry>> {
        self.playback.journal()
    }

    fn properties_broken(&self) -> BTreeSet<String> {
        self.playback
            .violations()
            .iter()
            .map(|v| format!("{:?}", v.violation.property))
            .collect()
    }

    fn assert_safe(&self) {
        assert_eq!(
            self.playback.violations(),
            &[],
            "{}: no safety property breaks",
            self.scenario.id
        );
    }

    fn linearizable(&mut self) -> bool {
        matches!(
            self.playback.linearizability(),
            Linearizability::Linearizable { .. }
        )
    }

    /// Every step of the run with what it applied (the journal leaves that out).
    fn records(&self) -> Vec<StepRecord> {
        let run = self.scenario.to_run();
        let mut sim = Simulation::new(run.seed, run.config.clone()).expect("valid");
        let end = self.scenario.end_ms * 1_000;
        let mut records = Vec::new();
        while let Some(record) = sim.step_along(&run.inputs, end).expect("replays") {
            records.push(record);
        }
        records
    }
}

fn n(id: u32) -> NodeId {
    NodeId(id)
}

fn terms(sim: &Simulation, id: u32) -> Vec<u64> {
    let node = sim.node(n(id)).expect("running");
    node.log().entries().map(|e| e.term.0).collect()
}

/// Elections won over the run, as (term, server).
fn elections(played: &Played) -> Vec<(Term, NodeId)> {
    played
        .journal()
        .flat_map(|e| e.transitions.clone())
        .filter(|(_, t)| t.to == Role::Leader)
        .map(|(id, t)| (t.term, id))
        .collect()
}

fn toy_states(sim: &Simulation) -> Vec<Option<ToyState>> {
    sim.view().nodes.iter().map(|n| n.toy_state).collect()
}

// ---- The library as a whole ----

#[test]
fn every_file_in_scenarios_is_in_the_library_and_every_entry_parses_and_resolves() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios");
    let mut on_disk: Vec<String> = std::fs::read_dir(folder)
        .expect("the scenarios folder")
        .map(|entry| {
            entry
                .expect("readable")
                .file_name()
                .into_string()
                .expect("UTF-8")
        })
        .collect();
    on_disk.sort();
    for name in &on_disk {
        assert!(name.ends_with(".json"), "{name}: only scenario files there");
    }
    let mut listed: Vec<String> = library()
        .iter()
        .map(|(id, _)| format!("{id}.json"))
        .collect();
    listed.sort();
    assert_eq!(
        listed, on_disk,
        "scenario::library() lists every file, once"
    );
    assert!(listed.len() >= 14);
    for (id, json) in library() {
        let from_disk = std::fs::read_to_string(format!("{folder}/{id}.json")).expect("readable");
        // The build script compacts the files: the same document, without
        // the line breaks and indentation between tokens.
        let document = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("JSON");
        assert_eq!(
            document(json),
            document(&from_disk),
            "{id}: the bundled text is the file's document"
        );
        assert!(!json.contains('\n'), "{id}: the bundled text is compacted");
        let scenario = Scenario::from_json(json).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(scenario.id, id, "the id is the file's name");
        let steps = scenario
            .resolve_steps()
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(steps.len(), scenario.steps.len());
        assert!(
            steps
                .windows(2)
                .all(|w| w[0].position <= w[1].position && w[0].at_us <= w[1].at_us),
            "{id}: steps go forward"
        );
    }
}

#[test]
fn every_scenario_run_round_trips_through_json_and_the_token_and_replays_to_the_same_trace() {
    for (id, json) in library() {
        let scenario = Scenario::from_json(json).expect("parses");
        let run = scenario.to_run();
        assert_eq!(run.inputs.len(), scenario.inputs().len(), "{id}");
        let last = run.inputs.last().map_or(0, |i| i.at);
        let hash_of = |run: &RunDescription| {
            let mut timeline = run.to_timeline().expect("fits");
            timeline.advance_to(last).expect("fits");
            timeline.sim().trace_hash()
        };
        let expected = hash_of(&run);
        let from_json = RunDescription::from_json(&run.to_json()).expect("reads back");
        let from_token = RunDescription::from_url_token(&run.to_url_token()).expect("reads back");
        assert_eq!(from_json, run, "{id}");
        assert_eq!(from_token, run, "{id}");
        assert_eq!(hash_of(&from_token), expected, "{id}");
    }
}

#[test]
fn seeking_to_a_step_and_stepping_back_and_forth_returns_to_exactly_that_state() {
    let played = Played::new("figure-8-commit-by-counting");
    let mut playback = played.playback.clone();
    for step in played.steps.iter().rev() {
        playback.seek_position(step.position).expect("replays");
        let there = (playback.sim().trace_hash(), playback.now());
        assert_eq!(playback.position(), step.position);
        if step.position > 0 {
            playback.step_back().expect("replays");
            playback.step().expect("replays");
        }
        assert_eq!((playback.sim().trace_hash(), playback.now()), there);
    }
    // Going back never forgets what the run found further on.
    assert_eq!(playback.violations(), played.playback.violations());
}

#[test]
fn a_scenarios_own_inputs_read_as_the_scenarios_and_the_learners_as_yours() {
    let played = Played::new("leader-failover");
    let inputs: Vec<String> = played
        .journal()
        .filter(|e| e.marks.input)
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(inputs.len(), played.scenario.inputs().len());
    assert!(
        inputs.iter().all(|text| text.starts_with("scenario: ")),
        "{inputs:?}"
    );
    assert!(
        inputs.iter().any(|t| t == "scenario: crash S1"),
        "{inputs:?}"
    );
    // The learner's command at the end of the run is the learner's.
    let mut playback = played.playback.clone();
    playback
        .submit(raftlab_core::sim::Command::Crash { node: n(2) })
        .expect("S2 is up");
    let last = playback.journal().last().expect("journaled");
    assert_eq!(last.text, "you: crash S2");
    // So is one given in the past, before the scenario's later inputs: it
    // replaces them, and the scripted ones before it stay the scenario's.
    let mut playback = played.playback.clone();
    playback
        .seek_position(played.steps[3].position)
        .expect("replays");
    playback
        .submit(raftlab_core::sim::Command::Crash { node: n(3) })
        .expect("S3 is up");
    let texts: Vec<String> = playback
        .journal()
        .filter(|e| e.marks.input)
        .map(|e| e.text.clone())
        .collect();
    assert_eq!(
        texts,
        [
            "scenario: force a timeout on S1; S1 times out, starts election → candidate, term 1",
            "scenario: crash S1",
            "you: crash S3"
        ]
    );
    let later = playback.now() + 2_000_000;
    playback.advance_to(later).expect("plays");
    assert!(
        playback
            .journal()
            .all(|e| !e.text.starts_with("scenario: restart")),
        "the scripted restart was replaced"
    );
}

// ---- One test per scenario ----

#[test]
fn replication_step_by_step_goes_append_send_acknowledge_commit_apply_reply() {
    let played = Played::new("replication-step-by-step");
    played.assert_safe();
    // Step 3: the request reached the leader, which appended it alone.
    let appended = played.at_step(3);
    let leader = appended.node(n(1)).expect("up");
    assert_eq!(leader.log().last_index(), LogIndex(2));
    assert_eq!(leader.commit_index(), LogIndex(1));
    let holders = |sim: &Simulation| {
        (1..=5)
            .filter(|&id| {
                sim.storage(n(id))
                    .is_some_and(|s| s.log.last_index() >= LogIndex(2))
            })
            .count()
    };
    assert_eq!(holders(&appended), 1, "only the leader has entry 2");
    // Step 4: a follower stored it from an AppendEntries.
    assert_eq!(holders(&played.at_step(4)), 2);
    // Step 6: a majority stores it and the leader committed and applied it.
    let committed = played.at_step(6);
    assert!(holders(&committed) >= 3);
    assert_eq!(
        committed.node(n(1)).expect("up").commit_index(),
        LogIndex(2)
    );
    assert_eq!(committed.kv(n(1)).and_then(|kv| kv.get("x")), Some("1"));
    assert_eq!(
        committed.completed_requests().count(),
        0,
        "not answered yet"
    );
    // Step 7: the answer; step 8: followers apply from leaderCommit.
    assert_eq!(played.at_step(7).completed_requests().count(), 1);
    assert!(played
        .at_step(7)
        .kv(n(2))
        .and_then(|kv| kv.get("x"))
        .is_none());
    for id in 1..=5 {
        assert_eq!(
            played.end().kv(n(id)).and_then(|kv| kv.get("x")),
            Some("1"),
            "S{id}"
        );
    }
}

#[test]
fn a_dropped_append_entries_is_retried_until_it_lands_and_applied_once() {
    let mut played = Played::new("dropped-append-entries-retried");
    played.assert_safe();
    let dropped_to_s2 = played
        .journal()
        .filter(|e| {
            e.flight.as_ref().is_some_and(|f| {
                f.kind == MessageKind::AppendEntries
                    && f.to == raftlab_core::sim::Endpoint::Node(n(2))
                    && f.fate == raftlab_core::journal::Fate::Dropped
            })
        })
        .count();
    assert!(dropped_to_s2 >= 2, "{dropped_to_s2} copies lost");
    assert_eq!(
        elections(&played).len(),
        1,
        "S2 never timed out: no new election"
    );
    // Before the link works again S2 is still in A; the others are not.
    let cut_off = played.at_step(5);
    assert_eq!(toy_states(&cut_off)[1], Some(ToyState::A));
    let mut applied: BTreeMap<(NodeId, LogIndex), u32> = BTreeMap::new();
    for record in played.records() {
        for (id, entry) in record.applied {
            *applied.entry((id, entry.index)).or_insert(0) += 1;
        }
    }
    assert!(
        applied.values().all(|&times| times == 1),
        "each entry applied once"
    );
    assert_eq!(
        toy_states(played.end()),
        vec![Some(ToyState::C); 3],
        "X, X, Y from A"
    );
    assert!(played.linearizable());
}

#[test]
fn a_crashed_follower_catches_up_as_the_leader_walks_next_index_back_one_entry_per_refusal() {
    let played = Played::new("follower-catches-up-by-walking-back");
    played.assert_safe();
    let restarted = played.steps[5].position;
    let caught_up = played.steps[9].position;
    let refusals = played
        .journal()
        .filter(|e| e.position > restarted && e.position <= caught_up)
        .filter(|e| e.text.starts_with("S2 → S3: AppendEntries rejected"))
        .count();
    assert_eq!(refusals, 5, "one refusal for each of entries 6 down to 2");
    let end = played.end();
    let leader_log = end.node(n(3)).expect("up").log().clone();
    assert_eq!(leader_log.last_index(), LogIndex(7));
    assert_eq!(
        end.node(n(2)).expect("up").log(),
        &leader_log,
        "the hole is filled"
    );
    assert_eq!(end.node(n(2)).expect("up").commit_index(), LogIndex(7));
}

#[test]
fn a_crashed_leader_is_replaced_in_a_higher_term_and_comes_back_as_a_follower() {
    let played = Played::new("leader-failover");
    played.assert_safe();
    let won = elections(&played);
    assert_eq!(won[0], (Term(1), n(1)));
    assert_eq!(won.len(), 2);
    let (term, new) = won[1];
    assert!(new != n(1) && term == Term(2), "{won:?}");
    let back = played.end().node(n(1)).expect("restarted");
    assert_eq!(
        (back.role(), back.current_term(), back.leader_id()),
        (Role::Follower, term, Some(new))
    );
}

#[test]
fn a_split_vote_leaves_term_1_without_a_leader_and_a_randomized_timeout_wins_term_2() {
    let played = Played::new("split-vote");
    played.assert_safe();
    let won = elections(&played);
    assert!(
        won.iter().all(|(term, _)| *term != Term(1)),
        "nobody won term 1: {won:?}"
    );
    assert_eq!(
        won.first(),
        Some(&(Term(2), n(1))),
        "S1's timeout ran out first"
    );
    let granted_in_term_1 = played
        .journal()
        .filter(|e| e.text.contains("vote granted (term 1)"))
        .count();
    assert_eq!(granted_in_term_1, 2, "S3 and S4 split their votes");
}

#[test]
fn with_two_of_five_down_the_other_three_elect_a_leader_and_commit() {
    let mut played = Played::new("two-of-five-down-still-live");
    played.assert_safe();
    let won = elections(&played);
    assert_eq!(won.len(), 2);
    assert!(![n(1), n(2)].contains(&won[1].1));
    let done: Vec<_> = played.end().completed_requests().collect();
    assert_eq!(done.len(), 1, "the write was answered");
    assert_eq!(done[0].served_by, won[1].1);
    assert!(played.linearizable());
}

#[test]
fn three_of_five_down_stalls_without_a_wrong_answer() {
    let mut played = Played::new("three-of-five-down-stalls");
    played.assert_safe();
    // From the crashes to the restart: the second write is never answered,
    // committed or applied.
    let stalled = played.at_step(5);
    assert_eq!(
        stalled.completed_requests().count(),
        1,
        "only the first write"
    );
    assert_eq!(stalled.node(n(1)).expect("up").commit_index(), LogIndex(2));
    for id in [1, 5] {
        assert_eq!(
            stalled.kv(n(id)).and_then(|kv| kv.get("x")),
            Some("before"),
            "S{id}"
        );
    }
    let answered_while_stalled = played
        .journal()
        .filter(|e| e.position > played.steps[1].position && e.position <= played.steps[5].position)
        .any(|e| {
            e.flight
                .as_ref()
                .is_some_and(|f| f.kind == MessageKind::ClientReply)
                && e.text.contains(": ok")
        });
    assert!(!answered_while_stalled, "no answer without a majority");
    // One server back, and the write completes with the right answer.
    let done: Vec<_> = played.end().completed_requests().collect();
    assert_eq!(done.len(), 2);
    assert_eq!(done[1].outcome.previous.as_deref(), Some("before"));
    assert!(played.linearizable());
    for id in [1, 2, 5] {
        assert_eq!(
            played.end().kv(n(id)).and_then(|kv| kv.get("x")),
            Some("during")
        );
    }
}

#[test]
fn a_stale_partitioned_leader_can_neither_commit_nor_serve_a_read_index_read() {
    let mut played = Played::new("stale-leader-cannot-commit-or-read");
    played.assert_safe();
    // While cut off, S1 believes it leads but commits nothing new.
    let cut_off = played.at_step(6);
    let s1 = cut_off.node(n(1)).expect("up");
    assert_eq!((s1.role(), s1.current_term()), (Role::Leader, Term(1)));
    assert_eq!(s1.log().last_index(), LogIndex(3), "it appended y=1");
    assert_eq!(s1.commit_index(), LogIndex(2), "and could not commit it");
    let s1_answered = played.journal().any(|e| {
        e.flight.as_ref().is_some_and(|f| {
            f.kind == MessageKind::ClientReply && f.from == raftlab_core::sim::Endpoint::Node(n(1))
        }) && e.position > played.steps[1].position
    });
    assert!(!s1_answered, "after the partition S1 answers nobody");
    let read = played
        .end()
        .completed_requests()
        .find(|op| op.request.client == ClientId(5))
        .expect("the read is answered in the end");
    assert_ne!(read.served_by, n(1));
    assert_eq!(read.outcome.previous.as_deref(), Some("new"));
    let s1 = played.end().node(n(1)).expect("up");
    assert_eq!(s1.role(), Role::Follower);
    assert_eq!(
        s1.log().get(LogIndex(3)).map(|e| e.term),
        Some(Term(2)),
        "its uncommitted entry 3 was replaced"
    );
    assert!(played.linearizable());
}

#[test]
fn a_retry_after_the_leader_crashed_runs_once_thanks_to_the_session() {
    let mut played = Played::new("retry-after-leader-crash-deduplicated");
    played.assert_safe();
    let done: Vec<_> = played.end().completed_requests().collect();
    assert_eq!(done.len(), 1);
    assert!(done[0].attempts > 1, "it took a retry");
    let leader = played.end().leader().expect("a leader");
    let copies = played
        .end()
        .node(leader)
        .expect("up")
        .log()
        .entries()
        .filter(|e| e.command.request().is_some_and(|r| r.client == ClientId(1)))
        .count();
    assert_eq!(copies, 2, "X is logged twice");
    assert_eq!(
        toy_states(played.end()),
        vec![Some(ToyState::B); 3],
        "but run once"
    );
    assert_eq!(done[0].outcome.previous, None, "X found A");
    assert!(played.linearizable());
}

#[test]
fn without_request_dedup_the_retried_x_runs_twice_and_linearizability_rejects_the_history() {
    let mut played = Played::new("toy-machine-diverges-without-dedup");
    played.assert_safe();
    assert_eq!(
        toy_states(played.end()),
        vec![Some(ToyState::A); 3],
        "X ran twice"
    );
    let done: Vec<_> = played.end().completed_requests().collect();
    assert_eq!(done[0].outcome.previous.as_deref(), Some("B"));
    assert!(!played.linearizable(), "one X from A cannot find B");
}

#[test]
fn figure_6_entries_up_to_7_survive_the_next_election_and_the_uncommitted_8_is_overwritten() {
    let played = Played::new("figure-6");
    played.assert_safe();
    let start = played.at_step(0);
    assert_eq!(
        terms(&start, 1),
        [1, 1, 1, 2, 3, 3, 3, 3],
        "the figure's leader"
    );
    assert_eq!(terms(&start, 4), [1, 1]);
    let refused = played
        .journal()
        .any(|e| e.text.starts_with("S3 → S5: vote refused (term 4)"));
    assert!(refused, "S3's log is more up to date than S5's");
    assert_eq!(elections(&played), [(Term(4), n(5))]);
    let end = played.end();
    let original = start.node(n(1)).expect("up").log().clone();
    for id in 2..=5 {
        let log = end.node(n(id)).expect("up").log();
        for index in 1..=7 {
            assert_eq!(
                log.get(LogIndex(index)),
                original.get(LogIndex(index)),
                "S{id} keeps {index}"
            );
        }
        assert_eq!(
            log.term_at(LogIndex(8)),
            Some(Term(4)),
            "S{id}: entry 8 is S5's no-op"
        );
    }
}

#[test]
fn figure_7_a_leader_of_term_8_makes_every_follower_log_equal_to_its_own() {
    let played = Played::new("figure-7");
    played.assert_safe();
    assert_eq!(elections(&played), [(Term(8), n(1))]);
    for (id, name) in [(4, "c"), (5, "d")] {
        let refused = played
            .journal()
            .any(|e| e.text.starts_with(&format!("S{id} → S1: vote refused")));
        assert!(refused, "({name}) has a more up-to-date log");
    }
    let end = played.end();
    let leader_log = end.node(n(1)).expect("up").log().clone();
    assert_eq!(terms(end, 1), [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 8]);
    for (id, name) in (2..=7).zip(["a", "b", "c", "d", "e", "f"]) {
        assert_eq!(end.node(n(id)).expect("up").log(), &leader_log, "({name})");
    }
}

#[test]
fn figure_8_c_index_2_on_a_majority_is_not_committed() {
    let played = Played::new("figure-8");
    played.assert_safe();
    let c = played.at_step(4);
    let leader = c.node(n(1)).expect("up");
    assert_eq!(
        (leader.role(), leader.current_term()),
        (Role::Leader, Term(4))
    );
    for id in 1..=3 {
        assert_eq!(terms(&c, id), [1, 2], "S{id} stores index 2 of term 2");
    }
    assert_eq!(
        leader.commit_index(),
        LogIndex(0),
        "three copies, not committed"
    );
}

#[test]
fn figure_8_d_s5_wins_term_5_and_overwrites_index_2_without_losing_anything_committed() {
    let played = Played::new("figure-8");
    played.assert_safe();
    assert_eq!(elections(&played), [(Term(4), n(1)), (Term(5), n(5))]);
    for id in 2..=5 {
        assert_eq!(terms(played.end(), id), [1, 3], "S{id} holds S5's entry 2");
    }
}

#[test]
fn figure_8_e_an_entry_of_the_leaders_term_commits_index_2_and_s5_cannot_win() {
    let mut played = Played::new("figure-8-e");
    played.assert_safe();
    assert!(played.linearizable());
    let e = played.at_step(5);
    assert_eq!(e.node(n(1)).expect("up").commit_index(), LogIndex(3));
    let won = elections(&played);
    assert!(
        won.iter().all(|(_, id)| *id != n(5)),
        "S5 never leads: {won:?}"
    );
    assert!(won.len() >= 2, "someone else leads after S1");
    for id in 2..=4 {
        assert_eq!(
            terms(played.end(), id)[..3],
            [1, 2, 4],
            "S{id}: the committed entries stay"
        );
    }
}

#[test]
fn figure_8_with_commit_by_counting_the_checkers_report_the_lost_entry() {
    let played = Played::new("figure-8-commit-by-counting");
    let broken = played.properties_broken();
    assert!(broken.contains("LeaderCompleteness"), "{broken:?}");
    assert!(broken.contains("StateMachineSafety"), "{broken:?}");
    let first = &played.playback.violations()[0];
    assert_eq!(first.violation.property, Property::LeaderCompleteness);
    assert_eq!(
        first.position, played.steps[6].position,
        "found at S5's election"
    );
    assert_eq!(
        played.at_step(4).node(n(1)).expect("up").commit_index(),
        LogIndex(2)
    );
}

#[test]
fn without_pre_vote_a_rejoining_server_deposes_the_leader_with_its_inflated_term() {
    let played = Played::new("disruptive-rejoin");
    played.assert_safe();
    let before_heal = played.at_step(3);
    let loner = before_heal.node(n(5)).expect("up").current_term();
    assert!(loner > Term(5), "S5 kept raising its term: {loner:?}");
    let won = elections(&played);
    assert_eq!(won[0], (Term(1), n(1)));
    let (term, _) = *won.last().expect("a leader again");
    assert!(term > loner, "a new leader in a term above S5's");
}

#[test]
fn with_pre_vote_a_rejoining_server_does_not_disturb_the_leader() {
    let played = Played::new("disruptive-rejoin-with-pre-vote");
    played.assert_safe();
    assert_eq!(elections(&played), [(Term(1), n(1))]);
    let end = played.end();
    assert_eq!(end.node(n(5)).expect("up").current_term(), Term(1));
    assert_eq!(end.node(n(5)).expect("up").leader_id(), Some(n(1)));
}

#[test]
fn partial_connectivity_deposes_leader_after_leader_without_pre_vote_and_check_quorum() {
    let played = Played::new("partial-connectivity-livelock");
    played.assert_safe();
    let won = elections(&played);
    assert!(won.len() >= 20, "{} elections in 20 s", won.len());
}

#[test]
fn partial_connectivity_keeps_one_leader_with_pre_vote_and_check_quorum() {
    let played = Played::new("partial-connectivity-with-pre-vote-and-check-quorum");
    played.assert_safe();
    assert_eq!(elections(&played), [(Term(1), n(2))]);
    assert_eq!(played.end().leader(), Some(n(2)));
}

#[test]
fn joint_consensus_takes_three_servers_to_five_through_c_old_new() {
    let played = Played::new("joint-consensus-three-to-five");
    played.assert_safe();
    let all: BTreeSet<NodeId> = (1..=5).map(NodeId).collect();
    let old: BTreeSet<NodeId> = (1..=3).map(NodeId).collect();
    let joint = Membership {
        voters: all.clone(),
        outgoing: Some(old),
        learners: BTreeSet::new(),
    };
    let end = played.end();
    for id in 1..=5 {
        let node = end.node(n(id)).expect("up");
        let configs: Vec<Membership> = node.log().memberships().map(|(_, m)| m.clone()).collect();
        assert_eq!(
            configs,
            vec![joint.clone(), Membership::of(all.clone())],
            "S{id}"
        );
        assert!(node.commit_index() >= LogIndex(3), "S{id}: C_new committed");
    }
}

#[test]
fn the_unsafe_direct_switch_shows_two_leaders_in_one_term() {
    let played = Played::new("direct-membership-switch");
    let broken = played.properties_broken();
    assert!(broken.contains("ElectionSafety"), "{broken:?}");
    let won = elections(&played);
    assert!(
        won.contains(&(Term(2), n(2))) && won.contains(&(Term(2), n(4))),
        "{won:?}"
    );
    let last = played.steps.last().expect("steps");
    let found = played
        .playback
        .violations()
        .iter()
        .find(|v| v.violation.property == Property::ElectionSafety)
        .expect("reported");
    assert_eq!(found.position, last.position, "the last step shows it");
}

#[test]
fn a_follower_too_far_behind_is_sent_the_leaders_snapshot_and_catches_up() {
    let mut played = Played::new("snapshot-to-a-far-behind-follower");
    played.assert_safe();
    assert!(played.linearizable());
    let snapshots: Vec<_> = played
        .records()
        .into_iter()
        .filter_map(|r| match r.event {
            EventKind::Delivered(p) if p.payload.kind() == MessageKind::InstallSnapshot => Some(p),
            _ => None,
        })
        .collect();
    assert_eq!(snapshots.len(), 1, "one snapshot, to S3");
    assert_eq!(snapshots[0].to, raftlab_core::sim::Endpoint::Node(n(3)));
    let end = played.end();
    let s3 = end.node(n(3)).expect("up");
    assert!(s3.log().snapshot_index() >= LogIndex(30));
    assert_eq!(
        end.kv(n(3)),
        end.kv(n(1)),
        "the same data, sessions included"
    );
    let answered = end.completed_requests().count();
    assert_eq!(answered, 30);
}

// ---- Malformed files ----

/// A small valid scenario to break in various ways.
const VALID: &str = r#"{
  "format": "raftlab-scenario",
  "version": 1,
  "id": "tiny",
  "title": "Tiny",
  "summary": "S1 leads.",
  "source": "a test",
  "seed": "7",
  "config": { "node_count": 3 },
  "inputs": [ { "at_ms": 0, "command": { "Timeout": { "node": 1 } } } ],
  "end_ms": 300,
  "steps": [
    { "text": "S1 wins.", "wait": { "event": { "kind": "election", "node": 1 } } }
  ]
}"#;

fn error_of(text: &str) -> ScenarioError {
    Scenario::from_json(text).expect_err("refused")
}

fn field_error(text: &str) -> (String, String) {
    match error_of(text) {
        ScenarioError::Field { field, problem } => (field, problem),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[test]
fn the_small_valid_scenario_resolves() {
    let scenario = Scenario::from_json(VALID).expect("valid");
    let steps = scenario.resolve_steps().expect("resolves");
    assert_eq!(
        steps[0].matched.as_deref().map(|t| t.contains("→ leader")),
        Some(true)
    );
}

#[test]
fn empty_truncated_and_non_json_text_are_clear_errors() {
    assert_eq!(error_of("  "), ScenarioError::Empty);
    assert_eq!(
        error_of(&VALID[..VALID.len() / 2]),
        ScenarioError::Truncated
    );
    assert!(matches!(
        error_of("scenario: yes"),
        ScenarioError::NotJson(_)
    ));
    assert_eq!(
        error_of(r#"{"format": "raftlab-run", "version": 1}"#),
        ScenarioError::NotAScenario
    );
    // Every cut of a valid file is an error, never a panic.
    for end in 0..VALID.len() {
        if VALID.is_char_boundary(end) {
            assert!(Scenario::from_json(&VALID[..end]).is_err(), "cut at {end}");
        }
    }
}

#[test]
fn a_future_version_says_so() {
    let future = VALID.replace("\"version\": 1", "\"version\": 2");
    let error = error_of(&future);
    assert_eq!(error, ScenarioError::FutureVersion(2));
    assert!(error.to_string().contains("newer Raftlab"), "{error}");
    let (field, _) = field_error(&VALID.replace("\"version\": 1", "\"version\": \"one\""));
    assert_eq!(field, "version");
}

#[test]
fn a_wrong_type_a_missing_field_or_an_unknown_field_is_named() {
    let (_, problem) = field_error(&VALID.replace("\"end_ms\": 300", "\"end_ms\": \"300\""));
    assert!(
        problem.contains("invalid type") && problem.contains("line"),
        "{problem}"
    );
    let (_, problem) = field_error(&VALID.replace("\"title\": \"Tiny\",", ""));
    assert!(problem.contains("missing field `title`"), "{problem}");
    let (_, problem) = field_error(&VALID.replace("\"title\"", "\"titel\""));
    assert!(problem.contains("unknown field `titel`"), "{problem}");
    let (field, problem) = field_error(&VALID.replace("\"seed\": \"7\"", "\"seed\": \"seven\""));
    assert_eq!(field, "seed");
    assert!(problem.contains("decimal string"), "{problem}");
    // A seed far too long to be a number is quoted by its start.
    let long_seed = format!("\"seed\": \"{}\"", "7".repeat(600));
    let (field, problem) = field_error(&VALID.replace("\"seed\": \"7\"", &long_seed));
    assert_eq!(field, "seed");
    assert!(
        problem.contains("(600 characters)") && problem.chars().count() < 300,
        "{problem}"
    );
    let (field, problem) =
        field_error(&VALID.replace("\"node_count\": 3", "\"raft\": {\"pre_vot\": true}"));
    assert_eq!(field, "config.raft.pre_vot");
    assert!(
        problem.contains("pre_vote"),
        "the real names are listed: {problem}"
    );
    let (field, _) = field_error(&VALID.replace("\"id\": \"tiny\"", "\"id\": \"Tiny File\""));
    assert_eq!(field, "id");
}

#[test]
fn an_unknown_command_or_a_refused_one_names_the_input() {
    let (field, problem) = field_error(&VALID.replace("\"Timeout\"", "\"Timeuot\""));
    assert_eq!(field, "inputs[0].command");
    assert!(problem.contains("unknown variant `Timeuot`"), "{problem}");
    let refused = VALID.replace(
        "\"Timeout\": { \"node\": 1 }",
        "\"Restart\": { \"node\": 1 }",
    );
    match error_of(&refused) {
        ScenarioError::Input {
            index,
            at_ms,
            error,
        } => {
            assert_eq!((index, at_ms), (0, 0));
            assert!(error.to_string().contains("running"), "{error}");
        }
        other => panic!("expected a refused input, got {other:?}"),
    }
    let out_of_order = VALID.replace(
        "\"inputs\": [",
        "\"inputs\": [ { \"at_ms\": 10, \"command\": \"Heal\" },",
    );
    let (field, problem) = field_error(&out_of_order);
    assert_eq!(field, "inputs[1].at_ms");
    assert!(problem.contains("time order"), "{problem}");
}

#[test]
fn an_invalid_configuration_or_initial_state_is_a_config_error() {
    let error = error_of(&VALID.replace("\"node_count\": 3", "\"node_count\": 0"));
    assert!(matches!(error, ScenarioError::Config(_)), "{error:?}");
    let initial = VALID.replace(
        "\"node_count\": 3",
        "\"node_count\": 3, \"initial\": {\"servers\": [{\"current_term\": 1, \"log\": [{\"term\": 1, \"op\": \"x=\"}]}, {}, {}]}",
    );
    let error = error_of(&initial);
    assert!(error.to_string().contains("S1's entry 1"), "{error}");
}

#[test]
fn bad_waits_and_highlights_are_named() {
    let both = VALID.replace(
        "\"wait\": { \"event\"",
        "\"wait\": { \"at_ms\": 5, \"event\"",
    );
    assert_eq!(field_error(&both).0, "steps[0].wait");
    let (field, problem) = field_error(&VALID.replace("\"election\"", "\"elektion\""));
    assert_eq!(field, "steps[0].wait.event.kind");
    assert!(problem.contains("election"), "{problem}");
    let highlight = VALID.replace(
        "\"election\", \"node\": 1 } } }",
        "\"election\", \"node\": 1 } }, \"highlight\": { \"messages\": [\"append-entry\"] } }",
    );
    let (field, problem) = field_error(&highlight);
    assert_eq!(field, "steps[0].highlight.messages[0]");
    assert!(problem.contains("append-entries"), "{problem}");
    let late = VALID.replace(
        "\"wait\": { \"event\": { \"kind\": \"election\", \"node\": 1 } }",
        "\"wait\": { \"at_ms\": 301 }",
    );
    assert_eq!(field_error(&late).0, "steps[0].wait.at_ms");
}

#[test]
fn a_step_waiting_for_an_event_that_never_comes_is_an_error_when_resolving() {
    let never = VALID.replace("\"election\", \"node\": 1", "\"election\", \"node\": 3");
    let scenario = Scenario::from_json(&never).expect("well formed");
    let error = scenario.resolve_steps().expect_err("S3 never leads");
    assert_eq!(
        error,
        ScenarioError::StepNeverHappens {
            step: 0,
            end_ms: 300
        }
    );
    assert!(error.to_string().contains("steps[0]"), "{error}");
    let election_after_200 = VALID.replace(
        "\"steps\": [",
        "\"steps\": [ { \"text\": \"Later.\", \"wait\": { \"at_ms\": 200 } },",
    );
    let scenario = Scenario::from_json(&election_after_200).expect("well formed");
    let error = scenario
        .resolve_steps()
        .expect_err("the election came before 200 ms");
    assert_eq!(
        error,
        ScenarioError::StepNeverHappens {
            step: 1,
            end_ms: 300
        }
    );
    let back_in_time = VALID.replace(
        "\"node\": 1 } } }\n  ]",
        "\"node\": 1 } } },\n    { \"text\": \"Earlier.\", \"wait\": { \"at_ms\": 10 } }\n  ]",
    );
    let scenario = Scenario::from_json(&back_in_time).expect("well formed");
    let error = scenario
        .resolve_steps()
        .expect_err("10 ms is before the election");
    assert!(
        matches!(
            error,
            ScenarioError::StepGoesBack {
                step: 1,
                at_ms: 10,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("forward in time"), "{error}");
}

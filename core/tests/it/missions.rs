//! The bundled missions: every file of `missions/` loads; each mission's
//! recorded solution (`missions/solutions/ID.json`) meets its goal when
//! played through the tracker, and the untouched starting run does not meet
//! it within the mission's limit; malformed files give errors that name the
//! field at fault.

use raftlab_core::mission::{self, Mission, MissionError, Outcome, Solution};
use std::path::Path;

fn folder() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../missions")
}

fn load(id: &str) -> Mission {
    let (_, json) = mission::library()
        .into_iter()
        .find(|(name, _)| *name == id)
        .unwrap_or_else(|| panic!("{id} is bundled"));
    let mission = Mission::from_json(json).unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(mission.id, id, "a mission's id is its file name");
    mission
}

fn solution(mission: &Mission) -> Solution {
    let path = folder()
        .join("solutions")
        .join(format!("{}.json", mission.id));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Solution::from_json(&text, mission.limit_ms).unwrap_or_else(|e| panic!("{}: {e}", mission.id))
}

/// The recorded solution meets the goal; the untouched run does not.
fn check_mission(id: &str) {
    let mission = load(id);
    let (tracker, _) = mission
        .play(&solution(&mission))
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    let progress = tracker.progress();
    assert!(
        matches!(progress.outcome, Some(Outcome::Solved { .. })),
        "{id}: the solution does not meet the goal: {progress:?}"
    );
    if let Some(Outcome::Solved { position, at }) = progress.outcome {
        println!("{id}: solved at step {position}, {at} µs");
    }
    let untouched = Solution {
        answer: mission.question.as_ref().map(|_| usize::MAX),
        commands: Vec::new(),
    };
    let (tracker, _) = mission
        .play(&untouched)
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    let progress = tracker.progress();
    assert!(
        !matches!(progress.outcome, Some(Outcome::Solved { .. })),
        "{id}: the untouched run meets the goal: {progress:?}"
    );
    if mission.question.is_some() {
        assert!(
            progress.happened.is_some(),
            "{id}: the question is decided by the run"
        );
    }
}

macro_rules! mission_tests {
    ($($name:ident => $id:literal),+ $(,)?) => {
        $(
            #[test]
            fn $name() {
                check_mission($id);
            }
        )+

        #[test]
        fn every_mission_file_is_tested_and_bundled() {
            let tested = [$($id),+];
            let bundled: Vec<&str> = mission::library().into_iter().map(|(id, _)| id).collect();
            let mut files: Vec<String> = std::fs::read_dir(folder())
                .expect("the missions folder")
                .filter_map(|e| {
                    let path = e.expect("an entry").path();
                    (path.extension()? == "json")
                        .then(|| path.file_stem().expect("a name").to_string_lossy().into_owned())
                })
                .collect();
            files.sort();
            let mut sorted_bundled: Vec<String> = bundled.iter().map(|s| s.to_string()).collect();
            sorted_bundled.sort();
            assert_eq!(files, sorted_bundled, "mission::library() lists every file");
            let mut sorted_tested: Vec<String> = tested.iter().map(|s| s.to_string()).collect();
            sorted_tested.sort();
            assert_eq!(sorted_tested, sorted_bundled, "every mission has a test");
        }
    };
}

mission_tests! {
    split_vote => "split-vote",
    predict_split_vote => "predict-split-vote",
    two_down_still_live => "two-down-still-live",
    no_leader_two_crashes => "no-leader-two-crashes",
    elect_without_touching => "elect-without-touching",
    predict_who_wins => "predict-who-wins",
    leadership_transfer => "leadership-transfer",
    disruptive_rejoin => "disruptive-rejoin",
    partial_connectivity => "partial-connectivity",
    snapshot_install => "snapshot-install",
    forget_vote_on_restart => "forget-vote-on-restart",
    vote_without_log_check => "vote-without-log-check",
    apply_before_commit => "apply-before-commit",
    skip_prev_log_check => "skip-prev-log-check",
    stale_leader_reads => "stale-leader-reads",
    no_request_dedup => "no-request-dedup",
    figure_8_commit_by_counting => "figure-8-commit-by-counting",
    direct_membership_switch => "direct-membership-switch",
    membership_change_before_term_commit => "membership-change-before-term-commit",
}

// ---- Malformed files ----

/// A small valid mission to break one field at a time.
fn valid() -> serde_json::Value {
    serde_json::json!({
        "format": "raftlab-mission",
        "version": 1,
        "id": "tiny",
        "title": "Tiny",
        "brief": "Elect S2.",
        "seed": "1",
        "config": { "node_count": 3 },
        "limit_ms": 1000,
        "tools": ["timeout"],
        "goal": [{ "label": "S2 leads", "check": { "elected": { "node": 2 } } }]
    })
}

fn error_with(change: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut document = valid();
    change(&mut document);
    match Mission::from_json(&document.to_string()) {
        Ok(_) => panic!("accepted: {document}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_small_valid_mission_loads() {
    let mission = Mission::from_json(&valid().to_string()).expect("valid");
    assert_eq!(mission.tools, vec![mission::Tool::Timeout]);
    assert!(mission.question.is_none());
}

/// Sets the value at `path` in `document` (object keys, or array indexes
/// written as numbers), making objects on the way.
fn set(document: &mut serde_json::Value, path: &[&str], value: serde_json::Value) {
    let mut at = document;
    for key in path {
        at = match key.parse::<usize>() {
            Ok(index) => &mut at[index],
            Err(_) => &mut at[*key],
        };
    }
    *at = value;
}

/// Each case's change to the valid mission makes it fail with a message
/// holding the case's text.
fn each_fails_naming(cases: Vec<(&str, &[&str], serde_json::Value)>) {
    for (expected, path, value) in cases {
        let message = error_with(move |d| set(d, path, value));
        assert!(
            message.contains(expected),
            "expected {expected:?} in {message:?}"
        );
    }
}

#[test]
fn malformed_missions_name_the_field_at_fault() {
    each_fails_naming(vec![
        (
            "tools[0]: \"laser\" is no tool",
            &["tools"],
            serde_json::json!(["laser"]),
        ),
        (
            "tools[1]: \"timeout\" is listed twice",
            &["tools"],
            serde_json::json!(["timeout", "timeout"]),
        ),
        (
            "seed: \"one\" is not a whole number",
            &["seed"],
            serde_json::json!("one"),
        ),
        (
            "limit_ms: 0 is outside",
            &["limit_ms"],
            serde_json::json!(0),
        ),
        (
            "title: must not be empty",
            &["title"],
            serde_json::json!(" "),
        ),
        (
            "config.bugz: no such field",
            &["config", "bugz"],
            serde_json::json!({}),
        ),
    ]);
}

#[test]
fn malformed_goals_and_questions_name_the_field_at_fault() {
    each_fails_naming(vec![
        (
            "goal: a mission needs a goal",
            &["goal"],
            serde_json::json!([]),
        ),
        (
            "goal[0].check.elected.node: there is no server S7",
            &["goal", "0", "check", "elected", "node"],
            serde_json::json!(7),
        ),
        (
            "goal[0].check.violation[0]: \"liveness\" is no property",
            &["goal", "0", "check"],
            serde_json::json!({"violation": ["liveness"]}),
        ),
        (
            "goal[0].check.split_vote.term: terms start at 1",
            &["goal", "0", "check"],
            serde_json::json!({"split_vote": {"term": 0}}),
        ),
        (
            "goal[0].check.commit_while_down.down: 2 is outside 1 to 1",
            &["goal", "0", "check"],
            serde_json::json!({"commit_while_down": {"down": 2}}),
        ),
        (
            "goal[0].label: must not be empty",
            &["goal", "0", "label"],
            serde_json::json!(""),
        ),
        (
            "hints[1]: must not be empty",
            &["hints"],
            serde_json::json!(["one", ""]),
        ),
        (
            "question.choices: offer 2 to 6 choices",
            &["question"],
            serde_json::json!({"at_ms": 0, "text": "Who?", "choices": [{"label": "S1", "check": {"elected": {"node": 1}}}]}),
        ),
        (
            "inputs[0] (at 0 ms) is refused",
            &["inputs"],
            serde_json::json!([{"at_ms": 0, "command": {"Crash": {"node": 9}}}]),
        ),
        (
            "unknown variant `elected_twice`",
            &["goal", "0", "check"],
            serde_json::json!({"elected_twice": {}}),
        ),
    ]);
}

#[test]
fn a_file_that_is_no_mission_says_so() {
    assert_eq!(Mission::from_json("  "), Err(MissionError::Empty));
    assert_eq!(
        Mission::from_json("{\"format\": \"raftlab-mission\""),
        Err(MissionError::Truncated)
    );
    assert_eq!(
        Mission::from_json("{\"format\": \"raftlab-scenario\", \"version\": 1}"),
        Err(MissionError::NotAMission)
    );
    let future = valid()
        .to_string()
        .replace("\"version\":1", "\"version\":9");
    assert_eq!(
        Mission::from_json(&future),
        Err(MissionError::FutureVersion(9))
    );
}

#[test]
fn a_solution_may_use_only_the_missions_tools() {
    let mission = Mission::from_json(&valid().to_string()).expect("valid");
    let solution = Solution::from_json(
        r#"{"commands": [{"at_ms": 10, "command": {"Crash": {"node": 1}}}]}"#,
        mission.limit_ms,
    )
    .expect("a solution");
    let error = mission
        .play(&solution)
        .expect_err("crash is not a tool here");
    assert!(
        error
            .to_string()
            .starts_with("solution[0].command: the mission's tools do not allow"),
        "{error}"
    );
    let late = Solution::from_json(
        r#"{"commands": [{"at_ms": 5000, "command": "Heal"}]}"#,
        mission.limit_ms,
    );
    assert!(late
        .expect_err("too late")
        .to_string()
        .contains("inputs[0].at_ms"));
}

#[test]
fn every_bug_switch_has_a_mission_that_shows_it() {
    for name in raftlab_core::sim::BugSwitches::NAMES {
        assert!(
            !mission::showing_bug(name).is_empty(),
            "no mission shows {name}"
        );
    }
    assert_eq!(
        mission::showing_bug("apply_before_commit"),
        vec![("apply-before-commit", "Bug: applying before committing")]
    );
    assert_eq!(
        mission::showing_bug("membership_change_before_term_commit"),
        vec![(
            "membership-change-before-term-commit",
            "Bug: membership change before a commit in the term"
        )]
    );
}

/// The 2015 mission's recorded solution, played with the bug switch off,
/// loses nothing: the new leader S2 waits for its no-op to commit, which
/// S3 alone cannot give it under the old four voters, so it never appends
/// the configuration without S1 and S1's later win erases nothing
/// committed.
#[test]
fn the_2015_membership_mission_needs_its_bug() {
    let id = "membership-change-before-term-commit";
    let (_, json) = mission::library()
        .into_iter()
        .find(|(name, _)| *name == id)
        .expect("the 2015 mission is bundled");
    let mut document: serde_json::Value = serde_json::from_str(json).expect("a JSON mission");
    let switch = &mut document["config"]["bugs"]["membership_change_before_term_commit"];
    assert_eq!(*switch, serde_json::json!(true), "the mission turns it on");
    *switch = serde_json::json!(false);
    let fixed = Mission::from_json(&document.to_string()).expect("still a mission");
    let (tracker, _) = fixed
        .play(&solution(&load(id)))
        .unwrap_or_else(|e| panic!("{id} without its bug: {e}"));
    let progress = tracker.progress();
    assert!(
        !matches!(progress.outcome, Some(Outcome::Solved { .. })),
        "{id}: the solution meets the goal with the bug switched off: {progress:?}"
    );
}

/// The file a learner exports for a course: its format and version, then
/// each mission solved with its title and the link to the solution (or
/// none, for a mission solved before links were kept).
#[test]
fn exported_progress_lists_each_solved_mission_with_its_link() {
    let solved = [
        mission::SolvedMission {
            id: "split-vote".to_owned(),
            title: "Split the vote".to_owned(),
            solution: Some("https://example.org/?run=1.AQ&at=7&mission=split-vote".to_owned()),
        },
        mission::SolvedMission {
            id: "snapshot-install".to_owned(),
            title: "Install a snapshot".to_owned(),
            solution: None,
        },
    ];
    let text = mission::progress_file(&solved);
    let file: serde_json::Value = serde_json::from_str(&text).expect("the file is JSON");
    assert_eq!(file["format"], mission::PROGRESS_FORMAT_NAME);
    assert_eq!(file["version"], 1);
    let listed: Vec<mission::SolvedMission> =
        serde_json::from_value(file["solved"].clone()).expect("a list of solved missions");
    assert_eq!(listed, solved);
    assert!(
        mission::progress_file(&[]).contains("\"solved\": []"),
        "nothing solved is an empty list"
    );
}

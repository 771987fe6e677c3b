//! Fuzzing of everything a file or a link hands the core: run files, run
//! tokens, scenario and mission files, typed operations and configurations.
//! Each test mutates known-good inputs (the bundled scenarios and missions,
//! the runs they record) with `raftlab_core::mutate` and checks that the
//! decoder answers with a value or an error, never a panic; that what it
//! accepts reads back the same after writing; and that what it accepts runs
//! (a bounded number of steps, in a debug build, so arithmetic overflow is
//! a panic too).
//!
//! `RAFTLAB_FUZZ_CASES` sets the cases per decoder (`make test` runs the
//! default, `make fuzz` many more); proptest prints a failing case, and
//! every one found becomes a named test in this file.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::prelude::*;
use raftlab_core::kv::{parse_operation, KEY_BYTES_MAX};
use raftlab_core::mission::{self, Mission};
use raftlab_core::mutate::{mutate, Mutation, Reach, MUTATION_KINDS};
use raftlab_core::run::RunDescription;
use raftlab_core::scenario::{self, Scenario};
use raftlab_core::sim::{Command, Config, Simulation, WorkloadSpec};
use raftlab_core::NodeId;

/// Cases per decoder: `RAFTLAB_FUZZ_CASES`, else what `make test` affords.
fn cases() -> u32 {
    std::env::var("RAFTLAB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(192)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// How far mutations reach: as far as a scenario file.
const REACH: Reach = Reach {
    at: 4096,
    delete: 64,
    repeat: 64,
    splice: 256,
};

/// One to four mutations, and which seed input they apply to.
fn mutations() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    let one = (0..MUTATION_KINDS, any::<[usize; 4]>())
        .prop_map(|(kind, draws)| Mutation::drawn(kind, draws, REACH));
    (0..1024usize, prop::collection::vec(one, 1..5))
}

fn scenario_files() -> Vec<&'static str> {
    scenario::library()
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

fn mission_files() -> Vec<&'static str> {
    mission::library()
        .into_iter()
        .map(|(_, text)| text)
        .collect()
}

/// The runs the bundled scenarios and missions record, as run descriptions.
fn runs() -> Vec<RunDescription> {
    let scenarios = scenario_files()
        .into_iter()
        .map(|text| Scenario::from_json(text).expect("bundled").to_run());
    let missions = mission_files()
        .into_iter()
        .map(|text| Mission::from_json(text).expect("bundled").to_run());
    scenarios.chain(missions).collect()
}

fn bytes_of(texts: &[String]) -> Vec<&[u8]> {
    texts.iter().map(|t| t.as_bytes()).collect()
}

/// The mutated text of seed `pick`, read as UTF-8 the way a browser reads a
/// file (bad bytes become U+FFFD).
fn mutated(seeds: &[&[u8]], pick: usize, mutations: &[Mutation]) -> String {
    let bytes = mutate(seeds[pick % seeds.len()], mutations, seeds);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Steps a decoded run may take here: a debug build's few milliseconds.
const STEPS_RUN_MAX: u64 = 3_000;

/// Replays `run` if its inputs all lie within [`STEPS_RUN_MAX`] events (the
/// page refuses further ones by its own budget), then plays a little on.
fn replay_a_little(run: &RunDescription) {
    if run.inputs.iter().any(|i| i.after_event > STEPS_RUN_MAX) {
        return;
    }
    if let Ok(mut timeline) = run.to_timeline() {
        let t = timeline.sim().now().saturating_add(100_000);
        let _ = timeline.advance_observed_within(t, STEPS_RUN_MAX, &mut |_, _| {});
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn run_files_decode_or_refuse_and_round_trip((pick, changes) in mutations()) {
        let files: Vec<String> = runs().iter().map(RunDescription::to_json).collect();
        let text = mutated(&bytes_of(&files), pick, &changes);
        if let Ok(run) = RunDescription::from_json(&text) {
            prop_assert_eq!(RunDescription::from_json(&run.to_json()), Ok(run.clone()));
            replay_a_little(&run);
        }
    }

    #[test]
    fn run_tokens_decode_or_refuse_and_round_trip((pick, changes) in mutations()) {
        let payloads: Vec<Vec<u8>> = runs()
            .iter()
            .map(|run| {
                let token = run.to_url_token();
                let (_, payload) = token.split_once('.').expect("versioned");
                URL_SAFE_NO_PAD.decode(payload).expect("base64url")
            })
            .collect();
        let seeds: Vec<&[u8]> = payloads.iter().map(Vec::as_slice).collect();
        let bytes = mutate(seeds[pick % seeds.len()], &changes, &seeds);
        let token = format!("1.{}", URL_SAFE_NO_PAD.encode(bytes));
        if let Ok(run) = RunDescription::from_url_token(&token) {
            prop_assert_eq!(RunDescription::from_url_token(&run.to_url_token()), Ok(run.clone()));
            replay_a_little(&run);
        }
        // The token's text itself, damaged as a copy and paste damages it.
        let text = mutated(&[token.as_bytes()], 0, &changes);
        let _ = RunDescription::from_url_token(&text);
    }

    #[test]
    fn scenario_files_load_or_say_why((pick, changes) in mutations()) {
        let files: Vec<&[u8]> = scenario_files().into_iter().map(str::as_bytes).collect();
        let text = mutated(&files, pick, &changes);
        if let Ok(scenario) = Scenario::from_json(&text) {
            let run = scenario.to_run();
            prop_assert!(run.config.validate().is_ok());
            prop_assert!(run.inputs.len() <= raftlab_core::sim::INPUTS_MAX);
        }
    }

    #[test]
    fn mission_files_load_or_say_why((pick, changes) in mutations()) {
        let files: Vec<&[u8]> = mission_files().into_iter().map(str::as_bytes).collect();
        let text = mutated(&files, pick, &changes);
        if let Ok(mission) = Mission::from_json(&text) {
            prop_assert!(mission.to_run().config.validate().is_ok());
            let _ = mission.tracker();
        }
    }

    #[test]
    fn typed_operations_parse_or_say_why((pick, changes) in mutations()) {
        let seeds: [&[u8]; 6] = [b"k=v", b"get k", b"del k", b"X", b"  key = value ", b"get \xc3\xa9"];
        let text = mutated(&seeds, pick, &changes);
        if let Ok(op) = parse_operation(&text) {
            prop_assert!(op.check_lengths().is_ok());
            prop_assert!(!op.key().is_empty() && op.key().len() <= KEY_BYTES_MAX);
            prop_assert!(!op.key().contains(char::is_whitespace));
        }
    }

    #[test]
    fn configurations_validate_or_name_the_field_and_what_validates_runs(
        (pick, changes) in mutations()
    ) {
        let mut seeds: Vec<String> = vec![
            serde_json::to_string(&Config::default()).expect("serializes"),
            serde_json::to_string(&Config::step_storm()).expect("serializes"),
        ];
        seeds.extend(runs().iter().map(|run| serde_json::to_string(&run.config).expect("serializes")));
        let text = mutated(&bytes_of(&seeds), pick, &changes);
        let Ok(config) = serde_json::from_str::<Config>(&text) else {
            return Ok(());
        };
        match config.validate() {
            Ok(()) => run_a_little(config),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

/// Runs a configuration the validator accepted for [`STEPS_RUN_MAX`] steps
/// with a workload and a request on: a debug build panics on overflow.
fn run_a_little(config: Config) {
    let mut sim = Simulation::new(7, config).expect("validated");
    let _ = sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    });
    let _ = sim.submit(Command::ClientRequest {
        client: None,
        target: Some(NodeId(1)),
        op: raftlab_core::kv::Operation::Get { key: "k".into() },
    });
    for _ in 0..STEPS_RUN_MAX {
        if sim.step().is_none() {
            break;
        }
    }
}

#[test]
fn a_count_of_two_to_the_32_is_refused_alike_on_every_platform() {
    let error = serde_json::from_str::<Config>(r#"{"node_count": 4294967296}"#)
        .expect_err("too large a count");
    assert!(error.to_string().contains("a count below 2³²"), "{error}");
}

#[test]
fn a_run_file_with_more_inputs_than_the_page_replays_is_refused_before_replay() {
    let mut run = runs().remove(0);
    let input = run.inputs[0].clone();
    run.inputs = vec![input; raftlab_core::sim::INPUTS_MAX + 1];
    let error = RunDescription::from_json(&run.to_json()).expect_err("too many inputs");
    assert!(error.to_string().contains("at most 20000"), "{error}");
    let error = RunDescription::from_url_token(&run.to_url_token()).expect_err("too many inputs");
    assert!(error.to_string().contains("at most 20000"), "{error}");
}

#[test]
fn keys_and_values_over_their_limits_are_refused_typed_linked_and_submitted() {
    let long_key = "k".repeat(KEY_BYTES_MAX + 1);
    assert!(parse_operation(&format!("get {long_key}"))
        .expect_err("long key")
        .to_string()
        .contains("at most 64"));
    let long_value = "v".repeat(raftlab_core::kv::VALUE_BYTES_MAX + 1);
    assert!(parse_operation(&format!("k={long_value}")).is_err());
    assert!(parse_operation(&format!("{}=v", "k".repeat(KEY_BYTES_MAX))).is_ok());

    let op = raftlab_core::kv::Operation::Put {
        key: "k".into(),
        value: long_value,
    };
    let mut sim = Simulation::new(1, Config::default()).expect("default");
    let refused = sim.submit(Command::ClientRequest {
        client: None,
        target: None,
        op: op.clone(),
    });
    assert!(refused.is_err());
    assert!(sim.inputs().is_empty(), "a refused request leaves no input");

    let mut run = RunDescription::of(&sim);
    run.inputs.push(raftlab_core::sim::TimedCommand {
        at: 0,
        after_event: 0,
        command: Command::ClientRequest {
            client: None,
            target: None,
            op,
        },
    });
    let error = RunDescription::from_json(&run.to_json()).expect_err("long value");
    assert!(
        error
            .to_string()
            .contains("input 1: the value is 257 bytes"),
        "{error}"
    );
}

#[test]
fn a_scenario_file_over_the_size_limit_is_refused_before_parsing() {
    let text = format!(
        "{}{}",
        scenario_files()[0],
        " ".repeat(scenario::FILE_BYTES_MAX)
    );
    let error = Scenario::from_json(&text).expect_err("too large");
    assert!(error.to_string().contains("at most 65536 bytes"), "{error}");
    assert!(Mission::from_json(&text).is_err());
}

#[test]
fn a_scenario_whose_inputs_lie_too_many_steps_in_is_refused_within_the_budget() {
    let storm = serde_json::to_string(&Config::step_storm()).expect("serializes");
    let text = format!(
        r#"{{"format": "raftlab-scenario", "version": 1, "id": "storm", "title": "t",
        "summary": "s", "source": "x", "seed": "1", "end_ms": 120000, "config": {storm},
        "inputs": [{{"at_ms": 119000, "command": {{"Timeout": {{"node": 1}}}}}}],
        "steps": [{{"wait": {{"at_ms": 0}}, "text": "t"}}]}}"#
    );
    let error = Scenario::from_json(&text).expect_err("too busy");
    assert!(
        error
            .to_string()
            .starts_with("inputs[0] (at 119000 ms) lies more than"),
        "{error}"
    );
}

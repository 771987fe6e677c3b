//! A run is its seed, configuration and input log; it round-trips through
//! JSON and through a compact URL-safe token, rebuilds bit for bit, and
//! anything malformed, cut short or from a future version is a clear error.

use crate::support::MS;
use raftlab_core::kv::{Operation, StateMachine, ToyOp};
use raftlab_core::raft::{LogIndex, NodeId, Term};
use raftlab_core::run::{RunDecodeError, RunDescription, RUN_FORMAT_VERSION};
use raftlab_core::sim::{
    Command, Config, InitialEntry, InitialServer, InitialState, LinkFaults, ReplayError,
    Simulation, WorkloadSpec,
};

/// A run that uses every kind of command, with 40 user inputs.
#[expect(clippy::too_many_lines, reason = "a list of commands, one per line")]
fn busy_run() -> Simulation {
    let mut sim = Simulation::new(u64::MAX - 6, Config::default()).expect("valid");
    let n = NodeId;
    let mut t = 0;
    let mut at = |sim: &mut Simulation, command: Command| {
        t += 137 * MS;
        sim.advance_to(t);
        sim.submit(command).expect("valid command");
    };
    at(
        &mut sim,
        Command::SetWorkload {
            workload: Some(WorkloadSpec::default()),
        },
    );
    at(
        &mut sim,
        Command::Partition {
            groups: vec![vec![n(1), n(2)], vec![n(3), n(4), n(5)]],
        },
    );
    at(&mut sim, Command::Heal);
    at(
        &mut sim,
        Command::CutLink {
            from: n(1),
            to: n(3),
        },
    );
    at(
        &mut sim,
        Command::SetLinkFaults {
            from: n(2),
            to: n(4),
            faults: Some(LinkFaults {
                drop_per_mille: 200,
                duplicate_per_mille: 50,
                ..LinkFaults::default()
            }),
        },
    );
    at(
        &mut sim,
        Command::SetNetworkFaults {
            faults: LinkFaults {
                drop_per_mille: 10,
                ..LinkFaults::default()
            },
        },
    );
    at(&mut sim, Command::Pause { node: n(5) });
    at(&mut sim, Command::Resume { node: n(5) });
    at(&mut sim, Command::Crash { node: n(4) });
    at(&mut sim, Command::Restart { node: n(4) });
    at(&mut sim, Command::SetWorkload { workload: None });
    for i in 0..29 {
        let op = match i % 4 {
            0 => Operation::Put {
                key: format!("clé{i}"),
                value: "värde ✓".into(),
            },
            1 => Operation::Get { key: "x".into() },
            2 => Operation::Delete {
                key: format!("clé{}", i - 2),
            },
            _ => Operation::CompareAndSet {
                key: "x".into(),
                expected: None,
                new: i.to_string(),
            },
        };
        at(
            &mut sim,
            Command::ClientRequest {
                client: None,
                target: Some(n(i % 5 + 1)),
                op,
            },
        );
    }
    sim.advance_to(t + 2_000 * MS);
    sim
}

#[test]
fn json_round_trip_rebuilds_the_run_bit_for_bit() {
    let sim = busy_run();
    let run = RunDescription::of(&sim);
    assert_eq!(run.inputs.len(), 40);
    let json = run.to_json();
    assert!(json.contains("\"format\": \"raftlab-run\""));
    assert!(
        json.contains(&format!("\"seed\": \"{}\"", u64::MAX - 6)),
        "the seed is a string"
    );
    let back = RunDescription::from_json(&json).expect("our own JSON reads back");
    assert_eq!(back, run);
    let mut timeline = back.to_timeline().expect("the inputs fit");
    timeline.advance_to(sim.now()).expect("fits");
    assert_eq!(timeline.sim().trace_hash(), sim.trace_hash());
}

/// Three servers started from given disks (S1 and S2 hold entries of terms
/// 1 and 2, S3 only the first), S1 forced to time out at once, a write.
fn run_from_an_initial_state() -> Simulation {
    let entry = |term: u64, op: &str| InitialEntry {
        term: Term(term),
        op: op.into(),
    };
    let ahead = InitialServer {
        current_term: Term(2),
        voted_for: Some(NodeId(1)),
        log: vec![entry(1, "x=1"), entry(2, "noop"), entry(2, "y=2")],
    };
    let behind = InitialServer {
        current_term: Term(1),
        voted_for: None,
        log: vec![entry(1, "x=1")],
    };
    let config = Config {
        node_count: 3,
        initial: Some(InitialState {
            servers: vec![ahead.clone(), ahead, behind],
        }),
        ..Config::default()
    };
    let mut sim = Simulation::new(7, config).expect("a state a cluster could be in");
    sim.submit(Command::Timeout { node: NodeId(1) })
        .expect("up");
    sim.advance_to(300 * MS);
    sim.submit(Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Get { key: "y".into() },
    })
    .expect("valid");
    sim.advance_to(1_000 * MS);
    sim
}

#[test]
fn a_run_from_an_initial_state_round_trips_and_replays_to_the_same_trace() {
    let sim = run_from_an_initial_state();
    let leader = sim.node(NodeId(1)).expect("up");
    assert_eq!(leader.current_term(), Term(3), "it started from term 2");
    assert_eq!(
        leader.log().last_index(),
        LogIndex(5),
        "3 given, a no-op, the read"
    );
    assert_eq!(sim.kv(NodeId(3)).and_then(|kv| kv.get("y")), Some("2"));
    let read = sim.completed_requests().next().expect("answered");
    assert_eq!(
        read.outcome.previous.as_deref(),
        Some("2"),
        "the given log was applied"
    );

    let run = RunDescription::of(&sim);
    let json = run.to_json();
    assert!(
        json.contains("\"initial\""),
        "the starting disks travel in the file"
    );
    let from_json = RunDescription::from_json(&json).expect("reads back");
    let from_token = RunDescription::from_url_token(&run.to_url_token()).expect("reads back");
    assert_eq!(from_json, run);
    assert_eq!(from_token, run);
    for back in [from_json, from_token] {
        let mut timeline = back.to_timeline().expect("the inputs fit");
        timeline.advance_to(sim.now()).expect("fits");
        assert_eq!(timeline.sim().trace_hash(), sim.trace_hash());
    }
}

#[test]
fn url_token_round_trips_and_stays_short() {
    let sim = busy_run();
    let run = RunDescription::of(&sim);
    let token = run.to_url_token();
    println!("40 inputs: {} characters", token.len());
    assert!(token.starts_with(&format!("{RUN_FORMAT_VERSION}.")));
    assert!(token.len() < 2_000, "{} characters", token.len());
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)),
        "URL-safe"
    );
    assert_eq!(
        RunDescription::from_url_token(&token).expect("reads back"),
        run
    );
}

#[test]
fn malformed_truncated_and_future_tokens_are_clear_errors() {
    let token = RunDescription::of(&busy_run()).to_url_token();
    let decode = RunDescription::from_url_token;
    assert_eq!(decode(""), Err(RunDecodeError::Empty));
    assert_eq!(decode("hello"), Err(RunDecodeError::NotARun));
    assert_eq!(decode("x.AAAA"), Err(RunDecodeError::NotARun));
    assert_eq!(
        decode(&format!("2{}", &token[1..])),
        Err(RunDecodeError::FutureVersion(2))
    );
    assert_eq!(
        decode("99999999999.AA"),
        Err(RunDecodeError::FutureVersion(u32::MAX))
    );
    assert!(matches!(decode("0.AA"), Err(RunDecodeError::Malformed(_))));
    assert!(matches!(
        decode("1.@@@@"),
        Err(RunDecodeError::Malformed(_))
    ));
    // Cut anywhere: never a panic, always an error.
    for cut in (3..token.len()).step_by(7) {
        let result = decode(&token[..cut]);
        assert!(result.is_err(), "a token cut at {cut} decoded");
    }
    assert_eq!(
        decode(&token[..token.len() / 2]),
        Err(RunDecodeError::Truncated)
    );
    // Extra bytes after the run.
    let mut longer = token.clone();
    longer.push_str("AAAA");
    assert!(matches!(decode(&longer), Err(RunDecodeError::Malformed(_))));
    let message = decode(&format!("7{}", &token[1..]))
        .unwrap_err()
        .to_string();
    assert!(message.contains("newer Raftlab"), "{message}");
}

#[test]
fn malformed_and_future_json_are_clear_errors() {
    let json = RunDescription::of(&busy_run()).to_json();
    let decode = RunDescription::from_json;
    assert_eq!(decode("  "), Err(RunDecodeError::Empty));
    assert_eq!(decode("not json"), Err(RunDecodeError::NotARun));
    assert_eq!(decode("{\"hello\": 1}"), Err(RunDecodeError::NotARun));
    assert_eq!(
        decode(&json[..json.len() / 2]),
        Err(RunDecodeError::Truncated)
    );
    let future = json.replacen("\"version\": 1", "\"version\": 3", 1);
    assert_eq!(decode(&future), Err(RunDecodeError::FutureVersion(3)));
    let bad_seed = json.replacen(&format!("\"{}\"", u64::MAX - 6), "\"-1\"", 1);
    assert!(matches!(
        decode(&bad_seed),
        Err(RunDecodeError::Malformed(_))
    ));
    let bad_config = json.replacen("\"node_count\": 5", "\"node_count\": 0", 1);
    assert!(matches!(
        decode(&bad_config),
        Err(RunDecodeError::Config(_))
    ));
    let bad_command = json.replacen("\"Heal\"", "\"Explode\"", 1);
    assert!(matches!(
        decode(&bad_command),
        Err(RunDecodeError::Malformed(_))
    ));
}

#[test]
fn a_well_formed_run_whose_inputs_do_not_fit_fails_to_rebuild() {
    let mut run = RunDescription::of(&busy_run());
    run.inputs[3].after_event += 1_000_000;
    let json = run.to_json();
    let read = RunDescription::from_json(&json).expect("well formed");
    assert!(matches!(read.to_timeline(), Err(ReplayError::Command(_))));
}

/// A small run touching every command, for the pinned-format test.
#[expect(clippy::too_many_lines, reason = "a list of commands, one per line")]
fn pinned_run() -> RunDescription {
    let n = NodeId;
    let at = |at: u64, after_event: u64, command: Command| raftlab_core::sim::TimedCommand {
        at,
        after_event,
        command,
    };
    RunDescription {
        seed: 42,
        config: Config::default(),
        inputs: vec![
            at(
                0,
                0,
                Command::SetWorkload {
                    workload: Some(WorkloadSpec::default()),
                },
            ),
            at(1, 2, Command::Crash { node: n(1) }),
            at(2, 3, Command::Restart { node: n(1) }),
            at(3, 4, Command::Timeout { node: n(2) }),
            at(
                4,
                5,
                Command::ClientRequest {
                    client: Some(raftlab_core::kv::ClientId(3)),
                    target: Some(n(2)),
                    op: Operation::Put {
                        key: "k".into(),
                        value: "v".into(),
                    },
                },
            ),
            at(5, 6, Command::Pause { node: n(3) }),
            at(6, 7, Command::Resume { node: n(3) }),
            at(
                7,
                8,
                Command::Partition {
                    groups: vec![vec![n(1)], vec![n(2), n(3)]],
                },
            ),
            at(
                8,
                9,
                Command::CutLink {
                    from: n(4),
                    to: n(5),
                },
            ),
            at(9, 10, Command::Heal),
            at(
                10,
                11,
                Command::SetNetworkFaults {
                    faults: LinkFaults {
                        drop_per_mille: 5,
                        ..LinkFaults::default()
                    },
                },
            ),
            at(
                11,
                12,
                Command::SetLinkFaults {
                    from: n(1),
                    to: n(2),
                    faults: None,
                },
            ),
        ],
    }
}

/// The version-1 token of `pinned_run()`. If this test fails, the binary
/// layout of `Config` or `Command` changed: bump `RUN_FORMAT_VERSION` and
/// keep a decoder for version 1, so links already shared still open.
const PINNED_V1_TOKEN: &str = "1.KgJ7fQwAAAsBAxSQA2QDAQIAAQIDAQEDBAICBAUDAQMBAgABawF2BQYEAwYHBQMHCAYCAQECAgMICQcEBQkKCAoLCQUAAAALDAoBAgA";

#[test]
fn links_made_by_format_version_1_still_open() {
    let run = pinned_run();
    assert_eq!(
        run.to_url_token(),
        PINNED_V1_TOKEN,
        "the version-1 layout changed"
    );
    assert_eq!(RunDescription::from_url_token(PINNED_V1_TOKEN), Ok(run));
}

#[test]
fn a_changed_config_travels_in_the_token_and_missing_fields_take_defaults() {
    let bugs = raftlab_core::sim::BugSwitches {
        stale_leader_reads: true,
        ..Default::default()
    };
    let run = RunDescription {
        seed: 9,
        config: Config {
            node_count: 7,
            heartbeat_interval_us: 40_000,
            bugs,
            ..Config::default()
        },
        inputs: Vec::new(),
    };
    let token = run.to_url_token();
    assert!(token.len() < 120, "only the changes are sent: {token}");
    assert_eq!(RunDescription::from_url_token(&token), Ok(run));
    // A file written before most fields existed.
    let old = r#"{"format": "raftlab-run", "version": 1, "seed": "3", "config": {"node_count": 3}, "inputs": []}"#;
    let read = RunDescription::from_json(old).expect("old files load");
    assert_eq!(
        read.config,
        Config {
            node_count: 3,
            ..Config::default()
        }
    );
}

#[test]
fn a_toy_machine_run_round_trips_through_json_and_the_token_and_rebuilds() {
    let config = Config {
        node_count: 3,
        state_machine: StateMachine::Toy,
        ..Config::default()
    };
    let mut sim = Simulation::new(11, config).expect("valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("valid");
    for (i, op) in [ToyOp::X, ToyOp::X, ToyOp::Y].into_iter().enumerate() {
        sim.advance_to((i as u64 + 1) * 300 * MS);
        let request = Command::ClientRequest {
            client: None,
            target: None,
            op: Operation::Toy { op },
        };
        sim.submit(request).expect("valid");
    }
    sim.advance_to(3_000 * MS);
    let run = RunDescription::of(&sim);
    let json = run.to_json();
    assert!(json.contains("\"state_machine\": \"Toy\""), "{json}");
    assert_eq!(RunDescription::from_json(&json).as_ref(), Ok(&run));
    let token = run.to_url_token();
    assert_eq!(RunDescription::from_url_token(&token).as_ref(), Ok(&run));
    let mut timeline = run.to_timeline().expect("the inputs fit");
    timeline.advance_to(sim.now()).expect("fits");
    assert_eq!(timeline.sim().trace_hash(), sim.trace_hash());
    assert_eq!(timeline.sim().view().state_machine, StateMachine::Toy);
    // Files written before the toy machine existed replicate the key-value store.
    let old = r#"{"format": "raftlab-run", "version": 1, "seed": "3", "config": {"node_count": 3}, "inputs": []}"#;
    let read = RunDescription::from_json(old).expect("old files load");
    assert_eq!(read.config.state_machine, StateMachine::KeyValue);
}

/// A run that drops one packet, duplicates another and reconfigures the
/// cluster twice, each at a point where it does something.
fn packet_and_configure_run() -> Simulation {
    let mut sim = Simulation::new(77, Config::default()).expect("valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("valid");
    sim.advance_to(700 * MS);
    let in_flight: Vec<u64> = sim.view().messages.iter().map(|m| m.id).collect();
    assert!(in_flight.len() >= 2, "the workload keeps the network busy");
    sim.submit(Command::DropMessage { id: in_flight[0] })
        .expect("in flight");
    sim.submit(Command::DuplicateMessage { id: in_flight[1] })
        .expect("in flight");
    let faster = Config {
        heartbeat_interval_us: 30 * MS,
        latency_us_min: 5 * MS,
        latency_us_max: 20 * MS,
        raft: raftlab_core::raft::RaftOptions {
            pre_vote: true,
            check_quorum: true,
            read_mode: raftlab_core::raft::ReadMode::Lease,
            ..Default::default()
        },
        ..Config::default()
    };
    sim.submit(Command::Configure {
        config: Box::new(faster.clone()),
    })
    .expect("valid");
    sim.advance_to(1_500 * MS);
    let compacting = Config {
        snapshot_every: 5,
        election_timeout_us_min: 200 * MS,
        ..faster
    };
    sim.submit(Command::Configure {
        config: Box::new(compacting),
    })
    .expect("valid");
    sim.advance_to(3_000 * MS);
    sim
}

#[test]
fn drops_duplicates_and_reconfigurations_replay_bit_for_bit_through_json_and_the_token() {
    let sim = packet_and_configure_run();
    let run = RunDescription::of(&sim);
    assert_eq!(
        run.config,
        Config::default(),
        "the configuration it started with"
    );
    assert_eq!(sim.current_config().snapshot_every, 5);
    let replays_to = |run: &RunDescription| {
        let mut timeline = run.to_timeline().expect("the inputs fit");
        timeline.advance_to(sim.now()).expect("fits");
        timeline.sim().trace_hash()
    };
    assert_eq!(replays_to(&run), sim.trace_hash());

    let json = run.to_json();
    assert!(
        json.contains("\"pre_vote\": true") && json.contains("\"snapshot_every\": 5"),
        "a file shows a reconfiguration as its changes: {json}"
    );
    assert_eq!(
        json.matches("\"noop_on_election\"").count(),
        1,
        "the run's own configuration is written whole, a reconfiguration only as its changes"
    );
    let from_json = RunDescription::from_json(&json).expect("reads back");
    assert_eq!(from_json, run);
    assert_eq!(replays_to(&from_json), sim.trace_hash());

    let token = run.to_url_token();
    let from_token = RunDescription::from_url_token(&token).expect("reads back");
    assert_eq!(from_token, run);
    assert_eq!(replays_to(&from_token), sim.trace_hash());
}

/// A run with the three commands added after version 1 was pinned.
fn pinned_packet_and_configure_run() -> RunDescription {
    let at = |at: u64, after_event: u64, command: Command| raftlab_core::sim::TimedCommand {
        at,
        after_event,
        command,
    };
    let configure = Config {
        heartbeat_interval_us: 40_000,
        raft: raftlab_core::raft::RaftOptions {
            pre_vote: true,
            ..Default::default()
        },
        ..Config::default()
    };
    RunDescription {
        seed: 42,
        config: Config::default(),
        inputs: vec![
            at(1, 2, Command::DropMessage { id: 17 }),
            at(3, 4, Command::DuplicateMessage { id: 300 }),
            at(
                5,
                6,
                Command::Configure {
                    config: Box::new(configure),
                },
            ),
        ],
    }
}

/// The token of `pinned_packet_and_configure_run()`: the new commands are
/// variants 16 to 18 of `Command`, and a reconfiguration travels as the
/// JSON of its changes from the defaults, so a field added to `Config`
/// later leaves this token readable (the field takes its default).
const PINNED_PACKET_AND_CONFIGURE_TOKEN: &str = "1.KgJ7fQMBAhARAwQRrAIFBhI4eyJoZWFydGJlYXRfaW50ZXJ2YWxfdXMiOjQwMDAwLCJyYWZ0Ijp7InByZV92b3RlIjp0cnVlfX0";

#[test]
fn links_with_drops_duplicates_and_reconfigurations_keep_opening() {
    let run = pinned_packet_and_configure_run();
    assert_eq!(
        run.to_url_token(),
        PINNED_PACKET_AND_CONFIGURE_TOKEN,
        "the layout of the new commands changed"
    );
    assert_eq!(
        RunDescription::from_url_token(PINNED_PACKET_AND_CONFIGURE_TOKEN),
        Ok(run.clone())
    );
    // In a file, unknown fields in a reconfiguration are ignored, as in the
    // run's own configuration.
    let json = run.to_json();
    let unknown = json.replacen(
        "\"heartbeat_interval_us\": 40000",
        "\"heartbeat_interval_us\": 40000, \"a_field_from_the_future\": 1",
        1,
    );
    assert_ne!(unknown, json);
    assert_eq!(RunDescription::from_json(&unknown), Ok(run));
    let wrong_type = json.replacen(
        "\"heartbeat_interval_us\": 40000",
        "\"heartbeat_interval_us\": \"fast\"",
        1,
    );
    assert!(matches!(
        RunDescription::from_json(&wrong_type),
        Err(RunDecodeError::Malformed(_))
    ));
}

/// Found by the fuzz harness: a run file whose command name is a 264-times
/// repeated letter was refused with serde's message quoting the whole name.
/// The message now quotes its start and says how long it was.
#[test]
fn a_run_file_with_a_huge_unknown_command_is_refused_briefly() {
    let json = RunDescription::of(&busy_run()).to_json();
    assert!(json.contains("\"Heal\""));
    let text = json.replacen("\"Heal\"", &format!("\"{}Heal\"", "C".repeat(264)), 1);
    let error = RunDescription::from_json(&text).expect_err("an unknown command");
    let message = error.to_string();
    assert!(
        message.starts_with("the run is damaged: unknown variant"),
        "{message}"
    );
    assert!(message.chars().count() < 300, "{message}");
    assert!(message.contains("characters)"), "{message}");
}

/// Found by `make fuzz` (a digit repeated 551 times in a run file's seed):
/// the message quoted the whole seed.
#[test]
fn a_run_file_with_a_seed_too_long_to_be_a_number_is_refused_briefly() {
    let json = RunDescription::of(&busy_run()).to_json();
    let mut file: serde_json::Value = serde_json::from_str(&json).expect("a run file is JSON");
    file["seed"] = serde_json::Value::String("4".repeat(600));
    let text = file.to_string();
    let message = RunDescription::from_json(&text)
        .expect_err("a seed past 2^64")
        .to_string();
    assert!(
        message.starts_with("the run is damaged: seed \"4444"),
        "{message}"
    );
    assert!(message.contains("characters)"), "{message}");
    assert!(message.chars().count() < 300, "{message}");
}

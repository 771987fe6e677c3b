//! Behaviour pinned by value: a fixed set of seeded runs (plain, every
//! option on, lease reads with a reconfigured cluster, snapshots with
//! membership changes, the toy machine, two bug switches) and every bundled
//! scenario, each compared with the `trace_hash()` and event count recorded
//! when the pin was made, and the share token of each scenario run compared
//! with its recorded fingerprint.
//!
//! A refactor never changes one of these numbers. A change that does must
//! say so, and why, in its commit message, and record the new values here.

use raftlab_core::explore::{run_seed, Experiment};
use raftlab_core::kv::StateMachine;
use raftlab_core::raft::{RaftOptions, ReadMode};
use raftlab_core::scenario::{library, Scenario};
use raftlab_core::sim::Config;

/// A pinned seeded run: what it is, its experiment, the seed, and the
/// recorded (trace hash, events processed).
struct Pin {
    name: &'static str,
    experiment: fn() -> Experiment,
    seed: u64,
    expected: (u64, u64),
}

fn plain() -> Experiment {
    Experiment::default()
}

fn every_option_read_index() -> Experiment {
    let mut experiment = Experiment::default();
    experiment.config.raft = RaftOptions::all();
    experiment.config.raft.read_mode = ReadMode::ReadIndex;
    experiment
}

fn lease_reads_reconfigured() -> Experiment {
    let mut experiment = every_option_read_index();
    experiment.config.raft.read_mode = ReadMode::Lease;
    experiment.reconfigurations = true;
    experiment
}

fn snapshots_and_membership() -> Experiment {
    let mut experiment = every_option_read_index();
    experiment.config.snapshot_every = 16;
    experiment.membership_changes = true;
    experiment
}

fn toy_machine() -> Experiment {
    Experiment {
        config: Config {
            node_count: 3,
            state_machine: StateMachine::Toy,
            ..Config::default()
        },
        ..Experiment::default()
    }
}

fn bug_commit_old_terms_by_counting() -> Experiment {
    let mut experiment = Experiment::default();
    experiment.config.bugs.commit_old_terms_by_counting = true;
    experiment
}

fn bug_vote_without_log_check() -> Experiment {
    let mut experiment = Experiment::default();
    experiment.config.bugs.vote_without_log_check = true;
    experiment
}

const PINS: &[Pin] = &[
    Pin {
        name: "plain",
        experiment: plain,
        seed: 1,
        expected: (0xe0de90d7d934ae95, 4651),
    },
    Pin {
        name: "plain",
        experiment: plain,
        seed: 2024,
        expected: (0x26d56f5d817f1c72, 3810),
    },
    Pin {
        name: "every option, ReadIndex",
        experiment: every_option_read_index,
        seed: 7,
        expected: (0x109b61c736196b5, 3284),
    },
    Pin {
        name: "every option, lease reads, reconfigured",
        experiment: lease_reads_reconfigured,
        seed: 11,
        expected: (0x34d9eae9c804db99, 3164),
    },
    Pin {
        name: "snapshots every 16, membership changes",
        experiment: snapshots_and_membership,
        seed: 5,
        expected: (0x90a42feca414dcc9, 2964),
    },
    Pin {
        name: "snapshots every 16, membership changes",
        experiment: snapshots_and_membership,
        seed: 99,
        expected: (0x380f75faf7fcc780, 3184),
    },
    Pin {
        name: "toy machine",
        experiment: toy_machine,
        seed: 3,
        expected: (0xbf6acb6b7e0ef218, 2410),
    },
    Pin {
        name: "bug: commit old terms by counting",
        experiment: bug_commit_old_terms_by_counting,
        seed: 13,
        expected: (0xce615649feac3e84, 3038),
    },
    Pin {
        name: "bug: vote without the log check",
        experiment: bug_vote_without_log_check,
        seed: 17,
        expected: (0x331b367fed9aa927, 2727),
    },
];

/// Every bundled scenario: its id, (trace hash, events processed) at its
/// end, and the FNV-1a fingerprint of its run's share token.
const SCENARIO_PINS: &[(&str, (u64, u64), u64)] = &[
    (
        "replication-step-by-step",
        (0xb90fa6ea5983af91, 152),
        0xe8848129c5c0900c,
    ),
    (
        "dropped-append-entries-retried",
        (0x7fad2d0643351d, 94),
        0xe35abd1cc5a2315e,
    ),
    (
        "follower-catches-up-by-walking-back",
        (0x32be604a3d9ffe54, 401),
        0xa3abf36c7d94a297,
    ),
    (
        "leader-failover",
        (0xe680223fd58a857, 327),
        0xb2533becaa7caaf8,
    ),
    ("split-vote", (0x37a2c4a69df7c6d4, 232), 0x99709f1fb7a14329),
    (
        "two-of-five-down-still-live",
        (0xed356c85ae076ed9, 436),
        0x78f9059fc66f7f6c,
    ),
    (
        "three-of-five-down-stalls",
        (0x1ec722f762a35766, 821),
        0x47897e002f5ba1b4,
    ),
    (
        "stale-leader-cannot-commit-or-read",
        (0x9e3f4e94281ff6b, 1204),
        0xafda649dbb9e3705,
    ),
    (
        "retry-after-leader-crash-deduplicated",
        (0xb4f467d5027272a2, 227),
        0xd41d9bb7b36e3a46,
    ),
    (
        "toy-machine-diverges-without-dedup",
        (0xecbd2cda624bb968, 227),
        0xd863c6087aa6d862,
    ),
    ("figure-6", (0x98a1c52924c7c77a, 103), 0xe322dd1bcd80f623),
    ("figure-7", (0xeaa6b7059421e899, 435), 0x2af33f74020617f0),
    ("figure-8", (0x74ca9aaec851ac51, 230), 0xa05ca949e77ad0fd),
    ("figure-8-e", (0xb9185fa203ede3ef, 217), 0x890666b203de9c34),
    (
        "figure-8-commit-by-counting",
        (0xc621e840fafab683, 230),
        0x7a25ef34eed199e4,
    ),
    (
        "disruptive-rejoin",
        (0xd299950346831770, 919),
        0xeb731c1d09951953,
    ),
    (
        "disruptive-rejoin-with-pre-vote",
        (0xe98db2c3699d2c22, 925),
        0x8c7c2c3cfe96b966,
    ),
    (
        "partial-connectivity-livelock",
        (0xc8fee762edf1718f, 3142),
        0x7200882b1d4229c2,
    ),
    (
        "partial-connectivity-with-pre-vote-and-check-quorum",
        (0xff8c59e4c46190de, 3727),
        0x2a2b0250f5607e17,
    ),
    (
        "joint-consensus-three-to-five",
        (0xbefbd13d57202557, 264),
        0x1d17f319654185ae,
    ),
    (
        "direct-membership-switch",
        (0x6c300b146ce414c6, 150),
        0xa254492e62d72491,
    ),
    (
        "snapshot-to-a-far-behind-follower",
        (0x7361d43e22cdc199, 346),
        0x765eaed5358002ac,
    ),
];

/// FNV-1a over bytes: a fingerprint of a token that does not depend on
/// the standard library's hasher.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn pinned_seeded_runs_keep_their_trace_hashes() {
    let mut found = Vec::new();
    for pin in PINS {
        let report = run_seed(pin.seed, &(pin.experiment)()).expect("a valid configuration");
        let actual = (report.sim.trace_hash(), report.sim.events_processed());
        if actual != pin.expected {
            found.push(format!(
                "{} seed {}: expected {:?}, found ({:#x}, {})",
                pin.name, pin.seed, pin.expected, actual.0, actual.1
            ));
        }
    }
    assert!(found.is_empty(), "changed traces:\n{}", found.join("\n"));
}

#[test]
fn every_scenario_keeps_its_trace_hash_and_share_token() {
    let mut found = Vec::new();
    let library = library();
    for (id, json) in &library {
        let scenario = Scenario::from_json(json).expect("a bundled scenario parses");
        let playback = scenario.play().expect("a bundled scenario plays");
        let sim = playback.sim();
        let actual = (
            (sim.trace_hash(), sim.events_processed()),
            fingerprint(scenario.to_run().to_url_token().as_bytes()),
        );
        let expected = SCENARIO_PINS
            .iter()
            .find(|(pinned, _, _)| pinned == id)
            .map(|(_, trace, token)| (*trace, *token));
        if expected != Some(actual) {
            found.push(format!(
                "(\"{id}\", ({:#x}, {}), {:#x}),",
                actual.0 .0, actual.0 .1, actual.1
            ));
        }
    }
    assert!(found.is_empty(), "changed scenarios:\n{}", found.join("\n"));
    assert_eq!(SCENARIO_PINS.len(), library.len(), "one pin per scenario");
}

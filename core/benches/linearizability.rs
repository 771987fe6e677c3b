//! How fast the linearizability checker decides histories the explorer and
//! the page meet: a healthy swarm run, two runs broken by bug switches, and
//! a synthetic worst case of overlapping writes whose outcome is unknown.
//! docs/FAULT_LAB.md reports the figures.

use criterion::{criterion_group, criterion_main, Criterion};
use raftlab_core::check::check_history;
use raftlab_core::explore::{run_seed, Experiment};
use raftlab_core::history::{HistoryOp, OpResult};
use raftlab_core::kv::{ClientId, Operation};
use raftlab_core::sim::{BugSwitches, Config};
use std::hint::black_box;

/// The client history of `seed`'s swarm run with `bugs` on.
fn swarm_history(seed: u64, bugs: BugSwitches) -> Vec<HistoryOp> {
    let experiment = Experiment {
        config: Config {
            bugs,
            ..Config::default()
        },
        ..Experiment::default()
    };
    run_seed(seed, &experiment)
        .expect("a valid config")
        .sim
        .history()
}

/// `writers` puts to one key, all overlapping and none answered, then a
/// read that saw the last one.
fn overlapping_unknown_writes(writers: u32) -> Vec<HistoryOp> {
    let mut history: Vec<HistoryOp> = (0..writers)
        .map(|i| HistoryOp {
            client: ClientId(i + 1),
            op: Operation::Put {
                key: "x".into(),
                value: i.to_string(),
            },
            invoked_at: u64::from(i),
            completed_at: 1_000,
            result: OpResult::Unknown,
        })
        .collect();
    history.push(HistoryOp {
        client: ClientId(writers + 1),
        op: Operation::Get { key: "x".into() },
        invoked_at: 2_000,
        completed_at: 2_010,
        result: OpResult::Ok {
            previous: Some((writers - 1).to_string()),
        },
    });
    history
}

/// `writers` overlapping puts to one key, none answered, then reads one
/// after the other that see "0", then "1", then "0" again: no put runs
/// twice, so this is not linearizable, and the search must try every
/// subset of the puts before each read to say so.
fn unknown_writes_then_a_value_seen_twice(writers: u32) -> Vec<HistoryOp> {
    let mut history = overlapping_unknown_writes(writers);
    history.pop();
    for (i, seen) in ["0", "1", "0"].into_iter().enumerate() {
        let at = 2_000 + 1_000 * i as u64;
        history.push(HistoryOp {
            client: ClientId(writers + 1),
            op: Operation::Get { key: "x".into() },
            invoked_at: at,
            completed_at: at + 10,
            result: OpResult::Ok {
                previous: Some(seen.into()),
            },
        });
    }
    history
}

fn bench(c: &mut Criterion) {
    let cases = [
        (
            "healthy swarm run (seed 1)",
            swarm_history(1, BugSwitches::default()),
        ),
        (
            "no_request_dedup (seed 1, not linearizable)",
            swarm_history(
                1,
                BugSwitches {
                    no_request_dedup: true,
                    ..BugSwitches::default()
                },
            ),
        ),
        (
            "stale_leader_reads (seed 54, not linearizable)",
            swarm_history(
                54,
                BugSwitches {
                    stale_leader_reads: true,
                    ..BugSwitches::default()
                },
            ),
        ),
        (
            "60 overlapping unknown writes",
            overlapping_unknown_writes(60),
        ),
        (
            "12 unknown writes, then a value seen twice",
            unknown_writes_then_a_value_seen_twice(12),
        ),
    ];
    let mut group = c.benchmark_group("linearizability");
    for (name, history) in &cases {
        let verdict = if check_history(history).is_ok() {
            "ok"
        } else {
            "broken"
        };
        group.bench_function(format!("{name}: {} ops, {verdict}", history.len()), |b| {
            b.iter(|| black_box(check_history(black_box(history))))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! How fast the simulator runs a cluster, natively: the budget the page's
//! animation frames and later time travel draw on.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use raftlab_core::kv::Operation;
use raftlab_core::sim::{Command, Config, Simulation, WorkloadSpec};
use raftlab_core::timeline::Timeline;
use std::hint::black_box;

const SECOND_US: u64 = 1_000_000;

/// Ten virtual seconds of a five-server cluster with a client write every 50 ms.
fn ten_seconds_with_writes() -> Simulation {
    let mut sim = Simulation::new(1, Config::default()).expect("default config is valid");
    let mut t = 0;
    while t < 10 * SECOND_US {
        t += 50_000;
        sim.advance_to(t);
        let op = Operation::Put {
            key: format!("k{}", t % 7),
            value: t.to_string(),
        };
        sim.submit(Command::ClientRequest {
            client: None,
            target: None,
            op,
        })
        .expect("client requests are always accepted");
    }
    sim
}

fn bench(c: &mut Criterion) {
    let events = ten_seconds_with_writes().events_processed();
    let mut group = c.benchmark_group("simulate");
    group.throughput(Throughput::Elements(events));
    group.bench_function("5 nodes, 10 s virtual, write every 50 ms", |b| {
        b.iter(|| black_box(ten_seconds_with_writes()))
    });
    group.finish();

    let sim = ten_seconds_with_writes();
    c.bench_function("view of 5 nodes after 10 s (one animation frame)", |b| {
        b.iter(|| black_box(sim.view()))
    });
    c.bench_function("clone the simulation (a checkpoint)", |b| {
        b.iter_batched(|| &sim, |s| black_box(s.clone()), BatchSize::SmallInput)
    });
}

/// An hour of virtual time of a five-server cluster under the default
/// workload (20 operations a second), recorded on a timeline.
fn one_hour_with_workload() -> Timeline {
    let mut sim = Simulation::new(1, Config::default()).expect("default config is valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("the default workload is valid");
    let mut timeline = Timeline::new(sim);
    timeline
        .advance_to(3_600 * SECOND_US)
        .expect("a recorded run replays");
    timeline
}

fn bench_time_travel(c: &mut Criterion) {
    let mut timeline = one_hour_with_workload();
    let end = timeline.now();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    c.bench_function(
        "seek to a random instant of a 1-hour 5-node run with workload",
        |b| {
            b.iter(|| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                timeline.seek(state % end).expect("a recorded run replays");
                black_box(timeline.position())
            })
        },
    );
}

criterion_group!(benches, bench, bench_time_travel);
criterion_main!(benches);

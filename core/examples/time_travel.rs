//! Measures time travel on a long run: a five-server cluster with the default
//! workload played for an hour of virtual time, then seeks to many instants in
//! a scrambled order. Prints the seek-time distribution and the heap memory
//! the timeline holds (counted by a wrapping allocator) beside that of a
//! single simulation of the same run.
//!
//! ```text
//! cargo run --release -p raftlab-core --example time_travel [-- minutes]
//! ```

use cap::Cap;
use raftlab_core::sim::{Command, Config, Simulation, WorkloadSpec};
use raftlab_core::timeline::{Timeline, CHECKPOINT_EVERY};
use std::alloc::System;
use std::time::Instant;

const SECOND_US: u64 = 1_000_000;

/// The system allocator, counting the bytes currently allocated.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn live_kib() -> usize {
    ALLOCATOR.allocated() / 1024
}

#[expect(
    clippy::too_many_lines,
    reason = "a measurement script: one table printed as it runs"
)]
fn main() {
    let minutes: u64 = std::env::args()
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or(60);
    let end = minutes * 60 * SECOND_US;
    let live_start = live_kib();

    let mut sim = Simulation::new(1, Config::default()).expect("default config is valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("the default workload is valid");
    let started = Instant::now();
    let mut timeline = Timeline::new(sim);
    timeline.advance_to(end).expect("a recorded run replays");
    let played = started.elapsed();
    let live_played = live_kib();
    let sim = timeline.sim();
    let entries = sim
        .node(raftlab_core::NodeId(1))
        .map_or(0, |n| n.log().len());
    println!(
        "played {minutes} virtual minutes: {} events, {} log entries per server, {} client operations, in {:.2?}",
        sim.events_processed(),
        entries,
        sim.completed_requests().count(),
        played,
    );
    println!(
        "checkpoints: {} (every {CHECKPOINT_EVERY} steps)",
        timeline.checkpoint_count()
    );

    // The same run without a timeline, for the memory a single simulation takes.
    let bare = {
        let mut bare = Simulation::new(1, Config::default()).expect("valid");
        bare.submit(Command::SetWorkload {
            workload: Some(WorkloadSpec::default()),
        })
        .expect("valid");
        bare.advance_to(end);
        bare
    };
    let live_both = live_kib();
    assert_eq!(bare.trace_hash(), timeline.sim().trace_hash());
    println!(
        "heap: timeline with its checkpoints {} KiB; one simulation of the same run alone {} KiB",
        live_played - live_start,
        live_both - live_played
    );

    // The first seek after playing touches memory left cold meanwhile.
    let begun = Instant::now();
    timeline.seek(end / 3).expect("a recorded run replays");
    println!("first seek back: {:.2?}", begun.elapsed());

    let mut durations = Vec::new();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..1000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let t = state % end;
        let begun = Instant::now();
        timeline.seek(t).expect("a recorded run replays");
        durations.push(begun.elapsed());
    }
    durations.sort();
    let at = |q: f64| durations[((durations.len() - 1) as f64 * q) as usize];
    println!(
        "then 1000 seeks to random instants: median {:.2?}, p95 {:.2?}, p99 {:.2?}, max {:.2?}",
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    );

    timeline.seek(end).expect("a recorded run replays");
    timeline
        .advance_to(end + 300 * SECOND_US)
        .expect("a recorded run replays");
    let begun = Instant::now();
    timeline.seek(end / 2).expect("a recorded run replays");
    println!(
        "seek back after playing 5 more minutes: {:.2?}",
        begun.elapsed()
    );
}

//! Measures what time travel costs on long runs, as the page holds them: a
//! [`Playback`] played forward the way the page plays it (an advance every
//! 200 ms of virtual time, the run view with its journal and
//! linearizability verdict asked for every 2 s), then seeks to random
//! instants. Heap memory is counted by a wrapping allocator. Printed per run:
//! the heap the playback holds and how fast it grows per simulated second
//! after the first minute, beside a bare simulation of the same run, and
//! the median and maximum time of a seek (with the run view after it).
//!
//! Six runs: five servers with the default workload (20 operations a
//! second), and nine servers with the same workload, each without log
//! compaction and with a snapshot every 1000 and every 100 entries
//! (`snapshot_every`): without compaction the Raft logs themselves grow
//! with the workload, and with it every checkpoint holds its own copy of
//! what the logs held between two snapshots. An optional third argument
//! runs only the cases whose label contains it.
//!
//! ```text
//! cargo run --release -p raftlab-core --example time_travel [-- minutes [seeks [label]]]
//! ```

use cap::Cap;
use raftlab_core::playback::Playback;
use raftlab_core::sim::{Command, Config, Simulation, WorkloadSpec};
use raftlab_core::timeline::Timeline;
use raftlab_core::view::RunView;
use std::alloc::System;
use std::time::{Duration, Instant};

const SECOND_US: u64 = 1_000_000;

/// How far each advance moves, as one of the page's frames at 10× speed
/// and some more.
const ADVANCE_US: u64 = 200_000;

/// How often the run view is built, as the page's panels refresh.
const RUN_VIEW_EVERY_US: u64 = 2 * SECOND_US;

/// The system allocator, counting the bytes currently allocated.
#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

fn live_bytes() -> usize {
    ALLOCATOR.allocated()
}

/// One run to measure.
struct Case {
    label: &'static str,
    node_count: usize,
    snapshot_every: u64,
}

fn simulation(case: &Case) -> Simulation {
    let config = Config {
        node_count: case.node_count,
        snapshot_every: case.snapshot_every,
        ..Config::default()
    };
    let mut sim = Simulation::new(1, config).expect("the measured configs are valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("the default workload is valid");
    sim
}

/// The heap a bare simulation of `case` holds at one minute and at `end`,
/// with the simulation.
fn bare_heap(case: &Case, end: u64) -> (usize, usize, Simulation) {
    let before = live_bytes();
    let mut sim = simulation(case);
    sim.advance_to(60 * SECOND_US);
    let at_minute = live_bytes() - before;
    sim.advance_to(end);
    (at_minute, live_bytes() - before, sim)
}

/// The same for a timeline alone: the simulation with its checkpoints.
fn timeline_heap(case: &Case, end: u64) -> (usize, usize) {
    let before = live_bytes();
    let mut timeline = Timeline::new(simulation(case));
    timeline
        .advance_to(60 * SECOND_US)
        .expect("a fresh run plays");
    let at_minute = live_bytes() - before;
    timeline.advance_to(end).expect("a fresh run plays");
    (at_minute, live_bytes() - before)
}

/// Bytes per simulated second between the heap at one minute and at the end.
fn growth(at_minute: usize, at_end: usize, end_us: u64) -> f64 {
    let seconds = (end_us - 60 * SECOND_US) as f64 / SECOND_US as f64;
    (at_end as f64 - at_minute as f64) / seconds
}

fn measure(case: &Case, minutes: u64, seeks: usize) {
    let end = minutes * 60 * SECOND_US;
    let start = live_bytes();
    let began = Instant::now();
    let mut playback = Playback::new(simulation(case));
    let mut at_minute = 0;
    let mut t = 0;
    let mut slowest_view = Duration::ZERO;
    while t < end {
        t += ADVANCE_US;
        playback.advance_to(t).expect("a recorded run replays");
        if t % RUN_VIEW_EVERY_US == 0 {
            let asked = Instant::now();
            std::hint::black_box(RunView::of(&mut playback));
            slowest_view = slowest_view.max(asked.elapsed());
        }
        if t == 60 * SECOND_US {
            at_minute = live_bytes() - start;
        }
    }
    let played = began.elapsed();
    let held = live_bytes() - start;

    let (bare_minute, bare_held, bare) = bare_heap(case, end);
    assert_eq!(bare.trace_hash(), playback.sim().trace_hash());
    drop(bare);
    let (timeline_minute, timeline_held) = timeline_heap(case, end);

    println!(
        "{}: {minutes} virtual minutes, {} steps, {} client operations, played in {played:.2?} (slowest run view {slowest_view:.2?})",
        case.label,
        playback.position(),
        playback.sim().completed_requests().count(),
    );
    println!(
        "  heap: playback {} KiB ({:.0} B per simulated second after the first minute); timeline alone {} KiB ({:.0} B/s); bare simulation {} KiB ({:.0} B/s); timeline checkpoints {}",
        held / 1024,
        growth(at_minute, held, end),
        timeline_held / 1024,
        growth(timeline_minute, timeline_held, end),
        bare_held / 1024,
        growth(bare_minute, bare_held, end),
        playback.timeline().checkpoint_count(),
    );
    let mut seek_times = Vec::with_capacity(seeks);
    let mut with_view = Vec::with_capacity(seeks);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for _ in 0..seeks {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let to = state % end;
        let begun = Instant::now();
        playback.seek(to).expect("a recorded run replays");
        seek_times.push(begun.elapsed());
        std::hint::black_box(RunView::of(&mut playback));
        with_view.push(begun.elapsed());
    }
    seek_times.sort();
    with_view.sort();
    let median = |d: &[Duration]| d[d.len() / 2];
    let max = |d: &[Duration]| d[d.len() - 1];
    if seeks > 0 {
        println!(
            "  {seeks} seeks to random instants: median {:.2?}, max {:.2?}; with the run view after each: median {:.2?}, max {:.2?}",
            median(&seek_times),
            max(&seek_times),
            median(&with_view),
            max(&with_view),
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let minutes: u64 = args
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(60)
        .max(2);
    let seeks: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(200);
    let cases = [
        Case {
            label: "5 servers, default workload",
            node_count: 5,
            snapshot_every: 0,
        },
        Case {
            label: "5 servers, default workload, snapshot every 1000 entries",
            node_count: 5,
            snapshot_every: 1000,
        },
        Case {
            label: "5 servers, default workload, snapshot every 100 entries",
            node_count: 5,
            snapshot_every: 100,
        },
        Case {
            label: "9 servers, 20 ops/s",
            node_count: 9,
            snapshot_every: 0,
        },
        Case {
            label: "9 servers, 20 ops/s, snapshot every 1000 entries",
            node_count: 9,
            snapshot_every: 1000,
        },
        Case {
            label: "9 servers, 20 ops/s, snapshot every 100 entries",
            node_count: 9,
            snapshot_every: 100,
        },
    ];
    let only = args.next().unwrap_or_default();
    for case in cases.iter().filter(|c| c.label.contains(only.as_str())) {
        measure(case, minutes, seeks);
    }
}

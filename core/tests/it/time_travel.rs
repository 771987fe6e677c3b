//! Time travel: seeking a recorded run to any earlier or later point gives
//! exactly the state a straight run had there, stepping back undoes one step,
//! and acting in the past starts a new future.

use proptest::prelude::*;
use raftlab_core::kv::Operation;
use raftlab_core::raft::{Micros, NodeId};
use raftlab_core::sim::{
    Command, CommandError, Config, ReplayError, Simulation, TimedCommand, WorkloadSpec,
};
use raftlab_core::timeline::Timeline;

/// Checkpoint spacing for these short runs, so seeks cross several.
const EVERY: u64 = 100;
use crate::support::{put, MS};

/// A straight run with a workload, a crash and a restart, sampled every
/// 250 ms: the instants, and the trace hash and position at each.
fn straight_run(seed: u64, until: Micros) -> (Simulation, Vec<(Micros, u64, u64)>) {
    let mut sim = Simulation::new(seed, Config::default()).expect("default config is valid");
    sim.submit(Command::SetWorkload {
        workload: Some(WorkloadSpec::default()),
    })
    .expect("the default workload is valid");
    let mut samples = Vec::new();
    let mut t = 0;
    while t < until {
        t += 250 * MS;
        sim.advance_to(t);
        if t == 2_000 * MS {
            sim.submit(Command::Crash { node: NodeId(2) })
                .expect("S2 is up");
        }
        if t == 3_000 * MS {
            sim.submit(put("x", "after crash"))
                .expect("requests are accepted");
        }
        if t == 4_500 * MS {
            sim.submit(Command::Restart { node: NodeId(2) })
                .expect("S2 is down");
        }
        samples.push((t, sim.trace_hash(), sim.position()));
    }
    (sim, samples)
}

#[test]
fn seeking_back_and_forth_reproduces_every_sampled_state() {
    let (sim, samples) = straight_run(11, 8_000 * MS);
    let end = sim.trace_hash();
    let mut timeline = Timeline::new(sim).with_checkpoint_every(EVERY);
    assert_eq!(timeline.recorded_inputs().len(), 4);
    // Backwards, then in a scrambled order.
    let mut order: Vec<usize> = (0..samples.len()).rev().collect();
    order.extend((0..samples.len()).map(|i| (i * 7) % samples.len()));
    for i in order {
        let (t, hash, position) = samples[i];
        timeline.seek(t).expect("the recorded inputs fit");
        assert_eq!(timeline.now(), t);
        assert_eq!(timeline.position(), position, "position at {t} µs");
        assert_eq!(timeline.sim().trace_hash(), hash, "state at {t} µs");
    }
    assert!(timeline.checkpoint_count() > 5, "seeks left checkpoints");
    timeline.seek(8_000 * MS).expect("the recorded inputs fit");
    assert_eq!(timeline.sim().trace_hash(), end);
}

#[test]
fn stepping_back_undoes_exactly_one_step() {
    let (sim, _) = straight_run(5, 3_000 * MS);
    let inputs = sim.inputs().to_vec();
    // The hash after every step of the same run, taken one step at a time.
    let mut stepper = Simulation::new(5, Config::default()).expect("valid");
    let mut hashes = vec![stepper.trace_hash()];
    while stepper.now() < 3_000 * MS {
        match stepper.step_along(&inputs, 3_000 * MS).expect("fits") {
            Some(_) => hashes.push(stepper.trace_hash()),
            None => break,
        }
    }
    assert!(
        hashes.len() as u64 > 3 * EVERY,
        "the run crosses checkpoints"
    );
    let mut timeline = Timeline::new(sim).with_checkpoint_every(EVERY);
    timeline
        .seek_position(hashes.len() as u64 - 1)
        .expect("fits");
    for position in (0..hashes.len() as u64 - 1).rev().step_by(97) {
        timeline.seek_position(position).expect("fits");
        assert_eq!(timeline.position(), position);
        assert_eq!(
            timeline.sim().trace_hash(),
            hashes[position as usize],
            "position {position}"
        );
        timeline.seek_position(position + 1).expect("fits");
        assert_eq!(
            timeline.sim().trace_hash(),
            hashes[position as usize + 1],
            "forward to {}",
            position + 1
        );
    }
}

#[test]
fn acting_in_the_past_discards_the_recorded_future() {
    let (sim, _) = straight_run(3, 6_000 * MS);
    let mut timeline = Timeline::new(sim).with_checkpoint_every(EVERY);
    timeline.seek(2_500 * MS).expect("fits");
    assert_eq!(
        timeline.recorded_inputs().len(),
        4,
        "seeking keeps the future"
    );
    timeline
        .submit(Command::Timeout { node: NodeId(1) })
        .expect("S1 is up");
    let inputs = timeline.recorded_inputs();
    assert_eq!(inputs.len(), 3, "workload, crash, then the new timeout");
    assert!(matches!(inputs[2].command, Command::Timeout { .. }));
    assert_eq!(timeline.explored_until(), 2_500 * MS);
    // The new future replays like any other.
    timeline.advance_to(4_000 * MS).expect("fits");
    let there = timeline.sim().trace_hash();
    timeline.seek(1_000 * MS).expect("fits");
    timeline.seek(4_000 * MS).expect("fits");
    assert_eq!(timeline.sim().trace_hash(), there);
    let replayed =
        Simulation::replay(3, Config::default(), timeline.recorded_inputs()).expect("fits");
    assert_eq!(replayed.inputs(), timeline.recorded_inputs());
}

#[test]
fn a_failed_command_changes_nothing() {
    let (sim, _) = straight_run(3, 3_000 * MS);
    let mut timeline = Timeline::new(sim).with_checkpoint_every(EVERY);
    timeline.seek(1_000 * MS).expect("fits");
    let before = timeline.sim().trace_hash();
    let err = timeline.submit(Command::Restart { node: NodeId(1) });
    assert_eq!(err.unwrap_err(), CommandError::NotCrashed(NodeId(1)));
    assert_eq!(timeline.recorded_inputs().len(), 3, "the future is kept");
    assert_eq!(timeline.sim().trace_hash(), before);
}

#[test]
fn replay_rejects_input_logs_that_do_not_fit_without_panicking() {
    let timeout = |at, after_event| TimedCommand {
        at,
        after_event,
        command: Command::Timeout { node: NodeId(1) },
    };
    let config = Config::default;
    // An event count the run reaches only after the given instant.
    let too_early = Timeline::replay(1, config(), vec![timeout(1, 500)]);
    assert!(matches!(
        too_early,
        Err(ReplayError::Command(CommandError::Unreachable { .. }))
    ));
    // Inputs out of order.
    let backwards = Timeline::replay(
        1,
        config(),
        vec![timeout(900 * MS, 50), timeout(100 * MS, 50)],
    );
    assert!(backwards.is_err());
    // An instant later than events the log says come after it.
    let late = Timeline::replay(1, config(), vec![timeout(60_000 * MS, 0)]);
    assert!(late.is_err());
    // A command that cannot be carried out.
    let bad = Timeline::replay(
        1,
        config(),
        vec![TimedCommand {
            at: 0,
            after_event: 0,
            command: Command::Crash { node: NodeId(9) },
        }],
    );
    assert_eq!(
        bad.unwrap_err(),
        ReplayError::Command(CommandError::NoSuchNode(NodeId(9)))
    );
    let invalid = Timeline::replay(
        1,
        Config {
            node_count: 0,
            ..Config::default()
        },
        vec![],
    );
    assert!(matches!(invalid, Err(ReplayError::Config(_))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Over many seeds and random user commands: seek to random instants in
    /// random order and always find the straight run's state.
    #[test]
    fn seek_matches_a_straight_run(
        seed in any::<u64>(),
        commands in proptest::collection::vec((1u64..40, 1u32..=5, 0u8..4), 0..8),
        targets in proptest::collection::vec(0u64..4_000, 1..12),
    ) {
        let mut sim = Simulation::new(seed, Config::default()).expect("valid");
        let mut samples = Vec::new();
        let mut sorted = commands.clone();
        sorted.sort();
        let mut target_instants: Vec<Micros> = targets.iter().map(|t| t * MS).collect();
        target_instants.sort();
        let mut pending = target_instants.clone();
        pending.dedup();
        for (hundred_ms, node, kind) in sorted {
            let at = hundred_ms * 100 * MS;
            while let Some(&t) = pending.first().filter(|&&t| t < at) {
                sim.advance_to(t);
                samples.push((t, sim.trace_hash()));
                pending.remove(0);
            }
            sim.advance_to(at);
            let node = NodeId(node);
            let command = match kind {
                0 => Command::Crash { node },
                1 => Command::Restart { node },
                2 => Command::Timeout { node },
                _ => Command::ClientRequest { client: None, target: Some(node), op: Operation::Put { key: "k".into(), value: at.to_string() } },
            };
            let _ = sim.submit(command);
        }
        for t in pending {
            sim.advance_to(t);
            samples.push((t, sim.trace_hash()));
        }
        let mut timeline = Timeline::new(sim).with_checkpoint_every(EVERY);
        samples.reverse();
        for (t, hash) in samples {
            timeline.seek(t).expect("the recorded inputs fit");
            prop_assert_eq!(timeline.sim().trace_hash(), hash, "seed {} at {} µs", seed, t);
        }
    }
}

#[test]
fn checkpoints_thin_out_far_back_and_seeks_stay_exact() {
    let (sim, samples) = straight_run(3, 30_000 * MS);
    let steps = sim.position();
    // Replay from the start so the checkpoints are taken as the run is played.
    let mut timeline = Timeline::new(sim)
        .with_checkpoint_every(EVERY)
        .with_checkpoint_gap_max(8 * EVERY);
    timeline.seek_position(0).expect("the start is reachable");
    timeline.seek(30_000 * MS).expect("the recorded inputs fit");
    let kept = timeline.checkpoint_count() as u64;
    assert!(
        kept < steps / EVERY / 3,
        "{kept} checkpoints kept of {} taken",
        steps / EVERY
    );
    assert!(kept > steps / (8 * EVERY), "at most the widest gap apart");
    // Far back and near the playhead alike, every state is the straight run's.
    for &(t, hash, position) in samples.iter().rev().step_by(3) {
        timeline.seek(t).expect("the recorded inputs fit");
        assert_eq!(timeline.position(), position, "position at {t} µs");
        assert_eq!(timeline.sim().trace_hash(), hash, "state at {t} µs");
        let back = position.saturating_sub(1);
        timeline.seek_position(back).expect("one step back replays");
        assert_eq!(timeline.position(), back);
    }
}

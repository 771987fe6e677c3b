//! The election experiments reproduce what the Raft paper (§9.3, Figure 16)
//! and the thesis (ch. 9) state, with the setup docs/EXPERIMENTS.md gives.

use raftlab_core::experiment::{
    figure16_lines, known_leader_term, split_vote_lines, split_vote_probability, wan_lines,
    Experiment, Line, Measure, Summary, TrialOutcome,
};
use raftlab_core::kv::Operation;
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, Simulation};

/// Runs `lines` (the one labelled `label` of them) to the end from seed 1.
fn run(measure: Measure, lines: Vec<Line>, label: &str) -> (Experiment, Summary) {
    let lines: Vec<Line> = lines.into_iter().filter(|l| l.label == label).collect();
    assert_eq!(lines.len(), 1, "a line {label}");
    let mut experiment = Experiment::new(measure, 1, lines).expect("a valid setup");
    experiment.run_to_end();
    let summary = experiment.summary(0);
    (experiment, summary)
}

fn within(value: f64, target: f64, tolerance: f64) -> bool {
    (value - target).abs() <= tolerance * target
}

#[test]
fn split_votes_happen_as_often_as_the_theses_closed_form_says() {
    for latency in [1, 10, 20] {
        let (_, s) = run(
            Measure::SplitVote,
            split_vote_lines(&[latency], 3_000),
            &format!("latency {latency} ms"),
        );
        let closed = split_vote_probability(5, 4, latency * 1_000, 100_000);
        let measured = s.split_vote_rate();
        assert!(
            (measured - closed).abs() <= 0.01,
            "{latency} ms: {measured:.4} measured, {closed:.4} closed form"
        );
    }
}

#[test]
fn figure_16_a_little_randomness_150_155_ms_gives_a_median_near_287_ms() {
    let (_, s) = run(Measure::Downtime, figure16_lines(false, None), "150–155 ms");
    assert_eq!(s.trials, 1_000);
    let median_ms = s.median_us as f64 / 1_000.0;
    assert!(within(median_ms, 287.0, 0.15), "median {median_ms} ms");
}

#[test]
fn figure_16_bottom_12_24_ms_gives_a_mean_near_35_ms_and_a_worst_near_152_ms() {
    let (_, s) = run(Measure::Downtime, figure16_lines(true, None), "12–24 ms");
    let (mean, worst) = (s.mean_us / 1_000.0, s.max_us as f64 / 1_000.0);
    assert!(within(mean, 35.0, 0.15), "mean {mean} ms");
    assert!(within(worst, 152.0, 0.25), "worst {worst} ms");
}

#[test]
fn figure_16_no_randomness_150_150_ms_takes_over_ten_seconds() {
    let (_, s) = run(
        Measure::Downtime,
        figure16_lines(false, Some(30)),
        "150–150 ms",
    );
    assert!(
        s.median_us > 10_000_000,
        "median {} ms",
        s.median_us / 1_000
    );
}

#[test]
fn the_wan_figures_of_the_thesis_come_out_within_fifteen_percent() {
    for (label, mean_ms, p999_ms) in [("1 failed", 475.0, 1_500), ("2 failed", 650.0, 3_000)] {
        let (_, s) = run(Measure::Downtime, wan_lines(10_000), label);
        let mean = s.mean_us / 1_000.0;
        assert!(within(mean, mean_ms, 0.15), "{label}: mean {mean} ms");
        assert!(
            s.fraction_within(p999_ms * 1_000) >= 0.999,
            "{label}: 99.9 % within {p999_ms} ms"
        );
    }
}

#[test]
fn a_trial_opened_in_the_playground_shows_the_downtime_it_measured() {
    let (experiment, s) = run(
        Measure::Downtime,
        figure16_lines(false, Some(40)),
        "150–175 ms",
    );
    let worst = s.worst_trial.expect("trials ran");
    let run = experiment.trial_run(0, worst).expect("the trial's run");
    let crash_at = experiment.trial_crash_at(0, worst).expect("its crash");
    let measured = experiment.results(0)[worst as usize].outcome;
    let mut sim = Simulation::replay(run.seed, run.config, &run.inputs).expect("it replays");
    let survivors: Vec<NodeId> = (2..=5).map(NodeId).collect();
    let known_at = loop {
        let record = sim.step().expect("the run goes on");
        if known_leader_term(&sim, &survivors).is_some() {
            break record.at;
        }
    };
    assert_eq!(
        TrialOutcome::Elected {
            downtime_us: known_at - crash_at,
            split_vote: matches!(
                measured,
                TrialOutcome::Elected {
                    split_vote: true,
                    ..
                }
            ),
        },
        measured
    );
}

/// The recipe docs/EXPERIMENTS.md gives for differing logs mid-run: cut the
/// leader and two followers off from the other two, have it commit a
/// request on its side (three of five), heal and crash it at once. The two
/// left out hold a shorter log, so only the other two survivors can win.
#[test]
fn servers_get_differing_logs_mid_run_by_a_partition_and_a_request() {
    let mut sim = Simulation::new(4, Config::default()).expect("the default is valid");
    sim.advance_to(2_000_000);
    let leader = sim.leader().expect("a leader after two seconds");
    let others: Vec<NodeId> = (1..=5).map(NodeId).filter(|&n| n != leader).collect();
    let (with_leader, left_out) = others.split_at(2);
    let mut side = vec![leader];
    side.extend_from_slice(with_leader);
    sim.submit(Command::Partition {
        groups: vec![side, left_out.to_vec()],
    })
    .expect("a partition of servers that exist");
    sim.submit(Command::ClientRequest {
        client: None,
        target: Some(leader),
        op: Operation::Put {
            key: "x".into(),
            value: "1".into(),
        },
    })
    .expect("a put to the leader");
    sim.advance_to(sim.now() + 500_000);
    sim.submit(Command::Heal).expect("heal");
    sim.submit(Command::Crash { node: leader })
        .expect("the leader is up");
    let view = sim.view();
    let log_len = |id: NodeId| view.node(id).map(|n| n.log_len).expect("in the view");
    for &short in left_out {
        for &long in with_leader {
            assert!(
                log_len(short) < log_len(long),
                "{short} lacks the put {long} holds"
            );
        }
    }
    sim.advance_to(sim.now() + 5_000_000);
    let new_leader = sim.leader().expect("a new leader within five seconds");
    assert!(
        with_leader.contains(&new_leader),
        "{new_leader} holds the longest log"
    );
}

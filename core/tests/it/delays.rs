//! Timer jitter and disk writes (`Config::delays`): off, a run is what it
//! always was; on, timers fire late within the jitter and messages wait for
//! the disk write of the step that sent them.

use raftlab_core::raft::{NodeId, Role};
use raftlab_core::sim::{Config, ConfigError, DelayModel, EventKind, Simulation};

const MS: u64 = 1_000;

fn with_delays(delays: DelayModel) -> Config {
    Config {
        delays,
        ..Config::default()
    }
}

/// When the first leader of `config` under `seed` takes office.
fn first_leader_at(seed: u64, config: Config) -> u64 {
    let mut sim = Simulation::new(seed, config).expect("a valid config");
    while sim.now() < 10_000 * MS {
        let Some(record) = sim.step() else { break };
        if record.transitions.iter().any(|(_, t)| t.to == Role::Leader) {
            return record.at;
        }
    }
    panic!("seed {seed}: no leader in 10 s");
}

#[test]
fn timers_fire_late_within_the_jitter_and_never_early() {
    let jitter = 3 * MS;
    let mut sim = Simulation::new(
        8,
        with_delays(DelayModel {
            timer_jitter_us_max: jitter,
            ..DelayModel::default()
        }),
    )
    .unwrap();
    let (mut fired, mut late) = (0, 0);
    while sim.now() < 3_000 * MS {
        let deadlines: Vec<(NodeId, Option<u64>)> = sim
            .view()
            .nodes
            .iter()
            .map(|n| (n.id, n.election_deadline))
            .collect();
        let Some(record) = sim.step() else { break };
        let EventKind::NodeTimer(id) = record.event else {
            continue;
        };
        let Some((_, Some(deadline))) = deadlines.into_iter().find(|(n, _)| *n == id) else {
            continue;
        };
        if record.at < deadline {
            // A wake-up for a leader's heartbeat, not its election timer.
            continue;
        }
        fired += 1;
        assert!(
            record.at <= deadline + jitter,
            "{} after {deadline}",
            record.at
        );
        late += usize::from(record.at > deadline);
    }
    assert!(
        fired > 0 && late > 0,
        "{fired} election timers fired, {late} late"
    );
}

#[test]
fn a_vote_waits_for_two_disk_writes_the_candidates_and_the_voters() {
    let disk = 5 * MS;
    let plain = first_leader_at(3, Config::default());
    let slow = first_leader_at(
        3,
        with_delays(DelayModel {
            disk_write_us_min: disk,
            disk_write_us_max: disk,
            ..DelayModel::default()
        }),
    );
    assert!(
        slow >= plain + 2 * disk,
        "a leader at {slow} µs with 5 ms writes, at {plain} µs without"
    );
}

#[test]
fn delays_off_draw_nothing_and_hash_the_same() {
    let run = |config: Config| {
        let mut sim = Simulation::new(21, config).unwrap();
        sim.advance_to(2_000 * MS);
        (sim.trace_hash(), sim.position())
    };
    assert_eq!(
        run(Config::default()),
        run(with_delays(DelayModel::default()))
    );
    let jittery = with_delays(DelayModel {
        timer_jitter_us_max: MS,
        ..DelayModel::default()
    });
    assert_ne!(run(Config::default()), run(jittery));
}

#[test]
fn delay_ranges_are_checked() {
    let refused = |delays: DelayModel| with_delays(delays).validate();
    assert_eq!(
        refused(DelayModel {
            disk_write_us_min: 2,
            disk_write_us_max: 1,
            ..DelayModel::default()
        }),
        Err(ConfigError::ModelDelay("disk write"))
    );
    assert_eq!(
        refused(DelayModel {
            timer_jitter_us_max: u64::MAX,
            ..DelayModel::default()
        }),
        Err(ConfigError::ModelDelay("timer jitter"))
    );
}

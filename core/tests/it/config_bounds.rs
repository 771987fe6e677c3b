//! Every duration, count and starting term a configuration (or a link fault)
//! may give is bounded: at its maximum a run goes on for a while without an
//! arithmetic overflow (these tests run in debug builds, where an overflow
//! panics), and one past it is refused with the field and its range named.

use crate::support::{Checked, MS};
use raftlab_core::raft::Term;
use raftlab_core::sim::{
    Command, Config, ConfigError, DelayModel, InitialServer, InitialState, LinkFaults, Simulation,
    WorkloadSpec, DURATION_US_MAX, ENTRIES_PER_APPEND_MAX, INFLIGHT_APPENDS_MAX,
    MODEL_DELAY_US_MAX, SNAPSHOT_EVERY_MAX, TERM_MAX,
};

/// The default cluster with every timing as long as allowed, so a field's
/// own maximum stays valid beside it.
fn slow() -> Config {
    Config {
        election_timeout_us_min: DURATION_US_MAX,
        election_timeout_us_max: DURATION_US_MAX,
        heartbeat_interval_us: DURATION_US_MAX / 2,
        ..Config::default()
    }
}

/// Runs `config` with a busy workload and the safety checker for `run_us`
/// of virtual time: it must neither panic nor break a property.
fn runs_for(config: Config, run_us: u64) {
    let mut checked = Checked::new(16, config);
    checked.apply(Command::SetWorkload {
        workload: Some(WorkloadSpec {
            ops_per_second: 20,
            ..WorkloadSpec::default()
        }),
    });
    checked.run_ok(run_us);
}

/// `config` is refused, naming `field` and the range `1..=max` (or `0..=max`).
fn refused(config: Config, field: &str, max: u64) {
    let error = config.validate().expect_err("over its bound");
    match &error {
        ConfigError::OutOfRange {
            field: named,
            max: allowed,
            ..
        } => {
            assert_eq!(*named, field);
            assert_eq!(*allowed, max);
        }
        other => panic!("{field}: expected an out-of-range error, got {other:?}"),
    }
    let message = error.to_string();
    assert!(message.contains(field), "{message}");
    assert!(message.contains(&max.to_string()), "{message}");
    assert!(
        Simulation::new(1, config).is_err(),
        "{field}: a run refuses it too"
    );
}

#[test]
fn election_timeout_at_its_bound_runs_and_past_it_is_refused() {
    runs_for(slow(), 3 * DURATION_US_MAX);
    let past = Config {
        election_timeout_us_max: DURATION_US_MAX + 1,
        ..slow()
    };
    refused(past, "election_timeout_us_max", DURATION_US_MAX);
    let past_min = Config {
        election_timeout_us_min: DURATION_US_MAX + 1,
        election_timeout_us_max: DURATION_US_MAX + 1,
        ..slow()
    };
    refused(past_min, "election_timeout_us_min", DURATION_US_MAX);
}

#[test]
fn heartbeat_interval_at_its_bound_runs_and_past_it_is_refused() {
    let config = Config {
        heartbeat_interval_us: DURATION_US_MAX - 1,
        ..slow()
    };
    runs_for(config.clone(), 3 * DURATION_US_MAX);
    let past = Config {
        heartbeat_interval_us: DURATION_US_MAX + 1,
        ..config
    };
    refused(past, "heartbeat_interval_us", DURATION_US_MAX);
}

#[test]
fn latency_at_its_bound_runs_and_past_it_is_refused() {
    let config = Config {
        latency_us_min: DURATION_US_MAX,
        latency_us_max: DURATION_US_MAX,
        client_timeout_us: DURATION_US_MAX,
        ..slow()
    };
    runs_for(config.clone(), 3 * DURATION_US_MAX);
    let past = Config {
        latency_us_max: DURATION_US_MAX + 1,
        ..config.clone()
    };
    refused(past, "latency_us_max", DURATION_US_MAX);
    let past_min = Config {
        latency_us_min: DURATION_US_MAX + 1,
        latency_us_max: DURATION_US_MAX + 1,
        ..config
    };
    refused(past_min, "latency_us_min", DURATION_US_MAX);
}

#[test]
fn client_timeout_at_its_bound_runs_and_past_it_is_refused() {
    let config = Config {
        client_timeout_us: DURATION_US_MAX,
        ..Config::default()
    };
    runs_for(config.clone(), 20_000 * MS);
    let past = Config {
        client_timeout_us: DURATION_US_MAX + 1,
        ..config
    };
    refused(past, "client_timeout_us", DURATION_US_MAX);
}

#[test]
fn batch_and_window_at_their_bounds_run_and_past_them_are_refused() {
    let config = Config {
        max_entries_per_append: ENTRIES_PER_APPEND_MAX,
        max_inflight_appends: INFLIGHT_APPENDS_MAX,
        ..Config::default()
    };
    runs_for(config.clone(), 20_000 * MS);
    let big_batch = Config {
        max_entries_per_append: ENTRIES_PER_APPEND_MAX + 1,
        ..config.clone()
    };
    refused(
        big_batch,
        "max_entries_per_append",
        ENTRIES_PER_APPEND_MAX as u64,
    );
    let wide_window = Config {
        max_inflight_appends: INFLIGHT_APPENDS_MAX + 1,
        ..config
    };
    refused(
        wide_window,
        "max_inflight_appends",
        INFLIGHT_APPENDS_MAX as u64,
    );
}

#[test]
fn snapshot_interval_at_its_bound_runs_and_past_it_is_refused() {
    let config = Config {
        snapshot_every: SNAPSHOT_EVERY_MAX,
        ..Config::default()
    };
    runs_for(config.clone(), 20_000 * MS);
    let past = Config {
        snapshot_every: SNAPSHOT_EVERY_MAX + 1,
        ..config
    };
    refused(past, "snapshot_every", SNAPSHOT_EVERY_MAX);
}

/// Three servers starting in `term` with empty logs.
fn starting_in(term: u64) -> Config {
    let server = InitialServer {
        current_term: Term(term),
        ..InitialServer::default()
    };
    Config {
        node_count: 3,
        initial: Some(InitialState {
            servers: vec![server; 3],
        }),
        ..Config::default()
    }
}

#[test]
fn a_starting_term_at_its_bound_runs_and_past_it_is_refused() {
    runs_for(starting_in(TERM_MAX), 20_000 * MS);
    refused(starting_in(TERM_MAX + 1), "initial.current_term", TERM_MAX);
    refused(starting_in(u64::MAX), "initial.current_term", TERM_MAX);
}

#[test]
fn model_delays_at_their_bound_run_and_past_it_are_refused() {
    let config = Config {
        delays: DelayModel {
            timer_jitter_us_max: MODEL_DELAY_US_MAX,
            disk_write_us_min: MODEL_DELAY_US_MAX,
            disk_write_us_max: MODEL_DELAY_US_MAX,
        },
        ..slow()
    };
    runs_for(config.clone(), 3 * DURATION_US_MAX);
    let jitter = Config {
        delays: DelayModel {
            timer_jitter_us_max: MODEL_DELAY_US_MAX + 1,
            ..config.delays
        },
        ..config.clone()
    };
    assert_eq!(
        jitter.validate(),
        Err(ConfigError::ModelDelay("timer jitter"))
    );
    let disk = Config {
        delays: DelayModel {
            disk_write_us_max: MODEL_DELAY_US_MAX + 1,
            ..config.delays
        },
        ..config
    };
    assert_eq!(disk.validate(), Err(ConfigError::ModelDelay("disk write")));
}

#[test]
fn link_delays_at_their_bound_run_and_past_it_are_refused() {
    let faults = LinkFaults {
        duplicate_per_mille: 500,
        extra_delay_us: DURATION_US_MAX,
        latency_us: Some((DURATION_US_MAX, DURATION_US_MAX)),
        ..LinkFaults::default()
    };
    let mut checked = Checked::new(16, slow());
    checked.apply(Command::SetNetworkFaults { faults });
    checked.run_ok(3 * DURATION_US_MAX);
    for past in [
        LinkFaults {
            extra_delay_us: DURATION_US_MAX + 1,
            ..faults
        },
        LinkFaults {
            latency_us: Some((0, DURATION_US_MAX + 1)),
            ..faults
        },
        LinkFaults {
            extra_delay_us: u64::MAX,
            ..faults
        },
    ] {
        assert!(!past.is_valid(), "{past:?}");
        let error = checked
            .sim
            .submit(Command::SetNetworkFaults { faults: past })
            .expect_err("refused");
        assert!(error.to_string().contains("3600 s"), "{error}");
    }
}

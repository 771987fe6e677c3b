//! `Command::Configure` changes a running cluster's parameters from its
//! instant on: Raft options take effect on running and restarted servers,
//! timer draws and latencies follow the new ranges, and what cannot change
//! mid-run (the cluster's size, its state machine) or cannot run at all is
//! refused, leaving the run as it was. The leader's side of a change (its
//! lease, pending reads, CheckQuorum count) is checked on bare nodes.

use crate::bare::{options_config, Cluster, TIMEOUT};
use crate::support::{Checked, MS};
use raftlab_core::app::{Input, PersistentState};
use raftlab_core::kv::{ClientId, ClientRequest, Operation, StateMachine};
use raftlab_core::raft::{
    NodeConfig, NodeId, ProposalOutcome, RaftOptions, ReadMode, Role, TransitionCause,
};
use raftlab_core::sim::{
    Command, CommandError, Config, ConfigError, Endpoint, InitialServer, InitialState,
};

fn configure(config: Config) -> Command {
    Command::Configure {
        config: Box::new(config),
    }
}

fn with_options(raft: RaftOptions) -> Config {
    Config {
        raft,
        ..Config::default()
    }
}

fn pre_vote_on() -> Config {
    with_options(RaftOptions {
        pre_vote: true,
        ..RaftOptions::default()
    })
}

fn a_follower(leader: NodeId) -> NodeId {
    (1..=5)
        .map(NodeId)
        .find(|id| *id != leader)
        .expect("five servers")
}

#[test]
fn pre_vote_switched_on_mid_run_makes_a_forced_timeout_a_pre_candidate() {
    let mut c = Checked::five(41);
    let leader = c.run_until_leader(2_000 * MS);
    let follower = a_follower(leader);
    // Without the change, a forced timeout makes a candidate.
    let mut unchanged = c.sim.clone();
    unchanged
        .submit(Command::Timeout { node: follower })
        .expect("valid");
    assert_eq!(
        unchanged.node(follower).map(|n| n.role()),
        Some(Role::Candidate)
    );

    c.apply(configure(pre_vote_on()));
    assert!(c.sim.current_config().raft.pre_vote);
    assert!(
        !c.sim.config().raft.pre_vote,
        "the run still started without"
    );
    let record = c
        .sim
        .submit(Command::Timeout { node: follower })
        .expect("valid");
    let node = c.sim.node(follower).expect("up");
    assert_eq!(node.role(), Role::PreCandidate);
    assert!(record
        .transitions
        .iter()
        .any(|(id, t)| *id == follower && t.to == Role::PreCandidate));
    c.run_ok(c.sim.now() + 500 * MS);
    assert_eq!(c.sim.leader(), Some(leader), "a pre-vote cannot depose it");

    // A crashed server restarts with the configuration in force.
    let other = (1..=5)
        .map(NodeId)
        .find(|id| *id != leader && *id != follower)
        .expect("five servers");
    c.apply(Command::Crash { node: other });
    c.apply(Command::Restart { node: other });
    c.apply(Command::Timeout { node: other });
    assert_eq!(
        c.sim.node(other).map(|n| n.role()),
        Some(Role::PreCandidate)
    );
}

#[test]
fn new_election_timeouts_apply_to_the_next_draw_and_the_current_deadlines_stay() {
    let mut c = Checked::five(42);
    let leader = c.run_until_leader(2_000 * MS);
    let before: Vec<_> = c
        .sim
        .running_nodes()
        .map(|n| n.election_deadline())
        .collect();
    let slow = Config {
        election_timeout_us_min: 400 * MS,
        election_timeout_us_max: 450 * MS,
        ..Config::default()
    };
    c.apply(configure(slow));
    let after: Vec<_> = c
        .sim
        .running_nodes()
        .map(|n| n.election_deadline())
        .collect();
    assert_eq!(after, before, "timers already running keep their deadlines");
    // Every heartbeat resets a follower's timer with a fresh draw.
    c.run_ok(c.sim.now() + 300 * MS);
    for node in c.sim.running_nodes().filter(|n| n.id() != leader) {
        let drawn = node.election_timeout_us();
        assert!(
            (400 * MS..=450 * MS).contains(&drawn),
            "{} drew {drawn} µs",
            node.id()
        );
    }
    // The new timeouts govern elections too: without heartbeats the first
    // follower to stand does so no sooner than 400 ms after the last one.
    c.apply(Command::Crash { node: leader });
    let crashed_at = c.sim.now();
    let mut campaigned_at = None;
    while campaigned_at.is_none() {
        let record = c.sim.step().expect("timers run");
        if record
            .transitions
            .iter()
            .any(|(_, t)| t.cause == TransitionCause::TimesOut)
        {
            campaigned_at = Some(record.at);
        }
    }
    // A follower's last reset came with the last heartbeat to reach it: at
    // most an interval before the crash, or a hop after it.
    let waited = campaigned_at.unwrap_or_default() - crashed_at;
    let defaults = Config::default();
    assert!(waited <= 450 * MS + defaults.latency_us_max, "{waited} µs");
    assert!(
        waited >= 400 * MS - defaults.heartbeat_interval_us - defaults.latency_us_max,
        "{waited} µs"
    );
}

#[test]
fn a_new_latency_range_applies_to_packets_sent_after_it() {
    let mut c = Checked::five(43);
    c.run_until_leader(2_000 * MS);
    let changed_at = c.sim.now();
    c.apply(configure(Config {
        latency_us_min: 30 * MS,
        latency_us_max: 35 * MS,
        ..Config::default()
    }));
    c.run_ok(c.sim.now() + 200 * MS);
    let view = c.sim.view();
    let sent_later: Vec<_> = view
        .messages
        .iter()
        .filter(|m| m.sent_at > changed_at)
        .collect();
    assert!(!sent_later.is_empty(), "heartbeats are flying");
    for message in sent_later {
        let latency = message.deliver_at - message.sent_at;
        assert!((30 * MS..=35 * MS).contains(&latency), "{latency} µs");
    }
}

#[test]
fn check_quorum_switched_on_makes_an_isolated_leader_step_down() {
    let mut c = Checked::five(44);
    let leader = c.run_until_leader(2_000 * MS);
    let others: Vec<NodeId> = (1..=5).map(NodeId).filter(|id| *id != leader).collect();
    c.apply(Command::Partition {
        groups: vec![vec![leader], others],
    });
    let mut unchanged = c.sim.clone();
    unchanged.advance_to(unchanged.now() + 1_000 * MS);
    assert_eq!(
        unchanged.node(leader).map(|n| n.role()),
        Some(Role::Leader),
        "without CheckQuorum it never learns it is alone"
    );

    c.apply(configure(with_options(RaftOptions {
        check_quorum: true,
        ..RaftOptions::default()
    })));
    let changed_at = c.sim.now();
    c.run_ok(changed_at + 1_000 * MS);
    let node = c.sim.node(leader).expect("up");
    assert_ne!(node.role(), Role::Leader, "alone, it campaigns in vain");
    let stepped_down = c
        .sim
        .view()
        .node(leader)
        .expect("exists")
        .transitions
        .iter()
        .find(|t| t.transition.cause == TransitionCause::LosesQuorum)
        .map(|t| t.at)
        .expect("it lost its quorum");
    // Nobody was counting before: the first check covers a whole interval
    // from the change, and nobody was heard in it.
    let interval = Config::default().election_timeout_us_min;
    assert_eq!(stepped_down, changed_at + interval);
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one refusal after another, each checked on the same run"
)]
fn size_state_machine_and_invalid_changes_are_refused_and_leave_no_trace() {
    let mut c = Checked::five(45);
    c.run_until_leader(2_000 * MS);
    c.apply(configure(pre_vote_on()));
    let inputs = c.sim.inputs().to_vec();
    let hash = c.sim.trace_hash();
    let refused = [
        (
            Config {
                node_count: 3,
                ..pre_vote_on()
            },
            CommandError::NodeCountFixed {
                current: 5,
                requested: 3,
            },
        ),
        (
            Config {
                state_machine: StateMachine::Toy,
                ..pre_vote_on()
            },
            CommandError::StateMachineFixed,
        ),
        (
            Config {
                initial: Some(InitialState {
                    servers: vec![InitialServer::default(); 5],
                }),
                ..pre_vote_on()
            },
            CommandError::InitialStateFixed,
        ),
        (
            with_options(RaftOptions {
                read_mode: ReadMode::Lease,
                check_quorum: false,
                ..RaftOptions::default()
            }),
            CommandError::InvalidConfig(ConfigError::LeaseWithoutCheckQuorum),
        ),
        (
            Config {
                heartbeat_interval_us: 200 * MS,
                ..Config::default()
            },
            CommandError::InvalidConfig(ConfigError::HeartbeatTooSlow),
        ),
    ];
    for (config, error) in refused {
        assert_eq!(
            c.sim.submit(configure(config)),
            Err(error.clone()),
            "{error}"
        );
        assert_eq!(c.sim.inputs(), &inputs[..], "{error}: no input recorded");
        assert_eq!(c.sim.trace_hash(), hash, "{error}: no step");
        assert!(
            c.sim.current_config().raft.pre_vote,
            "{error}: nothing changed"
        );
    }
    let size = CommandError::NodeCountFixed {
        current: 5,
        requested: 3,
    }
    .to_string();
    assert!(
        size.contains("AddServer") && size.contains("RemoveServer"),
        "{size}"
    );
    let machine = CommandError::StateMachineFixed.to_string();
    assert!(machine.contains("state machine"), "{machine}");
    let lease = CommandError::InvalidConfig(ConfigError::LeaseWithoutCheckQuorum).to_string();
    assert!(lease.contains("CheckQuorum"), "{lease}");
}

#[test]
fn configure_reads_as_its_changes_from_the_defaults() {
    let command = configure(Config {
        heartbeat_interval_us: 40 * MS,
        ..pre_vote_on()
    });
    assert_eq!(
        command.to_string(),
        "configure: the defaults but heartbeat_interval_us = 40000, raft.pre_vote = true"
    );
    assert_eq!(
        configure(Config::default()).to_string(),
        "configure: the defaults"
    );
}

#[test]
fn a_client_timeout_change_applies_to_the_next_request() {
    let mut c = Checked::five(46);
    let leader = c.run_until_leader(2_000 * MS);
    c.apply(configure(Config {
        client_timeout_us: 100 * MS,
        ..Config::default()
    }));
    // Sent to a server that is down, the request waits out the new timeout.
    let follower = a_follower(leader);
    c.apply(Command::Crash { node: follower });
    let sent_at = c.sim.now();
    c.apply(Command::ClientRequest {
        client: Some(ClientId(2)),
        target: Some(follower),
        op: Operation::Get { key: "x".into() },
    });
    let mut retried_at = None;
    while retried_at.is_none() {
        let record = c.sim.step().expect("the client waits");
        if let raftlab_core::sim::EventKind::Delivered(p) = &record.event {
            if p.from == Endpoint::Client(ClientId(2)) && p.to != Endpoint::Node(follower) {
                retried_at = Some(p.sent_at);
            }
        }
    }
    assert_eq!(retried_at, Some(sent_at + 100 * MS));
}

// ---- The leader's side, on bare nodes ----

fn lease_config(id: u32, n: u32) -> NodeConfig {
    options_config(
        id,
        n,
        RaftOptions {
            read_mode: ReadMode::Lease,
            check_quorum: true,
            ..RaftOptions::default()
        },
    )
}

fn read_index_config(id: u32, n: u32) -> NodeConfig {
    options_config(
        id,
        n,
        RaftOptions {
            read_mode: ReadMode::ReadIndex,
            ..RaftOptions::default()
        },
    )
}

fn read(seq: u64) -> Input {
    Input::propose(ClientRequest {
        client: ClientId(1),
        seq,
        op: Operation::Get { key: "x".into() },
    })
}

#[test]
fn a_leader_whose_lease_rules_change_forgets_its_lease() {
    let mut c = Cluster::with_config(&vec![PersistentState::default(); 3], lease_config);
    c.elect(1);
    let ready = c.input(1, read(1));
    assert_eq!(ready.proposal, Some(ProposalOutcome::ReadPending));
    assert_eq!(ready.reads.len(), 1, "the election round gave it a lease");

    // A change the lease does not rest on keeps it.
    let faster_heartbeats = NodeConfig {
        heartbeat_interval_us: crate::bare::HEARTBEAT / 2,
        ..lease_config(1, 3)
    };
    let now = c.now;
    c.nodes
        .get_mut(&NodeId(1))
        .expect("up")
        .reconfigure(now, faster_heartbeats);
    assert_eq!(c.input(1, read(2)).reads.len(), 1);

    // Followers answered under a shorter election timeout: that round
    // cannot vouch for the longer lease the new one would give.
    let longer = NodeConfig {
        election_timeout_us_min: 2 * TIMEOUT,
        ..lease_config(1, 3)
    };
    c.nodes
        .get_mut(&NodeId(1))
        .expect("up")
        .reconfigure(now, longer);
    let ready = c.input(1, read(3));
    assert_eq!(ready.proposal, Some(ProposalOutcome::ReadPending));
    assert!(ready.reads.is_empty(), "it must confirm a round first");
    assert_eq!(c.node(1).pending_reads().len(), 1);
    c.deliver_all();
    assert!(
        c.node(1).pending_reads().is_empty(),
        "a fresh round answers it"
    );
}

#[test]
fn reads_waiting_for_read_index_are_answered_after_a_switch_to_the_log() {
    let mut c = Cluster::with_config(&vec![PersistentState::default(); 3], read_index_config);
    c.elect(1);
    let length = c.node(1).log().last_index();
    let ready = c.input(1, read(1));
    assert_eq!(ready.proposal, Some(ProposalOutcome::ReadPending));
    assert_eq!(c.node(1).pending_reads().len(), 1);
    let through_the_log = NodeConfig {
        options: RaftOptions {
            read_mode: ReadMode::Log,
            ..read_index_config(1, 3).options
        },
        ..read_index_config(1, 3)
    };
    let now = c.now;
    c.nodes
        .get_mut(&NodeId(1))
        .expect("up")
        .reconfigure(now, through_the_log);
    c.deliver_all();
    assert!(
        c.node(1).pending_reads().is_empty(),
        "the round it waited for still answers it"
    );
    assert_eq!(c.node(1).log().last_index(), length, "without a log entry");
    // New reads go through the log.
    let ready = c.input(1, read(2));
    assert!(matches!(
        ready.proposal,
        Some(ProposalOutcome::Accepted { .. })
    ));
}

#[test]
fn a_reconfigured_node_keeps_its_id_and_membership() {
    let mut c = Cluster::fresh(3);
    c.elect(1);
    let membership = c.node(1).membership().clone();
    let elsewhere = NodeConfig {
        members: vec![NodeId(1)],
        max_entries_per_append: 1,
        ..crate::bare::config(1, 3)
    };
    let now = c.now;
    c.nodes
        .get_mut(&NodeId(1))
        .expect("up")
        .reconfigure(now, elsewhere);
    assert_eq!(c.node(1).id(), NodeId(1));
    assert_eq!(c.node(1).membership(), &membership);
    for seq in 1..=3 {
        c.input(1, Input::propose(crate::bare::request(seq)));
    }
    assert!(
        c.queue
            .iter()
            .all(|(_, _, m)| crate::bare::entries_carried(m) <= 1),
        "the new batch size is in force"
    );
}

//! The commands that act on one packet in flight: `DropMessage` loses it
//! (shown doomed until its delivery instant, then dropped like any packet the
//! network loses) and `DuplicateMessage` sends one more copy. Raft repairs
//! the first and is unharmed by the second, with the safety checker on after
//! every event. A packet that is not in flight is an error that leaves the
//! run as it was.

use crate::support::{put, Checked, MS};
use raftlab_core::app::{AppendEntries, Message};
use raftlab_core::kv::{ClientId, Operation, StateMachine, ToyOp, ToyState};
use raftlab_core::raft::{LogIndex, NodeId};
use raftlab_core::sim::{
    Command, CommandError, Config, Endpoint, EventKind, Packet, Payload, StepRecord,
};

/// Steps `c` until a packet in flight matches `wanted`, checking every step.
fn run_until_in_flight(c: &mut Checked, wanted: impl Fn(&Packet) -> bool) -> Packet {
    let deadline = c.sim.now() + 1_000 * MS;
    while c.sim.now() < deadline {
        if let Some(found) = c.sim.packets_in_flight().find(|p| wanted(p)).cloned() {
            return found;
        }
        step_checked(c).expect("the cluster is busy");
    }
    panic!("seed {}: no such packet by {deadline} µs", c.sim.seed());
}

/// One step, with the safety checker on.
fn step_checked(c: &mut Checked) -> Option<StepRecord> {
    let record = c.sim.step()?;
    let found = c.checker.observe(&c.sim, &record);
    assert!(found.is_empty(), "seed {}: {}", c.sim.seed(), found[0]);
    Some(record)
}

/// The packet a step took off the wire, whatever became of it.
fn packet_of(record: &StepRecord) -> Option<u64> {
    match &record.event {
        EventKind::Delivered(p)
        | EventKind::Lost(p)
        | EventKind::Dropped(p)
        | EventKind::Held(p) => Some(p.id),
        _ => None,
    }
}

fn has_entry(c: &Checked, node: NodeId, index: LogIndex) -> bool {
    c.sim
        .node(node)
        .is_some_and(|n| n.log().last_index() >= index)
}

#[test]
fn a_dropped_append_entries_is_doomed_at_once_never_arrives_and_the_leader_retries() {
    let mut c = Checked::five(31);
    let leader = c.run_until_leader(2_000 * MS);
    c.apply(put("k", "v"));
    let batch = run_until_in_flight(&mut c, |m| {
        m.from == Endpoint::Node(leader)
            && matches!(&m.payload, Payload::Raft(Message::AppendEntries(AppendEntries { entries, .. })) if !entries.is_empty())
    });
    let Endpoint::Node(follower) = batch.to else {
        panic!("AppendEntries go to servers");
    };
    let Payload::Raft(Message::AppendEntries(AppendEntries { entries, .. })) = &batch.payload
    else {
        unreachable!("matched above");
    };
    let index = entries.last().expect("not empty").index;
    assert!(!c.sim.will_lose(&batch), "the network had no faults");
    assert!(!has_entry(&c, follower, index));

    c.apply(Command::DropMessage { id: batch.id });
    let shown = c.sim.view().messages.into_iter().find(|m| m.id == batch.id);
    let shown = shown.expect("still flying");
    assert!(shown.doomed, "shown doomed from the command on");
    assert_eq!(shown.deliver_at, batch.deliver_at, "it keeps its course");

    let fate = loop {
        let record = step_checked(&mut c).expect("the batch is due");
        if packet_of(&record) == Some(batch.id) {
            break record;
        }
    };
    assert_eq!(fate.at, batch.deliver_at);
    assert!(
        matches!(&fate.event, EventKind::Dropped(p) if p.id == batch.id),
        "lost at its delivery instant: {:?}",
        fate.event
    );
    assert!(
        !has_entry(&c, follower, index),
        "the follower did not get the entry from it"
    );

    // The leader notices the silence and sends the entry again.
    let mut redelivered = false;
    let until = c.sim.now() + 1_000 * MS;
    while c.sim.now() < until {
        let Some(record) = step_checked(&mut c) else {
            break;
        };
        assert_ne!(packet_of(&record), Some(batch.id), "never seen again");
        if let EventKind::Delivered(p) = &record.event {
            redelivered |= p.to == Endpoint::Node(follower)
                && matches!(&p.payload, Payload::Raft(Message::AppendEntries(AppendEntries { entries, .. }))
                    if entries.iter().any(|e| e.index == index));
        }
    }
    assert!(redelivered, "the leader retried");
    let leader_node = c.sim.node(leader).expect("up");
    let follower_node = c.sim.node(follower).expect("up");
    assert_eq!(
        follower_node.log(),
        leader_node.log(),
        "the follower converged"
    );
    assert_eq!(follower_node.commit_index(), leader_node.commit_index());
    assert_eq!(c.sim.kv(follower).and_then(|kv| kv.get("k")), Some("v"));
}

#[test]
fn a_duplicated_client_request_arrives_twice_and_is_applied_once() {
    // On the toy machine X swaps A and B: applied twice, it would end in A.
    let config = Config {
        state_machine: StateMachine::Toy,
        ..Config::default()
    };
    let mut c = Checked::new(32, config);
    let leader = c.run_until_leader(2_000 * MS);
    c.apply(Command::ClientRequest {
        client: None,
        target: Some(leader),
        op: Operation::Toy { op: ToyOp::X },
    });
    let original = run_until_in_flight(&mut c, |m| {
        matches!(m.payload, Payload::Request(_)) && m.to == Endpoint::Node(leader)
    });
    let inputs = c.sim.inputs().len();
    c.apply(Command::DuplicateMessage { id: original.id });
    assert_eq!(c.sim.inputs().len(), inputs + 1, "recorded");

    let now = c.sim.now();
    let copies: Vec<Packet> = c
        .sim
        .packets_in_flight()
        .filter(|m| m.payload == original.payload)
        .cloned()
        .collect();
    assert_eq!(copies.len(), 2, "the original and its copy");
    let copy = copies.iter().find(|m| m.id != original.id).expect("a copy");
    assert!(copy.duplicate && !copies.iter().any(|m| m.id == original.id && m.duplicate));
    assert!(copy.id > original.id, "a fresh id");
    assert_eq!((copy.from, copy.to), (original.from, original.to));
    assert_eq!(copy.sent_at, now, "sent by the command");
    let latency = Config::default().latency_us_min..=Config::default().latency_us_max;
    assert!(latency.contains(&(copy.deliver_at - copy.sent_at)));
    assert!(!c.sim.will_lose(copy));

    let mut delivered = Vec::new();
    let until = now + 2_000 * MS;
    while c.sim.now() < until {
        let Some(record) = step_checked(&mut c) else {
            break;
        };
        if let EventKind::Delivered(p) = &record.event {
            if p.id == original.id || p.id == copy.id {
                delivered.push(p.id);
            }
        }
    }
    delivered.sort_unstable();
    assert_eq!(delivered, vec![original.id, copy.id], "both arrive");
    let Payload::Request(request) = &original.payload else {
        unreachable!("matched above");
    };
    let log = c.sim.node(leader).expect("up").log().clone();
    let proposals = (1..=log.last_index().0)
        .filter_map(|i| log.get(LogIndex(i)))
        .filter(|e| e.command.request() == Some(request))
        .count();
    assert_eq!(proposals, 2, "the leader logged it twice");
    for id in 1..=5 {
        let kv = c.sim.kv(NodeId(id)).expect("exists");
        assert_eq!(kv.toy_state(), ToyState::B, "S{id} applied X once");
    }
    let answered: Vec<_> = c
        .sim
        .completed_requests()
        .filter(|op| op.request.client == ClientId(1))
        .collect();
    assert_eq!(answered.len(), 1);
    assert_eq!(answered[0].outcome.previous, None, "X ran from A");
}

#[test]
fn dropping_or_duplicating_a_packet_not_in_flight_is_an_error_and_is_not_recorded() {
    let mut c = Checked::five(33);
    c.run_until_leader(2_000 * MS);
    let first_in_flight = |c: &Checked| c.sim.view().messages.first().map(|m| m.id);
    let delivered = first_in_flight(&c).expect("heartbeats are in flight");
    while c.sim.view().messages.iter().any(|m| m.id == delivered) {
        step_checked(&mut c).expect("it is due");
    }
    let dropped = first_in_flight(&c).expect("more are in flight");
    c.apply(Command::DropMessage { id: dropped });
    let never = u64::MAX;

    let inputs = c.sim.inputs().to_vec();
    let hash = c.sim.trace_hash();
    let failures = [
        (
            Command::DropMessage { id: delivered },
            CommandError::NotInFlight(delivered),
        ),
        (
            Command::DuplicateMessage { id: delivered },
            CommandError::NotInFlight(delivered),
        ),
        (
            Command::DropMessage { id: never },
            CommandError::NotInFlight(never),
        ),
        (
            Command::DuplicateMessage { id: never },
            CommandError::NotInFlight(never),
        ),
        (
            Command::DropMessage { id: dropped },
            CommandError::AlreadyDropped(dropped),
        ),
    ];
    for (command, error) in failures {
        assert_eq!(c.sim.submit(command.clone()), Err(error), "{command}");
        assert_eq!(c.sim.inputs(), &inputs[..], "{command} left no input");
        assert_eq!(c.sim.trace_hash(), hash, "{command} left no step");
    }
    assert_eq!(
        CommandError::NotInFlight(17).to_string(),
        "message 17 is not in flight"
    );
    // A doomed packet is still on the wire: the network may copy it, and the
    // copy takes its own chances.
    c.apply(Command::DuplicateMessage { id: dropped });
    let copy = c.sim.view().messages.into_iter().last().expect("the copy");
    assert!(copy.duplicate && !copy.doomed);
}

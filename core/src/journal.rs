//! The run in words: one entry per step, saying what happened ("S3 times
//! out, starts election → candidate, term 4"), which servers it involved,
//! the message it delivered or lost, and marks for the moments a learner
//! jumps between (elections, commits, safety violations). A command reads
//! as the learner's ("you: crash S2") unless a scenario scripted it
//! ("scenario: crash S2").

use crate::raft::{LogIndex, MessageKind, Micros, NodeId, Role, Transition};
use crate::sim::{ClientResult, Endpoint, EventKind, Packet, Payload, Simulation, StepRecord};
use std::fmt::Write;

/// What became of a message, for the space-time diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fate {
    /// It reached a running destination.
    Delivered,
    /// It reached a crashed server.
    Lost,
    /// The network dropped it (a fault, a cut link, or a user's drop).
    Dropped,
    /// It reached a paused server and waits there.
    Held,
}

/// A message's whole flight, known once it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight {
    /// The packet's id.
    pub id: u64,
    /// Its kind.
    pub kind: MessageKind,
    /// Sender.
    pub from: Endpoint,
    /// Destination.
    pub to: Endpoint,
    /// When it left.
    pub sent_at: Micros,
    /// When it arrived (or was lost).
    pub ended_at: Micros,
    /// What became of it.
    pub fate: Fate,
    /// A copy the network (or a user) made.
    pub duplicate: bool,
}

/// The moments a learner can jump to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Marks {
    /// A server became leader.
    pub election: bool,
    /// A leader applied (so committed) entries.
    pub commit: bool,
    /// A checker found a safety property broken.
    pub violation: bool,
    /// Some server changed role.
    pub role_change: bool,
    /// A user (or scenario) command.
    pub input: bool,
}

/// Which kind of moment to jump to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A server becomes leader.
    Election,
    /// A leader commits entries.
    Commit,
    /// A safety property breaks.
    Violation,
}

impl Marks {
    /// Does this step carry the mark?
    pub fn has(self, kind: MarkKind) -> bool {
        match kind {
            MarkKind::Election => self.election,
            MarkKind::Commit => self.commit,
            MarkKind::Violation => self.violation,
        }
    }
}

/// One step of the run, described.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// The playback position right after this step (seeking there shows its effect).
    pub position: u64,
    /// The virtual instant.
    pub at: Micros,
    /// What happened, in words.
    pub text: String,
    /// The servers it involved, in order of mention.
    pub nodes: Vec<NodeId>,
    /// The message it ended, if any.
    pub flight: Option<Flight>,
    /// The role changes it caused.
    pub transitions: Vec<(NodeId, Transition)>,
    /// The leader's commit it made visible: the leader and the last index it applied.
    pub leader_commit: Option<(NodeId, LogIndex)>,
    /// What kind of moment it is.
    pub marks: Marks,
}

impl JournalEntry {
    /// Describes `record`, the step that brought `sim` to where it is now.
    /// The first `scripted_inputs` inputs of the run came with a scenario;
    /// any later one is the learner's.
    pub fn of(sim: &Simulation, record: &StepRecord, scripted_inputs: usize) -> JournalEntry {
        let mut nodes = Vec::new();
        let mut marks = Marks {
            input: matches!(record.event, EventKind::Input(_)),
            ..Marks::default()
        };
        let (mut text, flight) = event_text(sim, record, scripted_inputs, &mut nodes);
        transitions_text(record, &mut text, &mut nodes, &mut marks);
        let leader_commit = applied_text(sim, record, &mut text, &mut nodes, &mut marks);
        JournalEntry {
            position: sim.position(),
            at: record.at,
            text,
            nodes,
            flight,
            transitions: record.transitions.clone(),
            leader_commit,
            marks,
        }
    }
}

/// What the step's event was, in words, with the message it ended, if any.
fn event_text(
    sim: &Simulation,
    record: &StepRecord,
    scripted_inputs: usize,
    nodes: &mut Vec<NodeId>,
) -> (String, Option<Flight>) {
    let ended = |packet: &Packet, fate: Fate, nodes: &mut Vec<NodeId>| {
        let text = packet_text(packet, fate, nodes);
        (text, Some(flight_of(packet, record.at, fate)))
    };
    let text = match &record.event {
        EventKind::Delivered(p) => return ended(p, Fate::Delivered, nodes),
        EventKind::Lost(p) => return ended(p, Fate::Lost, nodes),
        EventKind::Dropped(p) => return ended(p, Fate::Dropped, nodes),
        EventKind::Held(p) => return ended(p, Fate::Held, nodes),
        EventKind::NodeTimer(id) => {
            nodes.push(*id);
            let fired_as_leader = record.transitions.iter().all(|(who, _)| who != id)
                && sim.node(*id).map(|n| n.role()) == Some(Role::Leader);
            if fired_as_leader {
                format!("{id} sends a heartbeat round")
            } else {
                format!("{id}'s timer fires")
            }
        }
        EventKind::ClientTimer(client) => {
            format!("{client} hears nothing back in time and tries again")
        }
        EventKind::WorkloadTick => "the workload starts an operation".to_owned(),
        EventKind::Input(command) => {
            // The input a step records is the last one the run has taken.
            let index = sim.inputs().len().saturating_sub(1);
            let who = if index < scripted_inputs {
                "scenario"
            } else {
                "you"
            };
            format!("{who}: {command}")
        }
    };
    (text, None)
}

/// A packet's end in words, mentioning the servers it involved.
fn packet_text(packet: &Packet, fate: Fate, nodes: &mut Vec<NodeId>) -> String {
    let (from, to) = (packet.from, packet.to);
    let what = summary(&packet.payload);
    if matches!(fate, Fate::Delivered | Fate::Dropped) {
        mention(nodes, from);
    }
    mention(nodes, to);
    match fate {
        Fate::Delivered => format!("{from} → {to}: {what}"),
        Fate::Lost => format!("{from} → {to}: {what} is lost ({to} is down)"),
        Fate::Dropped => format!("the network drops {from} → {to}: {what}"),
        Fate::Held => format!("{from} → {to}: {what} waits at paused {to}"),
    }
}

/// Appends the step's role changes to `text` and marks elections.
fn transitions_text(
    record: &StepRecord,
    text: &mut String,
    nodes: &mut Vec<NodeId>,
    marks: &mut Marks,
) {
    for (id, transition) in &record.transitions {
        marks.role_change = true;
        marks.election |= transition.to == Role::Leader;
        mention(nodes, Endpoint::Node(*id));
        let _ = write!(
            text,
            "; {id} {} → {}, term {}",
            transition.cause.label(),
            transition.to.as_str(),
            transition.term
        );
    }
}

/// Appends the entries each server applied, as runs of indexes, to `text`;
/// returns the leader's commit it made visible, if any, and marks it.
fn applied_text(
    sim: &Simulation,
    record: &StepRecord,
    text: &mut String,
    nodes: &mut Vec<NodeId>,
    marks: &mut Marks,
) -> Option<(NodeId, LogIndex)> {
    let leader = sim.leader();
    let mut applied: Vec<(NodeId, u64, u64)> = Vec::new();
    let mut leader_commit = None;
    for (id, entry) in &record.applied {
        match applied.last_mut() {
            Some((last, _, to)) if last == id => *to = entry.index.0,
            _ => applied.push((*id, entry.index.0, entry.index.0)),
        }
        if Some(*id) == leader {
            marks.commit = true;
            leader_commit = Some((*id, entry.index));
        }
    }
    for (id, from, to) in applied {
        mention(nodes, Endpoint::Node(id));
        let _ = if from == to {
            write!(text, "; {id} applies entry {from}")
        } else {
            write!(text, "; {id} applies entries {from}–{to}")
        };
    }
    leader_commit
}

fn mention(nodes: &mut Vec<NodeId>, endpoint: Endpoint) {
    if let Endpoint::Node(id) = endpoint {
        if !nodes.contains(&id) {
            nodes.push(id);
        }
    }
}

fn flight_of(packet: &Packet, at: Micros, fate: Fate) -> Flight {
    Flight {
        id: packet.id,
        kind: packet.payload.kind(),
        from: packet.from,
        to: packet.to,
        sent_at: packet.sent_at,
        ended_at: at,
        fate,
        duplicate: packet.duplicate,
    }
}

/// A message in a few words: its kind and the fields that matter most.
pub fn summary(payload: &Payload) -> String {
    match payload {
        Payload::Raft(message) => message.summary(),
        Payload::Request(request) => format!("request #{} {}", request.seq, request.op),
        Payload::Reply { seq, result } => match result {
            ClientResult::Done(outcome) => format!(
                "reply #{seq}: ok, {}",
                outcome.previous.as_deref().unwrap_or("(none)")
            ),
            ClientResult::NotLeader {
                leader_hint: Some(hint),
            } => format!("reply #{seq}: not the leader, try {hint}"),
            ClientResult::NotLeader { leader_hint: None } => {
                format!("reply #{seq}: not the leader, no hint")
            }
        },
    }
}

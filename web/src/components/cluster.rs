//! The cluster view: servers on a ring, election-timer arcs, vote tallies, and
//! every message in flight at its exact position for the current instant.

use crate::app::{Action, SharedView};
use crate::components::{is_recent, Legend};
use crate::geometry::{
    lerp, message_track, ring_position, timer_remaining, Point, CENTER, NODE_RADIUS, SIZE,
};
use raftlab_core::raft::{MessageKind, NodeId, Role};
use raftlab_core::sim::Endpoint;
use raftlab_core::view::{MessageView, NodeView};
use yew::prelude::*;

/// Radius of the election-timer arc around a server.
const TIMER_RADIUS: f64 = NODE_RADIUS + 6.0;
/// Half the client box's width and height.
const CLIENT_HALF_WIDTH: f64 = 24.0;
const CLIENT_HALF_HEIGHT: f64 = 12.0;
/// Extra room above the ring for the top server's badge ("votes 3/5").
const BADGE_ROOM: f64 = 14.0;
/// How far a message's lane sits to the right of the line between its ends,
/// so that a request and its reply pass each other.
const LANE: f64 = 5.0;

/// Props of [`Cluster`].
#[derive(Properties, Clone, PartialEq)]
pub struct ClusterProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server.
    pub selected: NodeId,
    /// Playback speed (for how long a change stays highlighted).
    pub speed: f64,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// The ring, the client in its middle, the messages in flight, and a legend.
#[function_component(Cluster)]
pub fn cluster(props: &ClusterProps) -> Html {
    let view = &props.view.0;
    let n = view.nodes.len();
    html! {
        <>
        <svg class="cluster" viewBox={format!("0 {} {SIZE} {}", -BADGE_ROOM, SIZE + BADGE_ROOM)} role="group"
            aria-label="Servers on a ring with messages in flight">
            <g class="client" aria-label="client">
                <rect x={(CENTER.x - CLIENT_HALF_WIDTH).to_string()} y={(CENTER.y - CLIENT_HALF_HEIGHT).to_string()}
                    width={(2.0 * CLIENT_HALF_WIDTH).to_string()} height={(2.0 * CLIENT_HALF_HEIGHT).to_string()} rx="5" />
                <text x={CENTER.x.to_string()} y={(CENTER.y + 4.0).to_string()}>{ "client" }</text>
            </g>
            { for view.nodes.iter().map(|node| render_node(node, n, props)) }
            { for view.messages.iter().map(|m| render_message(m, view.now, n)) }
        </svg>
        <Legend />
        </>
    }
}

/// A message's shape, drawn around the origin. Requests are filled, replies
/// hollow; votes are diamonds (pre-votes dashed), TimeoutNow a triangle, InstallSnapshot a tall card, AppendEntries circles (with entries: bigger, with
/// a dark ring; heartbeats: small dots); client traffic is square.
pub fn message_shape(kind: MessageKind) -> Html {
    match kind {
        MessageKind::AppendEntries => html! { <circle r="8" /> },
        MessageKind::Heartbeat => html! { <circle r="4" /> },
        MessageKind::AppendEntriesReply => html! { <circle r="6" /> },
        MessageKind::RequestVote
        | MessageKind::RequestVoteReply
        | MessageKind::PreVote
        | MessageKind::PreVoteReply => {
            html! { <rect x="-5" y="-5" width="10" height="10" transform="rotate(45)" /> }
        }
        MessageKind::ClientRequest | MessageKind::ClientReply => {
            html! { <rect x="-5" y="-5" width="10" height="10" /> }
        }
        MessageKind::TimeoutNow => html! { <path d="M0,-7 L6,5 L-6,5 Z" /> },
        MessageKind::InstallSnapshot => {
            html! { <rect x="-6" y="-8" width="12" height="16" rx="2" /> }
        }
    }
}

/// Where an endpoint is drawn, and how far from that point its edge is.
fn anchor(endpoint: Endpoint, n: usize) -> (Point, f64) {
    match endpoint {
        Endpoint::Node(id) => (ring_position(id.0 as usize - 1, n), NODE_RADIUS),
        Endpoint::Client(_) => (CENTER, CLIENT_HALF_HEIGHT + 2.0),
    }
}

fn render_node(node: &NodeView, n: usize, props: &ClusterProps) -> Html {
    let view = &props.view.0;
    let id = node.id;
    let p = ring_position(id.0 as usize - 1, n);
    let onclick = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Select(id)))
    };
    let onkeydown = {
        let cb = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                cb.emit(Action::Select(id));
            }
        })
    };
    let role = node.role.as_str();
    let mut class = format!("node {role}");
    if !node.alive {
        class.push_str(" crashed");
    }
    if node.paused {
        class.push_str(" paused");
    }
    if id == props.selected {
        class.push_str(" selected");
    }
    if node.alive
        && node
            .transitions
            .last()
            .is_some_and(|t| is_recent(view.now, t.at, props.speed))
    {
        class.push_str(" changed");
    }
    let remaining = match node.election_deadline {
        Some(deadline) if node.alive && node.role != Role::Leader => {
            timer_remaining(view.now, deadline, node.election_timeout_us)
        }
        _ => 0.0,
    };
    let mut label = format!("{id} {role} term {}", node.term);
    if !node.alive {
        label.push_str(", crashed");
    }
    let badge = match node.role {
        _ if !node.alive => "✕ crashed".to_owned(),
        Role::Leader => "♛ leader".to_owned(),
        Role::Candidate => format!("votes {}/{}", node.votes_granted.len(), n),
        Role::PreCandidate => format!("pre-votes {}/{}", node.votes_granted.len(), n),
        Role::Follower => String::new(),
    };
    let circumference = TIMER_RADIUS * std::f64::consts::TAU;
    html! {
        <g class={class} data-node-id={id.0.to_string()} data-role={role} data-term={node.term.0.to_string()}
            data-commit-index={node.commit_index.0.to_string()} data-alive={node.alive.to_string()}
            role="button" tabindex="0" aria-label={label} aria-pressed={(id == props.selected).to_string()}
            onclick={onclick} onkeydown={onkeydown}
            transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <circle class="timer-track" r={TIMER_RADIUS.to_string()} />
            if remaining > 0.0 {
                // Full, it is a ring; as time passes a clock hand sweeps clockwise
                // from twelve o'clock and the swept part empties.
                <circle class="timer" r={TIMER_RADIUS.to_string()} transform="rotate(-90) scale(1 -1)"
                    stroke-dasharray={format!("{:.2} {:.2}", circumference * remaining, circumference)} />
            }
            <circle class="body" r={NODE_RADIUS.to_string()} />
            if !node.alive {
                <path class="strike" d={format!("M{0:.1} {0:.1} L{1:.1} {1:.1}", -NODE_RADIUS * 0.7, NODE_RADIUS * 0.7)} />
            }
            <text class="name" y="-3">{ id.to_string() }</text>
            <text class="term" y="13">{ format!("term {}", node.term) }</text>
            if !badge.is_empty() {
                <text class="badge" y={(-TIMER_RADIUS - 6.0).to_string()}>{ badge }</text>
            }
        </g>
    }
}

fn render_message(m: &MessageView, now: u64, n: usize) -> Html {
    let (from, trim_from) = anchor(m.from, n);
    let (to, trim_to) = anchor(m.to, n);
    let (start, end) = message_track(from, to, trim_from, trim_to, LANE);
    let p = lerp(start, end, m.progress_at(now));
    let kind = m.kind.as_str();
    let mut class = format!("msg {kind}");
    if m.doomed {
        class.push_str(" doomed");
    }
    if m.duplicate {
        class.push_str(" duplicate");
    }
    let fields = m
        .payload
        .fields()
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    html! {
        <g class={class} data-msg-kind={kind} transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <title>{ format!("{kind} {} → {}\n{fields}", m.from, m.to) }</title>
            { message_shape(m.kind) }
        </g>
    }
}

//! The cluster view: servers on a ring, election-timer arcs, vote tallies, and
//! every message in flight at its exact position for the current instant.

use crate::app::{Action, SharedView};
use crate::components::is_recent;
use crate::geometry::{lerp, ring_position, timer_remaining, Point, CENTER, NODE_RADIUS, SIZE};
use raftlab_core::raft::{MessageKind, NodeId, Role};
use raftlab_core::sim::Endpoint;
use raftlab_core::view::{MessageView, NodeView};
use yew::prelude::*;

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

/// The ring.
#[function_component(Cluster)]
pub fn cluster(props: &ClusterProps) -> Html {
    let view = &props.view.0;
    let n = view.nodes.len();
    let position = |endpoint: Endpoint| match endpoint {
        Endpoint::Node(id) => ring_position(id.0 as usize - 1, n),
        Endpoint::Client(_) => CENTER,
    };
    let arrow_timer = TIMER_RADIUS * std::f64::consts::TAU;
    html! {
        <>
        <svg class="cluster" viewBox={format!("0 0 {SIZE} {SIZE}")} role="img"
            aria-label="Servers on a ring with messages in flight">
            <g class="client">
                <rect x={(CENTER.x - 22.0).to_string()} y={(CENTER.y - 12.0).to_string()} width="44" height="24" rx="4" />
                <text x={CENTER.x.to_string()} y={(CENTER.y + 4.0).to_string()}>{ "client" }</text>
            </g>
            { for view.nodes.iter().map(|node| {
                let p = ring_position(node.id.0 as usize - 1, n);
                render_node(node, p, n, props, arrow_timer)
            }) }
            { for view.messages.iter().map(|m| render_message(m, view.now, position(m.from), position(m.to))) }
        </svg>
        <Legend />
        </>
    }
}

/// What each message shape and server colour means.
#[function_component(Legend)]
fn legend() -> Html {
    let kinds = [
        (MessageKind::RequestVote, "RequestVote"),
        (MessageKind::RequestVoteReply, "vote reply"),
        (MessageKind::AppendEntries, "AppendEntries with entries"),
        (MessageKind::Heartbeat, "heartbeat"),
        (MessageKind::AppendEntriesReply, "AppendEntries reply"),
        (MessageKind::ClientRequest, "client request"),
        (MessageKind::ClientReply, "client reply"),
    ];
    html! {
        <ul class="legend" aria-label="Legend">
            <li><span class="swatch follower"></span>{ "follower" }</li>
            <li><span class="swatch candidate"></span>{ "candidate" }</li>
            <li><span class="swatch leader"></span>{ "leader" }</li>
            { for kinds.iter().map(|(kind, name)| html! {
                <li>
                    <svg class="legend-msg" viewBox="-10 -10 20 20" aria-hidden="true">
                        <g class={format!("msg {}", kind.as_str())}>{ message_shape(*kind) }</g>
                    </svg>
                    { *name }
                </li>
            }) }
        </ul>
    }
}

/// Requests are filled, replies hollow; AppendEntries carrying entries are
/// bigger than heartbeats; client traffic is square.
fn message_shape(kind: MessageKind) -> Html {
    match kind {
        MessageKind::AppendEntries => html! { <circle r="8" /> },
        MessageKind::Heartbeat => html! { <circle r="4.5" /> },
        MessageKind::ClientRequest | MessageKind::ClientReply => {
            html! { <rect x="-5" y="-5" width="10" height="10" /> }
        }
        _ => html! { <circle r="6" /> },
    }
}

const TIMER_RADIUS: f64 = NODE_RADIUS + 6.0;

fn render_node(
    node: &NodeView,
    p: Point,
    n: usize,
    props: &ClusterProps,
    circumference: f64,
) -> Html {
    let view = &props.view.0;
    let id = node.id;
    let onclick = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::Select(id)))
    };
    let onkeydown = {
        let cb = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
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
    if node
        .transitions
        .last()
        .is_some_and(|t| is_recent(view.now, t.at, props.speed))
    {
        class.push_str(" changed");
    }
    let remaining = match node.election_deadline {
        Some(deadline) if node.alive => {
            timer_remaining(view.now, deadline, node.election_timeout_us)
        }
        _ => 0.0,
    };
    let label = if node.alive {
        format!("{id} {role} term {}", node.term)
    } else {
        format!("{id} crashed, term {}", node.term)
    };
    let badge = match node.role {
        Role::Leader if node.alive => "♛".to_owned(),
        Role::Candidate if node.alive => format!("votes {}/{}", node.votes_granted.len(), n),
        _ if !node.alive => "crashed".to_owned(),
        _ => String::new(),
    };
    html! {
        <g class={class} data-node-id={id.0.to_string()} data-role={role} data-term={node.term.0.to_string()}
            data-commit-index={node.commit_index.0.to_string()} data-alive={node.alive.to_string()}
            role="button" tabindex="0" aria-label={label} onclick={onclick} onkeydown={onkeydown}
            transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <circle class="timer-track" r={TIMER_RADIUS.to_string()} />
            if remaining > 0.0 {
                <circle class="timer" r={TIMER_RADIUS.to_string()} transform="rotate(-90)"
                    stroke-dasharray={format!("{:.2} {:.2}", circumference * remaining, circumference)} />
            }
            <circle class="body" r={NODE_RADIUS.to_string()} />
            <text class="name" y="-4">{ id.to_string() }</text>
            <text class="term" y="12">{ format!("term {}", node.term) }</text>
            if !badge.is_empty() {
                <text class="badge" y={(-NODE_RADIUS - 12.0).to_string()}>{ badge }</text>
            }
        </g>
    }
}

fn render_message(m: &MessageView, now: u64, from: Point, to: Point) -> Html {
    let p = lerp(from, to, m.progress_at(now));
    let kind = m.kind.as_str();
    let mut class = format!("msg {kind}");
    if m.doomed {
        class.push_str(" doomed");
    }
    if m.duplicate {
        class.push_str(" duplicate");
    }
    let title = m
        .payload
        .fields()
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    let shape = message_shape(m.kind);
    html! {
        <g class={class} data-msg-kind={kind} transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <title>{ format!("{} {} → {}\n{title}", kind, m.from, m.to) }</title>
            { shape }
        </g>
    }
}

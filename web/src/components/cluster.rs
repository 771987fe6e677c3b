//! The cluster view: servers on a ring, election-timer arcs, vote tallies,
//! cut links, and every message in flight at its exact position for the
//! current instant. Messages can be selected for the inspector.

use crate::components::legend::{kind_name, message_marks, message_shape};
use crate::components::partition::{partition_sides, render_sides};
use crate::components::press::{data_number, use_press};
use crate::components::{is_recent, Legend, LegendProps};
use crate::geometry::{
    lerp, message_track, ring_position, timer_remaining, toward, Point, CENTER, NODE_RADIUS, SIZE,
};
use crate::ui::{Action, SharedView};
use raftlab_core::view::Endpoint;
use raftlab_core::view::{MessageView, NodeView};
use raftlab_core::view::{NodeId, Role};
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use web_sys::{Element, SvgElement};
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
/// How far from a server's centre a cut link's line ends (just outside its timer arc).
const CUT_TRIM: f64 = TIMER_RADIUS + 3.0;
/// How far from the receiving server's centre a cut link's ✂ sits.
const CUT_MARK_DISTANCE: f64 = TIMER_RADIUS + 14.0;
/// Radius of the invisible disc that makes a small message easy to click.
const MESSAGE_HIT_RADIUS: f64 = 11.0;
/// Radius of the ring drawn around the selected message.
const MESSAGE_HALO_RADIUS: f64 = 13.0;
/// Radius of the thick ring around the selected server, just outside its timer arc.
const SELECTION_RING_RADIUS: f64 = TIMER_RADIUS + 6.0;
/// Radius of the dashed ring around a server a narration step points at,
/// outside the selection ring so that both show at once.
const HIGHLIGHT_RING_RADIUS: f64 = TIMER_RADIUS + 12.0;
/// Radius of the keyboard focus ring, outside the other two.
const FOCUS_RING_RADIUS: f64 = TIMER_RADIUS + 18.0;

/// Props of [`Cluster`].
#[derive(Properties, Clone, PartialEq)]
pub struct ClusterProps {
    /// The cluster now.
    pub view: SharedView,
    /// The selected server (highlighted unless a message is selected).
    pub selected: NodeId,
    /// The selected message, by [`MessageView::id`].
    #[prop_or_default]
    pub selected_message: Option<u64>,
    /// Playback speed (for how long a change stays highlighted).
    pub speed: f64,
    /// Where clicks go.
    pub on_action: Callback<Action>,
    /// What a narration step points at (servers, kinds of message).
    #[prop_or_default]
    pub highlight: raftlab_core::view::Highlight,
    /// Reduced motion: messages wait half-way instead of flying.
    #[prop_or_default]
    pub reduced_motion: bool,
    /// Draw the legend under the ring? The full page draws it itself, lower
    /// down, so that the network controls sit right under the ring.
    #[prop_or(true)]
    pub legend: bool,
    /// Said under the ring when messages cross too fast to be drawn
    /// ([`crate::ui::Ui::ring_caption`]).
    #[prop_or_default]
    pub caption: Option<AttrValue>,
}

/// The ring, the client in its middle, the messages in flight, and a legend.
#[function_component(Cluster)]
pub fn cluster(props: &ClusterProps) -> Html {
    let view = &props.view.0;
    let n = view.nodes.len();
    let press = use_press(ring_item, props.on_action.reform(RingItem::action));
    let onkeydown = ring_keys(&props.on_action);
    // The messages are one Tab stop: the selected one, else the oldest.
    let message_stop = props
        .selected_message
        .filter(|id| view.messages.iter().any(|m| m.id == *id))
        .or_else(|| view.messages.first().map(|m| m.id));
    // A clean partition is drawn as its sides, other cuts link by link.
    let sides = partition_sides(n, &view.cut_links);
    html! {
        <>
        <svg class="cluster" viewBox={format!("0 {} {SIZE} {}", -BADGE_ROOM, SIZE + BADGE_ROOM)} role="group"
            aria-label="Servers on a ring with messages in flight (arrow keys move between them)"
            onpointerdown={press.onpointerdown} onpointerup={press.onpointerup} onclick={press.onclick} {onkeydown}>
            if let Some(sides) = &sides { { render_sides(sides, n) } }
            <g class="client" aria-label="client">
                <rect x={(CENTER.x - CLIENT_HALF_WIDTH).to_string()} y={(CENTER.y - CLIENT_HALF_HEIGHT).to_string()}
                    width={(2.0 * CLIENT_HALF_WIDTH).to_string()} height={(2.0 * CLIENT_HALF_HEIGHT).to_string()} rx="5" />
                <text x={CENTER.x.to_string()} y={(CENTER.y + 4.0).to_string()}>{ "client" }</text>
            </g>
            // Each kind in a group of its own: messages come and go every
            // frame, and the servers' elements must never move because of it.
            <g class="cut-links">
                if sides.is_none() {
                    { for cut_pairs(&view.cut_links).iter().map(|pair| render_cut(pair, n)) }
                }
            </g>
            <g class="servers">
                { for view.nodes.iter().map(|node| render_node(node, n, props)) }
            </g>
            <g class="messages">
                { for view.messages.iter().map(|m| render_message(m, n, Some(m.id) == message_stop, props)) }
            </g>
        </svg>
        if let Some(caption) = &props.caption {
            <p class="ring-caption" title={caption.clone()}>{ caption.clone() }</p>
        }
        if props.legend {
            <Legend ..LegendProps::of(view) />
        }
        { motion_toggle(props.reduced_motion, &props.on_action) }
        </>
    }
}

/// Two servers with their link cut in one direction or both; `low < high`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct CutPair {
    /// The lower-numbered server.
    low: NodeId,
    /// The higher-numbered server.
    high: NodeId,
    /// Nothing from `low` reaches `high`.
    low_to_high: bool,
    /// Nothing from `high` reaches `low`.
    high_to_low: bool,
}

/// The directed cut links grouped by pair of servers, in order, so that a
/// link cut both ways is drawn once with a mark at each end.
fn cut_pairs(cut_links: &[(NodeId, NodeId)]) -> Vec<CutPair> {
    let mut pairs: BTreeMap<(NodeId, NodeId), CutPair> = BTreeMap::new();
    for &(from, to) in cut_links.iter().filter(|(from, to)| from != to) {
        let (low, high) = (from.min(to), from.max(to));
        let pair = pairs.entry((low, high)).or_insert(CutPair {
            low,
            high,
            low_to_high: false,
            high_to_low: false,
        });
        if from == low {
            pair.low_to_high = true;
        } else {
            pair.high_to_low = true;
        }
    }
    pairs.into_values().collect()
}

/// A cut link: a dashed line between the two servers, and a ✂ near each
/// server that no longer hears the other.
fn render_cut(pair: &CutPair, n: usize) -> Html {
    let (low, high) = (pair.low, pair.high);
    let a = ring_position(low.0 as usize - 1, n);
    let b = ring_position(high.0 as usize - 1, n);
    let (start, end) = (toward(a, b, CUT_TRIM), toward(b, a, CUT_TRIM));
    let both = pair.low_to_high && pair.high_to_low;
    let label = match (pair.low_to_high, pair.high_to_low) {
        (true, true) => format!("link {low} ↔ {high} cut both ways"),
        (true, false) => format!("link {low} → {high} cut"),
        _ => format!("link {high} → {low} cut"),
    };
    let mark = |receiver: Point, sender: Point, to: NodeId| {
        let p = toward(receiver, sender, CUT_MARK_DISTANCE);
        html! {
            <text class="cut-mark" data-cut-to={to.0.to_string()}
                x={format!("{:.2}", p.x)} y={format!("{:.2}", p.y)}>{ "✂" }</text>
        }
    };
    html! {
        <g class={classes!("cut-link", if both { "two-way" } else { "one-way" })}
            data-cut={format!("{}-{}", low.0, high.0)} role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            <line x1={format!("{:.2}", start.x)} y1={format!("{:.2}", start.y)}
                x2={format!("{:.2}", end.x)} y2={format!("{:.2}", end.y)} />
            if pair.low_to_high { { mark(b, a, high) } }
            if pair.high_to_low { { mark(a, b, low) } }
        </g>
    }
}

/// Where an endpoint is drawn, and how far from that point its edge is.
fn anchor(endpoint: Endpoint, n: usize) -> (Point, f64) {
    match endpoint {
        Endpoint::Node(id) => (ring_position(id.0 as usize - 1, n), NODE_RADIUS),
        Endpoint::Client(_) => (CENTER, CLIENT_HALF_HEIGHT + 2.0),
    }
}

/// The reduced-motion switch under the ring, saying what it does when on.
fn motion_toggle(on: bool, on_action: &Callback<Action>) -> Html {
    let onchange = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            on_action.emit(Action::ReduceMotion(input.checked()));
        })
    };
    html! {
        <p class="motion-toggle">
            <label>
                <input type="checkbox" checked={on} {onchange} />
                { " Reduce motion" }
            </label>
            if on {
                <span class="hint">{ " messages wait half-way instead of flying; Play or Step moves on" }</span>
            }
        </p>
    }
}

/// What a press or a key on the ring acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RingItem {
    /// A server, by id.
    Server(NodeId),
    /// A message in flight, by [`MessageView::id`].
    Message(u64),
}

impl RingItem {
    /// Selecting it.
    fn action(self) -> Action {
        match self {
            RingItem::Server(id) => Action::Select(id),
            RingItem::Message(id) => Action::SelectMessage(id),
        }
    }
}

/// The ring item an element draws, if it is one.
fn ring_item(element: &Element) -> Option<RingItem> {
    if let Some(id) = data_number(element, "node-id") {
        return Some(RingItem::Server(NodeId(id)));
    }
    data_number(element, "msg-id").map(RingItem::Message)
}

/// The ring's keys: Enter or Space selects the focused server or message;
/// the arrow keys (and Home, End) move the focus and the selection to the
/// next or previous one of the same kind, so the ring is one Tab stop for
/// its servers and one for its messages.
fn ring_keys(on_action: &Callback<Action>) -> Callback<KeyboardEvent> {
    let on_action = on_action.clone();
    Callback::from(move |e: KeyboardEvent| {
        let Some(focused) = e.target_dyn_into::<Element>() else {
            return;
        };
        let Some(item) = ring_item(&focused) else {
            return;
        };
        let step: Option<isize> = match e.key().as_str() {
            "Enter" | " " => Some(0),
            "ArrowRight" | "ArrowDown" => Some(1),
            "ArrowLeft" | "ArrowUp" => Some(-1),
            "Home" => Some(isize::MIN),
            "End" => Some(isize::MAX),
            _ => None,
        };
        let Some(step) = step else {
            return;
        };
        e.prevent_default();
        let target = match step {
            0 => Some(focused),
            _ => sibling_item(&focused, item, step),
        };
        if let Some(target) = target.and_then(|t| t.dyn_into::<SvgElement>().ok()) {
            target.focus().ok();
            if let Some(item) = ring_item(&target) {
                on_action.emit(item.action());
            }
        }
    })
}

/// The item `step` places after `focused` among the items of its kind
/// (wrapping around; `isize::MIN` is the first, `isize::MAX` the last).
fn sibling_item(focused: &Element, item: RingItem, step: isize) -> Option<Element> {
    let selector = match item {
        RingItem::Server(_) => "[data-node-id]",
        RingItem::Message(_) => "[data-msg-id]",
    };
    let group = focused.closest("svg").ok()??;
    let all = group.query_selector_all(selector).ok()?;
    let items: Vec<Element> = (0..all.length())
        .filter_map(|i| all.item(i))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect();
    let count = items.len() as isize;
    let here = items.iter().position(|e| e == focused)? as isize;
    let index = match step {
        isize::MIN => 0,
        isize::MAX => count - 1,
        _ => (here + step).rem_euclid(count),
    };
    items.get(index as usize).cloned()
}

/// One server on the ring, keyed by its id so that its element stays the
/// same element from frame to frame (a press and its release land on it).
fn render_node(node: &NodeView, n: usize, props: &ClusterProps) -> Html {
    let now = props.view.0.now;
    let changed = node.alive
        && node
            .transitions
            .last()
            .is_some_and(|t| is_recent(now, t.at, props.speed));
    let remaining = match node.election_deadline {
        Some(deadline) if node.alive && node.role != Role::Leader => {
            timer_remaining(now, deadline, node.election_timeout_us)
        }
        _ => 0.0,
    };
    html! {
        <Server key={node.id.0} id={node.id} role={node.role} term={node.term.0}
            commit_index={node.commit_index.0} alive={node.alive} paused={node.paused}
            votes={node.votes_granted.len()} {n}
            selected={node.id == props.selected && props.selected_message.is_none()}
            highlighted={props.highlight.nodes.contains(&node.id)}
            {changed} timer_left={remaining} />
    }
}

/// Props of [`Server`].
#[derive(Properties, Clone, PartialEq)]
struct ServerProps {
    id: NodeId,
    role: Role,
    term: u64,
    commit_index: u64,
    alive: bool,
    paused: bool,
    /// Votes granted to it (while it is a candidate).
    votes: usize,
    /// Servers on the ring.
    n: usize,
    selected: bool,
    /// Does the narration's step point at it?
    highlighted: bool,
    /// Did its role change a moment ago (it flashes)?
    changed: bool,
    /// The share of its election timeout still to run, 0 when no timer shows.
    timer_left: f64,
}

/// A server: its body, name, term, election timer and role badge, and the
/// rings that say it is selected, pointed at by the narration, or focused
/// (each its own radius and stroke, so any two show at once).
#[function_component(Server)]
fn server(props: &ServerProps) -> Html {
    let node = props;
    let id = node.id;
    let p = ring_position(id.0 as usize - 1, props.n);
    let role = node.role.as_str();
    let mut label = format!("{id} {role} term {}", node.term);
    if !node.alive {
        label.push_str(", crashed");
    }
    let circumference = TIMER_RADIUS * std::f64::consts::TAU;
    let badge = badge(props);
    html! {
        <g class={server_class(props)} data-node-id={id.0.to_string()} data-role={role} data-term={node.term.to_string()}
            data-commit-index={node.commit_index.to_string()} data-alive={node.alive.to_string()}
            role="button" tabindex={if props.selected { "0" } else { "-1" }} aria-label={label}
            aria-pressed={props.selected.to_string()}
            transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <circle class="focus-ring" r={FOCUS_RING_RADIUS.to_string()} />
            if props.highlighted {
                <circle class="highlight-ring" r={HIGHLIGHT_RING_RADIUS.to_string()} />
            }
            if props.selected {
                <circle class="selection-ring" r={SELECTION_RING_RADIUS.to_string()} />
            }
            <circle class="timer-track" r={TIMER_RADIUS.to_string()} />
            if props.timer_left > 0.0 {
                // Full, it is a ring; as time passes a clock hand sweeps clockwise
                // from twelve o'clock and the swept part empties.
                <circle class="timer" r={TIMER_RADIUS.to_string()} transform="rotate(-90) scale(1 -1)"
                    stroke-dasharray={format!("{:.2} {:.2}", circumference * props.timer_left, circumference)} />
            }
            <circle class="body" r={NODE_RADIUS.to_string()} />
            if !node.alive {
                <path class="strike" d={format!("M{0:.1} {0:.1} L{1:.1} {1:.1}", -NODE_RADIUS * 0.7, NODE_RADIUS * 0.7)} />
            }
            <text class="name" y="-3">{ id.to_string() }</text>
            <text class="term" y="13">{ format!("term {}", node.term) }</text>
            if !badge.is_empty() {
                <text class="badge" y={(-SELECTION_RING_RADIUS - 6.0).to_string()}>{ badge }</text>
            }
        </g>
    }
}

/// A server's classes: its role, crashed, paused, selected, highlighted, changed.
fn server_class(props: &ServerProps) -> String {
    let node = props;
    let mut class = format!("node {}", node.role.as_str());
    for (on, name) in [
        (!node.alive, " crashed"),
        (node.paused, " paused"),
        (props.selected, " selected"),
        (props.highlighted, " highlighted"),
        (props.changed, " changed"),
    ] {
        if on {
            class.push_str(name);
        }
    }
    class
}

/// The words above a server: crashed, leader, or its vote tally.
fn badge(server: &ServerProps) -> String {
    let (votes, n) = (server.votes, server.n);
    match server.role {
        _ if !server.alive => "✕ crashed".to_owned(),
        Role::Leader => "♛ leader".to_owned(),
        Role::Candidate => format!("votes {votes}/{n}"),
        Role::PreCandidate => format!("pre-votes {votes}/{n}"),
        Role::Follower => String::new(),
    }
}

fn render_message(m: &MessageView, n: usize, tab_stop: bool, props: &ClusterProps) -> Html {
    let (from, trim_from) = anchor(m.from, n);
    let (to, trim_to) = anchor(m.to, n);
    let (start, end) = message_track(from, to, trim_from, trim_to, LANE);
    // With reduced motion a message sits half-way for as long as it is in
    // flight: it appears (fading in) and goes, but never moves.
    let progress = if props.reduced_motion {
        0.5
    } else {
        m.progress_at(props.view.0.now)
    };
    let p = lerp(start, end, progress);
    // Only the position changes every frame: the message itself is a
    // component that is drawn again only when its marks or selection change.
    html! {
        <g key={m.id} transform={format!("translate({:.2} {:.2})", p.x, p.y)}>
            <Message message={m.clone()} selected={props.selected_message == Some(m.id)}
                highlighted={props.highlight.messages.contains(&m.kind)} {tab_stop} />
        </g>
    }
}

/// Props of [`Message`].
#[derive(Properties, Clone, PartialEq)]
struct MessageProps {
    message: MessageView,
    selected: bool,
    highlighted: bool,
    /// Is it the messages' one Tab stop (the selected one, else the oldest)?
    tab_stop: bool,
}

/// A message's class list and accessible name: its kind and ends, and
/// whether it will be lost, is a copy, grants or refuses a vote, is
/// selected or is highlighted by the narration.
fn message_look(m: &MessageView, selected: bool, highlighted: bool) -> (String, String) {
    let mut class = format!("msg {}", m.kind.as_str());
    let mut label = format!("{} {} → {}", kind_name(m.kind), m.from, m.to);
    match m.granted {
        Some(true) => {
            class.push_str(" granted");
            label.push_str(", granted");
        }
        Some(false) => {
            class.push_str(" refused");
            label.push_str(", refused");
        }
        None => {}
    }
    if m.doomed {
        class.push_str(" doomed");
        label.push_str(", will be lost");
    }
    if m.duplicate {
        class.push_str(" duplicate");
        label.push_str(", a duplicate");
    }
    if selected {
        class.push_str(" selected");
    }
    if highlighted {
        class.push_str(" highlighted");
    }
    (class, label)
}

/// One message in flight, drawn around the origin: its shape, its marks, and
/// what a press or Enter selects (the ring's, see [`ring_item`]).
#[function_component(Message)]
fn message(props: &MessageProps) -> Html {
    let m = &props.message;
    let id = m.id;
    let selected = props.selected;
    let kind = m.kind.as_str();
    let (class, label) = message_look(m, selected, props.highlighted);
    let fields = m
        .fields
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join("\n");
    let granted = m.granted.map(|g| g.to_string());
    html! {
        <g class={class} data-msg-kind={kind} data-msg-id={id.to_string()}
            data-msg-doomed={m.doomed.to_string()} data-msg-duplicate={m.duplicate.to_string()}
            data-msg-granted={granted}
            role="button" tabindex={if props.tab_stop { "0" } else { "-1" }} aria-label={label.clone()}
            aria-pressed={selected.to_string()}>
            <title>{ format!("{label}\n{fields}") }</title>
            if selected { <circle class="halo" r={MESSAGE_HALO_RADIUS.to_string()} /> }
            { message_shape(m.kind) }
            { message_marks(m.doomed, m.duplicate, m.granted) }
            <circle class="hit" r={MESSAGE_HIT_RADIUS.to_string()} />
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::view::MessageKind;

    fn vote_reply(kind: MessageKind, granted: bool) -> MessageView {
        MessageView {
            id: 7,
            kind,
            from: Endpoint::Node(NodeId(3)),
            to: Endpoint::Node(NodeId(1)),
            sent_at: 0,
            deliver_at: 10,
            fields: Vec::new(),
            doomed: false,
            duplicate: false,
            granted: Some(granted),
        }
    }

    #[test]
    fn a_refused_vote_reply_is_drawn_as_refused_and_a_granted_one_is_not() {
        for kind in [MessageKind::RequestVoteReply, MessageKind::PreVoteReply] {
            let (class, label) = message_look(&vote_reply(kind, false), false, false);
            assert!(class.split(' ').any(|c| c == "refused"), "{class}");
            assert!(!class.split(' ').any(|c| c == "granted"), "{class}");
            assert!(label.contains("refused"), "{label}");
            let (class, label) = message_look(&vote_reply(kind, true), false, false);
            assert!(class.split(' ').any(|c| c == "granted"), "{class}");
            assert!(!class.contains("refused") && !label.contains("refused"));
        }
        let mut heartbeat = vote_reply(MessageKind::Heartbeat, true);
        heartbeat.granted = None;
        let (class, label) = message_look(&heartbeat, false, false);
        assert_eq!(class, "msg heartbeat");
        assert_eq!(label, "heartbeat S3 → S1");
    }

    #[test]
    fn cut_links_are_drawn_once_per_pair_with_their_directions() {
        let cuts = [
            (NodeId(2), NodeId(1)),
            (NodeId(1), NodeId(3)),
            (NodeId(3), NodeId(1)),
            (NodeId(4), NodeId(4)),
        ];
        assert_eq!(
            cut_pairs(&cuts),
            [
                CutPair {
                    low: NodeId(1),
                    high: NodeId(2),
                    low_to_high: false,
                    high_to_low: true,
                },
                CutPair {
                    low: NodeId(1),
                    high: NodeId(3),
                    low_to_high: true,
                    high_to_low: true,
                },
            ]
        );
        assert!(cut_pairs(&[]).is_empty());
    }
}

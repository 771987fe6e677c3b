//! The Raft paper's Figure 4 for the selected server: its current role lit,
//! the arrow of its latest transition flashing, labelled with the cause.

use crate::app::SharedView;
use crate::components::{format_time, is_recent};
use raftlab_core::raft::{NodeId, Role, TransitionCause};
use yew::prelude::*;

/// Props of [`StateDiagram`].
#[derive(Properties, Clone, PartialEq)]
pub struct StateDiagramProps {
    /// The cluster now.
    pub view: SharedView,
    /// The server whose states are shown.
    pub selected: NodeId,
    /// Playback speed (for how long an arrow flashes).
    pub speed: f64,
}

/// Which arrow of Figure 4 a transition follows.
fn arrow(from: Role, to: Role, cause: TransitionCause) -> &'static str {
    match (from, to, cause) {
        (_, _, TransitionCause::StartsUp) => "start",
        (Role::Follower, Role::Candidate, _) => "f-c",
        (Role::Candidate, Role::Candidate, _) => "c-c",
        (Role::Candidate, Role::Leader, _) => "c-l",
        (Role::Candidate, Role::Follower, _) => "c-f",
        (Role::Leader, Role::Follower, _) => "l-f",
        (Role::Leader, Role::Candidate, _) => "l-c",
        _ => "",
    }
}

/// The diagram.
#[function_component(StateDiagram)]
pub fn state_diagram(props: &StateDiagramProps) -> Html {
    let view = &props.view.0;
    let Some(node) = view.node(props.selected) else {
        return html! {};
    };
    let last = node.transitions.last();
    let flashing = last
        .filter(|t| is_recent(view.now, t.at, props.speed))
        .map(|t| arrow(t.transition.from, t.transition.to, t.transition.cause))
        .unwrap_or("");
    let state = |role: Role| {
        let mut class = format!("state {}", role.as_str());
        if node.alive && node.role == role {
            class.push_str(" current");
        }
        class
    };
    let edge = |key: &str| {
        if key == flashing {
            "edge flash".to_owned()
        } else {
            "edge".to_owned()
        }
    };
    html! {
        <div class="diagram">
            <h2>{ format!("{} states", node.id) }</h2>
            <svg viewBox="0 0 320 190" role="img" aria-label={format!("State diagram of {}, now {}", node.id, if node.alive { node.role.as_str() } else { "crashed" })}>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                </defs>
                <g class={edge("start")}><path d="M8 150 L38 150" /><text x="4" y="140">{ "starts up" }</text></g>
                <g class={edge("f-c")}><path d="M80 132 C90 70 110 60 128 60" /><text x="22" y="84">{ "times out," }</text><text x="22" y="96">{ "starts election" }</text></g>
                <g class={edge("c-c")}><path d="M150 40 C130 0 190 0 172 40" /><text x="196" y="14">{ "times out, new election" }</text></g>
                <g class={edge("c-l")}><path d="M196 60 C220 60 240 80 252 130" /><text x="218" y="62">{ "receives votes from" }</text><text x="218" y="74">{ "majority of servers" }</text></g>
                <g class={edge("c-f")}><path d="M150 80 L104 138" /><text x="124" y="118">{ "discovers current" }</text><text x="124" y="130">{ "leader or new term" }</text></g>
                <g class={edge("l-f")}><path d="M228 160 L112 160" /><text x="118" y="184">{ "discovers server with higher term" }</text></g>
                <g class={state(Role::Follower)}><rect x="40" y="134" width="70" height="34" rx="17" /><text x="75" y="155">{ "Follower" }</text></g>
                <g class={state(Role::Candidate)}><rect x="126" y="42" width="72" height="34" rx="17" /><text x="162" y="63">{ "Candidate" }</text></g>
                <g class={state(Role::Leader)}><rect x="230" y="134" width="70" height="34" rx="17" /><text x="265" y="155">{ "Leader" }</text></g>
            </svg>
            <p class="caption" aria-live="polite">
                { match last {
                    Some(t) => format!("{} at {}: {} (term {})", node.id, format_time(t.at), t.transition.cause.label(), t.transition.term),
                    None => format!("{} has not changed role yet", node.id),
                } }
            </p>
            <ol class="history" reversed=true>
                { for node.transitions.iter().rev().take(5).map(|t| html! {
                    <li>{ format!("{} {} → {}: {}", format_time(t.at), t.transition.from, t.transition.to, t.transition.cause.label()) }</li>
                }) }
            </ol>
        </div>
    }
}

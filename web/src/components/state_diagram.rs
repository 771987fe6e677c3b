//! The Raft paper's Figure 4 for the selected server: its current role lit,
//! the arrow of its latest transition flashing, labelled with the cause, and
//! its last few transitions listed below.

use crate::app::SharedView;
use crate::components::{format_time, is_recent};
use raftlab_core::raft::{NodeId, Role, Transition, TransitionCause};
use yew::prelude::*;

/// How many past transitions are listed under the diagram.
const HISTORY: usize = 5;

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

/// The arrows of Figure 4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrow {
    StartsUp,
    FollowerToCandidate,
    CandidateToCandidate,
    CandidateToLeader,
    CandidateToFollower,
    LeaderToFollower,
}

/// Which arrow of Figure 4 a transition follows (`None`: not in the figure).
fn arrow(t: &Transition) -> Option<Arrow> {
    Some(match (t.from, t.to, t.cause) {
        (_, _, TransitionCause::StartsUp) => Arrow::StartsUp,
        (Role::Follower, Role::Candidate, _) => Arrow::FollowerToCandidate,
        (Role::Candidate, Role::Candidate, _) => Arrow::CandidateToCandidate,
        (Role::Candidate, Role::Leader, _) => Arrow::CandidateToLeader,
        (Role::Candidate, Role::Follower, _) => Arrow::CandidateToFollower,
        (Role::Leader, Role::Follower, _) => Arrow::LeaderToFollower,
        _ => return None,
    })
}

/// The figure's words for a transition: a candidate that times out again
/// starts a *new* election.
fn words(t: &Transition) -> &'static str {
    match arrow(t) {
        Some(Arrow::CandidateToCandidate) => "times out, new election",
        _ => t.cause.label(),
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
    // A crashed server's last change is history, not news: nothing flashes.
    let flashing = last
        .filter(|t| node.alive && is_recent(view.now, t.at, props.speed))
        .and_then(|t| arrow(&t.transition));
    let state = |role: Role| {
        let mut class = classes!("state", role.as_str());
        if node.alive && node.role == role {
            class.push("current");
        }
        class
    };
    let edge = |which: Arrow| {
        if flashing == Some(which) {
            classes!("edge", "flash")
        } else {
            classes!("edge")
        }
    };
    let now = if node.alive {
        node.role.as_str()
    } else {
        "crashed"
    };
    html! {
        <div class="diagram">
            <h2>{ format!("{} states", node.id) }<small>{ format!("now {now}") }</small></h2>
            <svg viewBox="0 0 340 200" role="img"
                aria-label={format!("Figure 4 state diagram of {}, now {now}", node.id)}>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                    <marker id="arrowhead-flash" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                </defs>
                <g class={edge(Arrow::StartsUp)}>
                    <path d="M4 157 L48 157" />
                    <text x="4" y="176">{ "starts up" }</text>
                </g>
                <g class={edge(Arrow::FollowerToCandidate)}>
                    <path d="M80 139 C80 90 110 57 143 57" />
                    <text x="4" y="90">{ "times out," }</text>
                    <text x="4" y="101">{ "starts election" }</text>
                </g>
                <g class={edge(Arrow::CandidateToCandidate)}>
                    <path d="M172 39 C158 6 212 6 198 39" />
                    <text x="156" y="14" text-anchor="end">{ "times out," }</text>
                    <text x="156" y="25" text-anchor="end">{ "new election" }</text>
                </g>
                <g class={edge(Arrow::CandidateToLeader)}>
                    <path d="M227 57 C262 57 290 90 290 138" />
                    <text x="232" y="31">{ "receives votes from" }</text>
                    <text x="232" y="42">{ "majority of servers" }</text>
                </g>
                <g class={edge(Arrow::CandidateToFollower)}>
                    <path d="M170 76 L124 139" />
                    <text x="160" y="108">{ "discovers current" }</text>
                    <text x="160" y="119">{ "leader or new term" }</text>
                </g>
                <g class={edge(Arrow::LeaderToFollower)}>
                    <path d="M248 160 L132 160" />
                    <text x="190" y="190" text-anchor="middle">{ "discovers server with higher term" }</text>
                </g>
                <g class={state(Role::Follower)}><rect x="50" y="140" width="80" height="34" rx="17" /><text x="90" y="161">{ "Follower" }</text></g>
                <g class={state(Role::Candidate)}><rect x="145" y="40" width="80" height="34" rx="17" /><text x="185" y="61">{ "Candidate" }</text></g>
                <g class={state(Role::Leader)}><rect x="250" y="140" width="80" height="34" rx="17" /><text x="290" y="161">{ "Leader" }</text></g>
            </svg>
            <p class={classes!("caption", flashing.is_some().then_some("flash"))} aria-live="polite">
                { match last {
                    Some(t) => format!("{} at {}: {} (term {})", node.id, format_time(t.at), words(&t.transition), t.transition.term),
                    None => format!("{} has been a follower since it started", node.id),
                } }
            </p>
            <ol class="history" aria-label={format!("Latest transitions of {}", node.id)}>
                { for node.transitions.iter().rev().take(HISTORY).map(|t| html! {
                    <li>
                        <span class="at">{ format_time(t.at) }</span>
                        { format!(" {} → {}, term {}: {}", t.transition.from, t.transition.to, t.transition.term, words(&t.transition)) }
                    </li>
                }) }
            </ol>
        </div>
    }
}

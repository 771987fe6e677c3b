//! The selected server's roles, drawn as the Raft paper's Figure 4 (with a
//! pre-candidate in its middle while PreVote is on): its current role lit,
//! the arrow of its latest transition flashing with the words of its cause,
//! and its last few transitions listed below.

use crate::components::{format_time, is_recent};
use crate::diagram::{sentence, Arrow, Edge, Layout, Place, LINE_HEIGHT, STATE_HEIGHT};
use crate::ui::SharedView;
use raftlab_core::view::{NodeId, Role, TransitionCause};
use yew::prelude::*;

/// How many past transitions are listed under the diagram.
const HISTORY: usize = 8;

/// Props of [`StateDiagram`].
#[derive(Properties, Clone, PartialEq)]
pub struct StateDiagramProps {
    /// The cluster now.
    pub view: SharedView,
    /// An arrow a narration step points at.
    #[prop_or_default]
    pub highlight: Option<raftlab_core::view::RoleArrow>,
    /// The server whose states are shown.
    pub selected: NodeId,
    /// Playback speed (for how long an arrow flashes).
    pub speed: f64,
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
        .and_then(|t| Some((Arrow::of(&t.transition)?, t.transition.cause)));
    let layout = Layout::choose(view.raft.pre_vote, node.role, flashing.map(|(a, _)| a));
    let drawing = layout.drawing();
    let current = node.alive.then_some(node.role);
    let now = if node.alive {
        node.role.as_str()
    } else {
        "crashed"
    };
    let title = match layout {
        Layout::Figure4 => format!("Figure 4 state diagram of {}, now {now}", node.id),
        Layout::PreVote => format!(
            "Figure 4 state diagram with PreVote's pre-candidate, of {}, now {now}",
            node.id
        ),
    };
    html! {
        <div class="diagram">
            <h2>{ format!("{} states", node.id) }<small>{ format!("now {now}") }</small></h2>
            <svg viewBox={format!("0 0 {} {}", drawing.width, drawing.height)} role="img"
                aria-label={title} data-layout={layout.name()}>
                <defs>
                    <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                    <marker id="arrowhead-flash" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
                        <path d="M0 0 L10 5 L0 10 z" />
                    </marker>
                </defs>
                { for drawing.edges.iter().map(|edge| {
                    let cause = flashing.filter(|(a, _)| *a == edge.arrow).map(|(_, c)| c);
                    let pointed = props
                        .highlight
                        .is_some_and(|h| edge.arrow.ends() == (Some(h.from), h.to));
                    edge_html(edge, cause, pointed)
                }) }
                { for drawing.states.iter().map(|place| state_html(place, current)) }
            </svg>
            <p class={classes!("caption", flashing.is_some().then_some("flash"))} aria-live="polite">
                { match last {
                    Some(t) => format!("{} at {}: {} (term {})", node.id, format_time(t.at),
                        sentence(&t.transition), t.transition.term),
                    None => format!("{} has been a follower since it started", node.id),
                } }
            </p>
            <ol class="history" aria-label={format!("Latest transitions of {}", node.id)}>
                { for node.transitions.iter().rev().take(HISTORY).map(|t| html! {
                    <li>
                        <span class="at">{ format_time(t.at) }</span>
                        { " " }
                        <span class="roles">{ format!("{} → {}", t.transition.from, t.transition.to) }</span>
                        { format!(", term {}: ", t.transition.term) }
                        <span class="cause">{ sentence(&t.transition) }</span>
                    </li>
                }) }
            </ol>
        </div>
    }
}

/// One arrow with its label: the usual words, or while it flashes (`cause`
/// is then the transition's) the words of that cause.
fn edge_html(edge: &Edge, cause: Option<TransitionCause>, pointed: bool) -> Html {
    let added = edge.arrow.is_added();
    let class = classes!(
        "edge",
        cause.is_some().then_some("flash"),
        pointed.then_some("highlighted"),
        added.then_some("added")
    );
    html! {
        <g class={class} data-arrow={edge.arrow.name()}>
            if added {
                <title>{ "Not one of the paper's arrows: Raftlab's addition for a leader told to time out" }</title>
            }
            <path d={edge.path} />
            { for edge.lines(cause).iter().enumerate().map(|(i, line)| html! {
                <text x={edge.label_x.to_string()} y={(edge.label_y + LINE_HEIGHT * i as f64).to_string()}
                    text-anchor={edge.anchor.as_str()}>{ *line }</text>
            }) }
        </g>
    }
}

/// One role's box, lit when it is the server's role (`current`; `None`
/// while the server is down).
fn state_html(place: &Place, current: Option<Role>) -> Html {
    let mut class = classes!("state", place.role.as_str());
    if current == Some(place.role) {
        class.push("current");
    }
    html! {
        <g class={class}>
            <rect x={place.x.to_string()} y={place.y.to_string()} width={place.width.to_string()}
                height={STATE_HEIGHT.to_string()} rx={(STATE_HEIGHT / 2.0).to_string()} />
            <text x={(place.x + place.width / 2.0).to_string()} y={(place.y + STATE_HEIGHT / 2.0 + 4.5).to_string()}>
                { place.name }
            </text>
        </g>
    }
}

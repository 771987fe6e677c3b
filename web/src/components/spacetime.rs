//! The space-time (Lamport) diagram: one lane per server and one for the
//! clients, time running left to right up to the playback position, every
//! message an arrow from its sending to its arrival (or loss), role changes
//! and the leader's commits marked. It scrolls back over the latest journal
//! entries and follows the playback position; clicking an arrow or a mark
//! moves the playback to that step.

use crate::app::{Action, SharedRun, SharedView};
use raftlab_core::journal::{Fate, JournalEntry};
use raftlab_core::raft::{Micros, Role};
use raftlab_core::sim::Endpoint;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;

/// Height of one lane.
const LANE_HEIGHT: f64 = 26.0;
/// Room above the first lane.
const TOP: f64 = 14.0;
/// Horizontal units of the visible window (the panel's width at scale 1).
const WINDOW_WIDTH: f64 = 1200.0;
/// The visible window covers this many seconds of wall time at the current speed …
const WINDOW_WALL_SECONDS: f64 = 6.0;
/// … but never less than this much virtual time,
const WINDOW_US_MIN: f64 = 30_000.0;
/// … nor more (at high speed a whole second of a busy cluster is already
/// more arrows than the eye can follow).
const WINDOW_US_MAX: f64 = 1_000_000.0;
/// The most windows of history the diagram scrolls back over.
const WINDOWS_KEPT: f64 = 8.0;

/// Props of [`SpaceTime`].
#[derive(Properties, Clone, PartialEq)]
pub struct SpaceTimeProps {
    /// The cluster now (messages still in flight).
    pub view: SharedView,
    /// The journal up to now.
    pub run: SharedRun,
    /// The playback speed: it sets how much time one window shows.
    pub speed: f64,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// Maps instants and endpoints to diagram coordinates. Positions are fixed
/// relative to `origin`, so an entry drawn once keeps its coordinates while
/// the window slides over it (only the view box moves each frame).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The instant at x = 0: a multiple of the window, so it moves rarely.
    pub origin: Micros,
    /// The earliest instant drawn.
    pub start: Micros,
    /// The instant at the right edge.
    pub now: Micros,
    /// Horizontal units per microsecond.
    pub per_us: f64,
    /// Servers drawn (the clients' lane comes after them).
    pub lanes: usize,
}

impl Scale {
    /// The scale for a diagram ending at `now`, at playback `speed`, with
    /// history back to `earliest`.
    pub fn new(now: Micros, earliest: Micros, speed: f64, lanes: usize) -> Scale {
        let window_us = (speed * WINDOW_WALL_SECONDS * 1e6).clamp(WINDOW_US_MIN, WINDOW_US_MAX);
        let kept = (window_us * WINDOWS_KEPT) as Micros;
        let window_start = now.saturating_sub(window_us as Micros);
        let start = earliest.max(now.saturating_sub(kept)).min(window_start);
        let window = window_us as Micros;
        Scale {
            origin: start / window * window,
            start,
            now,
            per_us: WINDOW_WIDTH / window_us,
            lanes,
        }
    }

    /// The diagram's width: the history shown, at least one window.
    pub fn width(&self) -> f64 {
        ((self.now - self.start) as f64 * self.per_us).max(WINDOW_WIDTH)
    }

    /// Horizontal position of an instant.
    pub fn x(&self, t: Micros) -> f64 {
        (t as f64 - self.origin as f64) * self.per_us
    }

    /// The view box: the last `width` units, ending at now.
    pub fn view_box(&self) -> String {
        let right = self.x(self.now);
        format!(
            "{:.1} 0 {:.1} {:.0}",
            right - self.width(),
            self.width(),
            self.height()
        )
    }

    /// Vertical position of an endpoint's lane (all clients share the last one).
    pub fn y(&self, endpoint: Endpoint) -> f64 {
        let lane = match endpoint {
            Endpoint::Node(id) => (id.0 as usize).saturating_sub(1).min(self.lanes),
            Endpoint::Client(_) => self.lanes,
        };
        TOP + lane as f64 * LANE_HEIGHT
    }

    /// Total height: every server lane plus the clients'.
    pub fn height(&self) -> f64 {
        TOP + (self.lanes as f64 + 0.5) * LANE_HEIGHT
    }

    /// What an entry's drawing depends on.
    fn placement(&self) -> Placement {
        Placement {
            origin: self.origin,
            per_us: self.per_us,
            lanes: self.lanes,
        }
    }
}

/// The part of a [`Scale`] that fixes an entry's coordinates: entries with
/// equal placements are not drawn again.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Placement {
    origin: Micros,
    per_us: f64,
    lanes: usize,
}

impl Placement {
    fn scale(self) -> Scale {
        Scale {
            origin: self.origin,
            start: self.origin,
            now: self.origin,
            per_us: self.per_us,
            lanes: self.lanes,
        }
    }
}

/// The diagram.
#[function_component(SpaceTime)]
pub fn space_time(props: &SpaceTimeProps) -> Html {
    let view = &props.view.0;
    let run = &props.run.0;
    let lanes = view.nodes.len();
    let now = view.now;
    let earliest = run.journal.last().map_or(now, |e| e.at);
    let scale = Scale::new(now, earliest, props.speed, lanes);
    let width = scale.width();
    let onclick = {
        let cb = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            let position = e
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest("[data-position]").ok().flatten())
                .and_then(|t| t.get_attribute("data-position"))
                .and_then(|p| p.parse::<u64>().ok());
            if let Some(position) = position {
                cb.emit(Action::SeekPosition(position));
            }
        })
    };
    let height = scale.height();
    let placement = scale.placement();
    let right = scale.x(now);
    let left = right - width;
    html! {
        <>
        <h2>{ "Timeline" }<small>{ "space-time diagram: one lane per server, messages as arrows; click one to go there" }</small></h2>
        <div class="spacetime">
            <div class="lanes" aria-hidden="true" style={format!("height:{height:.0}px")}>
                { for view.nodes.iter().map(|n| html! {
                    <span style={format!("top:{:.0}px", scale.y(Endpoint::Node(n.id)) - 8.0)}>{ n.id.to_string() }</span>
                }) }
                <span style={format!("top:{:.0}px", scale.y(Endpoint::Client(raftlab_core::kv::ClientId(0))) - 8.0)}>{ "clients" }</span>
            </div>
            // Right to left, so it opens at now and stays there as the
            // diagram grows, with no script reading the layout each frame.
            <div class="spacetime-scroll">
                <svg width={format!("{width:.0}")} height={format!("{height:.0}")} viewBox={scale.view_box()}
                    role="img" aria-label={format!("Space-time diagram of the last {} events", run.journal.len())}
                    onclick={onclick}>
                    { for (0..=lanes).map(|lane| {
                        let y = TOP + lane as f64 * LANE_HEIGHT;
                        html! { <line class="lane" x1={format!("{left:.0}")} x2={format!("{right:.0}")} y1={format!("{y:.1}")} y2={format!("{y:.1}")} /> }
                    }) }
                    { for run.journal.iter().rev().filter(|e| e.at >= scale.start).map(|entry| html! {
                        <Mark key={entry.position} entry={entry.clone()} placement={placement} />
                    }) }
                    { for view.messages.iter().map(|m| {
                        let (x1, y1) = (scale.x(m.sent_at), scale.y(m.from));
                        let progress = m.progress_at(now);
                        let y2 = y1 + (scale.y(m.to) - y1) * progress;
                        html! {
                            <line class={classes!("arrow", "in-flight", m.kind.as_str(), m.doomed.then_some("doomed"))}
                                x1={format!("{x1:.1}")} y1={format!("{y1:.1}")}
                                x2={format!("{right:.1}")} y2={format!("{y2:.1}")} />
                        }
                    }) }
                    <line class="now" x1={format!("{right:.1}")} x2={format!("{right:.1}")} y1="0" y2={format!("{height:.0}")} />
                </svg>
            </div>
        </div>
        </>
    }
}

/// Props of [`Mark`].
#[derive(Properties, Clone, PartialEq)]
struct MarkProps {
    entry: Rc<JournalEntry>,
    placement: Placement,
}

/// One journal entry's marks: its message's arrow, role changes, a commit.
/// A component of its own, so an entry already drawn is not drawn again
/// while the window slides.
#[function_component(Mark)]
fn mark(props: &MarkProps) -> Html {
    let entry = &props.entry;
    let scale = props.placement.scale();
    let position = entry.position.to_string();
    let flight = entry.flight.as_ref().map(|f| {
        let (x1, y1) = (scale.x(f.sent_at), scale.y(f.from));
        let (x2, y2) = (scale.x(f.ended_at), scale.y(f.to));
        let fate = match f.fate {
            Fate::Delivered => "delivered",
            Fate::Lost => "lost",
            Fate::Dropped => "dropped",
            Fate::Held => "held",
        };
        let ended = f.fate != Fate::Delivered;
        html! {
            <g class={classes!("arrow", f.kind.as_str(), fate)} data-position={position.clone()}>
                <title>{ &entry.text }</title>
                <line x1={format!("{x1:.1}")} y1={format!("{y1:.1}")} x2={format!("{x2:.1}")} y2={format!("{y2:.1}")} />
                if ended {
                    <path class="cross" d={format!("M{:.1} {:.1} l6 6 m0 -6 l-6 6", x2 - 3.0, y2 - 3.0)} />
                } else {
                    <circle class="head" cx={format!("{x2:.1}")} cy={format!("{y2:.1}")} r="2.2" />
                }
            </g>
        }
    });
    let x = scale.x(entry.at);
    let roles = entry.transitions.iter().map(|(id, t)| {
        let y = scale.y(Endpoint::Node(*id));
        let letter = match t.to {
            Role::Leader => "L",
            Role::Candidate => "C",
            Role::PreCandidate => "P",
            Role::Follower => "F",
        };
        html! {
            <g class={classes!("role-mark", t.to.as_str())} data-position={position.clone()}>
                <title>{ &entry.text }</title>
                <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="7" />
                <text x={format!("{x:.1}")} y={format!("{:.1}", y + 3.5)}>{ letter }</text>
            </g>
        }
    });
    let commit = entry.leader_commit.map(|(id, index)| {
        let y = scale.y(Endpoint::Node(id));
        html! {
            <g class="commit-mark" data-position={position.clone()}>
                <title>{ format!("{id} commits up to index {index}") }</title>
                <rect x={format!("{:.1}", x - 2.0)} y={format!("{:.1}", y - 9.0)} width="4" height="18" />
            </g>
        }
    });
    html! {
        <g>
            { for flight }
            { for roles }
            { for commit }
        </g>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::raft::NodeId;

    #[test]
    fn the_window_spans_six_wall_seconds_of_virtual_time_within_bounds() {
        let scale = Scale::new(10_000_000, 0, 1.0 / 30.0, 5);
        assert_eq!(
            scale.x(10_000_000) - scale.x(10_000_000 - 200_000),
            WINDOW_WIDTH
        );
        let slow = Scale::new(10_000_000, 0, 0.001, 5);
        assert!((slow.per_us - WINDOW_WIDTH / WINDOW_US_MIN).abs() < 1e-12);
        let fast = Scale::new(100_000_000, 0, 10.0, 5);
        assert!((fast.per_us - WINDOW_WIDTH / WINDOW_US_MAX).abs() < 1e-12);
    }

    #[test]
    fn history_scrolls_back_to_the_earliest_entry_but_not_forever() {
        let scale = Scale::new(1_000_000, 900_000, 1.0 / 30.0, 3);
        assert_eq!(scale.start, 800_000, "at least a whole window");
        let scale = Scale::new(1_000_000, 750_000, 1.0 / 30.0, 3);
        assert_eq!(scale.start, 750_000);
        let scale = Scale::new(10_000_000, 0, 1.0 / 30.0, 3);
        assert_eq!(scale.start, 10_000_000 - 8 * 200_000);
    }

    #[test]
    fn the_origin_moves_a_whole_window_at_a_time() {
        let a = Scale::new(10_000_000, 0, 1.0 / 30.0, 5);
        let b = Scale::new(10_000_000 + 17_000, 0, 1.0 / 30.0, 5);
        assert_eq!(a.origin % 200_000, 0);
        assert_eq!(
            a.placement(),
            b.placement(),
            "a frame later, entries stay put"
        );
        assert_eq!(a.x(9_950_000), b.x(9_950_000));
    }

    #[test]
    fn servers_have_a_lane_each_and_clients_share_the_last() {
        let scale = Scale::new(0, 0, 1.0, 3);
        assert_eq!(
            scale.view_box(),
            "-1200.0 0 1200.0 105",
            "now is at the right edge"
        );
        assert_eq!(scale.y(Endpoint::Node(NodeId(1))), TOP);
        assert_eq!(scale.y(Endpoint::Node(NodeId(3))), TOP + 2.0 * LANE_HEIGHT);
        assert_eq!(
            scale.y(Endpoint::Client(raftlab_core::kv::ClientId(4))),
            TOP + 3.0 * LANE_HEIGHT
        );
    }
}

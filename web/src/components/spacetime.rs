//! The space-time (Lamport) diagram: one lane per server and one for the
//! clients, time running left to right up to the playback position, every
//! message an arrow from its sending to its arrival (or loss), role changes
//! and the leader's commits marked. It follows the playback position and
//! scrolls back over the latest journal entries; clicking an arrow's end or
//! a mark moves the playback to that step.
//!
//! It is drawn on a canvas: a busy cluster ends hundreds of messages a
//! second, and redrawing them costs far less than keeping that many
//! elements in the page. What the canvas shows is computed first as plain
//! data ([`Drawing`]), which the tests read and clicks are matched against.

use crate::ui::{Action, SharedRun, SharedView};
use raftlab_core::view::Endpoint;
use raftlab_core::view::Fate;
use raftlab_core::view::{MessageKind, Micros, Role};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// Height of one lane.
const LANE_HEIGHT: f64 = 26.0;
/// Room above the first lane.
const TOP: f64 = 14.0;
/// Width of one window, in CSS pixels.
const WINDOW_WIDTH: f64 = 1200.0;
/// The visible window covers this many seconds of wall time at the current speed …
const WINDOW_WALL_SECONDS: f64 = 6.0;
/// … but never less than this much virtual time,
const WINDOW_US_MIN: f64 = 30_000.0;
/// … nor more (at high speed a whole second of a busy cluster is already
/// more arrows than the eye can follow).
const WINDOW_US_MAX: f64 = 1_000_000.0;
/// The most windows of history the diagram scrolls back over.
const WINDOWS_KEPT: f64 = 4.0;
/// Radius of a role-change mark.
const MARK_RADIUS: f64 = 7.0;
/// How near (CSS pixels) a click must land to an arrow's end or a mark.
const HIT_RADIUS: f64 = 8.0;

/// Props of [`SpaceTime`].
#[derive(Properties, Clone, PartialEq)]
pub struct SpaceTimeProps {
    /// The cluster at the instant `run` describes (messages still in flight).
    pub view: SharedView,
    /// The journal up to now.
    pub run: SharedRun,
    /// The playback speed: it sets how much time one window shows.
    pub speed: f64,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// Maps instants and endpoints to diagram coordinates: the playback
/// position at the right edge, history to its left.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The earliest instant drawn.
    pub start: Micros,
    /// The instant at the right edge.
    pub now: Micros,
    /// Horizontal pixels per microsecond.
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
        Scale {
            start: earliest.max(now.saturating_sub(kept)).min(window_start),
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
        self.width() - (self.now as f64 - t as f64) * self.per_us
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
}

/// The colours the diagram uses, named after the page's CSS variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// `--leader`: AppendEntries, heartbeats, TimeoutNow, leaders.
    Leader,
    /// `--candidate`: votes and pre-votes, candidates.
    Candidate,
    /// `--client`: client traffic.
    Client,
    /// `--muted`: replies to the leader.
    Muted,
}

/// How a message kind is drawn.
fn paint_of(kind: MessageKind) -> Paint {
    match kind {
        MessageKind::AppendEntries
        | MessageKind::Heartbeat
        | MessageKind::TimeoutNow
        | MessageKind::InstallSnapshot => Paint::Leader,
        MessageKind::RequestVote
        | MessageKind::RequestVoteReply
        | MessageKind::PreVote
        | MessageKind::PreVoteReply => Paint::Candidate,
        MessageKind::ClientRequest | MessageKind::ClientReply => Paint::Client,
        MessageKind::AppendEntriesReply => Paint::Muted,
    }
}

/// One arrow: a finished flight (with the step that ended it) or one still in the air.
#[derive(Clone, Debug, PartialEq)]
pub struct ArrowShape {
    /// The step that ended it; `None` while in flight.
    pub position: Option<u64>,
    /// Where it left.
    pub from: (f64, f64),
    /// Where it ended (or is now).
    pub to: (f64, f64),
    /// Its colour.
    pub paint: Paint,
    /// Lost, dropped or held: drawn dashed and ending in a cross.
    pub lost: bool,
    /// A heartbeat: drawn faint.
    pub faint: bool,
}

/// A role change on a server's lane.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleMark {
    /// The step.
    pub position: u64,
    /// Where.
    pub at: (f64, f64),
    /// The role it became.
    pub role: Role,
}

/// Everything the canvas shows, in diagram coordinates.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Drawing {
    /// Finished flights, oldest first.
    pub arrows: Vec<ArrowShape>,
    /// Messages still in flight.
    pub in_flight: Vec<ArrowShape>,
    /// Role changes.
    pub roles: Vec<RoleMark>,
    /// The leader's commits: the step and where.
    pub commits: Vec<(u64, (f64, f64))>,
}

impl Drawing {
    /// What to draw for `run`'s journal and `view`'s messages in flight.
    pub fn of(view: &SharedView, run: &SharedRun, scale: &Scale) -> Drawing {
        let mut drawing = Drawing::default();
        for entry in run.0.journal.iter().rev().filter(|e| e.at >= scale.start) {
            if let Some(f) = &entry.flight {
                drawing.arrows.push(ArrowShape {
                    position: Some(entry.position),
                    from: (scale.x(f.sent_at), scale.y(f.from)),
                    to: (scale.x(f.ended_at), scale.y(f.to)),
                    paint: paint_of(f.kind),
                    lost: f.fate != Fate::Delivered,
                    faint: f.kind == MessageKind::Heartbeat,
                });
            }
            for (id, t) in &entry.transitions {
                drawing.roles.push(RoleMark {
                    position: entry.position,
                    at: (scale.x(entry.at), scale.y(Endpoint::Node(*id))),
                    role: t.to,
                });
            }
            if let Some((id, _)) = entry.leader_commit {
                drawing.commits.push((
                    entry.position,
                    (scale.x(entry.at), scale.y(Endpoint::Node(id))),
                ));
            }
        }
        let now = view.0.now;
        for m in &view.0.messages {
            let from = (scale.x(m.sent_at), scale.y(m.from));
            let progress = m.progress_at(now);
            drawing.in_flight.push(ArrowShape {
                position: None,
                from,
                to: (scale.x(now), from.1 + (scale.y(m.to) - from.1) * progress),
                paint: paint_of(m.kind),
                lost: m.doomed,
                faint: m.kind == MessageKind::Heartbeat,
            });
        }
        drawing
    }

    /// The step of the mark or arrow end nearest to `(x, y)`, if one is
    /// within [`HIT_RADIUS`].
    pub fn hit(&self, x: f64, y: f64) -> Option<u64> {
        let distance = |(px, py): (f64, f64)| ((px - x).powi(2) + (py - y).powi(2)).sqrt();
        let marks = self.roles.iter().map(|m| (m.position, m.at));
        let commits = self.commits.iter().copied();
        let arrows = self
            .arrows
            .iter()
            .filter_map(|a| a.position.map(|p| (p, a.to)));
        marks
            .chain(commits)
            .chain(arrows)
            .map(|(position, at)| (position, distance(at)))
            .filter(|(_, d)| *d <= HIT_RADIUS)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(position, _)| position)
    }
}

/// The page's colours, read from its CSS variables.
#[derive(Clone, Debug)]
struct Palette {
    leader: String,
    leader_ink: String,
    candidate: String,
    client: String,
    muted: String,
    follower: String,
    follower_ink: String,
    line: String,
    bad: String,
    ok: String,
    flash: String,
}

impl Palette {
    fn read(element: &web_sys::Element) -> Option<Palette> {
        let style = web_sys::window()?.get_computed_style(element).ok()??;
        let var = |name: &str| {
            style
                .get_property_value(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        Some(Palette {
            leader: var("--leader"),
            leader_ink: var("--leader-ink"),
            candidate: var("--candidate"),
            client: var("--client"),
            muted: var("--muted"),
            follower: var("--follower"),
            follower_ink: var("--follower-ink"),
            line: var("--line"),
            bad: var("--bad"),
            ok: var("--ok"),
            flash: var("--flash"),
        })
    }

    fn of(&self, paint: Paint) -> &str {
        match paint {
            Paint::Leader => &self.leader,
            Paint::Candidate => &self.candidate,
            Paint::Client => &self.client,
            Paint::Muted => &self.muted,
        }
    }
}

/// Draws `drawing` on `canvas` at `scale`'s size in CSS pixels.
fn paint(
    canvas: &HtmlCanvasElement,
    palette: &Palette,
    drawing: &Drawing,
    scale: &Scale,
) -> Option<()> {
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    context
        .set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)
        .ok()?;
    let (width, height) = (scale.width(), scale.height());
    context.clear_rect(0.0, 0.0, width, height);
    paint_lanes(&context, palette, scale);
    paint_arrows(&context, palette, drawing);
    context.set_fill_style_str(&palette.ok);
    for (_, (x, y)) in &drawing.commits {
        context.fill_rect(x - 2.0, y - 9.0, 4.0, 18.0);
    }
    paint_role_marks(&context, palette, drawing);
    context.set_stroke_style_str(&palette.flash);
    context.set_line_width(2.0);
    context.begin_path();
    context.move_to(width - 1.0, 0.0);
    context.line_to(width - 1.0, height);
    context.stroke();
    Some(())
}

/// One line across the diagram under each lane.
fn paint_lanes(context: &CanvasRenderingContext2d, palette: &Palette, scale: &Scale) {
    context.set_line_width(1.0);
    context.set_stroke_style_str(&palette.line);
    for lane in 0..=scale.lanes {
        let y = TOP + lane as f64 * LANE_HEIGHT;
        context.begin_path();
        context.move_to(0.0, y);
        context.line_to(scale.width(), y);
        context.stroke();
    }
}

/// One arrow's line, faint or not, dashed as `dash` says.
fn paint_line(context: &CanvasRenderingContext2d, palette: &Palette, a: &ArrowShape, dash: &[f64]) {
    context.set_global_alpha(if a.faint { 0.45 } else { 1.0 });
    context.set_stroke_style_str(if a.lost && a.position.is_none() {
        &palette.bad
    } else {
        palette.of(a.paint)
    });
    let pattern = js_sys::Array::new();
    for d in dash {
        pattern.push(&(*d).into());
    }
    context.set_line_dash(&pattern).ok();
    context.begin_path();
    context.move_to(a.from.0, a.from.1);
    context.line_to(a.to.0, a.to.1);
    context.stroke();
}

/// Delivered messages end in a dot, lost ones in a cross; messages in
/// flight are dotted lines.
fn paint_arrows(context: &CanvasRenderingContext2d, palette: &Palette, drawing: &Drawing) {
    context.set_line_width(1.2);
    for a in &drawing.arrows {
        paint_line(context, palette, a, if a.lost { &[4.0, 3.0] } else { &[] });
        context.set_global_alpha(1.0);
        let (x, y) = a.to;
        if a.lost {
            context.set_line_dash(&js_sys::Array::new()).ok();
            context.set_stroke_style_str(&palette.bad);
            context.set_line_width(2.0);
            context.begin_path();
            context.move_to(x - 3.0, y - 3.0);
            context.line_to(x + 3.0, y + 3.0);
            context.move_to(x + 3.0, y - 3.0);
            context.line_to(x - 3.0, y + 3.0);
            context.stroke();
            context.set_line_width(1.2);
        } else {
            context.set_fill_style_str(palette.of(a.paint));
            context.begin_path();
            context.arc(x, y, 2.2, 0.0, std::f64::consts::TAU).ok();
            context.fill();
        }
    }
    for a in &drawing.in_flight {
        paint_line(context, palette, a, &[2.0, 2.0]);
    }
    context.set_global_alpha(1.0);
    context.set_line_dash(&js_sys::Array::new()).ok();
}

/// A lettered disc where a server changed role.
fn paint_role_marks(context: &CanvasRenderingContext2d, palette: &Palette, drawing: &Drawing) {
    context.set_font("800 9px system-ui, sans-serif");
    context.set_text_align("center");
    context.set_text_baseline("middle");
    for mark in &drawing.roles {
        let (x, y) = mark.at;
        let (fill, ink, letter) = match mark.role {
            Role::Leader => (&palette.leader, &palette.leader_ink, "L"),
            Role::Candidate => (&palette.candidate, &palette.follower_ink, "C"),
            Role::PreCandidate => (&palette.candidate, &palette.follower_ink, "P"),
            Role::Follower => (&palette.follower, &palette.follower_ink, "F"),
        };
        context.set_fill_style_str(fill);
        context.begin_path();
        context
            .arc(x, y, MARK_RADIUS, 0.0, std::f64::consts::TAU)
            .ok();
        context.fill();
        context.set_fill_style_str(ink);
        context.fill_text(letter, x, y + 0.5).ok();
    }
}

/// Paints `drawing` on `canvas` after every render whose `deps` changed,
/// and returns the drawing last painted (for matching clicks). The palette
/// is read from the page's CSS once, and again when the theme changes.
#[hook]
fn use_painting(
    canvas: NodeRef,
    drawing: Rc<Drawing>,
    scale: Scale,
    deps: (SharedView, SharedRun, u64),
) -> Rc<RefCell<Rc<Drawing>>> {
    let palette: Rc<RefCell<Option<(bool, Palette)>>> = use_mut_ref(|| None);
    let shown: Rc<RefCell<Rc<Drawing>>> = use_mut_ref(|| Rc::new(Drawing::default()));
    {
        let shown = shown.clone();
        use_effect_with(deps, move |_| {
            if let Some(element) = canvas.cast::<HtmlCanvasElement>() {
                // The palette is read again when the theme changes.
                let dark = crate::browser::is_dark(&element);
                let mut cached = palette.borrow_mut();
                if cached
                    .as_ref()
                    .is_none_or(|(was_dark, _)| *was_dark != dark)
                {
                    *cached = Palette::read(&element).map(|p| (dark, p));
                }
                if let Some((_, palette)) = cached.as_ref() {
                    paint(&element, palette, &drawing, &scale);
                }
            }
            *shown.borrow_mut() = drawing;
        });
    }
    shown
}

/// The diagram.
#[function_component(SpaceTime)]
pub fn space_time(props: &SpaceTimeProps) -> Html {
    let run = &props.run.0;
    let lanes = props.view.0.nodes.len();
    let now = props.view.0.now;
    let earliest = run.journal.last().map_or(now, |e| e.at);
    let scale = Scale::new(now, earliest, props.speed, lanes);
    let drawing = Rc::new(Drawing::of(&props.view, &props.run, &scale));
    let canvas = use_node_ref();
    let shown = use_painting(
        canvas.clone(),
        drawing.clone(),
        scale,
        (props.view.clone(), props.run.clone(), props.speed.to_bits()),
    );
    let onclick = {
        let cb = props.on_action.clone();
        Callback::from(move |e: MouseEvent| {
            let hit = shown
                .borrow()
                .hit(f64::from(e.offset_x()), f64::from(e.offset_y()));
            if let Some(position) = hit {
                cb.emit(Action::SeekPosition(position));
            }
        })
    };
    let (width, height) = (scale.width(), scale.height());
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
    html! {
        <>
        <h2>{ "Timeline" }<small>{ "space-time diagram: one lane per server, messages as arrows; click a mark or an arrow's end to go there" }</small></h2>
        <div class="spacetime">
            <div class="lanes" aria-hidden="true" style={format!("height:{height:.0}px")}>
                { for props.view.0.nodes.iter().map(|n| html! {
                    <span style={format!("top:{:.0}px", scale.y(Endpoint::Node(n.id)) - 8.0)}>{ n.id.to_string() }</span>
                }) }
                <span style={format!("top:{:.0}px", scale.y(Endpoint::Client(raftlab_core::view::ClientId(0))) - 8.0)}>{ "clients" }</span>
            </div>
            // Right to left, so it opens at now and stays there as the
            // diagram grows, with no script reading the layout each frame.
            <div class="spacetime-scroll">
                <canvas ref={canvas} width={format!("{:.0}", width * ratio)} height={format!("{:.0}", height * ratio)}
                    style={format!("width:{width:.0}px;height:{height:.0}px")}
                    role="img" aria-label={format!("Space-time diagram of the last {} events (the event log lists them in words)", run.journal.len())}
                    data-arrows={drawing.arrows.len().to_string()} data-in-flight={drawing.in_flight.len().to_string()}
                    data-role-marks={drawing.roles.len().to_string()} data-commits={drawing.commits.len().to_string()}
                    onclick={onclick} />
            </div>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use raftlab_core::session::{Config, Session};
    use raftlab_core::view::{MarkKind, NodeId};

    #[test]
    fn the_window_spans_six_wall_seconds_of_virtual_time_within_bounds() {
        let scale = Scale::new(10_000_000, 0, 1.0 / 30.0, 5);
        assert!((scale.x(10_000_000) - scale.x(10_000_000 - 200_000) - WINDOW_WIDTH).abs() < 1e-9);
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
        assert_eq!(scale.width(), 1_500.0);
        let scale = Scale::new(10_000_000, 0, 1.0 / 30.0, 3);
        assert_eq!(scale.start, 10_000_000 - 4 * 200_000);
        assert_eq!(
            scale.x(scale.now),
            scale.width(),
            "now is at the right edge"
        );
    }

    #[test]
    fn servers_have_a_lane_each_and_clients_share_the_last() {
        let scale = Scale::new(0, 0, 1.0, 3);
        assert_eq!(scale.y(Endpoint::Node(NodeId(1))), TOP);
        assert_eq!(scale.y(Endpoint::Node(NodeId(3))), TOP + 2.0 * LANE_HEIGHT);
        assert_eq!(
            scale.y(Endpoint::Client(raftlab_core::view::ClientId(4))),
            TOP + 3.0 * LANE_HEIGHT
        );
    }

    /// A run to its first election, drawn.
    fn elected() -> (Session, Drawing) {
        let mut session = Session::new(3, Config::default()).expect("valid");
        assert!(session.jump_to_next(MarkKind::Election).expect("plays"));
        let view = SharedView(Rc::new(session.view()));
        let run = SharedRun(Rc::new(session.run_view()));
        let earliest = run.0.journal.last().map_or(0, |e| e.at);
        let scale = Scale::new(view.0.now, earliest, 1.0 / 30.0, view.0.nodes.len());
        let drawing = Drawing::of(&view, &run, &scale);
        (session, drawing)
    }

    #[test]
    fn an_election_draws_vote_arrows_a_candidate_and_a_leader_mark() {
        let (session, drawing) = elected();
        let leader = session.view().leader().map(|n| n.id).expect("a leader");
        assert!(drawing
            .arrows
            .iter()
            .any(|a| a.paint == Paint::Candidate && !a.lost));
        assert!(drawing.roles.iter().any(|m| m.role == Role::Candidate));
        let crowned = drawing
            .roles
            .iter()
            .find(|m| m.role == Role::Leader)
            .expect("the leader's mark");
        assert_eq!(crowned.position, session.position());
        let lane = Scale::new(0, 0, 1.0, 5).y(Endpoint::Node(leader));
        assert_eq!(crowned.at.1, lane);
    }

    #[test]
    fn a_click_on_a_mark_or_an_arrow_end_finds_its_step_and_elsewhere_nothing() {
        let (_, drawing) = elected();
        let mark = drawing.roles.last().expect("a mark");
        assert_eq!(
            drawing.hit(mark.at.0 + 3.0, mark.at.1 - 2.0),
            Some(mark.position)
        );
        let arrow = drawing.arrows.first().expect("an arrow");
        let (x, y) = arrow.to;
        let found = drawing.hit(x, y).expect("something there");
        assert!(
            drawing
                .arrows
                .iter()
                .chain(drawing.in_flight.iter())
                .any(|a| a.position == Some(found))
                || drawing.roles.iter().any(|m| m.position == found)
        );
        assert_eq!(drawing.hit(-500.0, -500.0), None);
    }
}

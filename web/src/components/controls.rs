//! The playback toolbars, full and compact, built from the same parts: the
//! play/pause and step buttons, the speed slider and the clock. The full
//! page's toolbar adds step back, jumps to the next election, commit or
//! violation, a client request, the keyboard help, presenter mode and the share tools
//! (Share, Export, Import) on one row, and on a second the scrubber over the
//! whole run with the seed and the event count; the compact one (embeds)
//! adds a link that opens the same run on the full page in a new tab.

use super::sender;
use crate::components::{format_time, SharePanel, SpeedSlider};
use crate::share::ShareSource;
use crate::ui::{Action, SharedRun};
use raftlab_core::view::MarkKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Controls`].
#[derive(Properties, Clone, PartialEq)]
pub struct ControlsProps {
    /// Is playback running?
    pub playing: bool,
    /// The playback speed.
    pub speed: f64,
    /// The virtual clock.
    pub now_us: u64,
    /// The run's seed.
    pub seed: u64,
    /// Events processed so far.
    pub events: u64,
    /// Where the playback is in the run.
    pub run: SharedRun,
    /// What the share tools read.
    pub share: ShareSource,
    /// Is presenter mode on? (The Present button is pressed.)
    #[prop_or_default]
    pub presenting: bool,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The scrubber's unit: one step of the range input is this many microseconds.
const SCRUB_UNIT_US: u64 = 1_000;

/// The play/pause button; `title` names its shortcut.
fn play_button(playing: bool, title: &'static str, on_action: &Callback<Action>) -> Html {
    html! {
        <button type="button" class="primary" onclick={sender(on_action, Action::TogglePlay)}
            aria-label={if playing { "Pause" } else { "Play" }} {title}>
            { if playing { "❚❚ Pause" } else { "▶ Play" } }
        </button>
    }
}

/// The single-step button; `title` says what it does.
fn step_button(title: &'static str, on_action: &Callback<Action>) -> Html {
    html! {
        <button type="button" onclick={sender(on_action, Action::Step)} aria-label="Step"
            {title}>{ "Step ›" }</button>
    }
}

/// The virtual clock.
fn clock(now_us: u64) -> Html {
    html! { <span class="clock" title="virtual time">{ format_time(now_us) }</span> }
}

/// The full page's toolbar.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let on_action = &props.on_action;
    let run = &props.run.0;
    html! {
        <div class="controls" role="toolbar" aria-label="Playback">
            <div class="buttons">
                <button type="button" onclick={sender(on_action, Action::StepBack)} aria-label="Step back"
                    disabled={run.position == 0} title="Go back exactly one event (←)">{ "‹" }</button>
                { play_button(props.playing, "Space", on_action) }
                { step_button("Pause and process exactly one event (→)", on_action) }
            </div>
            <SpeedSlider speed={props.speed} on_action={on_action.clone()} />
            { jumps(on_action) }
            <button type="button" onclick={sender(on_action, Action::Request)} aria-label="Request" data-tool="request"
                title="A client sends a put to the leader (r)">{ "Request" }</button>
            { clock(props.now_us) }
            <button type="button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
                onclick={sender(on_action, Action::ShowHelp(true))}>{ "?" }</button>
            <button type="button" class="present" aria-pressed={props.presenting.to_string()}
                title="Presenter mode: large type for a projector, chosen panels, the narration as a caption (p)"
                onclick={sender(on_action, Action::Present(!props.presenting))}>{ "Present" }</button>
            <SharePanel source={props.share.clone()} on_action={on_action.clone()} />
            // The second row: the scrubber, and the seed and event count,
            // which grow as the run does and so sit where growing moves nothing.
            <div class="timeline-row">
                <Scrubber now_us={props.now_us} run={props.run.clone()} on_action={on_action.clone()} />
                <span class="meta">{ meta(props.seed, props.events) }</span>
            </div>
        </div>
    }
}

/// The run's seed and how many events it has processed: "seed 1 · 42 events".
fn meta(seed: u64, events: u64) -> String {
    format!(
        "seed {seed} · {events} event{}",
        if events == 1 { "" } else { "s" }
    )
}

/// The buttons that jump to the next election, commit or violation.
fn jumps(on_action: &Callback<Action>) -> Html {
    html! {
        <div class="buttons jumps" role="group" aria-label="Jump to the next">
            <span class="hint">{ "next:" }</span>
            <button type="button" aria-label="Next election" title="Jump to the next election (e)"
                onclick={sender(on_action, Action::JumpNext(MarkKind::Election))}>{ "election" }</button>
            <button type="button" aria-label="Next commit" title="Jump to the next commit (c)"
                onclick={sender(on_action, Action::JumpNext(MarkKind::Commit))}>{ "commit" }</button>
            <button type="button" aria-label="Next violation" title="Jump to the next safety violation (v)"
                onclick={sender(on_action, Action::JumpNext(MarkKind::Violation))}>{ "violation" }</button>
        </div>
    }
}

/// Props of [`Scrubber`].
#[derive(Properties, Clone, PartialEq)]
pub struct ScrubberProps {
    /// The virtual clock.
    pub now_us: u64,
    /// Where the playback is in the run.
    pub run: SharedRun,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The time slider over everything explored so far.
#[function_component(Scrubber)]
pub fn scrubber(props: &ScrubberProps) -> Html {
    let on_scrub = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(units) = input.value().parse::<u64>() {
                on_action.emit(Action::Seek(units * SCRUB_UNIT_US));
            }
        })
    };
    // The run's panels lag the clock by up to a refresh while playing fast;
    // the scrubber's end is never behind the clock.
    let explored_until = props.run.0.explored_until.max(props.now_us);
    let end_units = explored_until.div_ceil(SCRUB_UNIT_US).max(1);
    let now_units = props.now_us / SCRUB_UNIT_US;
    html! {
        <label class="scrubber">
            <span class="sr-only">{ "Time" }</span>
            <input type="range" min="0" max={end_units.to_string()} step="1" aria-label="Time"
                aria-valuetext={format_time(props.now_us)}
                value={now_units.min(end_units).to_string()} oninput={on_scrub} />
            <output>{ format!("of {}", format_time(explored_until)) }</output>
        </label>
    }
}

/// Props of [`CompactControls`].
#[derive(Properties, Clone, PartialEq)]
pub struct CompactControlsProps {
    /// Is playback running?
    pub playing: bool,
    /// The playback speed.
    pub speed: f64,
    /// The virtual clock.
    pub now_us: u64,
    /// The full page's address for this run; no link when `None`.
    #[prop_or_default]
    pub open_href: Option<String>,
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The embed's slim toolbar.
#[function_component(CompactControls)]
pub fn compact_controls(props: &CompactControlsProps) -> Html {
    let on_action = &props.on_action;
    html! {
        <div class="embed-toolbar" role="toolbar" aria-label="Playback">
            { play_button(props.playing, "Space, once you have clicked here", on_action) }
            { step_button("Pause and process exactly one event", on_action) }
            <SpeedSlider speed={props.speed} hide_label=true on_action={on_action.clone()} />
            { clock(props.now_us) }
            if let Some(href) = props.open_href.clone() {
                <a class="open" {href} target="_blank" rel="noopener">
                    { "Open in Raftlab" }<span aria-hidden="true">{ " ↗" }</span>
                </a>
            }
        </div>
    }
}

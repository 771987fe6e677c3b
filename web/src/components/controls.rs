//! Playback controls: play/pause, step back and forward, speed, jumps to the
//! next election, commit or violation, the scrubber over the whole run, a
//! client request, the clock, the seed, the keyboard help, and the share
//! tools (Share, Export, Import).

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
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The scrubber's unit: one step of the range input is this many microseconds.
const SCRUB_UNIT_US: u64 = 1_000;

/// The toolbar.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let on_scrub = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(units) = input.value().parse::<u64>() {
                cb.emit(Action::Seek(units * SCRUB_UNIT_US));
            }
        })
    };
    let run = &props.run.0;
    let end_units = run.explored_until.div_ceil(SCRUB_UNIT_US).max(1);
    let now_units = props.now_us / SCRUB_UNIT_US;
    html! {
        <div class="controls" role="toolbar" aria-label="Playback">
            <div class="buttons">
                <button type="button" onclick={send(Action::StepBack)} aria-label="Step back"
                    disabled={run.position == 0} title="Go back exactly one event (←)">{ "‹" }</button>
                <button type="button" class="primary" onclick={send(Action::TogglePlay)}
                    aria-label={if props.playing { "Pause" } else { "Play" }} title="Space">
                    { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button type="button" onclick={send(Action::Step)} aria-label="Step"
                    title="Pause and process exactly one event (→)">{ "Step ›" }</button>
            </div>
            <SpeedSlider speed={props.speed} on_action={props.on_action.clone()} />
            <div class="buttons jumps" role="group" aria-label="Jump to the next">
                <span class="hint">{ "next:" }</span>
                <button type="button" aria-label="Next election" title="Jump to the next election (e)"
                    onclick={send(Action::JumpNext(MarkKind::Election))}>{ "election" }</button>
                <button type="button" aria-label="Next commit" title="Jump to the next commit (c)"
                    onclick={send(Action::JumpNext(MarkKind::Commit))}>{ "commit" }</button>
                <button type="button" aria-label="Next violation" title="Jump to the next safety violation (v)"
                    onclick={send(Action::JumpNext(MarkKind::Violation))}>{ "violation" }</button>
            </div>
            <button type="button" onclick={send(Action::Request)} aria-label="Request"
                title="A client sends a put to the leader (r)">{ "Request" }</button>
            <span class="clock" title="virtual time">{ format_time(props.now_us) }</span>
            <span class="meta">{ format!("seed {} · {} event{}", props.seed, props.events, if props.events == 1 { "" } else { "s" }) }</span>
            <button type="button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
                onclick={send(Action::ShowHelp(true))}>{ "?" }</button>
            <SharePanel source={props.share.clone()} on_action={props.on_action.clone()} />
            <label class="scrubber">
                <span class="sr-only">{ "Time" }</span>
                <input type="range" min="0" max={end_units.to_string()} step="1" aria-label="Time"
                    aria-valuetext={format_time(props.now_us)}
                    value={now_units.min(end_units).to_string()} oninput={on_scrub} />
                <output>{ format!("of {}", format_time(run.explored_until)) }</output>
            </label>
        </div>
    }
}

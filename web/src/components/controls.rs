//! Playback controls: play/pause, step, speed, a client request, the clock and the seed.

use crate::app::Action;
use crate::components::format_time;
use crate::params::{format_speed, slider_from_speed, speed_from_slider};
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
    /// Where actions go.
    pub on_action: Callback<Action>,
}

/// The toolbar.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let on_speed = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let position = input.value().parse::<u32>().unwrap_or(0);
            cb.emit(Action::SetSpeed(speed_from_slider(position)));
        })
    };
    html! {
        <div class="controls">
            <button type="button" class="primary" onclick={send(Action::TogglePlay)}
                aria-label={if props.playing { "Pause" } else { "Play" }}>
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" onclick={send(Action::Step)} aria-label="Step"
                title="Pause and process exactly one event">{ "Step ›" }</button>
            <label class="speed">
                <span>{ "Speed" }</span>
                <input type="range" min="0" max="3000" step="1" aria-label="Speed"
                    aria-valuetext={format_speed(props.speed)}
                    value={slider_from_speed(props.speed).to_string()} oninput={on_speed} />
                <output>{ format_speed(props.speed) }</output>
            </label>
            <button type="button" onclick={send(Action::Request)} aria-label="Request"
                title="A client sends a put to the leader">{ "Request" }</button>
            <span class="clock" title="virtual time">{ format_time(props.now_us) }</span>
            <span class="meta">{ format!("seed {} · {} event{}", props.seed, props.events, if props.events == 1 { "" } else { "s" }) }</span>
        </div>
    }
}

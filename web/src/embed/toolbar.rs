//! The embed's slim toolbar: play/pause, step, speed, the clock, and a link
//! that opens the same run on the full page in a new tab.

use crate::components::format_time;
use crate::params::{format_speed, slider_from_speed, speed_from_slider, SLIDER_MAX};
use crate::ui::Action;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`EmbedToolbar`].
#[derive(Properties, Clone, PartialEq)]
pub struct EmbedToolbarProps {
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

/// The toolbar.
#[function_component(EmbedToolbar)]
pub fn embed_toolbar(props: &EmbedToolbarProps) -> Html {
    let send = |action: Action| {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(action.clone()))
    };
    let on_speed = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(position) = input.value().parse::<u32>() {
                cb.emit(Action::SetSpeed(speed_from_slider(position)));
            }
        })
    };
    html! {
        <div class="embed-toolbar" role="toolbar" aria-label="Playback">
            <button type="button" class="primary" onclick={send(Action::TogglePlay)}
                aria-label={if props.playing { "Pause" } else { "Play" }} title="Space, once you have clicked here">
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" onclick={send(Action::Step)} aria-label="Step"
                title="Pause and process exactly one event">{ "Step ›" }</button>
            <label class="speed">
                <span class="sr-only">{ "Speed" }</span>
                <input type="range" min="0" max={SLIDER_MAX.to_string()} step="1" aria-label="Speed"
                    aria-valuetext={format_speed(props.speed)}
                    value={slider_from_speed(props.speed).to_string()} oninput={on_speed} />
                <output>{ format_speed(props.speed) }</output>
            </label>
            <span class="clock" title="virtual time">{ format_time(props.now_us) }</span>
            if let Some(href) = props.open_href.clone() {
                <a class="open" {href} target="_blank" rel="noopener">
                    { "Open in Raftlab" }<span aria-hidden="true">{ " ↗" }</span>
                </a>
            }
        </div>
    }
}

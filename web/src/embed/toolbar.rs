//! The embed's slim toolbar: play/pause, step, speed, the clock, and a link
//! that opens the same run on the full page in a new tab.

use crate::components::{format_time, SpeedSlider};
use crate::ui::Action;
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
    html! {
        <div class="embed-toolbar" role="toolbar" aria-label="Playback">
            <button type="button" class="primary" onclick={send(Action::TogglePlay)}
                aria-label={if props.playing { "Pause" } else { "Play" }} title="Space, once you have clicked here">
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button type="button" onclick={send(Action::Step)} aria-label="Step"
                title="Pause and process exactly one event">{ "Step ›" }</button>
            <SpeedSlider speed={props.speed} hide_label={true} on_action={props.on_action.clone()} />
            <span class="clock" title="virtual time">{ format_time(props.now_us) }</span>
            if let Some(href) = props.open_href.clone() {
                <a class="open" {href} target="_blank" rel="noopener">
                    { "Open in Raftlab" }<span aria-hidden="true">{ " ↗" }</span>
                </a>
            }
        </div>
    }
}

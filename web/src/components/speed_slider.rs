//! The playback speed slider of the toolbar and the embed's toolbar: a
//! logarithmic range (see [`crate::params::speed_from_slider`]) that reads
//! the speed out beside it and sends [`Action::SetSpeed`] as it moves.

use super::form::input_value;
use crate::params::{format_speed, slider_from_speed, speed_from_slider, SLIDER_MAX};
use crate::ui::Action;
use yew::prelude::*;

/// Props of [`SpeedSlider`].
#[derive(Properties, Clone, PartialEq)]
pub struct SpeedSliderProps {
    /// The playback speed.
    pub speed: f64,
    /// The word "Speed" only for screen readers (the embed's slim toolbar).
    #[prop_or_default]
    pub hide_label: bool,
    /// Where the new speed goes.
    pub on_action: Callback<Action>,
}

/// A label with the speed slider and its read-out in it.
#[function_component(SpeedSlider)]
pub fn speed_slider(props: &SpeedSliderProps) -> Html {
    let oninput = {
        let cb = props.on_action.clone();
        Callback::from(move |e: InputEvent| {
            // A range input's value is always a whole position.
            if let Ok(position) = input_value(&e).parse::<u32>() {
                cb.emit(Action::SetSpeed(speed_from_slider(position)));
            }
        })
    };
    html! {
        <label class="speed">
            <span class={props.hide_label.then_some("sr-only")}>{ "Speed" }</span>
            <input type="range" min="0" max={SLIDER_MAX.to_string()} step="1" aria-label="Speed"
                aria-valuetext={format_speed(props.speed)}
                value={slider_from_speed(props.speed).to_string()} oninput={oninput} />
            <output>{ format_speed(props.speed) }</output>
        </label>
    }
}

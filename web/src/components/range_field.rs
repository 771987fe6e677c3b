//! A labelled range input that reads its value out beside it (and to a
//! screen reader, through `aria-valuetext`): the fault sliders' rates and
//! delay.

use super::form::input_value;
use yew::prelude::*;

/// Props of [`RangeField`].
#[derive(Properties, Clone, PartialEq)]
pub struct RangeFieldProps {
    /// The visible label.
    pub label: AttrValue,
    /// The accessible name.
    pub name: AttrValue,
    /// The smallest position.
    #[prop_or_default]
    pub min: u64,
    /// The largest position.
    pub max: u64,
    /// The distance between positions.
    #[prop_or(1)]
    pub step: u64,
    /// The position shown.
    pub value: u64,
    /// The position as read out, with its unit: "100 ‰".
    pub value_text: AttrValue,
    /// Greyed out.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with the position's text as a drag goes.
    pub on_input: Callback<String>,
    /// Called with the position's text when the slider is released.
    pub on_change: Callback<String>,
}

/// A label with a slider and its read-out in it.
#[function_component(RangeField)]
pub fn range_field(props: &RangeFieldProps) -> Html {
    let oninput = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| cb.emit(input_value(&e)))
    };
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| cb.emit(input_value(&e)))
    };
    html! {
        <label class="field slider">
            <span>{ props.label.clone() }</span>
            <span class="slider-row">
                <input type="range" min={props.min.to_string()} max={props.max.to_string()}
                    step={props.step.to_string()} aria-label={props.name.clone()}
                    aria-valuetext={props.value_text.clone()} disabled={props.disabled}
                    value={props.value.to_string()} oninput={oninput} onchange={onchange} />
                <output>{ props.value_text.clone() }</output>
            </span>
        </label>
    }
}

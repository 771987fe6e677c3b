//! A checkbox with its label beside it and a hint on hover: the switches of
//! the configuration panel and the client panel's workload box.

use super::form::input_checked;
use yew::prelude::*;

/// Props of [`Toggle`].
#[derive(Properties, Clone, PartialEq)]
pub struct ToggleProps {
    /// The words beside the box, also its accessible name.
    pub label: AttrValue,
    /// A longer explanation, shown on hover.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Is the box checked?
    pub checked: bool,
    /// The box itself, for a caller that puts it back when it refuses the
    /// change (the box shows what is in force).
    #[prop_or_default]
    pub input_ref: NodeRef,
    /// Called with the box's new state.
    pub on_change: Callback<bool>,
}

/// A label with a checkbox in it.
#[function_component(Toggle)]
pub fn toggle(props: &ToggleProps) -> Html {
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| cb.emit(input_checked(&e)))
    };
    html! {
        <label class="toggle" title={props.hint.clone()}>
            <input type="checkbox" ref={props.input_ref.clone()} aria-label={props.label.clone()}
                checked={props.checked} onchange={onchange} />
            <span>{ props.label.clone() }</span>
        </label>
    }
}

//! A labelled `<select>` whose choice follows its props: the panels keep what
//! is chosen in their own state, and the element is set to it after every
//! render (a `selected` attribute alone stops counting once the user has
//! picked, and the choices change when a new run has fewer servers).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

/// One choice: the option's value and the text shown for it.
pub type Choice = (AttrValue, AttrValue);

/// Props of [`SelectField`].
#[derive(Properties, Clone, PartialEq)]
pub struct SelectFieldProps {
    /// The visible label.
    pub label: AttrValue,
    /// The accessible name.
    pub name: AttrValue,
    /// The choices, in order.
    pub choices: Vec<Choice>,
    /// The chosen option's value.
    pub value: AttrValue,
    /// A longer explanation, shown on hover.
    #[prop_or_default]
    pub title: Option<AttrValue>,
    /// Greyed out and not focusable.
    #[prop_or_default]
    pub disabled: bool,
    /// Called with the value the user picks.
    pub on_change: Callback<String>,
}

/// A label with a select in it.
#[function_component(SelectField)]
pub fn select_field(props: &SelectFieldProps) -> Html {
    let select = use_node_ref();
    {
        let select = select.clone();
        use_effect_with(
            (props.value.clone(), props.choices.clone()),
            move |(value, _)| {
                if let Some(element) = select.cast::<HtmlSelectElement>() {
                    element.set_value(value);
                }
            },
        );
    }
    let onchange = {
        let cb = props.on_change.clone();
        Callback::from(move |e: Event| cb.emit(super::form::select_value(&e)))
    };
    html! {
        <label class="field" title={props.title.clone()}>
            <span>{ props.label.clone() }</span>
            <select ref={select} aria-label={props.name.clone()} disabled={props.disabled} onchange={onchange}>
                { for props.choices.iter().map(|(value, text)| html! {
                    <option value={value.clone()} selected={*value == props.value}>{ text.clone() }</option>
                }) }
            </select>
        </label>
    }
}

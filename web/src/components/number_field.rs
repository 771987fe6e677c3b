//! A labelled number input. It holds the text as typed, not a number: a
//! half-typed value stays as it is, and the panel parses the text when it
//! uses it ([`super::form::parse_count`], [`super::form::parse_ms`]), so a
//! bad number becomes a message naming the field rather than a panic.

use super::form::input_value;
use yew::prelude::*;

/// Props of [`NumberField`].
#[derive(Properties, Clone, PartialEq)]
pub struct NumberFieldProps {
    /// The field's name: its accessible name, and the visible label before
    /// the unit.
    pub label: AttrValue,
    /// What the number counts, shown in brackets after the label ("ms").
    #[prop_or_default]
    pub unit: Option<AttrValue>,
    /// The text in the field.
    pub value: AttrValue,
    /// The smallest value the browser's arrows offer.
    #[prop_or_default]
    pub min: u64,
    /// The largest value the browser's arrows offer, if any.
    #[prop_or_default]
    pub max: Option<u64>,
    /// The arrows' step: a number, or "any".
    #[prop_or(AttrValue::Static("1"))]
    pub step: AttrValue,
    /// A longer explanation, shown on hover.
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    /// Classes for the input besides `number`.
    #[prop_or_default]
    pub class: Classes,
    /// Called with the text after every edit.
    pub on_input: Callback<String>,
    /// Called with the text when the field is left after a change.
    #[prop_or_default]
    pub on_change: Option<Callback<String>>,
}

/// The visible label: the name, then the unit in brackets if there is one.
pub fn field_label(label: &str, unit: Option<&str>) -> String {
    match unit {
        Some(unit) => format!("{label} ({unit})"),
        None => label.to_owned(),
    }
}

/// A label with a number input in it.
#[function_component(NumberField)]
pub fn number_field(props: &NumberFieldProps) -> Html {
    let oninput = {
        let cb = props.on_input.clone();
        Callback::from(move |e: InputEvent| cb.emit(input_value(&e)))
    };
    let onchange = props
        .on_change
        .clone()
        .map(|cb| Callback::from(move |e: Event| cb.emit(input_value(&e))));
    html! {
        <label class="field" title={props.hint.clone()}>
            <span>{ field_label(&props.label, props.unit.as_deref()) }</span>
            <input type="number" class={classes!("number", props.class.clone())}
                min={props.min.to_string()} max={props.max.map(|max| max.to_string())}
                step={props.step.clone()} aria-label={props.label.clone()}
                value={props.value.clone()} oninput={oninput} onchange={onchange} />
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_follows_the_name_in_brackets() {
        assert_eq!(field_label("Latency min", Some("ms")), "Latency min (ms)");
        assert_eq!(field_label("Servers", None), "Servers");
    }
}

//! What the control panels share: turning the text a user typed into numbers
//! (a bad number becomes a message naming the field, never a panic), a
//! form's contents behind a reducer and the [`Outbox`] its commands leave
//! through, and reading a form control's value out of its event.

use crate::ui::Action;
use raftlab_core::session::Command;
use raftlab_core::view::{Micros, NodeId};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The longest duration any millisecond field accepts: an hour. Why: no
/// timeout or delay worth watching is longer, and it keeps sums far from
/// overflowing.
pub const MS_MAX: u64 = 3_600_000;

/// Microseconds per millisecond.
const US_PER_MS: u64 = 1_000;

/// Parses a duration typed in milliseconds, with up to three decimals
/// ("12.5" is 12 500 µs), into [`Micros`]. `what` names the field in the
/// message.
pub fn parse_ms(text: &str, what: &str) -> Result<Micros, String> {
    let text = text.trim();
    let not_a_duration = || format!("{what}: “{text}” is not a number of milliseconds");
    if text.is_empty() {
        return Err(format!("{what}: type a number of milliseconds"));
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(not_a_duration());
    }
    if fraction.len() > 3 {
        return Err(format!(
            "{what}: at most three decimals (a microsecond), not “{text}”"
        ));
    }
    // Leading zeros are harmless; only the value's size matters.
    let whole = whole.trim_start_matches('0');
    if whole.len() > 7 {
        return Err(format!("{what}: at most {MS_MAX} ms"));
    }
    let ms: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| not_a_duration())?
    };
    let fraction_us: u64 = if fraction.is_empty() {
        0
    } else {
        let padded = format!("{fraction:0<3}");
        padded.parse().map_err(|_| not_a_duration())?
    };
    let us = ms * US_PER_MS + fraction_us;
    if us > MS_MAX * US_PER_MS {
        return Err(format!("{what}: at most {MS_MAX} ms"));
    }
    Ok(us)
}

/// A duration in milliseconds as a user would type it: "150", "12.5".
pub fn format_ms(us: Micros) -> String {
    let (ms, rest) = (us / US_PER_MS, us % US_PER_MS);
    if rest == 0 {
        return ms.to_string();
    }
    let fraction = format!("{rest:03}");
    format!("{ms}.{}", fraction.trim_end_matches('0'))
}

/// Parses a whole number in `min..=max`; `what` names the field in the message.
pub fn parse_count(text: &str, what: &str, min: u64, max: u64) -> Result<u64, String> {
    debug_assert!(min <= max);
    let text = text.trim();
    let out_of_range = || format!("{what}: a whole number from {min} to {max}, not “{text}”");
    if text.is_empty() {
        return Err(format!("{what}: type a whole number from {min} to {max}"));
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(out_of_range());
    }
    let value: u64 = text.parse().map_err(|_| out_of_range())?;
    if !(min..=max).contains(&value) {
        return Err(out_of_range());
    }
    Ok(value)
}

/// A form's contents behind a reducer. Why not `use_state`: a callback
/// captures the contents of the render that made it, so two edits before the
/// next render would lose the first; an edit dispatched here applies to the
/// latest contents.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft<T>(pub T);

/// One change to a [`Draft`]'s contents.
pub type Edit<T> = Box<dyn FnOnce(&mut T)>;

impl<T: Clone> Reducible for Draft<T> {
    type Action = Edit<T>;

    fn reduce(self: Rc<Self>, edit: Edit<T>) -> Rc<Self> {
        let mut next = self.0.clone();
        edit(&mut next);
        Rc::new(Draft(next))
    }
}

/// A form that shows why its last action did nothing.
pub trait Complaint {
    /// Where the form keeps the message it shows, `None` for no message.
    fn message_mut(&mut self) -> &mut Option<String>;
}

/// Where a panel's actions go: one that is sent clears the panel's message,
/// one that is refused becomes the message. It also edits the panel's
/// [`Draft`], so the panel's parts need only this one handle.
pub struct Outbox<T: Clone + 'static> {
    on_action: Callback<Action>,
    dispatcher: UseReducerDispatcher<Draft<T>>,
}

impl<T: Clone + 'static> Clone for Outbox<T> {
    fn clone(&self) -> Self {
        Outbox {
            on_action: self.on_action.clone(),
            dispatcher: self.dispatcher.clone(),
        }
    }
}

impl<T: Clone + Complaint + 'static> Outbox<T> {
    /// An outbox to `on_action` for the form behind `draft`.
    pub fn new(on_action: &Callback<Action>, draft: &UseReducerHandle<Draft<T>>) -> Outbox<T> {
        Outbox {
            on_action: on_action.clone(),
            dispatcher: draft.dispatcher(),
        }
    }

    /// Changes the form's contents (the latest ones, see [`Draft`]).
    pub fn edit(&self, edit: impl FnOnce(&mut T) + 'static) {
        self.dispatcher.dispatch(Box::new(edit));
    }

    /// Sends `action` to the app and clears the message.
    pub fn act(&self, action: Action) {
        self.edit(|form| *form.message_mut() = None);
        self.on_action.emit(action);
    }

    /// Runs `command` in the simulation and clears the message.
    pub fn send(&self, command: Command) {
        self.act(Action::Run(command));
    }

    /// Shows `message` instead of sending anything.
    pub fn complain(&self, message: String) {
        self.edit(move |form| *form.message_mut() = Some(message));
    }

    /// Sends the command, or shows why there is none.
    pub fn emit(&self, result: Result<Command, String>) {
        match result {
            Ok(command) => self.send(command),
            Err(message) => self.complain(message),
        }
    }
}

/// The panel's error notice, if it has a message to show.
pub fn notice(message: Option<&str>) -> Html {
    match message {
        Some(message) => html! { <p class="notice error" role="alert">{ message.to_owned() }</p> },
        None => Html::default(),
    }
}

/// The server a select's option value names ("3" is S3), if any.
pub fn parse_node(value: &str) -> Option<NodeId> {
    value.parse().ok().map(NodeId)
}

/// The text in the `<input>` an event came from.
pub fn input_value(event: &Event) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

/// Whether the checkbox an event came from is now checked.
pub fn input_checked(event: &Event) -> bool {
    event.target_unchecked_into::<HtmlInputElement>().checked()
}

/// The chosen option's value in the `<select>` an event came from.
pub fn select_value(event: &Event) -> String {
    event.target_unchecked_into::<HtmlSelectElement>().value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milliseconds_parse_into_micros() {
        assert_eq!(parse_ms("150", "t"), Ok(150_000));
        assert_eq!(parse_ms(" 12.5 ", "t"), Ok(12_500));
        assert_eq!(parse_ms("0.001", "t"), Ok(1));
        assert_eq!(parse_ms(".5", "t"), Ok(500));
        assert_eq!(parse_ms("7.", "t"), Ok(7_000));
        assert_eq!(parse_ms("0", "t"), Ok(0));
        assert_eq!(parse_ms("0003600000", "t"), Ok(MS_MAX * 1_000));
    }

    #[test]
    fn bad_millisecond_text_is_a_message_naming_the_field() {
        for bad in [
            "",
            " ",
            ".",
            "-5",
            "+5",
            "1e3",
            "abc",
            "1.2.3",
            "1,5",
            "0.0001",
            "3600001",
            "3600000.5",
            "99999999999999999999999",
        ] {
            let error = parse_ms(bad, "Latency min").expect_err(bad);
            assert!(error.starts_with("Latency min"), "{bad}: {error}");
        }
    }

    #[test]
    fn micros_print_as_the_milliseconds_that_parse_back() {
        for us in [0, 1, 500, 12_500, 150_000, 1_234_567] {
            assert_eq!(parse_ms(&format_ms(us), "t"), Ok(us));
        }
        assert_eq!(format_ms(150_000), "150");
        assert_eq!(format_ms(12_500), "12.5");
        assert_eq!(format_ms(1), "0.001");
    }

    #[test]
    fn counts_are_whole_numbers_in_range() {
        assert_eq!(parse_count("5", "Servers", 1, 9), Ok(5));
        assert_eq!(parse_count(" 9 ", "Servers", 1, 9), Ok(9));
        for bad in [
            "",
            "0",
            "10",
            "-1",
            "2.5",
            "five",
            "99999999999999999999999",
        ] {
            let error = parse_count(bad, "Servers", 1, 9).expect_err(bad);
            assert!(
                error.contains("Servers") && error.contains("1 to 9"),
                "{error}"
            );
        }
    }

    #[test]
    fn option_values_name_servers() {
        assert_eq!(parse_node("3"), Some(NodeId(3)));
        assert_eq!(parse_node("leader"), None);
        assert_eq!(parse_node(""), None);
    }
}

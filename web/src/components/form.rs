//! What the control panels share: turning the text a user typed into numbers
//! (a bad number becomes a message naming the field, never a panic), a
//! form's contents behind a reducer and the [`Outbox`] its commands leave
//! through, and reading a form control's value out of its event.

use crate::ui::Action;
use raftlab_core::session::Command;
use raftlab_core::view::NodeId;
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

pub use crate::quantity::{format_ms, parse_count, parse_ms};

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

/// A picker of bundled items (scenarios, missions): a labelled `<select>`
/// whose first option is `none` (nothing picked); choosing an item sends
/// `pick(id)`. `items` are `(id, text)`.
pub fn library_picker(
    label: &'static str,
    none: &'static str,
    items: &[(String, String)],
    current: Option<&str>,
    pick: fn(String) -> Action,
    on_action: &Callback<Action>,
) -> Html {
    let on_pick = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let id = select_value(&e);
            if !id.is_empty() {
                on_action.emit(pick(id));
            }
        })
    };
    let class = format!("field {}-picker", label.to_lowercase());
    html! {
        <label class={class}>
            <span>{ label }</span>
            <select aria-label={label} onchange={on_pick}>
                <option value="" selected={current.is_none()}>{ none }</option>
                { for items.iter().map(|(id, text)| html! {
                    <option value={id.clone()} selected={current == Some(id.as_str())}>{ text.clone() }</option>
                }) }
            </select>
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_values_name_servers() {
        assert_eq!(parse_node("3"), Some(NodeId(3)));
        assert_eq!(parse_node("leader"), None);
        assert_eq!(parse_node(""), None);
    }
}

//! The event log: every step in words, newest first, each a button that
//! moves the playback to just after it.

use crate::components::format_time;
use crate::components::press::{data_number, use_press};
use crate::ui::{Action, SharedRun};
use raftlab_core::view::JournalEntry;
use std::rc::Rc;
use yew::prelude::*;

/// How many entries the log lists.
const SHOWN: usize = 25;

/// Props of [`EventLog`].
#[derive(Properties, Clone, PartialEq)]
pub struct EventLogProps {
    /// The run around the playback position.
    pub run: SharedRun,
    /// Is playback running? (The empty log's hint says what to press.)
    pub playing: bool,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// The CSS classes for an entry's marks.
fn entry_class(entry: &JournalEntry, current: bool) -> Classes {
    let mut class = classes!("event");
    let marks = entry.marks;
    if marks.violation {
        class.push("violation");
    }
    if marks.election {
        class.push("election");
    } else if marks.role_change {
        class.push("role-change");
    }
    if marks.commit {
        class.push("commit");
    }
    if marks.input {
        class.push("input");
    }
    if current {
        class.push("current");
    }
    class
}

/// Props of [`EventRow`].
#[derive(Properties, Clone, PartialEq)]
struct EventRowProps {
    entry: Rc<JournalEntry>,
    current: bool,
}

/// One entry: a component of its own, so rows already listed are not drawn
/// again when new events arrive. Its presses are the list's (see
/// [`use_press`]): new rows push it down while it is pressed.
#[function_component(EventRow)]
fn event_row(props: &EventRowProps) -> Html {
    let entry = &props.entry;
    let position = entry.position;
    html! {
        <li class={entry_class(entry, props.current)} data-position={position.to_string()}>
            <button type="button" class="link"
                aria-label={format!("Go to event {position}: {}", entry.text)}>
                <span class="at">{ format_time(entry.at) }</span>
                <span class="text">{ &entry.text }</span>
            </button>
        </li>
    }
}

/// What the empty log says: what is about to happen, or what to press.
fn empty_hint(playing: bool) -> &'static str {
    if playing {
        "Nothing has happened yet: playing, the first event is on its way."
    } else {
        "Nothing has happened yet: press Play or Step."
    }
}

/// The event log.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let run = &props.run.0;
    let press = use_press(
        |e| data_number(e, "position"),
        props.on_action.reform(Action::SeekPosition),
    );
    html! {
        <div class="event-log" role="region" aria-label="Event log">
            <h2>{ "Events" }<small>{ format!("{} so far · click one to go back there", run.position) }</small></h2>
            <ol reversed=true onpointerdown={press.onpointerdown} onpointerup={press.onpointerup} onclick={press.onclick}>
                { for run.journal.iter().take(SHOWN).map(|entry| html! {
                    <EventRow key={entry.position} entry={entry.clone()}
                        current={entry.position == run.position} />
                }) }
            </ol>
            if run.journal.is_empty() {
                <p class="hint">{ empty_hint(props.playing) }</p>
            }
        </div>
    }
}

//! The event log: every step in words, newest first, each a button that
//! moves the playback to just after it.

use crate::app::{Action, SharedRun};
use crate::components::format_time;
use raftlab_core::journal::JournalEntry;
use yew::prelude::*;

/// How many entries the log lists.
const SHOWN: usize = 80;

/// Props of [`EventLog`].
#[derive(Properties, Clone, PartialEq)]
pub struct EventLogProps {
    /// The run around the playback position.
    pub run: SharedRun,
    /// Where clicks go.
    pub on_action: Callback<Action>,
}

/// The CSS classes for an entry's marks.
fn entry_class(entry: &JournalEntry, current: u64) -> Classes {
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
    if entry.position == current {
        class.push("current");
    }
    class
}

/// The event log.
#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let run = &props.run.0;
    html! {
        <div class="event-log" role="region" aria-label="Event log">
            <h2>{ "Events" }<small>{ format!("{} so far · click one to go back there", run.position) }</small></h2>
            <ol reversed=true>
                { for run.journal.iter().take(SHOWN).map(|entry| {
                    let position = entry.position;
                    let cb = props.on_action.clone();
                    let onclick = Callback::from(move |_: MouseEvent| cb.emit(Action::SeekPosition(position)));
                    html! {
                        <li key={position.to_string()} class={entry_class(entry, run.position)}
                            data-position={position.to_string()}>
                            <button type="button" class="link" onclick={onclick}
                                aria-label={format!("Go to event {position}: {}", entry.text)}>
                                <span class="at">{ format_time(entry.at) }</span>
                                <span class="text">{ &entry.text }</span>
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if run.journal.is_empty() {
                <p class="hint">{ "Nothing has happened yet: press Play or Step." }</p>
            }
        </div>
    }
}

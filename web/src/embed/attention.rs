//! Which of several instances on one page the keyboard belongs to: the one
//! last interacted with (pressed or focused inside), or none once the reader
//! presses or focuses anything else on the page. Each instance decides for
//! itself from the same document events, so no state is shared: a press
//! inside one instance is outside every other.

use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Element, Event, Node};

/// The events that count as interacting.
const EVENTS: [&str; 2] = ["pointerdown", "focusin"];

/// Whether this instance holds the reader's attention. Cheap to clone; all
/// clones read the same flag.
#[derive(Clone, Debug, Default)]
pub struct Attention(Rc<Cell<bool>>);

impl Attention {
    /// Does this instance hold the reader's attention?
    pub fn is_held(&self) -> bool {
        self.0.get()
    }
}

/// Document listeners that keep an [`Attention`] up to date for one element;
/// dropping it removes them.
pub struct AttentionTracker {
    document: web_sys::Document,
    callback: Closure<dyn FnMut(Event)>,
    attention: Attention,
}

impl AttentionTracker {
    /// Starts tracking `root`, which does not hold attention yet.
    pub fn install(root: &Element) -> Option<AttentionTracker> {
        let document = root.owner_document()?;
        let attention = Attention::default();
        let flag = attention.0.clone();
        let watched = root.clone();
        let callback = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let target =
                crate::browser::original_target(&event).and_then(|t| t.dyn_into::<Node>().ok());
            flag.set(watched.contains(target.as_ref()));
        });
        let tracker = AttentionTracker {
            document,
            callback,
            attention,
        };
        // Capture phase: a handler that stops propagation cannot hide a
        // press from the instances. A listener the browser refuses only
        // means fewer ways to take the keyboard; dropping removes the rest.
        let options = AddEventListenerOptions::new();
        options.set_capture(true);
        for event in EVENTS {
            tracker
                .document
                .add_event_listener_with_callback_and_add_event_listener_options(
                    event,
                    tracker.callback.as_ref().unchecked_ref(),
                    &options,
                )
                .ok();
        }
        Some(tracker)
    }

    /// The flag the listeners keep.
    pub fn attention(&self) -> Attention {
        self.attention.clone()
    }
}

impl Drop for AttentionTracker {
    fn drop(&mut self) {
        for event in EVENTS {
            self.document
                .remove_event_listener_with_callback_and_bool(
                    event,
                    self.callback.as_ref().unchecked_ref(),
                    true,
                )
                .ok();
        }
    }
}

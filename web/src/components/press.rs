//! Presses that cannot be lost to a re-render. While the cluster plays, what
//! is under the pointer changes between a press and its release: messages
//! fly on or arrive (and the browser sends no click at all once the element
//! pressed is gone), new events push the rows down. A container that
//! delegates its presses with [`use_press`] acts on the item that was under
//! the pointer when the button went *down*, when the button comes up inside
//! the container (releasing outside it cancels, as with any button). A
//! click from the keyboard (Enter or Space on a focused item) acts on the
//! focused item.

use std::cell::RefCell;
use std::rc::Rc;
use web_sys::Element;
use yew::prelude::*;

/// The handlers to put on a container.
pub struct Press {
    /// Put on the container as `onpointerdown`.
    pub onpointerdown: Callback<PointerEvent>,
    /// Put on the container as `onpointerup`.
    pub onpointerup: Callback<PointerEvent>,
    /// Put on the container as `onclick` (the keyboard's clicks).
    pub onclick: Callback<MouseEvent>,
}

/// The item an event happened on: the closest element at or above its
/// target that `find` recognizes.
fn item_of<T>(event: &Event, find: fn(&Element) -> Option<T>) -> Option<T> {
    let mut element = event.target_dyn_into::<Element>();
    while let Some(e) = element {
        if let Some(item) = find(&e) {
            return Some(item);
        }
        element = e.parent_element();
    }
    None
}

/// Delegated presses for the items inside a container: `find` reads an item
/// off an element (e.g. its `data-node-id`), `on_press` receives the item
/// pressed.
#[hook]
pub fn use_press<T: Clone + 'static>(
    find: fn(&Element) -> Option<T>,
    on_press: Callback<T>,
) -> Press {
    let pressed: Rc<RefCell<Option<T>>> = use_mut_ref(|| None);
    let onpointerdown = {
        let pressed = pressed.clone();
        Callback::from(move |e: PointerEvent| {
            // Only the primary button (or a touch, or a pen's tip) presses.
            *pressed.borrow_mut() = (e.button() == 0).then(|| item_of(&e, find)).flatten();
        })
    };
    let onpointerup = {
        let pressed = pressed.clone();
        let on_press = on_press.clone();
        Callback::from(move |_: PointerEvent| {
            let press = pressed.borrow_mut().take();
            if let Some(item) = press {
                on_press.emit(item);
            }
        })
    };
    // A pointer's click was handled when its button came up; a click with
    // no pointer behind it (detail 0: Enter or Space on a focused button)
    // is on the focused item.
    let onclick = Callback::from(move |e: MouseEvent| {
        if e.detail() == 0 {
            if let Some(item) = item_of(&e, find) {
                on_press.emit(item);
            }
        }
    });
    Press {
        onpointerdown,
        onpointerup,
        onclick,
    }
}

/// An element's `data-{name}` attribute parsed as a number.
pub fn data_number<N: std::str::FromStr>(element: &Element, name: &str) -> Option<N> {
    element
        .get_attribute(&format!("data-{name}"))
        .and_then(|v| v.parse().ok())
}

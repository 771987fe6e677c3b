//! Browser glue: the animation loop (running only while playing), the
//! listener that pauses a hidden tab, and the keyboard shortcuts. Each is a
//! value whose drop removes what it installed.

use crate::embed::host::Host;
use crate::params::Theme;
use crate::ui::{Action, Ui};
use raftlab_core::session::{Command, MarkKind};
use raftlab_core::view::NodeId;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The page's path (for the embed's link to the full page); `./` without a window.
pub fn page_path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_else(|| "./".into())
}

/// The animation callback, owned by its [`AnimationLoop`].
type FrameCell = RefCell<Option<Closure<dyn FnMut(f64)>>>;
type FrameSlot = Rc<FrameCell>;

/// A running requestAnimationFrame loop that sends [`Action::Frame`] each
/// frame. Dropping it cancels the pending frame and frees the callback.
pub(crate) struct AnimationLoop {
    window: web_sys::Window,
    slot: FrameSlot,
    pending: Rc<Cell<Option<i32>>>,
}

impl AnimationLoop {
    pub(crate) fn start(dispatcher: UseReducerDispatcher<Ui>) -> Option<AnimationLoop> {
        let window = web_sys::window()?;
        let slot: FrameSlot = Rc::new(RefCell::new(None));
        let pending = Rc::new(Cell::new(None));
        // The callback reaches its own slot weakly: the loop value owns it,
        // so dropping the loop frees the callback (no reference cycle).
        let weak: Weak<FrameCell> = Rc::downgrade(&slot);
        let last_ms = Cell::new(None::<f64>);
        let frame_window = window.clone();
        let frame_pending = pending.clone();
        let callback = Closure::new(move |timestamp_ms: f64| {
            frame_pending.set(None);
            if let Some(last) = last_ms.replace(Some(timestamp_ms)) {
                dispatcher.dispatch(Action::Frame {
                    elapsed_ms: timestamp_ms - last,
                });
            }
            if let Some(slot) = weak.upgrade() {
                if let Some(callback) = slot.borrow().as_ref() {
                    let id =
                        frame_window.request_animation_frame(callback.as_ref().unchecked_ref());
                    frame_pending.set(id.ok());
                }
            }
        });
        let id = window.request_animation_frame(callback.as_ref().unchecked_ref());
        pending.set(id.ok());
        *slot.borrow_mut() = Some(callback);
        Some(AnimationLoop {
            window,
            slot,
            pending,
        })
    }
}

impl Drop for AnimationLoop {
    fn drop(&mut self) {
        if let Some(id) = self.pending.take() {
            self.window.cancel_animation_frame(id).ok();
        }
        self.slot.borrow_mut().take();
    }
}

/// A `visibilitychange` listener that pauses playback when the tab is hidden;
/// dropping it removes the listener.
pub(crate) struct PauseWhenHidden {
    document: web_sys::Document,
    callback: Closure<dyn FnMut()>,
}

impl PauseWhenHidden {
    pub(crate) fn install(dispatcher: UseReducerDispatcher<Ui>) -> Option<PauseWhenHidden> {
        let document = web_sys::window()?.document()?;
        let watched = document.clone();
        let callback = Closure::<dyn FnMut()>::new(move || {
            if watched.hidden() {
                dispatcher.dispatch(Action::Pause);
            }
        });
        document
            .add_event_listener_with_callback("visibilitychange", callback.as_ref().unchecked_ref())
            .ok()?;
        Some(PauseWhenHidden { document, callback })
    }
}

impl Drop for PauseWhenHidden {
    fn drop(&mut self) {
        self.document
            .remove_event_listener_with_callback(
                "visibilitychange",
                self.callback.as_ref().unchecked_ref(),
            )
            .ok();
    }
}

/// Keeps `data-theme` ("light" or "dark") on an instance's root element (the
/// page's `<html>`, or a mounted instance's container) as its [`Theme`]
/// says; while that is [`Theme::Auto`], a `prefers-color-scheme` listener
/// follows the system's changes. Dropping it removes the listener.
pub(crate) struct ThemeWatcher {
    listening: Option<(web_sys::MediaQueryList, Closure<dyn FnMut()>)>,
}

impl ThemeWatcher {
    pub(crate) fn install(root: web_sys::Element, theme: Theme) -> ThemeWatcher {
        let system = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
        let apply = move |system_dark: bool| {
            let name = if theme.is_dark(system_dark) {
                "dark"
            } else {
                "light"
            };
            root.set_attribute(THEME_ATTRIBUTE, name).ok();
        };
        apply(
            system
                .as_ref()
                .is_some_and(web_sys::MediaQueryList::matches),
        );
        let listening = system.filter(|_| theme == Theme::Auto).and_then(|query| {
            let watched = query.clone();
            let callback = Closure::<dyn FnMut()>::new(move || apply(watched.matches()));
            query
                .add_event_listener_with_callback("change", callback.as_ref().unchecked_ref())
                .ok()?;
            Some((query, callback))
        });
        ThemeWatcher { listening }
    }
}

impl Drop for ThemeWatcher {
    fn drop(&mut self) {
        if let Some((query, callback)) = &self.listening {
            query
                .remove_event_listener_with_callback("change", callback.as_ref().unchecked_ref())
                .ok();
        }
    }
}

/// The attribute naming the theme an instance draws in, on its root.
pub(crate) const THEME_ATTRIBUTE: &str = "data-theme";

/// Is `element` drawn in the dark theme (its nearest themed ancestor's)?
pub(crate) fn is_dark(element: &web_sys::Element) -> bool {
    element
        .closest("[data-theme]")
        .ok()
        .flatten()
        .and_then(|root| root.get_attribute(THEME_ATTRIBUTE))
        .is_some_and(|name| name == "dark")
}

/// What the keyboard shortcuts need to know about the UI.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ShortcutContext {
    pub(crate) selected: NodeId,
    pub(crate) node_count: usize,
    pub(crate) help_open: bool,
    /// A narration step is shown: ← → move through the steps.
    pub(crate) narrating: bool,
    /// The Experiments view hides the cluster: no shortcut acts on it.
    pub(crate) experiments: bool,
    /// Is presenter mode on? `None` where there is none (an embed).
    pub(crate) presenting: Option<bool>,
}

/// The action for a key press, if the key is a shortcut (see [`crate::components::Help`]).
fn shortcut(key: &str, context: ShortcutContext) -> Option<Action> {
    let node = context.selected;
    if context.experiments {
        return None;
    }
    Some(match key {
        " " | "k" => Action::TogglePlay,
        "ArrowRight" if context.narrating => Action::NarrationNext,
        "ArrowLeft" if context.narrating => Action::NarrationBack,
        "ArrowRight" | "." => Action::Step,
        "ArrowLeft" | "," => Action::StepBack,
        "e" => Action::JumpNext(MarkKind::Election),
        "c" => Action::JumpNext(MarkKind::Commit),
        "v" => Action::JumpNext(MarkKind::Violation),
        "]" | "+" => Action::SpeedStep(1),
        "[" | "-" => Action::SpeedStep(-1),
        "r" => Action::Request,
        "x" => Action::Run(Command::Crash { node }),
        "s" => Action::Run(Command::Restart { node }),
        "t" => Action::Run(Command::Timeout { node }),
        "l" => Action::Run(Command::TransferLeadership { to: node }),
        "?" => Action::ShowHelp(!context.help_open),
        "p" => Action::Present(!context.presenting?),
        "Escape" if context.help_open => Action::ShowHelp(false),
        digit => {
            let n: usize = digit.parse().ok()?;
            if !(1..=context.node_count).contains(&n) {
                return None;
            }
            Action::Select(NodeId(n as u32))
        }
    })
}

/// A document `keydown` listener that turns shortcuts into actions, except
/// while the user types in a field (or presses Space on a button, which
/// clicks it). Dropping it removes the listener.
pub(crate) struct Shortcuts {
    document: web_sys::Document,
    callback: Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl Shortcuts {
    /// Listens on the document; each key is read against `context` as it is
    /// at that key press (the page keeps it up to date at every render, so
    /// "2" then "x" typed fast crashes S2, not the server selected before).
    pub(crate) fn install(
        dispatcher: UseReducerDispatcher<Ui>,
        context: Rc<Cell<ShortcutContext>>,
        host: Option<Host>,
    ) -> Option<Shortcuts> {
        let document = web_sys::window()?.document()?;
        let callback = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(
            move |event: web_sys::KeyboardEvent| {
                // With several instances on a page, the keyboard belongs
                // to the one last interacted with, if any.
                if event.ctrl_key()
                    || event.meta_key()
                    || event.alt_key()
                    || event.default_prevented()
                    || host.as_ref().is_some_and(|h| !h.takes_keys())
                {
                    return;
                }
                let target =
                    original_target(&event).and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                let tag = target.as_ref().map(|t| t.tag_name()).unwrap_or_default();
                if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA") {
                    return;
                }
                let key = event.key();
                let on_button = tag == "BUTTON"
                    || target.is_some_and(|t| t.get_attribute("role").as_deref() == Some("button"));
                if on_button && (key == " " || key == "Enter") {
                    return;
                }
                if let Some(action) = shortcut(&key, context.get()) {
                    event.prevent_default();
                    dispatcher.dispatch(action);
                }
            },
        );
        document
            .add_event_listener_with_callback("keydown", callback.as_ref().unchecked_ref())
            .ok()?;
        Some(Shortcuts { document, callback })
    }
}

impl Drop for Shortcuts {
    fn drop(&mut self) {
        self.document
            .remove_event_listener_with_callback("keydown", self.callback.as_ref().unchecked_ref())
            .ok();
    }
}

/// Where an event began: inside an open shadow root (a `<raft-lab>`
/// element), the element pressed or typed in, not the host element the
/// document sees as its target.
pub(crate) fn original_target(event: &web_sys::Event) -> Option<web_sys::EventTarget> {
    let first = event.composed_path().get(0);
    first
        .dyn_into::<web_sys::EventTarget>()
        .ok()
        .or_else(|| event.target())
}

/// Does the reader ask for reduced motion (`prefers-reduced-motion: reduce`)?
pub fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// Does the page's window match the media `query` (false without a window)?
pub fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|q| q.matches())
}

/// A fresh seed from the browser's random source. Kept below a million so it
/// is easy to read out and type; seed 1 if there is no random source.
pub fn fresh_seed() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        return 1;
    }
    u64::from_le_bytes(bytes) % 1_000_000
}

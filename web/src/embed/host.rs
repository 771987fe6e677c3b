//! A mounted instance's side of the JavaScript API: what the host page
//! gives its App (as a Yew context), and the channel the handle's commands
//! come through.

use super::AttentionTracker;
use crate::params::Embed;
use crate::ui::Action;
use raftlab_core::session::RunDescription;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// What a page that mounted Raftlab through the JavaScript API gives its App
/// (as a Yew context). Equal only to itself.
#[derive(Clone)]
pub struct Host(Rc<HostParts>);

struct HostParts {
    embed: Embed,
    open_href: Option<String>,
    run: Option<Rc<RunDescription>>,
    remote: Remote,
    /// Lives as long as the App (not the handle, which JavaScript may drop
    /// while the instance goes on), so its listeners go exactly when the App does.
    attention: Option<AttentionTracker>,
    /// The element the instance draws in, which carries its theme.
    container: web_sys::Element,
}

impl PartialEq for Host {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Host {
    /// A host showing `embed`, linking to `open_href` (no link when `None`),
    /// starting from `run` (the query's seed and size when `None`), taking
    /// keyboard shortcuts only while `attention` says its element holds the
    /// reader's attention (never without one), drawing in `container`.
    pub fn new(
        embed: Embed,
        open_href: Option<String>,
        run: Option<RunDescription>,
        attention: Option<AttentionTracker>,
        container: web_sys::Element,
    ) -> Host {
        Host(Rc::new(HostParts {
            embed,
            open_href,
            run: run.map(Rc::new),
            remote: Remote::default(),
            attention,
            container,
        }))
    }

    /// The element the instance draws in (its theme is set on it).
    pub fn container(&self) -> web_sys::Element {
        self.0.container.clone()
    }

    /// The panels and autoplay.
    pub fn embed(&self) -> &Embed {
        &self.0.embed
    }

    /// The full page's address for "Open in Raftlab", if there is one.
    pub fn open_href(&self) -> Option<String> {
        self.0.open_href.clone()
    }

    /// The run to start with instead of a fresh one.
    pub fn run(&self) -> Option<Rc<RunDescription>> {
        self.0.run.clone()
    }

    /// Sends an action to the App (queued until it has mounted).
    pub fn send(&self, action: Action) {
        self.0.remote.send(action);
    }

    /// Is a key press on the document this instance's to take?
    pub fn takes_keys(&self) -> bool {
        self.0
            .attention
            .as_ref()
            .is_some_and(|a| a.attention().is_held())
    }
}

/// The channel from a handle to its App: actions wait in `waiting` until the
/// App connects its dispatcher (mounting is asynchronous), then go straight
/// through. Disconnected again when the App unmounts, so nothing keeps the
/// App's state alive.
#[derive(Default)]
struct Remote {
    dispatcher: RefCell<Option<Callback<Action>>>,
    waiting: RefCell<Vec<Action>>,
}

impl Remote {
    fn send(&self, action: Action) {
        // Cloned out first: the dispatch may render, and nothing here may
        // be borrowed while it does.
        let dispatcher = self.dispatcher.borrow().clone();
        match dispatcher {
            Some(dispatcher) => dispatcher.emit(action),
            None => self.waiting.borrow_mut().push(action),
        }
    }

    fn connect(&self, dispatcher: Callback<Action>) {
        *self.dispatcher.borrow_mut() = Some(dispatcher.clone());
        let waiting = std::mem::take(&mut *self.waiting.borrow_mut());
        for action in waiting {
            dispatcher.emit(action);
        }
    }

    fn disconnect(&self) {
        self.dispatcher.borrow_mut().take();
        self.waiting.borrow_mut().clear();
    }
}

/// Connects a mounted App to its handle for as long as it is mounted.
#[hook]
pub fn use_host_commands(host: Option<Host>, on_action: Callback<Action>) {
    use_effect_with(host, move |host| {
        if let Some(host) = host {
            host.0.remote.connect(on_action);
        }
        let host = host.clone();
        move || {
            if let Some(host) = host {
                host.0.remote.disconnect();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    //! The handle's channel without a browser: actions sent before the App
    //! connects wait, in order; after it disconnects nothing is kept.

    use super::*;

    #[test]
    fn actions_wait_for_the_app_then_go_straight_through() {
        let remote = Remote::default();
        remote.send(Action::Pause);
        remote.send(Action::Step);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let record = {
            let seen = seen.clone();
            Callback::from(move |action: Action| seen.borrow_mut().push(action))
        };
        remote.connect(record);
        assert_eq!(*seen.borrow(), [Action::Pause, Action::Step]);
        remote.send(Action::Play);
        assert_eq!(seen.borrow().len(), 3);
        remote.disconnect();
        assert!(remote.dispatcher.borrow().is_none());
        remote.send(Action::Play);
        assert_eq!(seen.borrow().len(), 3, "a disconnected App gets nothing");
    }
}

//! Raftlab inside other pages. Two ways in, one compact page:
//!
//! - an iframe on `index.html?embed=1` (the full page's URL parameters plus
//!   `panels` and `autoplay`, read by [`crate::params::parse_embed`]);
//! - the JavaScript API ([`api::mount`]), which renders the same compact page
//!   into an element of the host page and returns a handle that plays,
//!   pauses, seeks, loads runs and destroys the instance.
//!
//! Either way the App draws [`layout`]: a slim toolbar, the chosen panels, and
//! a link to the full page. A mounted App finds its [`Host`] in a Yew context:
//! what it shows, the run to start with, the channel the handle's commands
//! come through, and whether keyboard shortcuts are its to take. Nothing here
//! is global: every mount owns its host, its playback and its listeners.

pub mod api;
mod attention;
pub mod options;
mod toolbar;

pub use attention::{Attention, AttentionTracker};
pub use toolbar::{EmbedToolbar, EmbedToolbarProps};

use crate::app::App;
use crate::components::{
    Checks, ClientPanel, Cluster, ConfigPanel, EventLog, Help, Inspector, LogTable, NetworkPanel,
    NodeMenu, SpaceTime, StateDiagram, StateMachineView,
};
use crate::params::{Embed, EmbedPanel};
use crate::ui::{Action, Ui};
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
    /// reader's attention (never without one).
    pub fn new(
        embed: Embed,
        open_href: Option<String>,
        run: Option<RunDescription>,
        attention: Option<AttentionTracker>,
    ) -> Host {
        Host(Rc::new(HostParts {
            embed,
            open_href,
            run: run.map(Rc::new),
            remote: Remote::default(),
            attention,
        }))
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

/// Props of [`Hosted`].
#[derive(Properties, Clone, PartialEq)]
pub struct HostedProps {
    /// The run's parameters as a query (`?seed=4&nodes=3&speed=0.5`).
    pub query: String,
    /// What the host page gives the App.
    pub host: Host,
}

/// An App with its host in context: what [`api::mount`] renders.
#[function_component(Hosted)]
pub fn hosted(props: &HostedProps) -> Html {
    html! {
        <ContextProvider<Host> context={props.host.clone()}>
            <App query={props.query.clone()} />
        </ContextProvider<Host>>
    }
}

/// Where the compact page lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    /// A page of its own (an iframe): the document's `<main id="raftlab">`.
    Page,
    /// An element of someone else's page: a labelled region, no id.
    Mounted,
}

/// The compact page: the toolbar, any notices, then `embed`'s panels in order.
pub fn layout(
    ui: &Ui,
    embed: &Embed,
    frame: Frame,
    notices: &[String],
    open_href: Option<String>,
    on_action: &Callback<Action>,
) -> Html {
    let v = &ui.view.0;
    let run = &ui.run.0;
    let (tag, id) = match frame {
        Frame::Page => ("main", Some("raftlab")),
        Frame::Mounted => ("section", None),
    };
    let class = classes!(
        "raftlab",
        "embed",
        (frame == Frame::Page).then_some("embed-page")
    );
    html! {
        <@{tag} {id} {class} aria-label="Raftlab: a simulated Raft cluster"
            data-events-processed={v.events_processed.to_string()} data-now-us={v.now.to_string()}
            data-position={run.position.to_string()} data-playing={ui.playing.to_string()}
            data-panels={embed.panels.iter().map(|p| p.name()).collect::<Vec<_>>().join(",")}>
            <EmbedToolbar playing={ui.playing} speed={ui.speed} now_us={v.now} {open_href}
                on_action={on_action.clone()} />
            { for notices.iter().map(|p| html! { <p class="notice" role="alert">{ p }</p> }) }
            if let Some(e) = ui.error.clone() {
                <p class="notice error" role="alert">{ e }</p>
            }
            <div class="embed-panels">
                { for embed.panels.iter().map(|&panel| html! {
                    <section class={classes!("panel", "embed-panel")} data-panel={panel.name()}
                        aria-label={label(panel)}>
                        { panel_content(ui, panel, on_action) }
                    </section>
                }) }
            </div>
            if ui.help_open {
                <Help on_action={on_action.clone()} />
            }
        </@>
    }
}

/// A panel's region name.
pub fn label(panel: EmbedPanel) -> &'static str {
    match panel {
        EmbedPanel::Cluster => "Cluster",
        EmbedPanel::Diagram => "State diagram",
        EmbedPanel::Log => "Logs",
        EmbedPanel::State => "State machines",
        EmbedPanel::Timeline => "Timeline",
        EmbedPanel::Checks => "Checkers",
        EmbedPanel::Events => "Events",
        EmbedPanel::Inspector => "Selected server",
        EmbedPanel::Network => "Network",
        EmbedPanel::Client => "Client",
        EmbedPanel::Config => "Configuration",
    }
}

/// The components one panel shows, with the props the full page gives them.
fn panel_content(ui: &Ui, panel: EmbedPanel, on_action: &Callback<Action>) -> Html {
    let view = ui.view.clone();
    let run = ui.run.clone();
    let on_action = on_action.clone();
    match panel {
        EmbedPanel::Cluster => html! {
            <Cluster {view} selected={ui.selected} selected_message={ui.selected_message}
                speed={ui.speed} {on_action} />
        },
        EmbedPanel::Diagram => {
            html! { <StateDiagram {view} selected={ui.selected} speed={ui.speed} /> }
        }
        EmbedPanel::Log => html! { <LogTable {view} selected={ui.selected} {on_action} /> },
        EmbedPanel::State => html! { <StateMachineView {view} /> },
        EmbedPanel::Timeline => html! {
            <SpaceTime view={ui.run_view.clone()} {run} speed={ui.speed} {on_action} />
        },
        EmbedPanel::Checks => html! { <Checks {run} {on_action} /> },
        EmbedPanel::Events => html! { <EventLog {run} {on_action} /> },
        EmbedPanel::Inspector => html! {
            <>
                <NodeMenu view={view.clone()} selected={ui.selected} on_action={on_action.clone()} />
                <Inspector {view} selected={ui.selected} selected_message={ui.selected_message} {on_action} />
            </>
        },
        EmbedPanel::Network => html! { <NetworkPanel {view} {on_action} /> },
        EmbedPanel::Client => html! { <ClientPanel {view} {on_action} /> },
        EmbedPanel::Config => {
            html! { <ConfigPanel config={ui.config()} seed={ui.seed()} {on_action} /> }
        }
    }
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

    #[test]
    fn every_panel_has_a_region_name() {
        for panel in EmbedPanel::ALL {
            assert!(!label(panel).is_empty(), "{panel:?}");
        }
    }
}

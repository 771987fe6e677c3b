//! The Raftlab playground: a Yew app that runs a simulated Raft cluster from
//! `raftlab-core` and draws it. It reads only the core's view model and writes
//! only timed commands.

#![deny(missing_docs)]

pub mod app;
pub mod components;
pub mod geometry;
pub mod panic;
pub mod params;

pub use app::{App, AppProps};

/// Mounts the playground on the page's `<body>`, configured from the URL's query string.
pub fn start() {
    panic::install_hook();
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    yew::Renderer::<App>::with_props(AppProps { query }).render();
}

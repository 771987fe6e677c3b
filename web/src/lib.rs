//! The Raftlab playground: a Yew app that runs a simulated Raft cluster from
//! `raftlab-core` and draws it. It reads only the core's view model and writes
//! only timed commands.

#![deny(missing_docs)]

pub mod app;
pub mod browser;
pub mod components;
pub mod diagram;
pub mod embed;
pub mod experiments;
pub mod geometry;
pub mod layout;
pub mod panic;
pub mod params;
pub mod quantity;
pub mod reveal;
pub mod share;
pub mod ui;
pub mod url;

pub use app::{App, AppProps};

/// Mounts the playground on the page's `<body>`, configured from the URL's
/// query string (`?embed=1` gives the compact page meant for iframes). A run
/// without a valid seed gets a fresh one, written back into the address bar
/// so that a reload replays the same run. The binary exports it to
/// JavaScript: the full page's `index.html` calls it once the module has
/// loaded; a page that uses the module as a library calls `mount` instead.
pub fn start() {
    panic::install_hook();
    let window = web_sys::window();
    let query = window
        .as_ref()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let fresh_seed = params::parse(&query)
        .0
        .seed
        .is_none()
        .then(browser::fresh_seed);
    // A share link carries its run (seed included): its address stays as it is.
    let shared_run = share::ShareLink::parse(&query).is_some();
    if let (Some(window), Some(seed), false) = (&window, fresh_seed, shared_run) {
        if let Ok(history) = window.history() {
            // Only the query changes; a failure just leaves the address as it was.
            let url = params::with_seed(&query, seed);
            history
                .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
                .ok();
        }
    }
    yew::Renderer::<App>::with_props(AppProps { query, fresh_seed }).render();
}

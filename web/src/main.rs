//! The playground's WebAssembly module, built by Trunk, and everything it
//! exports to JavaScript (`#[wasm_bindgen]` exports reach the module only
//! from the binary crate, so they live here and call into the library):
//!
//! - `start()`: the full page on `<body>`. `main` starts nothing by itself,
//!   so that pages using the module as a library get no playground on their
//!   `<body>`; `index.html` calls `start()` once Trunk's loader has the module.
//! - `mount(element, options)`: an instance in an element of any page, and
//!   the `RaftlabHandle` that drives it (see `docs/embed.md`).
//! - `memoryBytes()`: the module's linear memory, for benchmarks and for
//!   pages that watch what an embed costs.

use raftlab_web::embed::api::{self, Instance};
use wasm_bindgen::prelude::*;

/// Mounts the full playground on the page's `<body>`, configured from the
/// URL's query string.
#[wasm_bindgen]
pub fn start() {
    raftlab_web::start();
}

/// The size of the module's linear memory in bytes (it only grows: the
/// high-water mark of everything the instances on the page hold).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    f64::from(buffer.byte_length())
}

/// Mounts an instance into `element` (a DOM element, or a CSS selector for
/// one). `options` is a plain object whose fields are all optional: `seed`
/// (a whole number, or a string or BigInt above 2^53), `nodes` (1 to 9),
/// `speed` (0.001 to 10), `panels` (an array of panel names), `autoplay` (a
/// boolean), `run` (a run's JSON, link token or share link) and `link` (the
/// full page's address, for an "Open in Raftlab" link). Throws an `Error`
/// naming the option for anything else.
#[wasm_bindgen]
pub fn mount(element: JsValue, options: JsValue) -> Result<RaftlabHandle, JsError> {
    api::mount(element, &options)
        .map(RaftlabHandle)
        .map_err(|e| JsError::new(&e))
}

/// One mounted instance. Every method throws once `destroy()` has run.
#[wasm_bindgen]
pub struct RaftlabHandle(Instance);

#[wasm_bindgen]
impl RaftlabHandle {
    /// Starts playback.
    pub fn play(&self) -> Result<(), JsError> {
        self.0.play().map_err(|e| JsError::new(&e))
    }

    /// Stops playback.
    pub fn pause(&self) -> Result<(), JsError> {
        self.0.pause().map_err(|e| JsError::new(&e))
    }

    /// Pauses and moves to virtual instant `ms`, in milliseconds from the
    /// start of the run (0 to 600000), as the full page's scrubber does.
    pub fn seek(&self, ms: f64) -> Result<(), JsError> {
        self.0.seek(ms).map_err(|e| JsError::new(&e))
    }

    /// Replaces the run with a recorded one (its JSON, its link token, or a
    /// share link), played from its start; throws why it cannot be read or
    /// replayed, and then keeps the current run.
    pub fn load(&self, run: JsValue) -> Result<(), JsError> {
        // Taken as any value, not `&str`: a number or an object passed by
        // mistake is an error to throw, not bytes to misread.
        let Some(run) = run.as_string() else {
            let got = run.js_typeof().as_string().unwrap_or_default();
            return Err(JsError::new(&format!(
                "Raftlab load: takes the run as a string (its JSON, its link token or a share link), not a value of type {got}"
            )));
        };
        self.0.load(&run).map_err(|e| JsError::new(&e))
    }

    /// Unmounts the instance: its DOM goes, its animation loop and listeners
    /// stop, and its run is freed. Call `free()` afterwards to release the
    /// handle's last few bytes too.
    pub fn destroy(&mut self) -> Result<(), JsError> {
        self.0.destroy().map_err(|e| JsError::new(&e))
    }

    /// Has `destroy()` run?
    #[wasm_bindgen(getter)]
    pub fn destroyed(&self) -> bool {
        self.0.destroyed()
    }
}

fn main() {}

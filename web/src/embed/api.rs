//! What the JavaScript API does: [`mount`] renders a Raftlab instance into
//! an element of the host page and returns an [`Instance`] that plays,
//! pauses, seeks, loads runs and destroys itself. Every mount has its own
//! container, App, playback, animation loop and listeners; instances share
//! only the WebAssembly module (so a crash in one stops all: use iframes
//! where that matters). Bad arguments are an `Err` with a message saying
//! what was wrong, never a panic.
//!
//! The binary (`main.rs`) exports these to JavaScript as `mount` and
//! `RaftlabHandle`, turning each `Err` into a thrown `Error`: `#[wasm_bindgen]`
//! exports only reach the module from the binary crate itself. See
//! `docs/embed.md` for how a page loads the module and calls them.

use super::host::Host;
use super::options::{self, OptionValue};
use super::AttentionTracker;
use crate::app::{Hosted, HostedProps};
use crate::browser::fresh_seed;
use crate::ui::Action;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;
use yew::AppHandle;

/// The attribute marking an element that holds an instance, so that a
/// second mount on it is refused instead of fighting over its children.
pub const MOUNTED_ATTRIBUTE: &str = "data-raftlab-mounted";

/// The class of the container each instance draws into (the library
/// stylesheet, `raftlab.css`, scopes every rule to it).
pub const CONTAINER_CLASS: &str = "raftlab-embed";

/// Mounts an instance into `element` (a DOM element, or a CSS selector for
/// one) with `options`, a plain object whose fields are all optional:
/// `seed`, `nodes`, `speed`, `panels` (an array of panel names), `autoplay`
/// (a boolean), `run` (a run's JSON or link token) and `link` (the full
/// page's address, for an "Open in Raftlab" link). Anything else is an error.
pub fn mount(element: JsValue, options: &JsValue) -> Result<Instance, String> {
    crate::panic::install_hook();
    let problem = |e: String| format!("Raftlab mount: {e}");
    let element = resolve(element).map_err(problem)?;
    if element.has_attribute(MOUNTED_ATTRIBUTE) {
        return Err(problem(
            "this element already holds a Raftlab instance; destroy() it first".into(),
        ));
    }
    let options = read_options(options)
        .and_then(|values| options::validate(&values))
        .map_err(problem)?;
    let document = element
        .owner_document()
        .ok_or_else(|| problem("the element is not in a document".into()))?;
    let container = document
        .create_element("div")
        .map_err(|_| problem("cannot create an element here".into()))?;
    container.set_class_name(CONTAINER_CLASS);
    element
        .append_child(&container)
        .map_err(|_| problem("cannot add children to this element".into()))?;
    element.set_attribute(MOUNTED_ATTRIBUTE, "").ok();

    let seed = fresh_seed();
    let host = Host::new(
        options.embed.clone(),
        options.open_href(seed),
        options.run.clone(),
        AttentionTracker::install(&container),
        container.clone(),
    );
    let app = yew::Renderer::<Hosted>::with_root_and_props(
        container.clone(),
        HostedProps {
            query: options.query(seed),
            host: host.clone(),
        },
    )
    .render();
    Ok(Instance {
        mounted: Some(Mounted {
            app,
            host,
            element,
            container,
        }),
    })
}

/// One mounted instance, returned by [`mount`]. Every method is an error
/// once [`Instance::destroy`] has run.
pub struct Instance {
    mounted: Option<Mounted>,
}

/// What a live instance holds. Dropping it (JavaScript may collect a handle
/// it no longer references) leaves the App running with everything it
/// needs; only [`Instance::destroy`] stops it.
struct Mounted {
    app: AppHandle<Hosted>,
    host: Host,
    element: Element,
    container: Element,
}

impl Instance {
    /// Starts playback.
    pub fn play(&self) -> Result<(), String> {
        self.send(Action::Play)
    }

    /// Stops playback.
    pub fn pause(&self) -> Result<(), String> {
        self.send(Action::Pause)
    }

    /// Pauses and moves to virtual instant `ms` (milliseconds from the start,
    /// up to ten minutes), as the full page's scrubber does.
    pub fn seek(&self, ms: f64) -> Result<(), String> {
        self.live()?;
        let at = options::seek_target(ms).map_err(|e| format!("Raftlab {e}"))?;
        self.send(Action::Seek(at))
    }

    /// Replaces the run with a recorded one (its JSON, its link token, or a
    /// share link), positioned at its start; the error says why it cannot
    /// be read or replayed.
    pub fn load(&self, run: &str) -> Result<(), String> {
        self.live()?;
        let run = options::decode_run(run).map_err(|e| format!("Raftlab load: {e}"))?;
        self.send(Action::Load(Rc::new(run)))
    }

    /// Unmounts the instance: its DOM goes, its animation loop, timers and
    /// document listeners stop, and its run is freed. The instance is inert
    /// afterwards.
    pub fn destroy(&mut self) -> Result<(), String> {
        let mounted = self.mounted.take().ok_or_else(|| DESTROYED.to_owned())?;
        // Unmounting runs every effect's cleanup: the animation frame is
        // cancelled and the App's listeners removed.
        mounted.app.destroy();
        mounted.container.remove();
        mounted.element.remove_attribute(MOUNTED_ATTRIBUTE).ok();
        Ok(())
    }

    /// Has [`Instance::destroy`] run?
    pub fn destroyed(&self) -> bool {
        self.mounted.is_none()
    }

    fn live(&self) -> Result<&Mounted, String> {
        self.mounted.as_ref().ok_or_else(|| DESTROYED.to_owned())
    }

    fn send(&self, action: Action) -> Result<(), String> {
        self.live()?.host.send(action);
        Ok(())
    }
}

/// What every method of a destroyed instance says.
const DESTROYED: &str = "Raftlab: this instance was destroyed";

/// The element `mount` was given, or the one its selector finds.
fn resolve(target: JsValue) -> Result<Element, String> {
    if let Some(selector) = target.as_string() {
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("there is no document")?;
        return match document.query_selector(&selector) {
            Ok(Some(element)) => Ok(element),
            Ok(None) => Err(format!("no element matches {selector:?}")),
            Err(_) => Err(format!("{selector:?} is not a valid CSS selector")),
        };
    }
    target
        .dyn_into::<Element>()
        .map_err(|_| "the first argument must be a DOM element or a CSS selector".into())
}

/// The options object's own enumerable fields as plain values.
fn read_options(options: &JsValue) -> Result<Vec<(String, OptionValue)>, String> {
    if options.is_undefined() || options.is_null() {
        return Ok(Vec::new());
    }
    if !options.is_object() || js_sys::Array::is_array(options) {
        return Err(format!(
            "options must be a plain object such as {{ seed: 4, panels: [\"cluster\", \"log\"] }}, not {}",
            value(options).describe()
        ));
    }
    let object: &js_sys::Object = options.unchecked_ref();
    let mut values = Vec::new();
    for entry in js_sys::Object::entries(object).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        values.push((name, value(&pair.get(1))));
    }
    Ok(values)
}

/// A JavaScript value as an [`OptionValue`].
fn value(js: &JsValue) -> OptionValue {
    if js.is_undefined() || js.is_null() {
        OptionValue::Absent
    } else if let Some(b) = js.as_bool() {
        OptionValue::Bool(b)
    } else if let Some(n) = js.as_f64() {
        OptionValue::Number(n)
    } else if let Some(text) = js.as_string() {
        OptionValue::Text(text)
    } else if js.is_bigint() {
        let decimal = js
            .unchecked_ref::<js_sys::BigInt>()
            .to_string(10)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        OptionValue::BigInt(decimal)
    } else if js_sys::Array::is_array(js) {
        let array: &js_sys::Array = js.unchecked_ref();
        OptionValue::List(array.iter().map(|item| value(&item)).collect())
    } else {
        OptionValue::Other(js.js_typeof().as_string().unwrap_or_default())
    }
}

//! No panic reaches the user as a blank page: the hook logs what is needed to
//! reproduce it (seed and input log) to the console and shows a message with
//! a Restart button (it reloads the page). The box is built with plain DOM calls and its Restart
//! is a link to the page's own address, because after a panic the wasm side
//! must not be trusted to run again; a backdrop under it keeps presses off
//! the broken page. A trap that is not a panic (running out of memory ends
//! in `unreachable`) reaches the window as an uncaught `RuntimeError`, and
//! shows the same box.

use std::cell::RefCell;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// How to reproduce the current run; see [`remember`].
    static REPRODUCTION: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records how to reproduce the current run (its seed and inputs), for the panic report.
pub fn remember(reproduction: String) {
    REPRODUCTION.with(|r| *r.borrow_mut() = reproduction);
}

thread_local! {
    /// Whether [`install_hook`] has run: the hook and the listener go in once.
    static INSTALLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs the panic hook (through Yew, whose renderer would otherwise
/// replace it with its own at the first render) and a window listener that
/// shows the crash box for a WebAssembly trap. Runs once however many
/// instances mount.
pub fn install_hook() {
    if INSTALLED.with(|installed| installed.replace(true)) {
        return;
    }
    yew::set_custom_panic_hook(Box::new(|info| report(&info.to_string())));
    listen_for_traps();
}

/// Shows the crash box when an uncaught `WebAssembly.RuntimeError` reaches
/// the window. The listener allocates nothing in wasm memory, so it still
/// works after the memory ran out.
fn listen_for_traps() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_error = Closure::<dyn Fn(web_sys::ErrorEvent)>::new(|event: web_sys::ErrorEvent| {
        if is_wasm_trap(&event.error()) {
            show_crash_box();
        }
    });
    window
        .add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref())
        .ok();
    // The page keeps the listener for its whole life.
    on_error.forget();
}

/// Is `error` a `WebAssembly.RuntimeError` (a trap)?
fn is_wasm_trap(error: &JsValue) -> bool {
    error.is_instance_of::<js_sys::WebAssembly::RuntimeError>()
}

/// Reports a crash: the message and the reproduction to `console.error`, and
/// a visible box (once) with a Restart button.
pub fn report(message: &str) {
    // `try_with`: a panic while the thread-local is being torn down must not panic again.
    let reproduction = REPRODUCTION
        .try_with(|r| r.try_borrow().map(|r| r.clone()).unwrap_or_default())
        .unwrap_or_default();
    let text = format!("Raftlab crashed: {message}\nTo reproduce: {reproduction}");
    web_sys::console::error_1(&text.into());
    show_crash_box();
}

fn show_crash_box() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.query_selector(".crash").ok().flatten().is_some() {
        return;
    }
    let Some(body) = document.body() else { return };
    if let Ok(backdrop) = document.create_element("div") {
        backdrop.set_class_name("crash-backdrop");
        body.append_child(&backdrop).ok();
    }
    let Ok(panel) = document.create_element("div") else {
        return;
    };
    panel.set_class_name("crash");
    panel.set_attribute("role", "alert").ok();
    let paragraph = |text: &str, strong: bool| {
        let p = document.create_element("p").ok()?;
        let holder = if strong {
            let bold = document.create_element("strong").ok()?;
            p.append_child(&bold).ok()?;
            bold
        } else {
            p.clone()
        };
        holder.set_text_content(Some(text));
        panel.append_child(&p).ok()
    };
    paragraph("Something went wrong inside the playground.", true);
    paragraph(
        "The browser console has the seed and the inputs that reproduce it; \
         please include them if you report this.",
        false,
    );
    // A link to this very address, not a script: it restarts the page even
    // when nothing on the wasm side can run again, and needs no inline
    // handler (which a Content-Security-Policy would refuse).
    if let (Ok(restart), Ok(here)) = (document.create_element("a"), document.url()) {
        restart.set_class_name("button");
        restart.set_attribute("role", "button").ok();
        restart.set_attribute("href", &here).ok();
        restart.set_text_content(Some("Restart"));
        panel.append_child(&restart).ok();
    }
    body.append_child(&panel).ok();
}

//! No panic reaches the user as a blank page: the hook logs what is needed to
//! reproduce it (seed and input log) to the console and shows a message with
//! a Restart button (it reloads the page). The box is built with plain DOM calls and its button
//! reloads through an inline handler, because after a panic the wasm side
//! must not be trusted to run again.

use std::cell::RefCell;

thread_local! {
    /// How to reproduce the current run; see [`remember`].
    static REPRODUCTION: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records how to reproduce the current run (its seed and inputs), for the panic report.
pub fn remember(reproduction: String) {
    REPRODUCTION.with(|r| *r.borrow_mut() = reproduction);
}

/// Installs the panic hook.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| report(&info.to_string())));
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
    if let Ok(panel) = document.create_element("div") {
        panel.set_class_name("crash");
        panel.set_attribute("role", "alert").ok();
        panel.set_inner_html(
            "<p><strong>Something went wrong inside the playground.</strong></p>\
             <p>The browser console has the seed and the inputs that reproduce it; \
             please include them if you report this.</p>\
             <button type=\"button\" onclick=\"location.reload()\">Restart</button>",
        );
        body.append_child(&panel).ok();
    }
}

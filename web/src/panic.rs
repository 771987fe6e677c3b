//! No panic reaches the user as a blank page: the hook logs what is needed to
//! reproduce it (seed and input log) and shows a message with a Reload button.

use std::cell::RefCell;

thread_local! {
    static REPRODUCTION: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records how to reproduce the current run (its seed and inputs), for the panic report.
pub fn remember(reproduction: String) {
    REPRODUCTION.with(|r| *r.borrow_mut() = reproduction);
}

/// Installs the panic hook.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let reproduction = REPRODUCTION.with(|r| r.borrow().clone());
        let message = format!("Raftlab crashed: {info}\nTo reproduce: {reproduction}");
        web_sys::console::error_1(&message.into());
        show_crash_box();
    }));
}

fn show_crash_box() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    if let Ok(panel) = document.create_element("div") {
        panel.set_class_name("crash");
        panel.set_attribute("role", "alert").ok();
        panel.set_inner_html(
            "<p>Something went wrong inside the playground. The browser console has the \
             seed and inputs that reproduce it.</p>\
             <button type=\"button\" onclick=\"location.reload()\">Reload</button>",
        );
        body.append_child(&panel).ok();
    }
}

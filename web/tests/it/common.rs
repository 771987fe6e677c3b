//! Helpers the browser test files share: rendering into a fresh element,
//! letting Yew draw, and finding what was drawn. All tests run in one page,
//! so a new app first unmounts the ones earlier tests left playing: no
//! test's timing depends on how many ran before it.

use raftlab_web::{App, AppProps};
use std::cell::RefCell;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlButtonElement};

/// Lets Yew's scheduler render and a panel's `toggle` event arrive. At
/// 30 ms, 4 to 7 of these tests failed on a loaded two-core machine.
pub async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(60)).await;
}

thread_local! {
    /// The apps mounted by earlier tests, with the elements they render into.
    static MOUNTED: RefCell<Vec<yew::AppHandle<App>>> = const { RefCell::new(Vec::new()) };
}

/// Stops every app an earlier test mounted. Their emptied host elements
/// stay in the document: removing the host of a destroyed app left later
/// apps deaf to a panel's `toggle` event (seen in these tests).
pub fn unmount_apps() {
    for app in MOUNTED.with(|mounted| mounted.take()) {
        app.destroy();
    }
}

/// A fresh element on the page to render into.
pub fn fresh_root() -> Element {
    unmount_apps();
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

/// Renders the app for `query` into a fresh element and lets it draw.
pub async fn mount(query: &str) -> Element {
    let root = fresh_root();
    let app = yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            query: query.into(),
            fresh_seed: Some(5),
        },
    )
    .render();
    MOUNTED.with(|mounted| mounted.borrow_mut().push(app));
    settle().await;
    root
}

pub fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

/// Presses `element` as a person does: the primary button goes down on it
/// and up again, then the click (all bubble, as a browser's do).
pub fn press(element: &Element) {
    for kind in ["pointerdown", "pointerup"] {
        let init = web_sys::PointerEventInit::new();
        init.set_bubbles(true);
        init.set_button(0);
        let event = web_sys::PointerEvent::new_with_event_init_dict(kind, &init).unwrap();
        element.dispatch_event(&event).unwrap();
    }
    let click = web_sys::MouseEventInit::new();
    click.set_bubbles(true);
    click.set_detail(1);
    let click = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &click).unwrap();
    element.dispatch_event(&click).unwrap();
}

pub fn button(root: &Element, name: &str) -> HtmlButtonElement {
    find(root, &format!("button[aria-label=\"{name}\"]"))
        .dyn_into()
        .unwrap()
}

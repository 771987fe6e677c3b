//! Component tests in a real browser (headless Chromium through
//! wasm-bindgen-test): the app renders the cluster the URL asks for, the
//! controls drive the simulation, and bad URLs become messages.

use raftlab_web::{App, AppProps};
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Renders the app for `query` into a fresh element and lets it draw.
async fn mount(query: &str) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            query: query.into(),
        },
    )
    .render();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    root
}

fn count(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn button(root: &Element, name: &str) -> HtmlElement {
    root.query_selector(&format!("button[aria-label=\"{name}\"]"))
        .unwrap()
        .unwrap_or_else(|| panic!("no button named {name}"))
        .dyn_into()
        .unwrap()
}

fn events_processed(root: &Element) -> u64 {
    let main = root.query_selector("#raftlab").unwrap().unwrap();
    main.get_attribute("data-events-processed")
        .unwrap()
        .parse()
        .unwrap()
}

#[wasm_bindgen_test]
async fn renders_the_requested_number_of_servers_with_their_hooks() {
    let root = mount("?seed=1&nodes=3").await;
    assert_eq!(count(&root, "[data-node-id]"), 3);
    let node = root
        .query_selector("[data-node-id=\"1\"]")
        .unwrap()
        .unwrap();
    assert_eq!(node.get_attribute("data-alive").as_deref(), Some("true"));
    assert!(node.get_attribute("data-role").is_some());
    assert_eq!(count(&root, "[role=\"alert\"]"), 0);
}

#[wasm_bindgen_test]
async fn an_invalid_url_shows_a_message_and_the_default_cluster() {
    let root = mount("?nodes=42&seed=abc&speed=-1").await;
    assert_eq!(count(&root, "[role=\"alert\"]"), 3);
    assert_eq!(count(&root, "[data-node-id]"), 5);
}

#[wasm_bindgen_test]
async fn pause_stops_time_and_step_processes_one_event() {
    let root = mount("?seed=2&speed=1").await;
    button(&root, "Pause").click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    let before = events_processed(&root);
    yew::platform::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(events_processed(&root), before, "paused: nothing happens");
    button(&root, "Step").click();
    yew::platform::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(events_processed(&root), before + 1);
    assert_eq!(count(&root, "button[aria-label=\"Play\"]"), 1);
}

#[wasm_bindgen_test]
async fn playing_at_real_time_elects_exactly_one_leader() {
    let root = mount("?seed=3&speed=1").await;
    yew::platform::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(count(&root, "[data-role=\"leader\"]"), 1);
    assert!(
        count(&root, "[data-msg-kind]") > 0,
        "heartbeats are in flight"
    );
}

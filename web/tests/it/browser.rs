//! Component tests in a real browser (headless Chromium through
//! wasm-bindgen-test): the app renders the cluster the URL asks for with the
//! hooks the end-to-end tests rely on, the controls and the node menu drive the
//! simulation, and bad URLs become messages. Time moves by Step clicks where a
//! test asserts on the run, so no assertion depends on how fast frames come.

use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlButtonElement, HtmlElement};

use crate::common::*;

fn number(element: &Element, attribute: &str) -> u64 {
    element.get_attribute(attribute).unwrap().parse().unwrap()
}

fn events_processed(root: &Element) -> u64 {
    number(&find(root, "#raftlab"), "data-events-processed")
}

/// Pauses, then clicks Step `n` times.
async fn step(root: &Element, n: usize) {
    if count(root, "button[aria-label=\"Pause\"]") == 1 {
        button(root, "Pause").click();
        settle().await;
    }
    for _ in 0..n {
        button(root, "Step").click();
    }
    settle().await;
}

#[wasm_bindgen_test]
async fn the_default_cluster_has_five_servers_and_no_messages() {
    let root = mount("?seed=1").await;
    assert_eq!(count(&root, "[data-node-id]"), 5);
    assert_eq!(count(&root, "[role=\"alert\"]"), 0);
    assert_eq!(
        count(&root, "[data-msg-kind]"),
        0,
        "nobody has timed out yet"
    );
    assert!(root.text_content().unwrap().contains("seed 1 "));
    let first = find(&root, "[data-node-id=\"1\"]");
    assert_eq!(first.get_attribute("data-alive").as_deref(), Some("true"));
    assert_eq!(
        first.get_attribute("data-role").as_deref(),
        Some("follower")
    );
    assert_eq!(first.get_attribute("data-term").as_deref(), Some("0"));
    assert_eq!(
        first.get_attribute("data-commit-index").as_deref(),
        Some("0")
    );
    assert_eq!(first.get_attribute("role").as_deref(), Some("button"));
    assert_eq!(
        first.get_attribute("aria-label").as_deref(),
        Some("S1 follower term 0")
    );
    let main = find(&root, "#raftlab");
    assert!(main.get_attribute("data-now-us").is_some());
    let speed = find(&root, "input[type=\"range\"][aria-label=\"Speed\"]");
    assert!(speed.get_attribute("aria-valuetext").is_some());
}

#[wasm_bindgen_test]
async fn the_url_picks_the_cluster_size() {
    let root = mount("?seed=1&nodes=3").await;
    assert_eq!(count(&root, "[data-node-id]"), 3);
    assert_eq!(count(&root, "tr[data-log-node]"), 3);
}

#[wasm_bindgen_test]
async fn a_url_without_a_seed_uses_the_fresh_one() {
    let root = mount("?nodes=4").await;
    assert_eq!(count(&root, "[data-node-id]"), 4);
    assert!(root.text_content().unwrap().contains("seed 5"));
}

#[wasm_bindgen_test]
async fn an_invalid_url_shows_a_message_per_parameter_and_the_default_cluster() {
    let root = mount("?nodes=42&seed=abc&speed=-1").await;
    let alerts = root.query_selector_all("[role=\"alert\"]").unwrap();
    assert_eq!(alerts.length(), 3);
    let text = root.text_content().unwrap();
    for name in ["nodes=", "seed=", "speed="] {
        assert!(text.contains(name), "a message names {name}");
    }
    assert_eq!(count(&root, "[data-node-id]"), 5);
}

#[wasm_bindgen_test]
async fn pause_stops_time_and_step_processes_one_event() {
    let root = mount("?seed=2&speed=1").await;
    button(&root, "Pause").click();
    settle().await;
    assert_eq!(count(&root, "button[aria-label=\"Play\"]"), 1);
    let before = events_processed(&root);
    let now = number(&find(&root, "#raftlab"), "data-now-us");
    yew::platform::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(events_processed(&root), before, "paused: nothing happens");
    assert_eq!(number(&find(&root, "#raftlab"), "data-now-us"), now);
    button(&root, "Step").click();
    settle().await;
    assert_eq!(events_processed(&root), before + 1);
    button(&root, "Play").click();
    settle().await;
    assert_eq!(count(&root, "button[aria-label=\"Pause\"]"), 1);
}

#[wasm_bindgen_test]
async fn step_while_playing_pauses_first() {
    let root = mount("?seed=2&speed=0.001").await;
    let before = events_processed(&root);
    button(&root, "Step").click();
    settle().await;
    assert_eq!(count(&root, "button[aria-label=\"Play\"]"), 1);
    assert_eq!(events_processed(&root), before + 1);
}

#[wasm_bindgen_test]
async fn stepping_through_the_first_election_shows_exactly_one_leader() {
    let root = mount("?seed=3").await;
    step(&root, 200).await;
    assert_eq!(count(&root, "[data-role=\"leader\"]"), 1);
    assert_eq!(count(&root, "[data-role=\"candidate\"]"), 0);
    assert!(
        count(&root, "[data-msg-kind]") > 0,
        "heartbeats are in flight"
    );
    let leader = find(&root, "[data-role=\"leader\"]");
    assert!(leader.text_content().unwrap().contains("leader"));
}

#[wasm_bindgen_test]
async fn the_node_menu_crashes_and_restarts_the_selected_server() {
    // Nearly frozen while it plays, so a slow machine cannot let time run on.
    let root = mount("?seed=4&speed=0.001").await;
    step(&root, 1).await;
    let node = find(&root, "[data-node-id=\"2\"]");
    press(&node);
    settle().await;
    let menu = find(&root, "[aria-label=\"Actions for S2\"]");
    let crash: HtmlButtonElement = find(&menu, "button[aria-label=\"Crash\"]")
        .dyn_into()
        .unwrap();
    let restart: HtmlButtonElement = find(&menu, "button[aria-label=\"Restart\"]")
        .dyn_into()
        .unwrap();
    assert!(!crash.disabled());
    assert!(restart.disabled());
    crash.click();
    settle().await;
    let node = find(&root, "[data-node-id=\"2\"]");
    assert_eq!(node.get_attribute("data-alive").as_deref(), Some("false"));
    assert!(button(&menu, "Crash").disabled());
    assert!(button(&menu, "Timeout").disabled());
    assert!(!button(&menu, "Restart").disabled());
    button(&menu, "Restart").click();
    settle().await;
    let node = find(&root, "[data-node-id=\"2\"]");
    assert_eq!(node.get_attribute("data-alive").as_deref(), Some("true"));
    assert_eq!(count(&root, "[role=\"alert\"]"), 0, "no command failed");
}

#[wasm_bindgen_test]
async fn a_forced_timeout_makes_the_server_a_candidate_and_lights_its_arrow() {
    // Nearly frozen while it plays, so a slow machine cannot let time run on.
    let root = mount("?seed=4&speed=0.001").await;
    step(&root, 1).await;
    button(&root, "Timeout").click();
    settle().await;
    let node = find(&root, "[data-node-id=\"1\"]");
    assert_eq!(
        node.get_attribute("data-role").as_deref(),
        Some("candidate")
    );
    assert_eq!(count(&root, ".diagram .edge.flash"), 1);
    let caption = find(&root, ".diagram .caption").text_content().unwrap();
    assert!(caption.contains("times out, starts election"), "{caption}");
    assert!(
        find(&root, "[data-node-id=\"1\"]")
            .text_content()
            .unwrap()
            .contains("votes 1/5"),
        "the candidate voted for itself"
    );
}

#[wasm_bindgen_test]
async fn requests_are_replicated_into_every_log() {
    let root = mount("?seed=3").await;
    step(&root, 200).await;
    for _ in 0..2 {
        button(&root, "Request").click();
    }
    step(&root, 300).await;
    let leader = find(&root, "[data-role=\"leader\"]");
    assert!(number(&leader, "data-commit-index") >= 1);
    assert!(
        count(&root, "td.committed") >= 5,
        "committed on every server"
    );
    // The Put button sends a put to the selected server.
    let put: HtmlElement = find(&root, "button[aria-label=\"Put\"]")
        .dyn_into()
        .unwrap();
    put.click();
    settle().await;
    assert_eq!(count(&root, "[role=\"alert\"]"), 0);
}

#[wasm_bindgen_test]
async fn a_crash_report_shows_one_box_with_a_restart_button() {
    let document = web_sys::window().unwrap().document().unwrap();
    raftlab_web::panic::remember("seed 1 inputs []".into());
    raftlab_web::panic::report("test crash");
    raftlab_web::panic::report("a second crash");
    let boxes = document
        .query_selector_all(".crash[role=\"alert\"]")
        .unwrap();
    assert_eq!(boxes.length(), 1);
    let crash = document.query_selector(".crash").unwrap().unwrap();
    let reload = crash.query_selector("a[role=\"button\"]").unwrap().unwrap();
    assert_eq!(reload.text_content().as_deref(), Some("Restart"));
    assert_eq!(reload.get_attribute("href"), document.url().ok());
    let backdrops = document.query_selector_all(".crash-backdrop").unwrap();
    assert_eq!(backdrops.length(), 1, "one backdrop under the box");
    // Leave the page as the other tests expect it.
    crash.remove();
    if let Some(backdrop) = document.query_selector(".crash-backdrop").unwrap() {
        backdrop.remove();
    }
}

//! The JavaScript API's library side in a real browser: two instances
//! mounted on one page are independent (seeking or playing one leaves the
//! other where it was), each shows its own panels, destroying one empties its
//! element and leaves the element free for a new one, and bad arguments are
//! errors with a message, never panics. Paused instances and seeks keep every
//! assertion off the frame rate.

use js_sys::{Array, Object, Reflect};
use raftlab_web::embed::api::{self, Instance};
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::Element;

/// Lets Yew's scheduler render.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(40)).await;
}

/// A fresh element on the page to mount into.
fn fresh_element() -> Element {
    crate::common::unmount_apps();
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element
}

/// An options object from name and value pairs.
fn options(pairs: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in pairs {
        Reflect::set(&object, &JsValue::from_str(name), value).unwrap();
    }
    object.into()
}

fn panels(names: &[&str]) -> JsValue {
    names
        .iter()
        .map(|n| JsValue::from_str(n))
        .collect::<Array>()
        .into()
}

/// The instance's root: the labelled region `mount` renders.
fn root(element: &Element) -> Element {
    element
        .query_selector(".raftlab-embed > section.embed")
        .unwrap()
        .expect("a mounted instance")
}

fn now_us(element: &Element) -> u64 {
    root(element)
        .get_attribute("data-now-us")
        .unwrap()
        .parse()
        .unwrap()
}

fn paused(seed: f64, names: &[&str]) -> JsValue {
    options(&[
        ("seed", seed.into()),
        ("nodes", 3.into()),
        ("panels", panels(names)),
        ("autoplay", false.into()),
    ])
}

#[wasm_bindgen_test]
async fn two_instances_on_one_page_are_independent() {
    let (first, second) = (fresh_element(), fresh_element());
    let a: Instance = api::mount(first.clone().into(), &paused(1.0, &["cluster", "log"])).unwrap();
    let b: Instance = api::mount(
        second.clone().into(),
        &paused(2.0, &["cluster", "timeline"]),
    )
    .unwrap();
    settle().await;
    assert_eq!(
        (now_us(&first), now_us(&second)),
        (0, 0),
        "autoplay false: paused"
    );
    assert_eq!(
        root(&first).get_attribute("data-panels").as_deref(),
        Some("cluster,log")
    );
    assert_eq!(
        root(&second).get_attribute("data-panels").as_deref(),
        Some("cluster,timeline")
    );
    assert_eq!(
        first.query_selector_all("[data-node-id]").unwrap().length(),
        3
    );
    assert!(
        first.query_selector("#raftlab").unwrap().is_none(),
        "no page-wide id inside someone else's page"
    );

    a.seek(250.0).unwrap();
    settle().await;
    assert_eq!((now_us(&first), now_us(&second)), (250_000, 0));
    b.play().unwrap();
    yew::platform::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(now_us(&first), 250_000, "the first stays paused");
    assert!(now_us(&second) > 0, "the second plays");
    assert_eq!(
        root(&first).get_attribute("data-playing").as_deref(),
        Some("false")
    );
    for mut instance in [a, b] {
        instance.destroy().unwrap();
    }
}

#[wasm_bindgen_test]
async fn destroy_empties_the_element_and_frees_it_for_another_instance() {
    let element = fresh_element();
    let mut instance = api::mount(element.clone().into(), &paused(3.0, &["cluster"])).unwrap();
    // Sent before the instance has rendered: it waits, then runs.
    instance.seek(100.0).unwrap();
    settle().await;
    assert_eq!(now_us(&element), 100_000);
    assert!(element.has_attribute(api::MOUNTED_ATTRIBUTE));
    instance.destroy().unwrap();
    settle().await;
    assert_eq!(element.child_element_count(), 0);
    assert!(!element.has_attribute(api::MOUNTED_ATTRIBUTE));
    assert!(instance.destroyed());
    for error in [
        instance.play(),
        instance.seek(1.0),
        instance.load("1.AAAA"),
        instance.destroy(),
    ] {
        assert_eq!(error, Err("Raftlab: this instance was destroyed".into()));
    }
    let mut again = api::mount(element.clone().into(), &paused(3.0, &["log"])).unwrap();
    settle().await;
    assert_eq!(
        root(&element).get_attribute("data-panels").as_deref(),
        Some("log")
    );
    again.destroy().unwrap();
}

#[wasm_bindgen_test]
async fn bad_arguments_are_errors_with_a_message() {
    let element = fresh_element();
    let error =
        |target: JsValue, options: JsValue| api::mount(target, &options).err().expect("refused");
    assert_eq!(
        error(JsValue::from_str("#nowhere"), JsValue::UNDEFINED),
        "Raftlab mount: no element matches \"#nowhere\""
    );
    assert!(error(JsValue::NULL, JsValue::UNDEFINED).contains("DOM element"));
    let refused = error(element.clone().into(), options(&[("speed", 0.0.into())]));
    assert!(
        refused.starts_with("Raftlab mount: speed must be"),
        "{refused}"
    );
    assert!(error(element.clone().into(), JsValue::from_str("seed=4")).contains("plain object"));
    assert_eq!(element.child_element_count(), 0, "nothing left behind");

    let mut instance = api::mount(element.clone().into(), &paused(4.0, &["cluster"])).unwrap();
    settle().await;
    assert!(error(element.clone().into(), JsValue::UNDEFINED).contains("already holds"));
    let load = instance.load("not a run").unwrap_err();
    assert!(load.starts_with("Raftlab load: "), "{load}");
    assert!(instance.seek(f64::NAN).is_err());
    instance.destroy().unwrap();
}

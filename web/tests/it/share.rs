//! Share links, export and import in a real browser: a link opens paused
//! with its selection and panels, a bad one is one message over the default
//! cluster, the Share button shows its link in a popover that reflects the
//! open panels, and the import and export controls have their names.

use raftlab_core::raft::NodeId;
use raftlab_core::session::{Command, Config, Session};
use raftlab_web::share::{ControlPanel, OpenPanels, ShareLink};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlDetailsElement, HtmlInputElement};

use crate::common::*;

fn panel(root: &Element, name: &str) -> HtmlDetailsElement {
    find(root, &format!("details[data-panel=\"{name}\"]"))
        .dyn_into()
        .unwrap()
}

fn alerts(root: &Element) -> Vec<String> {
    let list = root.query_selector_all("[role=\"alert\"]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i)?.text_content())
        .collect()
}

/// A run 300 steps in with S2 crashed at step 120, shared at step 200.
fn shared_query() -> (ShareLink, String) {
    let mut session = Session::new(9, Config::default()).unwrap();
    session.seek_position(120).unwrap();
    session.submit(Command::Crash { node: NodeId(2) }).unwrap();
    session.seek_position(300).unwrap();
    session.seek_position(200).unwrap();
    let open = OpenPanels::default().with(ControlPanel::Network);
    let link = ShareLink::of(&session, NodeId(4), open, 0.5);
    let query = link.to_query();
    (link, query)
}

#[wasm_bindgen_test]
async fn a_share_link_opens_paused_with_its_selection_panels_and_speed() {
    let (link, query) = shared_query();
    let root = mount(&query).await;
    assert!(alerts(&root).is_empty(), "{:?}", alerts(&root));
    let main = find(&root, "#raftlab");
    assert_eq!(main.get_attribute("data-playing").as_deref(), Some("false"));
    assert_eq!(
        main.get_attribute("data-position"),
        Some(link.position.to_string())
    );
    assert_eq!(count(&root, "[aria-label=\"Actions for S4\"]"), 1);
    assert!(panel(&root, "network").open());
    assert!(!panel(&root, "client").open());
    assert!(!panel(&root, "config").open());
    let speed = find(&root, "input[aria-label=\"Speed\"]");
    assert_eq!(
        speed.get_attribute("aria-valuetext").as_deref(),
        Some("1/2×")
    );
    let crashed = find(&root, "[data-node-id=\"2\"]");
    assert_eq!(
        crashed.get_attribute("data-alive").as_deref(),
        Some("false")
    );
}

#[wasm_bindgen_test]
async fn a_bad_share_link_is_one_message_over_the_default_cluster() {
    let (_, query) = shared_query();
    let cut = &query[..query.find("&at=").unwrap() - 7];
    for broken in ["?run=1.AAAA&seed=7".to_owned(), format!("{cut}&seed=7")] {
        let root = mount(&broken).await;
        let alerts = alerts(&root);
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert!(
            alerts[0].starts_with("This link could not be opened: "),
            "{alerts:?}"
        );
        assert_eq!(count(&root, "[data-node-id]"), 5);
        assert!(root.text_content().unwrap().contains("seed 7 "));
        root.remove();
    }
}

#[wasm_bindgen_test]
async fn share_shows_the_link_with_the_open_panels_in_a_popover() {
    let root = mount("?seed=2&speed=0.001").await;
    button(&root, "Pause").click();
    settle().await;
    for _ in 0..10 {
        button(&root, "Step").click();
    }
    panel(&root, "config").set_open(true);
    settle().await;
    assert_eq!(count(&root, "[role=\"dialog\"]"), 0);
    let share = button(&root, "Share");
    assert_eq!(
        share.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    share.click();
    settle().await;
    let popover = find(&root, "[role=\"dialog\"][aria-label=\"Share link\"]");
    let field: HtmlInputElement = find(&popover, "input[aria-label=\"Share link\"]")
        .dyn_into()
        .unwrap();
    let url = field.value();
    let query = &url[url.find('?').expect("a query")..];
    assert!(query.starts_with("?run=1."), "{url}");
    assert!(query.contains("&at=10&"), "{url}");
    assert!(query.contains("&sel=1&open=config&speed=0.001"), "{url}");
    let link = ShareLink::parse(query).unwrap().unwrap();
    assert_eq!(link.run.seed, 2);
    assert_eq!(count(&popover, "button[aria-label=\"Copy\"]"), 1);
    assert!(find(&popover, "[role=\"status\"]").text_content().is_some());
    assert_eq!(
        share.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    button(&popover, "Close").click();
    settle().await;
    assert_eq!(count(&root, "[role=\"dialog\"]"), 0);
    assert!(alerts(&root).is_empty(), "{:?}", alerts(&root));
}

#[wasm_bindgen_test]
async fn the_export_button_and_the_import_field_are_named_in_the_toolbar() {
    let root = mount("?seed=1").await;
    let toolbar = find(&root, "[role=\"toolbar\"]");
    assert_eq!(count(&toolbar, "button[aria-label=\"Export\"]"), 1);
    let import = find(&toolbar, "input[type=\"file\"][aria-label=\"Import\"]");
    assert!(import
        .get_attribute("accept")
        .unwrap_or_default()
        .contains(".json"));
    assert_eq!(count(&root, ".drop-target"), 0, "no drag, no drop target");
}

//! The missions bundled with Raftlab: the one list of files under the
//! top-level `missions/` folder, compiled in with `include_str!` as the
//! build script compacted them (`core/build.rs`), with each file's title
//! and the bug switches it turns on read at build time, so the page lists
//! the missions and links a switch to them without parsing anything.

use crate::scenario::{in_library_order, turning_on};

/// The bundled missions as `(id, JSON)`, in the order a learner meets them.
macro_rules! bundled {
    ($($name:literal),+ $(,)?) => {
        [$(($name, include_str!(concat!(env!("OUT_DIR"), "/missions/", $name, ".json")))),+]
    };
}

const LIBRARY: &[(&str, &str)] = &bundled![
    "split-vote",
    "predict-split-vote",
    "two-down-still-live",
    "no-leader-two-crashes",
    "elect-without-touching",
    "predict-who-wins",
    "leadership-transfer",
    "disruptive-rejoin",
    "partial-connectivity",
    "snapshot-install",
    "forget-vote-on-restart",
    "vote-without-log-check",
    "apply-before-commit",
    "skip-prev-log-check",
    "stale-leader-reads",
    "no-request-dedup",
    "figure-8-commit-by-counting",
    "direct-membership-switch",
    "membership-change-before-term-commit",
];

/// Every file's `(id, title)`, in file-name order, as the build script read
/// them.
const TITLES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/missions/titles.rs"));

/// Every file's id and the bug switches it turns on.
const BUGS: &[(&str, &[&str])] = include!(concat!(env!("OUT_DIR"), "/missions/bugs.rs"));

/// Every mission bundled with Raftlab, as `(id, JSON)`, in the order a
/// learner meets them. The web page offers exactly these.
pub fn library() -> Vec<(&'static str, &'static str)> {
    LIBRARY.to_vec()
}

/// Every bundled mission's `(id, title)`, in library order.
pub fn titles() -> Vec<(&'static str, &'static str)> {
    in_library_order(LIBRARY, TITLES)
}

/// Every bundled mission that turns the bug switch `name` on, as `(id,
/// title)`.
pub fn showing_bug(name: &str) -> Vec<(&'static str, &'static str)> {
    turning_on(titles(), BUGS, name)
}

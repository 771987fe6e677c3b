//! The scenarios bundled with Raftlab: the one list of files under the
//! top-level `scenarios/` folder, compiled in with `include_str!` as the
//! build script wrote them: the same documents without the whitespace
//! between tokens (`core/build.rs`), so the page does not carry the files'
//! pretty-printing.

/// Every scenario bundled with Raftlab, as `(id, JSON)`, in the order a
/// learner meets them. The web page offers exactly these. The JSON is the
/// file's, compacted: the same document, byte for byte inside its strings.
pub fn library() -> Vec<(&'static str, &'static str)> {
    macro_rules! bundled {
        ($($name:literal),+ $(,)?) => {
            vec![$(($name, include_str!(concat!(env!("OUT_DIR"), "/scenarios/", $name, ".json")))),+]
        };
    }
    bundled![
        "replication-step-by-step",
        "dropped-append-entries-retried",
        "follower-catches-up-by-walking-back",
        "leader-failover",
        "split-vote",
        "two-of-five-down-still-live",
        "three-of-five-down-stalls",
        "stale-leader-cannot-commit-or-read",
        "retry-after-leader-crash-deduplicated",
        "toy-machine-diverges-without-dedup",
        "figure-6",
        "figure-7",
        "figure-8",
        "figure-8-e",
        "figure-8-commit-by-counting",
        "disruptive-rejoin",
        "disruptive-rejoin-with-pre-vote",
        "partial-connectivity-livelock",
        "partial-connectivity-with-pre-vote-and-check-quorum",
        "joint-consensus-three-to-five",
        "direct-membership-switch",
        "snapshot-to-a-far-behind-follower",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_library_lists_each_id_once() {
        let mut ids: Vec<&str> = library().into_iter().map(|(id, _)| id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}

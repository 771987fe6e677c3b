//! The scenarios bundled with Raftlab: the one list of files under the
//! top-level `scenarios/` folder, compiled in with `include_str!`.

/// Every scenario bundled with Raftlab, as `(id, JSON)`, in the order a
/// learner meets them. The web page offers exactly these.
pub fn library() -> Vec<(&'static str, &'static str)> {
    macro_rules! bundled {
        ($($name:literal),+ $(,)?) => {
            vec![$(($name, include_str!(concat!("../../../scenarios/", $name, ".json")))),+]
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

//! The scenarios bundled with Raftlab: the one list of files under the
//! top-level `scenarios/` folder, compiled in with `include_str!` as the
//! build script wrote them: the same documents without the whitespace
//! between tokens (`core/build.rs`), so the page does not carry the files'
//! pretty-printing. The build script also reads each file's title, so the
//! page can list the library without parsing it.

/// The bundled scenarios as `(id, JSON)`, in the order a learner meets them.
macro_rules! bundled {
    ($($name:literal),+ $(,)?) => {
        [$(($name, include_str!(concat!(env!("OUT_DIR"), "/scenarios/", $name, ".json")))),+]
    };
}

const LIBRARY: &[(&str, &str)] = &bundled![
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
];

/// Every file's `(id, title)`, in file-name order, as the build script read
/// them.
const TITLES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/scenarios/titles.rs"));

/// Every scenario bundled with Raftlab, as `(id, JSON)`, in the order a
/// learner meets them. The web page offers exactly these. The JSON is the
/// file's, compacted: the same document, byte for byte inside its strings.
pub fn library() -> Vec<(&'static str, &'static str)> {
    LIBRARY.to_vec()
}

/// Every bundled scenario's `(id, title)`, in library order, read from the
/// files when the crate was built: listing them parses nothing.
pub fn titles() -> Vec<(&'static str, &'static str)> {
    in_library_order(LIBRARY, TITLES)
}

/// Every bundled scenario that turns the bug switch `name` on, as `(id,
/// title)`, read from the files when the crate was built.
pub fn showing_bug(name: &str) -> Vec<(&'static str, &'static str)> {
    let bugs: &[(&str, &[&str])] = include!(concat!(env!("OUT_DIR"), "/scenarios/bugs.rs"));
    turning_on(titles(), bugs, name)
}

/// `library`'s `(id, title)` in its order, each title found in `titles`
/// (file-name order, as a build script lists them), its id if missing.
pub(crate) fn in_library_order(
    library: &[(&'static str, &'static str)],
    titles: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    library
        .iter()
        .map(|(id, _)| {
            let title = titles
                .iter()
                .find(|(file, _)| file == id)
                .map_or(*id, |(_, title)| title);
            (*id, title)
        })
        .collect()
}

/// Those of `titles` whose file turns on the bug switch `name` in `bugs`.
pub(crate) fn turning_on(
    titles: Vec<(&'static str, &'static str)>,
    bugs: &[(&str, &[&str])],
    name: &str,
) -> Vec<(&'static str, &'static str)> {
    titles
        .into_iter()
        .filter(|(id, _)| {
            bugs.iter()
                .any(|(file, switches)| file == id && switches.contains(&name))
        })
        .collect()
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

    #[test]
    fn the_titles_are_the_files_titles_in_library_order() {
        let titles = titles();
        assert_eq!(titles.len(), library().len());
        for ((id, title), (library_id, json)) in titles.into_iter().zip(library()) {
            assert_eq!(id, library_id);
            let document: serde_json::Value = serde_json::from_str(json).expect("JSON");
            assert_eq!(document["title"].as_str(), Some(title), "{id}");
        }
    }
}

//! Fuzzing of what a link or a file hands the page, natively: share links,
//! URL parameters (full page and embed) and run files, mutated from real
//! ones with `raftlab_core::mutate`. Whatever the text, the page's readers
//! answer with a value or an error, never a panic; an error's message stays
//! short however long the bad value; and an accepted link rebuilds within
//! a step budget. `RAFTLAB_FUZZ_CASES` sets the cases (see the core's fuzz
//! tests; `make fuzz` runs many more).

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use raftlab_core::mutate::{mutate, Mutation, Reach, MUTATION_KINDS};
use raftlab_core::run::RunDescription;
use raftlab_core::scenario::{self, Scenario};
use raftlab_core::session::Session;
use raftlab_core::NodeId;
use raftlab_web::params;
use raftlab_web::share::{self, ControlPanel, OpenPanels, ShareLink};

fn cases() -> u32 {
    std::env::var("RAFTLAB_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(192)
}

/// The longest message the page shows for a bad link or file: bad values
/// are quoted by their start and length, never whole.
const MESSAGE_CHARS_MAX: usize = 600;

/// Steps a fuzzed link may take to rebuild here (a debug build).
const REBUILD_STEPS_MAX: u64 = 5_000;

/// How far mutations reach: as far as a share link, with repeats long
/// enough to make a link that asks for far more than the page allows.
const REACH: Reach = Reach {
    at: 2048,
    delete: 32,
    repeat: 2000,
    splice: 128,
};

/// One to four mutations, and which seed input they apply to.
fn mutations() -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    let one = (0..MUTATION_KINDS, any::<[usize; 4]>())
        .prop_map(|(kind, draws)| Mutation::drawn(kind, draws, REACH));
    (0..1024usize, prop::collection::vec(one, 1..5))
}

/// Share links of the bundled scenarios' runs, and the other queries the
/// page reads.
fn queries() -> Vec<String> {
    let open = OpenPanels::default().with(ControlPanel::Network);
    let mut queries: Vec<String> = scenario::library()
        .into_iter()
        .take(8)
        .map(|(_, text)| {
            let run = Scenario::from_json(text).expect("bundled").to_run();
            let session = Session::replay(&run).expect("replays");
            ShareLink::of(&session, NodeId(1), open, 2.0).to_query()
        })
        .collect();
    queries.extend(
        [
            "?seed=4&nodes=3&speed=10",
            "?embed=1&panels=cluster,log,timeline&autoplay=0&seed=9",
            "?embed=1&panels=cluster%2Clog&speed=0.25",
            "?scenario=figure-8&step=3",
            "?mission=split-vote",
            "?seed=18446744073709551615&nodes=9&presenter=1",
        ]
        .map(str::to_owned),
    );
    queries
}

fn mutated(seeds: &[String], pick: usize, changes: &[Mutation]) -> String {
    let donors: Vec<&[u8]> = seeds.iter().map(|s| s.as_bytes()).collect();
    let bytes = mutate(donors[pick % donors.len()], changes, &donors);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn short(message: &str) -> bool {
    message.chars().count() <= MESSAGE_CHARS_MAX
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn share_links_open_or_say_why_briefly((pick, changes) in mutations()) {
        let query = mutated(&queries(), pick, &changes);
        match ShareLink::parse(&query) {
            None => {}
            Some(Err(e)) => prop_assert!(short(&e.to_string()), "{}", e),
            Some(Ok(link)) => {
                if let Err(e) = link.rebuild_within(REBUILD_STEPS_MAX) {
                    prop_assert!(short(&e.to_string()), "{}", e);
                }
            }
        }
    }

    #[test]
    fn url_parameters_read_or_say_why_briefly((pick, changes) in mutations()) {
        let query = mutated(&queries(), pick, &changes);
        let (_, problems) = params::parse(&query);
        for problem in problems {
            prop_assert!(short(&problem), "{}", problem);
        }
        let (_, problems) = params::parse_embed(&query);
        for problem in problems {
            prop_assert!(short(&problem), "{}", problem);
        }
    }

    #[test]
    fn run_files_open_or_say_why_briefly((pick, changes) in mutations()) {
        let files: Vec<String> = scenario::library()
            .into_iter()
            .take(8)
            .map(|(_, text)| Scenario::from_json(text).expect("bundled").to_run().to_json())
            .collect();
        let text = mutated(&files, pick, &changes);
        match RunDescription::from_json(&text) {
            Err(e) => prop_assert!(short(&e.to_string()), "{}", e),
            Ok(run) => {
                if let Err(e) = share::check_bounds(&run) {
                    prop_assert!(short(&e.to_string()), "{}", e);
                }
            }
        }
    }
}

/// Found by the fuzzer: `panels=` repeating one bad name listed it once per
/// repeat, so a long link gave a message as long.
#[test]
fn a_bad_panel_name_repeated_a_thousand_times_gets_a_one_line_message() {
    let query = format!("?embed=1&panels={}", "luster,".repeat(1000));
    let (_, problems) = params::parse_embed(&query);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("unknown panel \"luster\" (known: "),
        "{}",
        problems[0]
    );
    let many: Vec<String> = (0..50).map(|i| format!("p{i}")).collect();
    let (_, problems) = params::parse_embed(&format!("?embed=1&panels={}", many.join(",")));
    assert!(
        problems[0].contains("\"p3\" and 46 more (known: "),
        "{}",
        problems[0]
    );
}

/// Found by the fuzzer: a share link's bad `open` value was quoted whole.
#[test]
fn a_long_bad_open_value_in_a_share_link_is_quoted_by_its_start() {
    let query = queries().remove(0);
    assert!(query.contains("&open=network"), "{query}");
    let long = query.replace(
        "&open=network",
        &format!("&open={}network", "open=".repeat(200)),
    );
    let message = match ShareLink::parse(&long) {
        Some(Err(e)) => e.to_string(),
        other => panic!("a bad open value is refused, not {other:?}"),
    };
    assert!(short(&message), "{message}");
    assert!(message.starts_with("open=\"open=open="), "{message}");
}

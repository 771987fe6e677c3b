//! Property tests: for any seed and any schedule of crashes, restarts, pauses,
//! partitions, cut links, lossy and duplicating networks, forced timeouts and
//! client writes, the five safety properties hold after every event; once
//! every fault is healed, a leader is elected and every write completes.
//! proptest prints the failing seed and schedule.

use crate::support::{put, Checked, MS};
use proptest::prelude::*;
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, LinkFaults};

#[derive(Clone, Debug)]
enum Fault {
    Crash(u32),
    Restart(u32),
    Timeout(u32),
    Write,
    Pause(u32),
    Resume(u32),
    Partition(Vec<u32>),
    Cut(u32, u32),
    Heal,
    Lossy(u16, u16),
}

fn fault(node_count: u32) -> impl Strategy<Value = Fault> {
    let node = 1..=node_count;
    prop_oneof![
        node.clone().prop_map(Fault::Crash),
        node.clone().prop_map(Fault::Restart),
        node.clone().prop_map(Fault::Timeout),
        Just(Fault::Write),
        node.clone().prop_map(Fault::Pause),
        node.clone().prop_map(Fault::Resume),
        prop::collection::vec(node.clone(), 1..4).prop_map(Fault::Partition),
        (node.clone(), node).prop_map(|(a, b)| Fault::Cut(a, b)),
        Just(Fault::Heal),
        (0u16..400, 0u16..400).prop_map(|(d, u)| Fault::Lossy(d, u)),
    ]
}

fn schedule() -> impl Strategy<Value = (u64, u32, Vec<(u64, Fault)>)> {
    (any::<u64>(), 1u32..=7).prop_flat_map(|(seed, nodes)| {
        let steps = prop::collection::vec((1u64..400, fault(nodes)), 0..30);
        (Just(seed), Just(nodes), steps)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn safety_holds_and_the_cluster_recovers((seed, nodes, steps) in schedule()) {
        let config = Config { node_count: nodes as usize, ..Config::default() };
        let mut c = Checked::new(seed, config);
        let mut t = 0;
        for (delay_ms, fault) in steps {
            t += delay_ms * MS;
            if let Err(v) = c.run_to(t) {
                prop_assert!(false, "seed {seed}: {v}");
            }
            let command = match fault {
                Fault::Crash(id) => Command::Crash { node: NodeId(id) },
                Fault::Restart(id) => Command::Restart { node: NodeId(id) },
                Fault::Timeout(id) => Command::Timeout { node: NodeId(id) },
                Fault::Write => put("k", &t.to_string()),
                Fault::Pause(id) => Command::Pause { node: NodeId(id) },
                Fault::Resume(id) => Command::Resume { node: NodeId(id) },
                Fault::Partition(group) => Command::Partition {
                    groups: vec![group.into_iter().map(NodeId).collect()],
                },
                Fault::Cut(a, b) => Command::CutLink { from: NodeId(a), to: NodeId(b) },
                Fault::Heal => Command::Heal,
                Fault::Lossy(drop, duplicate) => Command::SetNetworkFaults {
                    faults: LinkFaults {
                        drop_per_mille: drop,
                        duplicate_per_mille: duplicate,
                        ..LinkFaults::default()
                    },
                },
            };
            if let Ok(record) = c.sim.submit(command) {
                let found = c.checker.observe(&c.sim, &record);
                prop_assert!(found.is_empty(), "seed {seed}: {}", found[0]);
            }
        }
        // Heal: a clean network, everyone running; a leader must emerge and all writes finish.
        c.apply(Command::Heal);
        c.apply(Command::SetNetworkFaults { faults: LinkFaults::default() });
        for id in 1..=nodes {
            let _ = c.sim.submit(Command::Restart { node: NodeId(id) });
            let _ = c.sim.submit(Command::Resume { node: NodeId(id) });
        }
        c.apply(put("final", "write"));
        if let Err(v) = c.run_to(t + 10_000 * MS) {
            prop_assert!(false, "seed {seed}: {v}");
        }
        prop_assert!(c.sim.leader().is_some(), "seed {seed}: no leader after healing");
        let last = c.sim.completed_requests().last().map(|op| op.request.op.clone());
        prop_assert_eq!(last, Some(raftlab_core::kv::Operation::Put { key: "final".into(), value: "write".into() }),
            "seed {}: the final write did not complete", seed);
    }
}

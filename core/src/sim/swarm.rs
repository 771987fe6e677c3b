//! Swarm testing, as in TigerBeetle's simulator: from one seed draw not only
//! the faults but the *mix* of faults and their rates, so that across many
//! seeds some runs are crash-heavy, some lossy, some partitioned, some quiet.
//! Every plan ends with a heal phase: network clean, every server running.

use super::input::Command;
use super::network::LinkFaults;
use super::rng::Stream;
use super::workload::WorkloadSpec;
use crate::raft::{Micros, NodeId};

/// The stream tag for swarm plans (see [`Stream::new`]).
const SWARM_STREAM: u64 = 4;

/// A schedule of timed commands drawn from a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwarmPlan {
    /// Commands in time order.
    pub commands: Vec<(Micros, Command)>,
    /// When the heal phase starts: after it no new fault is injected.
    pub heal_at: Micros,
}

impl SwarmPlan {
    /// A plan for `node_count` servers, injecting faults for `fault_us` of
    /// virtual time, with a workload running throughout.
    pub fn from_seed(seed: u64, node_count: usize, fault_us: Micros) -> SwarmPlan {
        SwarmPlan::draw(seed, node_count, fault_us, false)
    }

    /// A plan like [`SwarmPlan::from_seed`]'s that also asks for membership
    /// changes among servers 1 to `node_count` + 2 (at most nine): servers
    /// added, removed, and the voters replaced by joint consensus.
    pub fn with_membership_changes(seed: u64, node_count: usize, fault_us: Micros) -> SwarmPlan {
        SwarmPlan::draw(seed, node_count, fault_us, true)
    }

    fn draw(seed: u64, node_count: usize, fault_us: Micros, membership: bool) -> SwarmPlan {
        let mut rng = Stream::new(seed, SWARM_STREAM, node_count as u64, 0);
        let n = node_count as u64;
        let node = |rng: &mut Stream| NodeId(rng.uniform(1, n) as u32);
        // The mix: a weight per fault kind, some of them zero.
        let mut weights = [0u64; 8];
        for w in &mut weights {
            *w = rng.uniform(0, 3) * rng.uniform(0, 1);
        }
        weights[0] += 1; // at least crashes are always possible
        let total: u64 = weights.iter().sum();
        let mean_gap = rng.uniform(50_000, 600_000);

        let mut commands = vec![(
            0,
            Command::SetWorkload {
                workload: Some(WorkloadSpec {
                    clients: rng.uniform(1, 4) as u32,
                    ops_per_second: rng.uniform(5, 50) as u32,
                    read_per_mille: rng.uniform(0, 500) as u16,
                    cas_per_mille: rng.uniform(0, 300) as u16,
                    keys: rng.uniform(1, 4) as u32,
                }),
            },
        )];
        let mut t = 0;
        loop {
            t += rng.uniform(1, 2 * mean_gap);
            if t >= fault_us {
                break;
            }
            let mut roll = rng.uniform(0, total - 1);
            let kind = weights
                .iter()
                .position(|&w| {
                    if roll < w {
                        true
                    } else {
                        roll -= w;
                        false
                    }
                })
                .unwrap_or(0);
            let command = match kind {
                0 => Command::Crash {
                    node: node(&mut rng),
                },
                1 => Command::Restart {
                    node: node(&mut rng),
                },
                2 => Command::Pause {
                    node: node(&mut rng),
                },
                3 => Command::Resume {
                    node: node(&mut rng),
                },
                4 => {
                    let group: Vec<NodeId> = (1..=n as u32)
                        .map(NodeId)
                        .filter(|_| rng.uniform(0, 1) == 1)
                        .collect();
                    Command::Partition {
                        groups: vec![group],
                    }
                }
                5 => Command::Heal,
                6 => Command::TransferLeadership { to: node(&mut rng) },
                _ => Command::SetNetworkFaults {
                    faults: LinkFaults {
                        drop_per_mille: rng.uniform(0, 300) as u16,
                        duplicate_per_mille: rng.uniform(0, 200) as u16,
                        extra_delay_us: rng.uniform(0, 1) * rng.uniform(0, 20_000),
                        latency_us: None,
                    },
                },
            };
            commands.push((t, command));
            if membership && rng.uniform(0, 2) == 0 {
                commands.push((t, membership_change(&mut rng, node_count)));
            }
            // Half the crashes schedule their own restart, so runs are not all
            // one long outage until the heal.
            if kind == 0 && rng.uniform(0, 1) == 1 {
                let at = t + rng.uniform(100_000, 2_000_000);
                if let Some((_, Command::Crash { node })) = commands.last() {
                    let node = *node;
                    if at < fault_us {
                        commands.push((at, Command::Restart { node }));
                    }
                }
            }
        }
        let heal_at = fault_us;
        commands.push((heal_at, Command::Heal));
        commands.push((
            heal_at,
            Command::SetNetworkFaults {
                faults: LinkFaults::default(),
            },
        ));
        for id in 1..=n as u32 {
            commands.push((heal_at, Command::Restart { node: NodeId(id) }));
            commands.push((heal_at, Command::Resume { node: NodeId(id) }));
        }
        commands.sort_by_key(|(at, _)| *at);
        SwarmPlan { commands, heal_at }
    }
}

/// One membership change among servers 1 to `node_count` + 2 (at most
/// nine); the leader refuses those that make no sense at the time.
fn membership_change(rng: &mut Stream, node_count: usize) -> Command {
    let highest = (node_count as u64 + 2).min(crate::sim::NODE_COUNT_MAX as u64);
    let node = NodeId(rng.uniform(1, highest) as u32);
    match rng.uniform(0, 2) {
        0 => Command::AddServer { node },
        1 => Command::RemoveServer { node },
        _ => {
            let mut voters: Vec<NodeId> = (1..=highest as u32)
                .map(NodeId)
                .filter(|_| rng.uniform(0, 1) == 1)
                .collect();
            if voters.is_empty() {
                voters.push(node);
            }
            Command::ChangeMembership { voters }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_are_deterministic_differ_by_seed_and_end_healed() {
        let a = SwarmPlan::from_seed(5, 5, 10_000_000);
        assert_eq!(a, SwarmPlan::from_seed(5, 5, 10_000_000));
        assert_ne!(a, SwarmPlan::from_seed(6, 5, 10_000_000));
        assert!(a.commands.windows(2).all(|w| w[0].0 <= w[1].0));
        let tail: Vec<_> = a.commands.iter().filter(|(t, _)| *t == a.heal_at).collect();
        assert!(tail.iter().any(|(_, c)| *c == Command::Heal));
        assert_eq!(tail.len(), 2 + 2 * 5);
    }

    #[test]
    fn mixes_vary_across_seeds() {
        let kinds = |seed| {
            let plan = SwarmPlan::from_seed(seed, 5, 20_000_000);
            plan.commands
                .iter()
                .filter(|(t, _)| *t < plan.heal_at)
                .filter(|(_, c)| matches!(c, Command::Partition { .. }))
                .count()
        };
        let counts: Vec<usize> = (0..20).map(kinds).collect();
        assert!(counts.contains(&0), "some runs have no partitions");
        assert!(counts.iter().any(|&c| c > 0), "some runs do");
    }
}

//! Swarm testing, as in TigerBeetle's simulator: from one seed draw not only
//! the faults but the *mix* of faults and their rates, so that across many
//! seeds some runs are crash-heavy, some lossy, some partitioned, some quiet.
//! Every plan ends with a heal phase: network clean, every server running.

use super::config::Config;
use super::input::Command;
use super::network::LinkFaults;
use super::rng::Stream;
use super::workload::WorkloadSpec;
use crate::raft::{Micros, NodeId, ReadMode};

/// The stream tag for swarm plans (see [`Stream::new`]).
const SWARM_STREAM: u64 = 4;

/// The stream tag for reconfigurations in swarm plans: a stream of its own,
/// so a plan with them has exactly the faults of the plan without.
const RECONFIGURE_STREAM: u64 = 7;

/// The mean gap between two reconfigurations.
const RECONFIGURE_MEAN_GAP_US: Micros = 1_500_000;

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

    /// The same plan with, on top, the running cluster reconfigured now and
    /// then while faults are injected (`Command::Configure`): PreVote,
    /// CheckQuorum, fast backtracking and the read path switched, election
    /// timeouts and heartbeats changed, all within `base`'s timing bounds (so
    /// liveness bounds computed from `base` still hold). The heal phase puts
    /// `base` back.
    pub fn with_reconfigurations(mut self, seed: u64, base: &Config) -> SwarmPlan {
        let mut rng = Stream::new(seed, RECONFIGURE_STREAM, base.node_count as u64, 0);
        let mut t = 0;
        loop {
            t += rng.uniform(1, 2 * RECONFIGURE_MEAN_GAP_US);
            if t >= self.heal_at {
                break;
            }
            let config = variant(&mut rng, base);
            self.commands.push((
                t,
                Command::Configure {
                    config: Box::new(config),
                },
            ));
        }
        self.commands.push((
            self.heal_at,
            Command::Configure {
                config: Box::new(base.clone()),
            },
        ));
        // Stable: commands drawn for one instant keep their order.
        self.commands.sort_by_key(|(at, _)| *at);
        self
    }

    fn draw(seed: u64, node_count: usize, fault_us: Micros, membership: bool) -> SwarmPlan {
        let mut rng = Stream::new(seed, SWARM_STREAM, node_count as u64, 0);
        let mix = FaultMix::draw(&mut rng);
        let mut commands = vec![(0, draw_workload(&mut rng))];
        let mut t = 0;
        loop {
            t += rng.uniform(1, 2 * mix.mean_gap_us);
            if t >= fault_us {
                break;
            }
            let kind = mix.pick(&mut rng);
            commands.push((t, draw_fault(&mut rng, kind, node_count)));
            if membership && rng.uniform(0, 2) == 0 {
                commands.push((t, membership_change(&mut rng, node_count)));
            }
            // Half the crashes schedule their own restart, so runs are not all
            // one long outage until the heal.
            if kind == CRASH && rng.uniform(0, 1) == 1 {
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
        commands.extend(heal_phase(node_count).map(|command| (heal_at, command)));
        commands.sort_by_key(|(at, _)| *at);
        SwarmPlan { commands, heal_at }
    }
}

/// The fault kind that is always possible (see [`FaultMix::draw`]).
const CRASH: usize = 0;

/// How many fault kinds [`draw_fault`] knows.
const FAULT_KINDS: usize = 8;

/// One plan's mix of faults: a weight per fault kind, some of them zero,
/// and the mean gap between two faults.
struct FaultMix {
    weights: [u64; FAULT_KINDS],
    total: u64,
    mean_gap_us: Micros,
}

impl FaultMix {
    /// Draws a mix in which crashes at least are always possible.
    fn draw(rng: &mut Stream) -> FaultMix {
        let mut weights = [0u64; FAULT_KINDS];
        for w in &mut weights {
            *w = rng.uniform(0, 3) * rng.uniform(0, 1);
        }
        weights[CRASH] += 1;
        let total: u64 = weights.iter().sum();
        let mean_gap_us = rng.uniform(50_000, 600_000);
        FaultMix {
            weights,
            total,
            mean_gap_us,
        }
    }

    /// Draws a fault kind with the mix's weights.
    fn pick(&self, rng: &mut Stream) -> usize {
        let mut roll = rng.uniform(0, self.total - 1);
        self.weights
            .iter()
            .position(|&w| {
                if roll < w {
                    true
                } else {
                    roll -= w;
                    false
                }
            })
            .unwrap_or(CRASH)
    }
}

/// The workload that runs throughout a plan.
fn draw_workload(rng: &mut Stream) -> Command {
    Command::SetWorkload {
        workload: Some(WorkloadSpec {
            clients: rng.uniform(1, 4) as u32,
            ops_per_second: rng.uniform(5, 50) as u32,
            read_per_mille: rng.uniform(0, 500) as u16,
            cas_per_mille: rng.uniform(0, 300) as u16,
            keys: rng.uniform(1, 4) as u32,
        }),
    }
}

/// One fault of the given kind among servers 1 to `node_count`.
fn draw_fault(rng: &mut Stream, kind: usize, node_count: usize) -> Command {
    let n = node_count as u64;
    let node = |rng: &mut Stream| NodeId(rng.uniform(1, n) as u32);
    match kind {
        CRASH => Command::Crash { node: node(rng) },
        1 => Command::Restart { node: node(rng) },
        2 => Command::Pause { node: node(rng) },
        3 => Command::Resume { node: node(rng) },
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
        6 => Command::TransferLeadership { to: node(rng) },
        _ => Command::SetNetworkFaults {
            faults: LinkFaults {
                drop_per_mille: rng.uniform(0, 300) as u16,
                duplicate_per_mille: rng.uniform(0, 200) as u16,
                extra_delay_us: rng.uniform(0, 1) * rng.uniform(0, 20_000),
                latency_us: None,
            },
        },
    }
}

/// The heal phase: the network clean and every server running.
fn heal_phase(node_count: usize) -> impl Iterator<Item = Command> {
    let servers = (1..=node_count as u32).map(NodeId);
    [
        Command::Heal,
        Command::SetNetworkFaults {
            faults: LinkFaults::default(),
        },
    ]
    .into_iter()
    .chain(servers.flat_map(|node| [Command::Restart { node }, Command::Resume { node }]))
}

/// A valid variant of `base`: options switched at random, timeouts and the
/// heartbeat drawn inside `base`'s (a lease only with CheckQuorum).
fn variant(rng: &mut Stream, base: &Config) -> Config {
    let mut config = base.clone();
    let coin = |rng: &mut Stream| rng.uniform(0, 1) == 1;
    config.raft.pre_vote = coin(rng);
    config.raft.check_quorum = coin(rng);
    config.raft.fast_backtracking = coin(rng);
    config.raft.read_mode = match rng.uniform(0, 2) {
        0 => ReadMode::Log,
        1 => ReadMode::ReadIndex,
        _ if config.raft.check_quorum => ReadMode::Lease,
        _ => ReadMode::ReadIndex,
    };
    let (min, max) = (base.election_timeout_us_min, base.election_timeout_us_max);
    config.election_timeout_us_min = rng.uniform(min / 2, min);
    config.election_timeout_us_max = rng.uniform(config.election_timeout_us_min.max(max / 2), max);
    let shortest = config.election_timeout_us_min;
    config.heartbeat_interval_us = rng.uniform(shortest / 6, shortest / 3).max(1);
    config
}

/// One membership change among servers 1 to `node_count` + 2 (at most
/// nine); the leader refuses those that make no sense at the time.
fn membership_change(rng: &mut Stream, node_count: usize) -> Command {
    let highest = (node_count as u64 + 2).min(super::config::NODE_COUNT_MAX as u64);
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
    fn reconfigurations_add_valid_configs_and_keep_the_faults() {
        let base = Config::default();
        let plain = SwarmPlan::from_seed(5, 5, 20_000_000);
        let plan = plain.clone().with_reconfigurations(5, &base);
        let configs: Vec<&Config> = plan
            .commands
            .iter()
            .filter_map(|(_, c)| match c {
                Command::Configure { config } => Some(&**config),
                _ => None,
            })
            .collect();
        assert!(configs.len() > 3, "{} reconfigurations", configs.len());
        assert!(configs.iter().all(|c| c.validate().is_ok()));
        assert!(configs.iter().any(|c| c.raft.pre_vote));
        assert_eq!(configs.last(), Some(&&base), "the heal restores the base");
        let others: Vec<&(Micros, Command)> = plan
            .commands
            .iter()
            .filter(|(_, c)| !matches!(c, Command::Configure { .. }))
            .collect();
        assert_eq!(others, plain.commands.iter().collect::<Vec<_>>());
        assert!(plan.commands.windows(2).all(|w| w[0].0 <= w[1].0));
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

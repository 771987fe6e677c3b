//! A workload generator: simulated clients issuing random reads, writes,
//! deletes and compare-and-sets over a few keys, at a chosen rate; or, for
//! a run of the toy machine, random X, Y and Z operations.

use super::rng::Stream;
use crate::kv::{Operation, StateMachine, ToyOp};
use crate::raft::Micros;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The shape of a workload. Mixes are in parts per thousand of operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WorkloadSpec {
    /// How many clients (each with at most one request outstanding), 1 to 16.
    pub clients: u32,
    /// Operations started per second of virtual time, across all clients.
    pub ops_per_second: u32,
    /// Share of reads, in ‰.
    pub read_per_mille: u16,
    /// Share of compare-and-sets, in ‰ (the rest are puts, and a few deletes).
    pub cas_per_mille: u16,
    /// How many distinct keys, 1 to 100.
    pub keys: u32,
}

impl Default for WorkloadSpec {
    fn default() -> WorkloadSpec {
        WorkloadSpec {
            clients: 3,
            ops_per_second: 20,
            read_per_mille: 400,
            cas_per_mille: 100,
            keys: 3,
        }
    }
}

impl WorkloadSpec {
    /// True when the numbers are in their documented ranges.
    pub fn is_valid(&self) -> bool {
        (1..=16).contains(&self.clients)
            && (1..=10_000).contains(&self.ops_per_second)
            && u32::from(self.read_per_mille) + u32::from(self.cas_per_mille) <= 1000
            && (1..=100).contains(&self.keys)
    }
}

/// A running workload: its spec, its own random stream, and what it has issued.
#[derive(Clone, Debug)]
pub(super) struct Workload {
    pub(super) spec: WorkloadSpec,
    /// What the operations are for: the key-value store or the toy machine.
    state_machine: StateMachine,
    stream: Stream,
    /// The last value issued for each key, so compare-and-sets sometimes match.
    last_written: BTreeMap<String, String>,
    issued: u64,
    /// Bumped on every change, so ticks of an earlier workload are ignored.
    pub(super) generation: u32,
}

/// The stream tag for workload draws (see [`Stream::new`]).
const WORKLOAD_STREAM: u64 = 3;

impl Workload {
    pub(super) fn new(
        seed: u64,
        spec: WorkloadSpec,
        generation: u32,
        state_machine: StateMachine,
    ) -> Workload {
        Workload {
            spec,
            state_machine,
            stream: Stream::new(seed, WORKLOAD_STREAM, u64::from(generation), 0),
            last_written: BTreeMap::new(),
            issued: 0,
            generation,
        }
    }

    /// The gap until the next operation starts: uniform around the mean so the
    /// rate holds on average while clients still overlap irregularly.
    pub(super) fn next_gap(&mut self) -> Micros {
        let mean = 1_000_000 / u64::from(self.spec.ops_per_second);
        self.stream.uniform(1, 2 * mean)
    }

    /// Which of the workload's clients (0-based) gets the next operation.
    pub(super) fn next_client(&mut self) -> u32 {
        self.stream.uniform(0, u64::from(self.spec.clients) - 1) as u32
    }

    /// A random operation. Every written value is distinct ("w17"), which
    /// linearizability checking relies on to tell writes apart.
    pub(super) fn next_op(&mut self) -> Operation {
        if self.state_machine == StateMachine::Toy {
            // The toy machine has no keys or values: the spec's mix does not apply.
            let op = [ToyOp::X, ToyOp::Y, ToyOp::Z][self.stream.uniform(0, 2) as usize];
            return Operation::Toy { op };
        }
        self.issued += 1;
        let unique = format!("w{}", self.issued);
        let spec = self.spec;
        let key = format!("k{}", self.stream.uniform(0, u64::from(spec.keys) - 1));
        let roll = self.stream.uniform(0, 999) as u16;
        if roll < spec.read_per_mille {
            return Operation::Get { key };
        }
        if roll < spec.read_per_mille + spec.cas_per_mille {
            let expected = self.last_written.get(&key).cloned();
            self.last_written.insert(key.clone(), unique.clone());
            return Operation::CompareAndSet {
                key,
                expected,
                new: unique,
            };
        }
        if roll >= 980 {
            self.last_written.remove(&key);
            return Operation::Delete { key };
        }
        self.last_written.insert(key.clone(), unique.clone());
        Operation::Put { key, value: unique }
    }
}

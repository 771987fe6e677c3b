//! Helpers shared by the simulation tests: running with the safety checker on,
//! and short names for commands.

use raftlab_core::check::{SafetyChecker, Violation};
use raftlab_core::kv::{Operation, ToyOp};
use raftlab_core::raft::NodeId;
use raftlab_core::sim::{Command, Config, LinkFaults, Simulation};

/// Milliseconds in virtual microseconds.
pub const MS: u64 = 1_000;

/// A simulation with the checker watching every step.
pub struct Checked {
    pub sim: Simulation,
    pub checker: SafetyChecker,
}

impl Checked {
    pub fn new(seed: u64, config: Config) -> Checked {
        Checked {
            sim: Simulation::new(seed, config).expect("valid config"),
            checker: SafetyChecker::new(),
        }
    }

    pub fn five(seed: u64) -> Checked {
        Checked::new(seed, Config::default())
    }

    /// Runs to `t`, checking after every event; the first violation is returned.
    pub fn run_to(&mut self, t: u64) -> Result<(), Violation> {
        while let Some(record) = self.sim.step_no_later_than(t) {
            if let Some(v) = self.checker.observe(&self.sim, &record).into_iter().next() {
                return Err(v);
            }
        }
        self.sim.advance_to(t);
        Ok(())
    }

    /// Runs to `t` and panics, naming the seed, if any property broke.
    pub fn run_ok(&mut self, t: u64) {
        if let Err(v) = self.run_to(t) {
            panic!("seed {}: {v}", self.sim.seed());
        }
    }

    /// Applies a command that must be valid, and checks the state it leaves.
    pub fn apply(&mut self, command: Command) {
        let record = self.sim.submit(command).expect("valid command");
        let found = self.checker.observe(&self.sim, &record);
        assert!(found.is_empty(), "seed {}: {}", self.sim.seed(), found[0]);
    }

    /// Runs until a leader is up, at most `limit` from now.
    pub fn run_until_leader(&mut self, limit: u64) -> NodeId {
        let deadline = self.sim.now() + limit;
        while self.sim.now() < deadline {
            let t = self.sim.now() + MS;
            self.run_ok(t);
            if let Some(leader) = self.sim.leader() {
                return leader;
            }
        }
        panic!("seed {}: no leader by {} µs", self.sim.seed(), deadline);
    }
}

pub fn put(key: &str, value: &str) -> Command {
    Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Put {
            key: key.into(),
            value: value.into(),
        },
    }
}

pub fn get(key: &str) -> Command {
    Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Get { key: key.into() },
    }
}

pub fn crash(id: u32) -> Command {
    Command::Crash { node: NodeId(id) }
}

pub fn restart(id: u32) -> Command {
    Command::Restart { node: NodeId(id) }
}

/// A toy-machine operation from the page's client, to whichever server it knows.
pub fn toy(op: ToyOp) -> Command {
    Command::ClientRequest {
        client: None,
        target: None,
        op: Operation::Toy { op },
    }
}

/// Five servers with a leader, every link losing 30% of packets, and the
/// page's client sending puts of `k0` to `k4` (queued one after another).
pub fn five_writes_over_lossy_links(seed: u64) -> Checked {
    let mut c = Checked::five(seed);
    c.run_until_leader(2_000 * MS);
    c.apply(Command::SetNetworkFaults {
        faults: LinkFaults {
            drop_per_mille: 300,
            ..LinkFaults::default()
        },
    });
    for i in 0..5 {
        c.apply(put(&format!("k{i}"), "v"));
    }
    c
}

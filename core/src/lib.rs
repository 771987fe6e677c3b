//! Raftlab's core: a sans-IO Raft implementation, a deterministic discrete-event
//! simulator that drives a cluster of Raft nodes over a modelled network, the
//! safety checkers that watch it, and the view model the web page draws.
//!
//! Nothing here reads a clock, touches the OS's randomness or knows about the
//! browser: the same seed and the same timed inputs always replay the same run.

#![deny(missing_docs)]

pub mod app;
pub mod check;
mod chunked;
pub mod experiment;
pub mod explore;
mod fnv;
mod format;
pub mod history;
pub mod journal;
pub mod kv;
pub mod mission;
pub mod mutate;
pub mod playback;
pub mod raft;
pub mod run;
pub mod scenario;
pub mod session;
pub mod sim;
pub mod timeline;
pub mod view;

pub use raft::{LogIndex, NodeId, Role, Term};
pub use sim::{Command, Config, ConfigError, Simulation};
pub use view::ClusterView;

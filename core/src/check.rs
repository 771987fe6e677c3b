//! Checkers that watch a simulation and never steer it.

pub mod safety;

pub use safety::{Observation, ObservedNode, Property, SafetyChecker, Violation};

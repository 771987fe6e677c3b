//! The integration tests of raftlab-core, in one binary: each module checks one
//! area (see its opening comment); `support` and `bare` are the shared helpers.

mod bare;
mod bug_switches;
mod config_bounds;
mod configure;
mod delays;
mod elections;
mod experiments;
mod explore;
mod faults;
mod flow_control;
mod fuzz;
mod linearizability;
mod linearizability_brute;
mod membership;
mod message_commands;
mod missions;
mod paper_figures;
mod pinned_traces;
mod playback;
mod properties;
mod raft_node;
mod reads;
mod run_description;
mod scenario_library;
mod scenarios;
mod seed_claims;
mod simulation;
mod snapshots;
mod step_budgets;
mod support;
mod time_travel;
mod toy_machine;

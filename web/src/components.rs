//! The page's components, one per file.

mod cluster;
mod controls;
mod log_table;
mod node_menu;
mod state_diagram;

pub use cluster::Cluster;
pub use controls::Controls;
pub use log_table::LogTable;
pub use node_menu::NodeMenu;
pub use state_diagram::StateDiagram;

/// How long (in wall-clock seconds at the current speed) a transition stays lit.
pub const FLASH_WALL_SECONDS: f64 = 1.5;

/// Is a moment `at` recent enough at `now` to be highlighted, at `speed`?
pub fn is_recent(now: u64, at: u64, speed: f64) -> bool {
    (now.saturating_sub(at) as f64) < FLASH_WALL_SECONDS * 1_000_000.0 * speed
}

/// Seconds of virtual time, three decimals: "1.234 s".
pub fn format_time(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

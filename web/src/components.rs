//! The page's components, one per file, and the small helpers they share.

mod checks;
mod client_panel;
mod cluster;
mod config_panel;
mod controls;
mod event_log;
mod experiments_view;
mod fault_sliders;
mod file_drop;
pub(crate) mod form;
mod help;
mod history_view;
mod inspector;
mod legend;
mod log_table;
mod mission_panel;
mod narration;
mod network_panel;
mod node_menu;
mod number_field;
mod panel;
mod partition;
pub mod press;
mod range_field;
mod select_field;
mod share_panel;
mod spacetime;
mod speed_slider;
mod state_diagram;
mod state_machine;
mod toggle;

pub use checks::Checks;
pub use client_panel::{ClientPanel, ClientPanelProps};
pub use cluster::{Cluster, ClusterProps};
pub use config_panel::{ConfigPanel, ConfigPanelProps};
pub use controls::{CompactControls, Controls};
pub use event_log::EventLog;
pub use experiments_view::{ExperimentsView, ExperimentsViewProps, LinkBase};
pub use fault_sliders::FaultSliders;
pub use file_drop::FileDrop;
pub use help::{Help, SHORTCUTS};
pub use history_view::{HistoryPanel, HistoryPanelProps};
pub use inspector::{Inspector, InspectorProps};
pub use legend::{Legend, LegendProps};
pub use log_table::LogTable;
pub use mission_panel::{MissionPanel, MissionPanelProps};
pub use narration::{embed_narration, NarrationPanel, NarrationPanelProps};
pub use network_panel::{NetworkPanel, NetworkPanelProps};
pub use node_menu::NodeMenu;
pub use number_field::{NumberField, NumberFieldProps};
pub use panel::{Panel, PanelProps};
pub use range_field::{RangeField, RangeFieldProps};
pub use select_field::SelectField;
pub use share_panel::{SharePanel, SharePanelProps};
pub use spacetime::{Scale, SpaceTime};
pub use speed_slider::{SpeedSlider, SpeedSliderProps};
pub use state_diagram::{StateDiagram, StateDiagramProps};
pub use state_machine::{StateMachineView, StateMachineViewProps};
pub use toggle::{Toggle, ToggleProps};

use crate::share::ControlPanel;
use crate::ui::Action;
use yew::{Callback, Event, MouseEvent, TargetCast};

/// The `ontoggle` handler of a panel's `<details>`: tells the app whether
/// the panel is now open (so a share link can say so).
pub fn on_panel_toggle(panel: ControlPanel, on_action: &Callback<Action>) -> Callback<Event> {
    let on_action = on_action.clone();
    Callback::from(move |e: Event| {
        let details: web_sys::Element = e.target_unchecked_into();
        on_action.emit(Action::PanelToggled {
            panel,
            open: details.has_attribute("open"),
        });
    })
}

/// How long (in wall-clock seconds at the current speed) a transition stays lit.
pub const FLASH_WALL_SECONDS: f64 = 1.5;

/// Is a moment `at` recent enough at `now` to be highlighted, at `speed`?
/// The window is [`FLASH_WALL_SECONDS`] of wall time while playing, i.e. that
/// many seconds times the speed in virtual time, so it looks the same at every
/// speed; paused, it stays lit until time moves on.
pub fn is_recent(now: u64, at: u64, speed: f64) -> bool {
    now >= at && ((now - at) as f64) < FLASH_WALL_SECONDS * 1_000_000.0 * speed
}

/// Seconds of virtual time, three decimals: "1.234 s".
pub fn format_time(us: u64) -> String {
    format!("{}.{:03} s", us / 1_000_000, (us / 1_000) % 1_000)
}

/// A click handler that sends `action` to `on_action`.
pub(crate) fn sender(on_action: &Callback<Action>, action: Action) -> Callback<MouseEvent> {
    let on_action = on_action.clone();
    Callback::from(move |_: MouseEvent| on_action.emit(action.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_seconds_with_milliseconds() {
        assert_eq!(format_time(0), "0.000 s");
        assert_eq!(format_time(1_234_567), "1.234 s");
        assert_eq!(format_time(61_000_000), "61.000 s");
    }

    #[test]
    fn a_change_stays_recent_for_the_same_wall_time_at_every_speed() {
        // 1.5 s of wall time is 1.5 s virtual at 1x, 1.5 ms at 1/1000x.
        assert!(is_recent(1_400_000, 0, 1.0));
        assert!(!is_recent(1_600_000, 0, 1.0));
        assert!(is_recent(1_400, 0, 0.001));
        assert!(!is_recent(1_600, 0, 0.001));
        assert!(
            !is_recent(0, 10, 1.0),
            "a moment in the future is not recent"
        );
    }
}

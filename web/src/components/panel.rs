//! The chrome every control panel shares: a collapsible `<details>` whose
//! summary line shows the panel's title and its state in a few words. The
//! body is drawn only while the panel is open, so a closed panel's controls
//! cost nothing while the cluster plays; opening and closing tell the app
//! ([`Action::PanelToggled`]), so a share link can say which are open.

use crate::share::ControlPanel;
use crate::ui::Action;
use yew::prelude::*;

/// Props of [`Panel`].
#[derive(Properties, Clone, PartialEq)]
pub struct PanelProps {
    /// Which panel this is: its `data-panel` name, and what opening it tells
    /// the app.
    pub panel: ControlPanel,
    /// The title at the start of the summary line.
    pub title: AttrValue,
    /// The panel's state in a few words, after the title.
    pub summary: AttrValue,
    /// Is the panel open?
    pub open: bool,
    /// Where opening and closing go.
    pub on_action: Callback<Action>,
    /// The controls, drawn only while the panel is open. Why a caller also
    /// builds them only then: building them is what a closed panel saves.
    #[prop_or_default]
    pub children: Html,
}

/// A titled, collapsible control panel.
#[function_component(Panel)]
pub fn panel(props: &PanelProps) -> Html {
    html! {
        <details class="panel control-panel" data-panel={props.panel.name()} open={props.open}
            ontoggle={super::on_panel_toggle(props.panel, &props.on_action)}>
            <summary>
                <span class="summary-title">{ props.title.clone() }</span>
                <small>{ props.summary.clone() }</small>
            </summary>
            if props.open {
                { props.children.clone() }
            }
        </details>
    }
}

//! The keyboard help overlay (opened with `?`).

use crate::ui::Action;
use yew::prelude::*;

/// Every shortcut with what it does, in the order the overlay lists them.
pub const SHORTCUTS: [(&str, &str); 16] = [
    ("Space or k", "play / pause"),
    ("→ or .", "step one event forward"),
    ("← or ,", "step one event back"),
    ("] or +", "twice as fast"),
    ("[ or -", "half as fast"),
    ("e", "jump to the next election"),
    ("c", "jump to the next commit"),
    ("v", "jump to the next safety violation"),
    ("1 … 9", "select a server"),
    ("x", "crash the selected server"),
    ("s", "restart the selected server"),
    ("t", "force the selected server's election timeout"),
    ("l", "make the selected server leader (transfer)"),
    ("r", "a client sends a put to the leader"),
    ("p", "presenter mode on / off (full page)"),
    ("? / Esc", "show / hide this help"),
];

/// Props of [`Help`].
#[derive(Properties, Clone, PartialEq)]
pub struct HelpProps {
    /// Where the close button sends its action.
    pub on_action: Callback<Action>,
}

/// The overlay.
#[function_component(Help)]
pub fn help(props: &HelpProps) -> Html {
    let close = {
        let cb = props.on_action.clone();
        Callback::from(move |_: MouseEvent| cb.emit(Action::ShowHelp(false)))
    };
    let close_ref = use_node_ref();
    {
        // Focus moves into the dialog so a keyboard user lands on its button.
        let close_ref = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                button.focus().ok();
            }
        });
    }
    html! {
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
            <div class="dialog">
                <h2 id="help-title">{ "Keyboard shortcuts" }</h2>
                <table class="shortcuts">
                    <tbody>
                    { for SHORTCUTS.iter().map(|(keys, what)| html! {
                        <tr><th scope="row"><kbd>{ *keys }</kbd></th><td>{ *what }</td></tr>
                    }) }
                    </tbody>
                </table>
                <p class="hint">{ "Shortcuts are off while you type in a field." }</p>
                <button type="button" class="primary" ref={close_ref} onclick={close} aria-label="Close help">{ "Close" }</button>
            </div>
        </div>
    }
}

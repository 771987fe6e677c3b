//! The share tools in the toolbar. Share makes a link to exactly what is on
//! screen (see [`crate::share`]), copies it to the clipboard and shows it in
//! a small popover with a Copy button; if the clipboard refuses, the link
//! stays selected in its field for the user to copy. Export downloads the
//! run as a JSON file; Import opens one (so does dropping one on the page,
//! see [`super::FileDrop`]). The link and the file are read from the live
//! run when the button is clicked, so nothing here is rebuilt every frame.

use crate::share::{export_file_name, page_address, too_large_file, ShareSource, FILE_BYTES_MAX};
use crate::ui::Action;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Blob, BlobPropertyBag, File, HtmlAnchorElement, HtmlInputElement, Url};
use yew::prelude::*;

/// Props of [`SharePanel`].
#[derive(Properties, Clone, PartialEq)]
pub struct SharePanelProps {
    /// The run and page state a link or a file is made from.
    pub source: ShareSource,
    /// Where imported files go.
    pub on_action: Callback<Action>,
}

/// Where a link stands with the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clipboard {
    Copying,
    Copied,
    Refused,
}

/// The popover's content: a link and whether it reached the clipboard.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Shared {
    url: String,
    clipboard: Clipboard,
}

/// How long an exported file's object URL lives: the browser has started
/// the download by then.
const OBJECT_URL_LIFETIME: Duration = Duration::from_secs(10);

/// Puts a link on the clipboard and shows it in the popover.
type CopyLink = Rc<dyn Fn(String)>;

/// The Share, Export and Import buttons and the share popover.
#[function_component(SharePanel)]
pub fn share_panel(props: &SharePanelProps) -> Html {
    let shared = use_state(|| None::<Shared>);
    let export_problem = use_state(|| None::<String>);
    // Each copy has a number; a copy that finishes after a newer one began
    // does not report.
    let copies = use_mut_ref(|| 0u32);
    let field = use_node_ref();
    let share_button = use_node_ref();
    let copy = copier(&shared, &copies);
    let on_share = {
        let (source, copy) = (props.source.clone(), copy.clone());
        Callback::from(move |_: MouseEvent| copy(format!("{}{}", page(), source.link().to_query())))
    };
    use_select_when_open(&field, shared.as_ref().map(|s| s.url.clone()));
    html! {
        <div class="share-tools" role="group" aria-label="Share and save the run">
            <button type="button" ref={share_button.clone()} aria-label="Share" onclick={on_share}
                aria-expanded={shared.is_some().to_string()}
                aria-controls={shared.is_some().then_some("share-popover")}
                title="Copy a link to exactly this: the run, the instant, the selection and the open panels">
                { "Share" }
            </button>
            <button type="button" aria-label="Export" onclick={on_export(&props.source, &export_problem)}
                title="Save the run (seed, configuration, every input) as a JSON file">{ "Export" }</button>
            <label class="file-button" title="Open a run file (or drop one anywhere on the page)">
                <span aria-hidden="true">{ "Import" }</span>
                <input type="file" accept=".json,application/json" aria-label="Import"
                    onchange={on_import(&props.on_action)} />
            </label>
            if let Some(problem) = (*export_problem).clone() {
                <span class="share-problem" role="alert">{ problem }</span>
            }
            { share_popover(&shared, &field, &share_button, &copy) }
        </div>
    }
}

/// What copying a link does: show it in the popover as being copied, start
/// writing it to the clipboard, and report how that went, unless a newer
/// copy (counted in `copies`) began meanwhile.
fn copier(shared: &UseStateHandle<Option<Shared>>, copies: &Rc<RefCell<u32>>) -> CopyLink {
    let (shared, copies) = (shared.clone(), copies.clone());
    Rc::new(move |url: String| {
        let number = copies.borrow().wrapping_add(1);
        *copies.borrow_mut() = number;
        shared.set(Some(Shared {
            url: url.clone(),
            clipboard: Clipboard::Copying,
        }));
        let (shared, copies) = (shared.clone(), copies.clone());
        spawn_local(async move {
            let copied = match write_to_clipboard(&url) {
                Some(promise) => JsFuture::from(promise).await.is_ok(),
                None => false,
            };
            if *copies.borrow() == number {
                shared.set(Some(Shared {
                    url,
                    clipboard: if copied {
                        Clipboard::Copied
                    } else {
                        Clipboard::Refused
                    },
                }));
            }
        });
    })
}

/// An opened popover takes the focus, with the link (`opened`) selected in
/// its `field` for copying.
#[hook]
fn use_select_when_open(field: &NodeRef, opened: Option<String>) {
    let field = field.clone();
    use_effect_with(opened, move |opened| {
        if let (Some(_), Some(input)) = (opened, field.cast::<HtmlInputElement>()) {
            input.focus().ok();
            input.select();
        }
    });
}

/// What Export does: download the run as a file, or say why not.
fn on_export(
    source: &ShareSource,
    problem: &UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let (source, problem) = (source.clone(), problem.clone());
    Callback::from(move |_: MouseEvent| {
        let run = source.run();
        let refused = download(&export_file_name(run.seed), &run.to_json())
            .err()
            .map(|_| "The browser refused to save the file.".to_owned());
        problem.set(refused);
    })
}

/// What choosing a file to import does: read it and hand it to the app.
fn on_import(on_action: &Callback<Action>) -> Callback<Event> {
    let on_action = on_action.clone();
    Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            import_file(file, on_action.clone());
        }
        // Choosing the same file again is a change too.
        input.set_value("");
    })
}

/// Where a link stands with the clipboard, in words.
fn clipboard_status(clipboard: Clipboard) -> &'static str {
    match clipboard {
        Clipboard::Copying => "Copying the link…",
        Clipboard::Copied => "Link copied to the clipboard.",
        Clipboard::Refused => {
            "The clipboard refused the link: copy it from the field (Ctrl+C or ⌘C)."
        }
    }
}

/// The popover with the shared link, its `field`, Copy (which copies the
/// link again) and Close (which gives the focus back to `share_button`);
/// nothing while no link is shared.
fn share_popover(
    shared: &UseStateHandle<Option<Shared>>,
    field: &NodeRef,
    share_button: &NodeRef,
    copy: &CopyLink,
) -> Html {
    let Some(link) = (**shared).clone() else {
        return Html::default();
    };
    let on_copy = {
        let (url, field, copy) = (link.url.clone(), field.clone(), copy.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = field.cast::<HtmlInputElement>() {
                input.select();
            }
            copy(url.clone());
        })
    };
    let close = {
        let (shared, share_button) = (shared.clone(), share_button.clone());
        move || {
            shared.set(None);
            if let Some(button) = share_button.cast::<web_sys::HtmlElement>() {
                button.focus().ok();
            }
        }
    };
    let on_close = {
        let close = close.clone();
        Callback::from(move |_: MouseEvent| close())
    };
    let on_popover_key = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            e.prevent_default();
            close();
        }
    });
    html! {
        <div class="share-popover" id="share-popover" role="dialog" aria-label="Share link"
            onkeydown={on_popover_key}>
            <p class="share-status" role="status">{ clipboard_status(link.clipboard) }</p>
            <div class="share-row">
                <input type="text" class="text share-url" readonly=true aria-label="Share link"
                    value={link.url.clone()} ref={field.clone()} />
                <button type="button" aria-label="Copy" onclick={on_copy}>{ "Copy" }</button>
            </div>
            <p class="hint">{ format!(
                "{} characters: the whole run (every input, also those after this instant), the instant, the selected server, the open panels and the speed.",
                link.url.chars().count()
            ) }</p>
            <button type="button" class="share-close" aria-label="Close" onclick={on_close}>{ "×" }</button>
        </div>
    }
}

/// The page's own address, without its query: links work under any path.
pub(crate) fn page() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| page_address(&href).to_owned())
        .unwrap_or_default()
}

/// Starts writing `text` to the clipboard; `None` where there is no
/// clipboard (an insecure page, an old browser).
fn write_to_clipboard(text: &str) -> Option<js_sys::Promise> {
    let navigator = web_sys::window()?.navigator();
    let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).ok()?;
    if clipboard.is_undefined() || clipboard.is_null() {
        return None;
    }
    Some(
        clipboard
            .unchecked_into::<web_sys::Clipboard>()
            .write_text(text),
    )
}

/// Saves `text` as a file called `name`: a Blob behind an object URL,
/// clicked through a temporary `<a download>`; the URL is revoked once the
/// download has started.
pub(crate) fn download(name: &str, text: &str) -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.set_hidden(true);
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    spawn_local(async move {
        yew::platform::time::sleep(OBJECT_URL_LIFETIME).await;
        Url::revoke_object_url(&url).ok();
    });
    Ok(())
}

/// Reads a run file and hands it to the app as [`Action::Import`]; a file
/// too large or unreadable arrives as the reason.
pub(crate) fn import_file(file: File, on_action: Callback<Action>) {
    let file_name = file.name();
    if file.size() > FILE_BYTES_MAX as f64 {
        on_action.emit(Action::Import {
            file_name,
            text: Err(too_large_file().to_string()),
        });
        return;
    }
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|text| text.as_string())
            .ok_or_else(|| "the browser could not read it".to_owned());
        on_action.emit(Action::Import { file_name, text });
    });
}

//! The page-wide drop target: while a file is dragged over the page, a frame
//! says that dropping it opens it as a run; a dropped file goes where the
//! Import button's goes. Drags that carry no file (selected text) are left
//! to the browser.

use super::share_panel::import_file;
use crate::ui::Action;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::DragEvent;
use yew::prelude::*;

/// Props of [`FileDrop`].
#[derive(Properties, Clone, PartialEq)]
pub struct FileDropProps {
    /// Where a dropped file goes.
    pub on_action: Callback<Action>,
}

/// The drop target; it draws nothing until a file is dragged over the page.
#[function_component(FileDrop)]
pub fn file_drop(props: &FileDropProps) -> Html {
    let dragging = use_state_eq(|| false);
    {
        let (set_dragging, on_action) = (dragging.setter(), props.on_action.clone());
        use_effect_with((), move |_| {
            let listeners = DropListeners::install(set_dragging, on_action);
            move || drop(listeners)
        });
    }
    html! {
        if *dragging {
            <div class="drop-target" role="status">
                <p>{ "Drop a run file to open it" }</p>
            </div>
        }
    }
}

/// A drag listener on the window, by event name.
type Listener = (&'static str, Closure<dyn FnMut(DragEvent)>);

/// The window's drag-and-drop listeners; dropping this removes them.
struct DropListeners {
    window: web_sys::Window,
    listeners: Vec<Listener>,
}

impl DropListeners {
    fn install(
        set_dragging: UseStateSetter<bool>,
        on_action: Callback<Action>,
    ) -> Option<DropListeners> {
        let window = web_sys::window()?;
        // Entering a child element fires `dragenter` on it before
        // `dragleave` on its parent, so the page is left when the count of
        // entries minus exits comes back to zero.
        let depth = Rc::new(Cell::new(0u32));
        let enter = {
            let (depth, set_dragging) = (depth.clone(), set_dragging.clone());
            move |e: DragEvent| {
                depth.set(depth.get() + 1);
                set_dragging.set(true);
                e.prevent_default();
            }
        };
        let over = |e: DragEvent| {
            // Without this the browser refuses the drop.
            e.prevent_default();
            if let Some(transfer) = e.data_transfer() {
                transfer.set_drop_effect("copy");
            }
        };
        let leave = {
            let (depth, set_dragging) = (depth.clone(), set_dragging.clone());
            move |_: DragEvent| {
                depth.set(depth.get().saturating_sub(1));
                if depth.get() == 0 {
                    set_dragging.set(false);
                }
            }
        };
        let dropped = move |e: DragEvent| {
            // The browser would otherwise open the file in place of the page.
            e.prevent_default();
            depth.set(0);
            set_dragging.set(false);
            let file = e
                .data_transfer()
                .and_then(|transfer| transfer.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                import_file(file, on_action.clone());
            }
        };
        let mut listeners = DropListeners {
            window,
            listeners: Vec::new(),
        };
        listeners.add("dragenter", enter)?;
        listeners.add("dragover", over)?;
        listeners.add("dragleave", leave)?;
        listeners.add("drop", dropped)?;
        Some(listeners)
    }

    /// Listens for `name` with `handle`, for drags that carry files only.
    fn add(
        &mut self,
        name: &'static str,
        mut handle: impl FnMut(DragEvent) + 'static,
    ) -> Option<()> {
        let callback = Closure::<dyn FnMut(DragEvent)>::new(move |e: DragEvent| {
            if carries_files(&e) {
                handle(e);
            }
        });
        self.window
            .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
            .ok()?;
        self.listeners.push((name, callback));
        Some(())
    }
}

impl Drop for DropListeners {
    fn drop(&mut self) {
        for (name, callback) in &self.listeners {
            self.window
                .remove_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
                .ok();
        }
    }
}

/// Does the drag carry files (rather than text or a link)?
fn carries_files(e: &DragEvent) -> bool {
    e.data_transfer()
        .is_some_and(|transfer| transfer.types().includes(&JsValue::from_str("Files"), 0))
}

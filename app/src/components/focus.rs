//! Focus that survives a reload of the part of the page holding it. A list
//! re-renders after each change (its resource loads again), which replaces
//! the control that acted; [`Refocus`] names the element that should have
//! the focus once it is back, and [`RestoreFocus`] gives it the focus.

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Refocus(RwSignal<Option<String>>);

impl Default for Refocus {
    fn default() -> Self {
        Self(RwSignal::new(None))
    }
}

impl Refocus {
    /// The element with id `id` gets the focus after the next re-render.
    pub fn to(self, id: impl Into<String>) {
        self.0.set(Some(id.into()));
    }
}

/// Place at the end of the part that re-renders: once it is in the page,
/// the element [`Refocus::to`] named gets the focus.
#[component]
pub fn RestoreFocus(refocus: Refocus) -> impl IntoView {
    Effect::new(move |_| {
        // The effect can run before the re-rendered part reaches the
        // document: look for the element once the next frame is drawn.
        request_animation_frame(move || {
            use leptos::wasm_bindgen::JsCast;
            let Some(id) = refocus.0.get_untracked() else {
                return;
            };
            if let Some(element) = document().get_element_by_id(&id) {
                refocus.0.set(None);
                let _ = element
                    .unchecked_into::<leptos::web_sys::HtmlElement>()
                    .focus();
            }
        });
    });
}

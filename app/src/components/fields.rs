//! Labelled form fields that show the server's message for them underneath
//! and mark themselves invalid (`aria-invalid`, `aria-describedby`) while
//! it stands.

use crate::components::feedback::{Feedback, FieldError};
use leptos::prelude::*;

/// A text field named `name`, one line or (`multiline`) a text area. The
/// browser enforces `required` and `max_chars` where it can; the server
/// checks both again and its message shows under the field.
#[component]
pub fn TextField(
    /// The element id; the message gets `<id>-error`.
    id: &'static str,
    name: &'static str,
    label: &'static str,
    max_chars: usize,
    /// Whose last refusal may name this field.
    feedback: Feedback,
    #[prop(optional)] required: bool,
    #[prop(optional)] multiline: bool,
    /// The input's `type` when not `text` (`email`: the right keyboard on a
    /// phone, and the browser checks the address first).
    #[prop(optional)]
    input_type: Option<&'static str>,
    /// The current value, for editing forms.
    #[prop(optional, into)]
    value: String,
) -> impl IntoView {
    let error = feedback.field_error(name);
    let error_id = format!("{id}-error");
    // The server refused this field: the focus goes to it, where the
    // message is read out with it (`aria-describedby`).
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let area_ref = NodeRef::<leptos::html::Textarea>::new();
    Effect::new(move |_| {
        if error.get().is_some() {
            if let Some(input) = input_ref.get_untracked() {
                let _ = input.focus();
            } else if let Some(area) = area_ref.get_untracked() {
                let _ = area.focus();
            }
        }
    });
    let invalid = move || error.get().is_some().to_string();
    let field = if multiline {
        view! {
            <textarea
                node_ref=area_ref
                id=id
                name=name
                rows="3"
                required=required
                maxlength=max_chars.to_string()
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            >
                {value}
            </textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                node_ref=input_ref
                id=id
                name=name
                type=input_type.unwrap_or("text")
                required=required
                maxlength=max_chars.to_string()
                value=value
                aria-invalid=invalid
                aria-describedby=error_id.clone()
            />
        }
        .into_any()
    };
    view! {
        <label for=id>{label}</label>
        {field}
        <FieldError message=error id=error_id />
    }
}

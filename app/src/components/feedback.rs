//! What a form says after it is sent: a toast for what happened (see
//! [`toast`](super::toast)), and the server's message next to a field it
//! refused.
//!
//! A [`Feedback`] follows one or more server actions. With JavaScript it
//! updates as each call returns; without it, the server answers a form post
//! with a redirect back to the page carrying the error, which the action
//! starts with — so the same message shows either way.

use crate::components::toast::{Notice, Toasts};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The latest outcome of the actions it watches, and how many succeeded.
#[derive(Clone, Copy)]
pub struct Feedback {
    outcome: RwSignal<Option<Result<(), AppError>>>,
    successes: RwSignal<usize>,
    toasts: Toasts,
    /// Whether the forms show a refused field's message next to the field
    /// ([`FieldError`]); if not, it is a toast like any other failure.
    fields_inline: bool,
}

impl Default for Feedback {
    fn default() -> Self {
        Self {
            outcome: RwSignal::new(None),
            successes: RwSignal::new(0),
            toasts: Toasts::get(),
            fields_inline: true,
        }
    }
}

impl Feedback {
    /// For compact forms with no room for a message under a field (a task's
    /// menu, a role picker): every failure is a toast.
    pub fn all_as_toasts() -> Self {
        Self {
            fields_inline: false,
            ..Self::default()
        }
    }

    /// Follows `action`; `describe` words its success ("Created “Roadmap”."),
    /// with an Undo where there is one. A refusal naming a field shows next
    /// to that field only; any other failure is a toast.
    pub fn watch<S, N>(
        self,
        action: ServerAction<S>,
        describe: impl Fn(&S::Output) -> N + Send + Sync + 'static,
    ) where
        S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
        S::Output: Clone + Send + Sync + 'static,
        N: Into<Notice>,
    {
        // An error the page was rendered with (a form post without JavaScript).
        if let Some(Err(error)) = action.value().get_untracked() {
            self.refused(error);
        }
        Effect::watch(
            move || action.version().get(),
            move |_, _, _| match action.value().get_untracked() {
                None => {}
                Some(Ok(output)) => {
                    self.successes.update(|n| *n += 1);
                    self.outcome.set(Some(Ok(())));
                    self.toasts.success(describe(&output));
                }
                Some(Err(error)) => self.refused(error),
            },
            false,
        );
    }

    fn refused(self, error: AppError) {
        if error.field().is_none() || !self.fields_inline {
            self.toasts.error(&error);
        }
        self.outcome.set(Some(Err(error)));
    }

    /// Moves on each success: a resource keyed on it reloads after a change.
    pub fn successes(self) -> Signal<usize> {
        self.successes.into()
    }

    /// The server's message for form field `field`, if the last call was
    /// refused because of it.
    pub fn field_error(self, field: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.outcome
                .with(|o| o.as_ref().and_then(|r| r.as_ref().err()?.for_field(field)))
        })
    }
}

/// Empties `form` after each successful call of `action` and puts the focus
/// back in its first field, ready for the next entry (the button that was
/// pressed was disabled while pending, which took the focus away). Without
/// JavaScript the page reloads, which empties the form too.
pub fn clear_on_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::watch(
        move || action.version().get(),
        move |_, _, _| {
            let succeeded = action.value().with_untracked(|v| matches!(v, Some(Ok(_))));
            if let (true, Some(form)) = (succeeded, form.get_untracked()) {
                form.reset();
                focus_first_field(&form);
            }
        },
        false,
    );
}

/// Focuses the first field of `form` that a person can type in.
fn focus_first_field(form: &leptos::web_sys::HtmlFormElement) {
    use leptos::wasm_bindgen::JsCast;
    if let Ok(Some(field)) =
        form.query_selector("input:not([type=hidden]):not([disabled]), textarea, select")
    {
        let _ = field
            .unchecked_into::<leptos::web_sys::HtmlElement>()
            .focus();
    }
}

/// The server's message for one field, placed under it; `id` is what the
/// field's `aria-describedby` names.
#[component]
pub fn FieldError(message: Signal<Option<String>>, #[prop(into)] id: String) -> impl IntoView {
    view! {
        <p class="field-error" id=id aria-live="polite">
            {move || message.get()}
        </p>
    }
}

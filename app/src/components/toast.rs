//! Toasts: short messages about what an action did, in one live region at
//! the foot of the screen, so screen readers announce them and they never
//! push the page around. A success goes after a few seconds (with "Undo"
//! where the server can undo it, a little later); a failure stays until it
//! is dismissed or pushed out by newer ones.
//!
//! Without JavaScript a form post lands back on its page, which renders its
//! outcome as a toast too: the failure it carries, or the flash it left
//! (`crate::flash`). Such a toast stays, in the page's flow.

use crate::error::AppError;
use leptos::prelude::*;
use std::sync::Arc;

/// What Undo runs. A plain closure, not a reactive `Callback`: a callback
/// belongs to the effect that made it and would be gone once the same
/// action ran again, while its toast is still showing.
type Undo = Arc<dyn Fn() + Send + Sync>;

/// At most this many toasts show at once; older ones make way.
const MAX_SHOWN: usize = 3;
/// How long a success stays, and one that offers Undo.
const SUCCESS_MS: u64 = 5_000;
const UNDO_MS: u64 = 8_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tone {
    Success,
    Error,
}

/// What a toast offers besides dismissing it.
#[derive(Clone)]
enum Offer {
    Undo(Undo),
    SignIn,
}

#[derive(Clone)]
struct Toast {
    id: u64,
    tone: Tone,
    message: String,
    offer: Option<Offer>,
}

/// What a success says, and how to undo it if it can be.
pub struct Notice {
    message: String,
    undo: Option<Undo>,
}

impl Notice {
    /// Offers "Undo", which runs `undo`.
    pub fn undo(mut self, undo: impl Fn() + Send + Sync + 'static) -> Self {
        self.undo = Some(Arc::new(undo));
        self
    }
}

impl From<String> for Notice {
    fn from(message: String) -> Self {
        Self {
            message,
            undo: None,
        }
    }
}

impl From<&str> for Notice {
    fn from(message: &str) -> Self {
        message.to_owned().into()
    }
}

/// The page's toasts; [`Toasts::provide`] once at the root, then
/// [`Toasts::get`] anywhere below.
#[derive(Clone, Copy)]
pub struct Toasts {
    shown: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// The root's toasts, starting with the flash a form post without
    /// JavaScript left for this page (read on the server, carried to the
    /// browser with the page so both render it).
    pub fn provide() -> Self {
        let toasts = Self {
            shown: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        };
        provide_context(toasts);
        if let Some(message) = SharedValue::new(crate::flash::take).into_inner() {
            toasts.success(message);
        }
        toasts
    }

    /// The root's toasts (a fresh, unshown set outside the app, as in a
    /// component test).
    pub fn get() -> Self {
        use_context::<Self>().unwrap_or_else(|| Self {
            shown: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        })
    }

    pub fn success(self, notice: impl Into<Notice>) {
        let Notice { message, undo } = notice.into();
        let (offer, ms) = match undo {
            Some(undo) => (Some(Offer::Undo(undo)), UNDO_MS),
            None => (None, SUCCESS_MS),
        };
        let id = self.push(Tone::Success, message, offer);
        self.dismiss_after(id, ms);
    }

    /// A failure, in the error's own words (which never blame the user for
    /// a server or network fault); a lapsed session offers "Sign in".
    pub fn error(self, error: &AppError) {
        let offer = matches!(error, AppError::Unauthorized).then_some(Offer::SignIn);
        self.push(Tone::Error, error.to_string(), offer);
    }

    fn push(self, tone: Tone, message: String, offer: Option<Offer>) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.shown.update(|shown| {
            // The same words twice in a row (a double click) show once.
            shown.retain(|t| t.message != message);
            shown.push(Toast {
                id,
                tone,
                message,
                offer,
            });
            let excess = shown.len().saturating_sub(MAX_SHOWN);
            shown.drain(..excess);
        });
        id
    }

    fn dismiss(self, id: u64) {
        self.shown.update(|shown| shown.retain(|t| t.id != id));
    }

    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    fn dismiss_after(self, id: u64, ms: u64) {
        // Timers exist in the browser only: a toast rendered on the server
        // stays, in the page's flow until scripts run (style/main.css).
        #[cfg(feature = "hydrate")]
        set_timeout(
            move || self.dismiss(id),
            std::time::Duration::from_millis(ms),
        );
    }
}

/// The live region. Placed after `<main>`, so that what the page pushed
/// while rendering on the server is in the HTML too.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = Toasts::get();
    // An Undo belongs to the page that offered it (its actions go with the
    // page): leaving the page takes such toasts away; others stay, so
    // "Project deleted." is read on the list it leads to.
    let path = leptos_router::hooks::use_location().pathname;
    Effect::watch(
        move || path.get(),
        move |_, _, _| {
            toasts
                .shown
                .update(|shown| shown.retain(|t| !matches!(t.offer, Some(Offer::Undo(_)))));
        },
        false,
    );
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For
                each=move || toasts.shown.get()
                key=|toast| toast.id
                children=move |toast| view! { <ToastItem toast toasts /> }
            />
        </div>
    }
}

#[component]
fn ToastItem(toast: Toast, toasts: Toasts) -> impl IntoView {
    let Toast {
        id,
        tone,
        message,
        offer,
    } = toast;
    let class = match tone {
        Tone::Success => "toast",
        Tone::Error => "toast toast--error",
    };
    let offer = offer.map(|offer| match offer {
        Offer::Undo(undo) => view! {
            <button
                type="button"
                class="button button--quiet toast__action"
                on:click=move |_| {
                    toasts.dismiss(id);
                    undo();
                }
            >
                "Undo"
            </button>
        }
        .into_any(),
        Offer::SignIn => view! {
            <a class="toast__action" href="/auth/login" rel="external">
                "Sign in"
            </a>
        }
        .into_any(),
    });
    view! {
        <div class=class data-testid="toast" data-tone=format!("{tone:?}").to_lowercase()>
            <p class="toast__message">{message}</p>
            {offer}
            <button
                type="button"
                class="toast__close"
                aria-label="Dismiss"
                on:click=move |_| toasts.dismiss(id)
            >
                "×"
            </button>
        </div>
    }
}

//! The landing page.

use leptos::prelude::*;

/// The landing page. Its counter only counts once the WASM client has
/// hydrated the page, which is what the end-to-end test relies on.
#[component]
pub fn HomePage() -> impl IntoView {
    let count = RwSignal::new(0u32);
    // Effects run only in the browser, so this flips after hydration.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <section class="page" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Welcome"</h1>
            <p class="lead">
                "A multi-tenant workspace: each organisation sees only its own projects and tasks."
            </p>
            <button
                type="button"
                class="button"
                data-testid="counter"
                on:click=move |_| count.update(|n| *n += 1)
            >
                "Clicked "
                {move || count.get()}
                {move || if count.get() == 1 { " time" } else { " times" }}
            </button>
        </section>
    }
}

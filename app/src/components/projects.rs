//! The project list: a search box, a filter by unit (with the units under
//! it), a page of the tenant's projects each with its unit's path, and
//! loading, empty and error states. The search, the unit and the page live
//! in the query string (`q`, `archived`, `unit`, `page`), so every view has
//! a URL and works without JavaScript. And the form that creates a project.

use crate::api::{CreateProject, projects_page};
use crate::components::feedback::Feedback;
use crate::components::fields::TextField;
use crate::components::pager::{Pager, page_query};
use crate::domain::{Description, ProjectName, SearchText};
use crate::error::AppError;
use crate::model::{OrgUnit, ProjectsView};
use crate::org_tree;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

/// The list page's data, as [`projects_view`] loads it.
pub type ProjectsResource = Resource<Result<ProjectsView, AppError>>;

/// The list as the query string asks for it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ListQuery {
    page: u32,
    search: String,
    archived: bool,
    pub unit: Option<Uuid>,
}

impl ListQuery {
    /// The query string for another page of the same search.
    fn page_href(&self, page: u32) -> String {
        let archived = if self.archived { "on" } else { "" };
        let unit = self.unit.map(|u| u.to_string()).unwrap_or_default();
        page_query(
            &[("q", &self.search), ("archived", archived), ("unit", &unit)],
            page,
        )
    }
}

/// The list as the query string asks for it, and the page's data loaded
/// for it: again whenever the query or `refresh` (a counter: a feedback's
/// successes, say) moves.
pub fn projects_view(refresh: Signal<usize>) -> (Memo<ListQuery>, ProjectsResource) {
    let query = use_query_map();
    let list_query = Memo::new(move |_| {
        let query = query.read();
        ListQuery {
            page: query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
            search: query.get("q").unwrap_or_default(),
            archived: query.get("archived").is_some_and(|v| !v.is_empty()),
            unit: query.get("unit").and_then(|u| Uuid::parse_str(&u).ok()),
        }
    });
    let listed = Resource::new(
        move || (list_query.get(), refresh.get()),
        |(q, _)| projects_page(q.page, q.search, q.archived, q.unit),
    );
    (list_query, listed)
}

/// The search form, its unit filter and the list.
///
/// One piece although long: the form, the list and its pager all read the
/// same query-string memo, and most of the length is the `view!` markup.
#[component]
pub fn ProjectList(list_query: Memo<ListQuery>, listed: ProjectsResource) -> impl IntoView {
    let unit_filter = move || {
        Suspend::new(async move {
            let units = listed.await.map(|v| v.units).unwrap_or_default();
            let chosen = list_query.read_untracked().unit;
            // A tenant without sub-units has nothing to filter by.
            (units.len() > 1).then(|| {
                let options = units
                    .iter()
                    .map(|u| {
                        let label = org_tree::path_text(&units, u.id);
                        view! {
                            <option value=u.id.to_string() selected=chosen == Some(u.id)>
                                {label}
                            </option>
                        }
                    })
                    .collect_view();
                view! {
                    <label for="project-unit">"Unit"</label>
                    <select id="project-unit" name="unit">
                        <option value="" selected=chosen.is_none()>
                            "All units"
                        </option>
                        {options}
                    </select>
                }
            })
        })
    };

    view! {
        <form method="get" action="/projects" class="search" role="search">
            <label for="project-search">"Search projects"</label>
            <input
                id="project-search"
                type="search"
                name="q"
                maxlength=SearchText::MAX_CHARS.to_string()
                prop:value=move || list_query.read().search.clone()
            />
            <Suspense fallback=|| ()>{unit_filter}</Suspense>
            <label class="check">
                <input
                    type="checkbox"
                    name="archived"
                    prop:checked=move || list_query.read().archived
                />
                "Include archived"
            </label>
            <button type="submit" class="button button--quiet">"Search"</button>
        </form>
        <Transition fallback=|| view! { <p class="muted">"Loading projects…"</p> }>
            {move || Suspend::new(async move {
                let asked = list_query.get_untracked();
                match listed.await.map(|v| (v.projects, v.units)) {
                    Ok((listed, _)) if listed.items.is_empty() && listed.page.page() == 1 => {
                        let text = if asked.search.is_empty() {
                            "No projects yet.".to_owned()
                        } else {
                            format!("No projects match “{}”.", asked.search)
                        };
                        view! { <p class="empty" data-testid="projects-empty">{text}</p> }
                            .into_any()
                    }
                    Ok((listed, units)) => {
                        let current = listed.page.page();
                        let pages = listed.page_count();
                        let link = Callback::new(move |page| asked.page_href(page));
                        view! {
                            <ul class="list" data-testid="project-list">
                                {listed
                                    .items
                                    .into_iter()
                                    .map(|project| {
                                        // The root is the organisation itself: no path.
                                        let path = org_tree::path(&units, project.unit_id);
                                        let crumb = (path.len() > 1)
                                            .then(|| {
                                                org_tree::path_text(&units, project.unit_id)
                                            });
                                        view! {
                                            <li class="list__item" data-testid="project">
                                                <a
                                                    class="list__title"
                                                    href=format!("/projects/{}", project.id)
                                                >
                                                    {project.name}
                                                </a>
                                                {project
                                                    .archived
                                                    .then(|| view! { <span class="badge">"Archived"</span> })}
                                                {crumb
                                                    .map(|crumb| {
                                                        view! {
                                                            <span class="crumb" data-testid="project-unit">
                                                                {crumb}
                                                            </span>
                                                        }
                                                    })}
                                                <span class="muted">{project.description}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                            <Pager current pages link />
                        }
                            .into_any()
                    }
                    Err(AppError::Unauthorized) => {
                        view! {
                            <p class="error" role="alert">
                                {AppError::Unauthorized.to_string()} " "
                                <a href="/auth/login" rel="external">
                                    "Sign in"
                                </a>
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => {
                        view! {
                            <p class="error" role="alert">
                                {error.to_string()}
                            </p>
                        }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

/// The "new project" form: checked in the browser where it helps, validated
/// again on the server, with a pending button and the server's messages next
/// to the fields. A success takes the browser to the new project (the
/// server's redirect, with or without JavaScript).
///
/// `units`: where the caller may create one (id, path), the first chosen.
#[component]
pub fn NewProjectForm(
    create: ServerAction<CreateProject>,
    feedback: Feedback,
    units: Vec<(Uuid, String)>,
) -> impl IntoView {
    let pending = create.pending();
    let unit = if units.len() == 1 {
        let only = units[0].0.to_string();
        view! { <input type="hidden" name="unit" value=only /> }.into_any()
    } else {
        view! {
            <label for="project-unit-choice">"Unit"</label>
            <select id="project-unit-choice" name="unit">
                {units
                    .into_iter()
                    .map(|(id, path)| view! { <option value=id.to_string()>{path}</option> })
                    .collect_view()}
            </select>
        }
        .into_any()
    };
    view! {
        <ActionForm action=create attr:class="form" attr:aria-label="New project">
            <TextField
                id="project-name"
                name="name"
                label="Name"
                max_chars=ProjectName::MAX_CHARS
                feedback
                required=true
            />
            <TextField
                id="project-description"
                name="description"
                label="Description"
                max_chars=Description::MAX_CHARS
                feedback
                multiline=true
            />
            {unit}
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Creating…" } else { "Create project" }}
            </button>
        </ActionForm>
    }
}

/// Where the caller may create projects, as the form offers them: (id,
/// path), `preferred` first when it is one of them.
pub fn writable_units(units: &[OrgUnit], preferred: Option<Uuid>) -> Vec<(Uuid, String)> {
    let mut writable: Vec<(Uuid, String)> = org_tree::writable(units)
        .into_iter()
        .map(|u| (u.id, org_tree::path_text(units, u.id)))
        .collect();
    if let Some(at) = writable.iter().position(|(id, _)| Some(*id) == preferred) {
        let chosen = writable.remove(at);
        writable.insert(0, chosen);
    }
    writable
}

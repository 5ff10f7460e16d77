//! `/projects/:id`: one project and its tasks, with the forms the caller's
//! role at the project's unit allows, the unit's path, and moving the
//! project to another unit where the caller may write. Another tenant's project id, or any unknown one, gets the
//! not-found page with status 404.

use crate::api::{
    CreateTask, DeleteProject, MoveProject, RestoreTask, SetProjectArchived, SetTaskDone,
    UpdateProject, get_project,
};
use crate::components::feedback::Feedback;
use crate::components::fields::TextField;
use crate::components::focus::{Refocus, RestoreFocus};
use crate::components::tasks::{NEW_TASK_FIELD, NewTask, TaskActions, TaskList, checkbox_id};
use crate::components::title::PageTitle;
use crate::components::toast::Notice;
use crate::domain::{Description, ProjectName};
use crate::error::AppError;
use crate::model::{OrgUnit, Project, ProjectDetail};
use crate::notices;
use crate::pages::{forbidden::Forbidden, not_found::NotFound};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The project's own forms: edit, archive or restore, delete.
#[derive(Clone, Copy)]
struct ProjectActions {
    update: ServerAction<UpdateProject>,
    archive: ServerAction<SetProjectArchived>,
    delete: ServerAction<DeleteProject>,
    moved: ServerAction<MoveProject>,
}

/// The project's edit, archive and delete actions, and what reports the
/// first two; a deletion is reported apart: a deleted project is not
/// reloaded (it would flash "not found" before the browser moves to the
/// list, where its toast shows).
fn project_actions() -> (ProjectActions, Feedback) {
    let actions = ProjectActions {
        update: ServerAction::new(),
        archive: ServerAction::new(),
        delete: ServerAction::new(),
        moved: ServerAction::new(),
    };
    let feedback = Feedback::default();
    feedback.watch(actions.update, notices::project_saved);
    feedback.watch(actions.moved, notices::project_moved);
    let archive = actions.archive;
    feedback.watch(actions.archive, move |p| {
        let (id, archived) = (p.id, p.archived);
        let undo = move || {
            archive.dispatch(SetProjectArchived {
                id,
                archived: !archived,
            });
        };
        Notice::from(notices::project_archived(p)).undo(undo)
    });
    Feedback::default().watch(actions.delete, |_| notices::project_deleted());
    (actions, feedback)
}

/// The actions on the project's tasks, and what reports them: completing
/// and deleting offer Undo, which puts the focus back on the task.
fn task_actions() -> (TaskActions, Feedback) {
    let actions = TaskActions {
        update: ServerAction::new(),
        done: ServerAction::new(),
        assign: ServerAction::new(),
        delete: ServerAction::new(),
        restore: ServerAction::new(),
        refocus: Refocus::default(),
    };
    let feedback = Feedback::all_as_toasts();
    feedback.watch(actions.update, notices::task_saved);
    feedback.watch(actions.done, move |t| {
        let id = t.id;
        let undone = !t.done;
        Notice::from(notices::task_done(t)).undo(move || {
            actions.refocus.to(checkbox_id(id));
            actions.done.dispatch(SetTaskDone { id, done: undone });
        })
    });
    feedback.watch(actions.assign, notices::task_assigned);
    feedback.watch(actions.delete, move |t| {
        let id = t.id;
        Notice::from(notices::task_deleted(t)).undo(move || {
            actions.refocus.to(checkbox_id(id));
            actions.restore.dispatch(RestoreTask { id });
        })
    });
    feedback.watch(actions.restore, notices::task_restored);
    (actions, feedback)
}

/// The page when the project cannot be shown: another tenant's (or an
/// unknown) id is the 404 page, a refusal the 403 page, anything else says
/// what went wrong.
fn not_loaded(error: AppError) -> AnyView {
    match error {
        AppError::NotFound => view! { <NotFound /> }.into_any(),
        AppError::Forbidden => view! { <Forbidden /> }.into_any(),
        error => view! {
            <section class="page page--narrow">
                <p class="error" role="alert">{error.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}

/// The project named by the URL's `:id`, with its tasks and the members
/// they can be assigned to, loaded again whenever `changes` moves on.
fn load_detail(
    changes: impl Fn() -> usize + Send + Sync + 'static,
) -> Resource<Result<ProjectDetail, AppError>> {
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<uuid::Uuid>().ok())
    };
    Resource::new(
        move || (id(), changes()),
        |(id, _)| async move {
            match id {
                Some(id) => get_project(id).await,
                None => Err(AppError::NotFound),
            }
        },
    )
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    // The actions live here, above the part that re-renders when the project
    // reloads, so their state (and a message) survives the reload.
    let (project_actions, project_feedback) = project_actions();
    let create_task = ServerAction::<CreateTask>::new();
    let new_task_feedback = Feedback::default();
    new_task_feedback.watch(create_task, notices::task_added);
    let (task_actions, task_feedback) = task_actions();
    // The quick-add is re-rendered with the list: back into it after an add.
    let refocus = task_actions.refocus;
    Effect::watch(
        move || create_task.version().get(),
        move |_, _, _| refocus.to(NEW_TASK_FIELD),
        false,
    );

    let changes = move || {
        project_feedback.successes().get()
            + new_task_feedback.successes().get()
            + task_feedback.successes().get()
    };
    let detail = load_detail(changes);

    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => {
                        // What the caller may do here is their role at the
                        // project's unit, not their tenant role.
                        let role = detail.your_role.role;
                        let can_write = role.can_write();
                        let can_delete = role.can_delete_projects();
                        let unit_line = view! {
                            <UnitLine
                                units=detail.units.clone()
                                project=detail.project.clone()
                                role=detail.your_role.clone()
                                can_write
                                action=project_actions.moved
                            />
                        };
                        let project = detail.project;
                        let project_id = project.id;
                        let empty = detail.tasks.is_empty();
                        let title = vec![project.name.clone(), "Projects".to_owned()];
                        view! {
                            <PageTitle parts=title />
                            <section class="page" aria-labelledby="project-title">
                                <p>
                                    <a href="/projects">"← All projects"</a>
                                </p>
                                <ProjectHeader
                                    project
                                    task_count=detail.tasks.len()
                                    can_write
                                    can_delete
                                    actions=project_actions
                                    feedback=project_feedback
                                    refocus=task_actions.refocus
                                />
                                {unit_line}
                                <h2 id="tasks-title">"Tasks"</h2>
                                {can_write
                                    .then(|| {
                                        view! {
                                            <NewTask
                                                project_id
                                                action=create_task
                                                feedback=new_task_feedback
                                                autofocus=empty
                                            />
                                        }
                                    })}
                                <TaskList
                                    tasks=detail.tasks
                                    members=detail.members
                                    can_write
                                    actions=task_actions
                                />
                                <RestoreFocus refocus=task_actions.refocus />
                            </section>
                        }
                            .into_any()
                    }
                    Err(error) => not_loaded(error),
                }
            })}
        </Transition>
    }
}

/// Name, description and state, and — for roles that may — forms to edit,
/// archive or restore, and (Admin and SuperUser) delete the project.
#[component]
fn ProjectHeader(
    project: Project,
    task_count: usize,
    can_write: bool,
    can_delete: bool,
    actions: ProjectActions,
    feedback: Feedback,
    /// Where the focus goes once the page is back (archive keeps it).
    refocus: Refocus,
) -> impl IntoView {
    let Project {
        id,
        name,
        description,
        archived,
        ..
    } = project;
    let tasks_text = match task_count {
        0 => "It has no tasks.".to_owned(),
        1 => "Its 1 task is deleted with it.".to_owned(),
        n => format!("Its {n} tasks are deleted with it."),
    };
    let delete_prompt = format!("Delete “{name}”? {tasks_text} This cannot be undone.");
    let edit = can_write.then(|| {
        view! { <EditProject id name=name.clone() description=description.clone() action=actions.update feedback /> }
    });
    let archive =
        can_write.then(|| view! { <ArchiveProject id archived action=actions.archive refocus /> });
    let delete = can_delete.then(|| {
        view! {
            <ConfirmDelete id prompt=delete_prompt action=actions.delete />
        }
    });

    view! {
        <h1 id="project-title">
            {name}
            {archived.then(|| view! { " " <span class="badge">"Archived"</span> })}
        </h1>
        {(!description.is_empty()).then(|| view! { <p class="lead prewrap">{description}</p> })}
        {archived
            .then(|| {
                view! {
                    <p class="notice">"This project is archived: it is left out of the project list."</p>
                }
            })}
        <div class="toolbar">{edit} {archive} {delete}</div>
    }
}

/// Rename and re-describe, behind a disclosure that opens by itself when the
/// server refused a field.
#[component]
fn EditProject(
    id: uuid::Uuid,
    name: String,
    description: String,
    action: ServerAction<UpdateProject>,
    feedback: Feedback,
) -> impl IntoView {
    let name_error = feedback.field_error("name");
    let description_error = feedback.field_error("description");
    // Open by itself when the server refused one of its fields.
    let refused = move || name_error.get().is_some() || description_error.get().is_some();
    let pending = action.pending();
    view! {
        <details class="disclosure" open=refused>
            <summary class="button button--quiet">"Edit project"</summary>
            <ActionForm action attr:class="form" attr:aria-label="Edit project">
                <input type="hidden" name="id" value=id.to_string() />
                <TextField
                    id="edit-project-name"
                    name="name"
                    label="Name"
                    max_chars=ProjectName::MAX_CHARS
                    feedback
                    required=true
                    value=name
                />
                <TextField
                    id="edit-project-description"
                    name="description"
                    label="Description"
                    max_chars=Description::MAX_CHARS
                    feedback
                    multiline=true
                    value=description
                />
                <button type="submit" class="button" disabled=pending>
                    {move || if pending.get() { "Saving…" } else { "Save changes" }}
                </button>
            </ActionForm>
        </details>
    }
}

#[component]
fn ArchiveProject(
    id: uuid::Uuid,
    archived: bool,
    action: ServerAction<SetProjectArchived>,
    refocus: Refocus,
) -> impl IntoView {
    let pending = action.pending();
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="archived" value=(!archived).to_string() />
            <button
                type="submit"
                id="archive-project"
                class="button button--quiet"
                disabled=pending
                on:click=move |_| refocus.to("archive-project")
            >
                {move || match (archived, pending.get()) {
                    (_, true) => "Saving…",
                    (false, false) => "Archive project",
                    (true, false) => "Restore project",
                }}
            </button>
        </ActionForm>
    }
}

/// Deleting takes two steps: open "Delete project…", read what goes with
/// it, then press the button. No script needed for the confirmation.
#[component]
fn ConfirmDelete(
    id: uuid::Uuid,
    prompt: String,
    action: ServerAction<DeleteProject>,
) -> impl IntoView {
    let pending = action.pending();
    view! {
        <details class="disclosure">
            <summary class="button button--quiet button--danger-text">"Delete project…"</summary>
            <div class="confirm" role="group" aria-label="Confirm deletion">
                <p>{prompt}</p>
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button button--danger" disabled=pending>
                        {move || if pending.get() { "Deleting…" } else { "Delete project" }}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

/// Where the project sits (the unit's path), the caller's role there and
/// where it comes from, and — where they may write — moving it to another
/// unit where they may write too.
#[component]
fn UnitLine(
    units: Vec<OrgUnit>,
    project: Project,
    role: crate::model::EffectiveRole,
    can_write: bool,
    action: ServerAction<MoveProject>,
) -> impl IntoView {
    let path = crate::org_tree::path_text(&units, project.unit_id);
    let targets: Vec<(uuid::Uuid, String)> = crate::org_tree::writable(&units)
        .into_iter()
        .filter(|u| u.id != project.unit_id)
        .map(|u| (u.id, crate::org_tree::path_text(&units, u.id)))
        .collect();
    let mover = (can_write && !targets.is_empty()).then(|| {
        let pending = action.pending();
        view! {
            <ActionForm action attr:class="inline-form" attr:aria-label="Move the project">
                <input type="hidden" name="id" value=project.id.to_string() />
                <label for="project-move">"Move to"</label>
                <select id="project-move" name="unit">
                    {targets
                        .into_iter()
                        .map(|(id, path)| view! { <option value=id.to_string()>{path}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button button--quiet" disabled=pending>
                    "Move"
                </button>
            </ActionForm>
        }
    });
    view! {
        <div class="toolbar" data-testid="project-unit-line">
            <span class="crumb" data-testid="project-unit">{path}</span>
            <span data-testid="your-role">
                "Your role here: " <strong>{crate::org_tree::describe(&role)}</strong>
            </span>
            {mover}
        </div>
    }
}

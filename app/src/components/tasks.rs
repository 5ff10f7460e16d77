//! A project's tasks: the list, each task's forms (done or reopen, assign,
//! edit, delete after a confirmation), and the form to add one.

use crate::api::{AssignTask, CreateTask, DeleteTask, SetTaskDone, UpdateTask};
use crate::components::feedback::{Feedback, FeedbackLine, clear_on_success};
use crate::components::fields::TextField;
use crate::domain::{Description, TaskTitle};
use crate::model::{Member, Task};
use leptos::prelude::*;
use uuid::Uuid;

/// The forms every task has. One action per kind, shared by all tasks; a
/// task's buttons show pending while the action's input is that task.
#[derive(Clone, Copy)]
pub struct TaskActions {
    pub update: ServerAction<UpdateTask>,
    pub done: ServerAction<SetTaskDone>,
    pub assign: ServerAction<AssignTask>,
    pub delete: ServerAction<DeleteTask>,
}

/// The "add a task" form.
#[component]
pub fn NewTask(
    project_id: Uuid,
    action: ServerAction<CreateTask>,
    feedback: Feedback,
) -> impl IntoView {
    let pending = action.pending();
    let form = NodeRef::new();
    clear_on_success(action, form);
    view! {
        <ActionForm action node_ref=form attr:class="form" attr:aria-label="New task">
            <input type="hidden" name="project_id" value=project_id.to_string() />
            <TextField
                id="task-title"
                name="title"
                label="Title"
                max_chars=TaskTitle::MAX_CHARS
                feedback
                required=true
            />
            <TextField
                id="task-description"
                name="description"
                label="Details (optional)"
                max_chars=Description::MAX_CHARS
                feedback
                multiline=true
            />
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Adding…" } else { "Add task" }}
            </button>
        </ActionForm>
        <FeedbackLine feedback fields_inline=true id="new-task-outcome" />
    }
}

/// The tasks, open ones first; editing forms only when `can_write`.
#[component]
pub fn TaskList(
    tasks: Vec<Task>,
    members: Vec<Member>,
    can_write: bool,
    actions: TaskActions,
) -> impl IntoView {
    if tasks.is_empty() {
        return view! { <p class="empty">"No tasks yet."</p> }.into_any();
    }
    let members = StoredValue::new(members);
    view! {
        <ul class="list" data-testid="task-list" aria-labelledby="tasks-title">
            {tasks
                .into_iter()
                .map(|task| view! { <TaskItem task members can_write actions /> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn TaskItem(
    task: Task,
    members: StoredValue<Vec<Member>>,
    can_write: bool,
    actions: TaskActions,
) -> impl IntoView {
    let assignee = task.assignee_id.and_then(|id| {
        members.with_value(|all| {
            all.iter()
                .find(|m| m.id == id)
                .map(|m| m.label().to_owned())
        })
    });
    let done = task.done;
    let title = task.title.clone();
    let description = task.description.clone();
    view! {
        <li class="list__item task" data-testid="task" data-done=done.to_string()>
            <div class="task__head">
                <span class="list__title">{title}</span>
                <span class=if done { "badge badge--done" } else { "badge" }>
                    {if done { "Done" } else { "Open" }}
                </span>
            </div>
            {(!description.is_empty())
                .then(|| view! { <p class="muted prewrap">{description}</p> })}
            <p class="muted">
                {match assignee {
                    Some(name) => format!("Assigned to {name}"),
                    None => "Unassigned".to_owned(),
                }}
            </p>
            {can_write.then(|| view! { <TaskForms task members actions /> })}
        </li>
    }
}

/// One task's forms. Without JavaScript each is a plain form post that
/// returns to this page.
#[component]
fn TaskForms(task: Task, members: StoredValue<Vec<Member>>, actions: TaskActions) -> impl IntoView {
    let Task {
        id,
        title,
        description,
        assignee_id,
        done,
        ..
    } = task;
    view! {
        <div class="task__forms">
            <DoneForm id done action=actions.done />
            <AssignForm id title=title.clone() assignee_id members action=actions.assign />
            <EditTaskForm id title=title.clone() description action=actions.update />
            <DeleteTaskForm id title action=actions.delete />
        </div>
    }
}

/// Mark done, or reopen.
#[component]
fn DoneForm(id: Uuid, done: bool, action: ServerAction<SetTaskDone>) -> impl IntoView {
    let busy = move || {
        action
            .input()
            .with(|i| i.as_ref().is_some_and(|i| i.id == id))
    };
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="done" value=(!done).to_string() />
            <button type="submit" class="button button--quiet" disabled=busy>
                {move || match (done, busy()) {
                    (_, true) => "Saving…",
                    (false, false) => "Mark done",
                    (true, false) => "Reopen",
                }}
            </button>
        </ActionForm>
    }
}

/// The assignee: an active member of the tenant (a disabled one only while
/// the task is theirs), or nobody.
#[component]
fn AssignForm(
    id: Uuid,
    title: String,
    assignee_id: Option<Uuid>,
    members: StoredValue<Vec<Member>>,
    action: ServerAction<AssignTask>,
) -> impl IntoView {
    let busy = move || {
        action
            .input()
            .with(|i| i.as_ref().is_some_and(|i| i.id == id))
    };
    let select_id = format!("assignee-{id}");
    // With JavaScript a choice saves at once and the button is not needed;
    // without it (before hydration too) the button sends the form.
    let form = NodeRef::<leptos::html::Form>::new();
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let save_on_change = move |_| {
        if let Some(form) = form.get_untracked() {
            let _ = form.request_submit();
        }
    };
    let options = members.with_value(|all| {
        all.iter()
            .filter(|m| m.active || Some(m.id) == assignee_id)
            .map(|m| {
                view! {
                    <option value=m.id.to_string() selected=Some(m.id) == assignee_id>
                        {m.label().to_owned()}
                    </option>
                }
            })
            .collect_view()
    });
    view! {
        <ActionForm action node_ref=form attr:class="inline-form">
            <input type="hidden" name="id" value=id.to_string() />
            <label class="visually-hidden" for=select_id.clone()>
                {format!("Assignee of “{title}”")}
            </label>
            <select id=select_id name="assignee" on:change=save_on_change aria-busy=move || busy().to_string()>
                <option value="" selected=assignee_id.is_none()>
                    "Unassigned"
                </option>
                {options}
            </select>
            <button
                type="submit"
                class="button button--quiet"
                disabled=busy
                hidden=move || scripted.get()
            >
                {move || if busy() { "Saving…" } else { "Assign" }}
            </button>
        </ActionForm>
    }
}

/// Title and details, behind an "Edit" disclosure.
#[component]
fn EditTaskForm(
    id: Uuid,
    title: String,
    description: String,
    action: ServerAction<UpdateTask>,
) -> impl IntoView {
    let busy = move || {
        action
            .input()
            .with(|i| i.as_ref().is_some_and(|i| i.id == id))
    };
    let title_id = format!("task-title-{id}");
    let description_id = format!("task-description-{id}");
    view! {
        <details class="disclosure">
            <summary class="button button--quiet">"Edit"</summary>
            <ActionForm action attr:class="form" attr:aria-label="Edit task">
                <input type="hidden" name="id" value=id.to_string() />
                <label for=title_id.clone()>"Title"</label>
                <input
                    id=title_id
                    name="title"
                    required
                    maxlength=TaskTitle::MAX_CHARS.to_string()
                    value=title
                />
                <label for=description_id.clone()>"Details"</label>
                <textarea
                    id=description_id
                    name="description"
                    rows="2"
                    maxlength=Description::MAX_CHARS.to_string()
                >
                    {description}
                </textarea>
                <button type="submit" class="button" disabled=busy>
                    {move || if busy() { "Saving…" } else { "Save task" }}
                </button>
            </ActionForm>
        </details>
    }
}

/// Delete, after the confirmation the "Delete…" disclosure shows.
#[component]
fn DeleteTaskForm(id: Uuid, title: String, action: ServerAction<DeleteTask>) -> impl IntoView {
    let busy = move || {
        action
            .input()
            .with(|i| i.as_ref().is_some_and(|i| i.id == id))
    };
    view! {
        <details class="disclosure">
            <summary class="button button--quiet button--danger-text">"Delete…"</summary>
            <div class="confirm" role="group" aria-label="Confirm deletion">
                <p>{format!("Delete “{title}”? This cannot be undone.")}</p>
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="button button--danger" disabled=busy>
                        {move || if busy() { "Deleting…" } else { "Delete task" }}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

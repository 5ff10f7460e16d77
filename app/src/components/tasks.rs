//! A project's tasks, one line each: a checkbox that completes or reopens,
//! the title, an assignee picker that saves on change, and a "⋯" menu with
//! edit and delete; above them a one-line quick-add.
//!
//! Every control is a form: without JavaScript each posts and the server
//! redirects back to the page. With it, the focus stays with the control
//! that acted (see [`Refocus`]) and the outcome is a toast.

use crate::api::{AssignTask, CreateTask, DeleteTask, RestoreTask, SetTaskDone, UpdateTask};
use crate::components::feedback::{Feedback, FieldError, clear_on_success};
use crate::components::focus::Refocus;
use crate::domain::{Description, TaskTitle};
use crate::model::{Member, Task};
use leptos::prelude::*;
use uuid::Uuid;

/// The id of the quick-add's title field.
pub const NEW_TASK_FIELD: &str = "task-title";

/// The forms every task has. One action per kind, shared by all tasks; a
/// task's controls show pending while the action's input is that task.
#[derive(Clone, Copy)]
pub struct TaskActions {
    pub update: ServerAction<UpdateTask>,
    pub done: ServerAction<SetTaskDone>,
    pub assign: ServerAction<AssignTask>,
    pub delete: ServerAction<DeleteTask>,
    pub restore: ServerAction<RestoreTask>,
    /// Where the focus goes once the list is back.
    pub refocus: Refocus,
}

/// The checkbox of task `id`, which keeps the focus after it is pressed.
pub fn checkbox_id(id: Uuid) -> String {
    format!("done-{id}")
}

/// The quick-add: a title and a button on one line. Details can be added
/// from the task's menu afterwards. With `autofocus` (an empty project, as
/// one is right after it is created) the field takes the focus.
#[component]
pub fn NewTask(
    project_id: Uuid,
    action: ServerAction<CreateTask>,
    feedback: Feedback,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let pending = action.pending();
    let form = NodeRef::new();
    clear_on_success(action, form);
    // `autofocus` works on a page load; after a client-side navigation the
    // field is focused here.
    let field = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if autofocus {
            // Once the field is in the document (see `RestoreFocus`).
            request_animation_frame(move || {
                if let Some(field) = field.get_untracked() {
                    let _ = field.focus();
                }
            });
        }
    });
    let error = feedback.field_error("title");
    let invalid = move || error.get().is_some().to_string();
    view! {
        <ActionForm action node_ref=form attr:class="quick-add" attr:aria-label="New task">
            <input type="hidden" name="project_id" value=project_id.to_string() />
            <label class="visually-hidden" for=NEW_TASK_FIELD>
                "Title"
            </label>
            <input
                id=NEW_TASK_FIELD
                node_ref=field
                autofocus=autofocus
                name="title"
                required
                maxlength=TaskTitle::MAX_CHARS.to_string()
                placeholder="Add a task…"
                autocomplete="off"
                aria-invalid=invalid
                aria-describedby="task-title-error"
            />
            <button type="submit" class="button" disabled=pending>
                {move || if pending.get() { "Adding…" } else { "Add task" }}
            </button>
        </ActionForm>
        <FieldError message=error id="task-title-error" />
    }
}

/// The tasks, open ones first; controls only when `can_write`.
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
    // After a delete the focus moves to the next task's checkbox (the one
    // before for the last task, the quick-add when none is left).
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let after_delete =
        move |i: usize| match ids.get(i + 1).or(i.checked_sub(1).and_then(|p| ids.get(p))) {
            Some(other) => checkbox_id(*other),
            None => NEW_TASK_FIELD.to_owned(),
        };
    view! {
        <ul class="tasks" data-testid="task-list" aria-labelledby="tasks-title">
            {tasks
                .into_iter()
                .enumerate()
                .map(|(i, task)| {
                    let focus_after_delete = after_delete(i);
                    view! { <TaskItem task members can_write actions focus_after_delete /> }
                })
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
    focus_after_delete: String,
) -> impl IntoView {
    let done = task.done;
    let id = task.id;
    let name_id = format!("task-name-{id}");
    let description = (!task.description.is_empty()).then(|| {
        view! { <span class="task__details">{task.description.clone()}</span> }
    });
    let heading = view! {
        <span class="task__text">
            <span class="task__title" id=name_id.clone()>
                {task.title.clone()}
            </span>
            {description}
        </span>
    };
    let row = if can_write {
        view! {
            <DoneToggle id done name_id actions />
            {heading}
            <AssignForm
                id
                title=task.title.clone()
                assignee_id=task.assignee_id
                members
                actions
            />
            <TaskMenu task actions focus_after_delete />
        }
        .into_any()
    } else {
        let assignee = task.assignee_id.and_then(|id| {
            members.with_value(|all| {
                all.iter()
                    .find(|m| m.id == id)
                    .map(|m| m.label().to_owned())
            })
        });
        view! {
            <span class=if done { "badge badge--done" } else { "badge" }>
                {if done { "Done" } else { "Open" }}
            </span>
            {heading}
            <span class="task__assignee">{assignee.unwrap_or_else(|| "Unassigned".to_owned())}</span>
        }
        .into_any()
    };
    view! {
        <li class="task" data-testid="task" data-done=done.to_string()>
            {row}
        </li>
    }
}

/// Whether `action`'s call in flight is about task `id`.
fn busy_with<S>(action: ServerAction<S>, id: Uuid, of: fn(&S) -> Uuid) -> impl Fn() -> bool + Copy
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    move || {
        action
            .input()
            .with(|i| i.as_ref().is_some_and(|i| of(i) == id))
    }
}

/// Complete or reopen: a submit button that is a checkbox to assistive
/// technology, named by the task's title. It is never disabled while
/// saving (a disabled button drops the focus); a second press sends the
/// same state again, which changes nothing.
#[component]
fn DoneToggle(id: Uuid, done: bool, name_id: String, actions: TaskActions) -> impl IntoView {
    let busy = busy_with(actions.done, id, |i| i.id);
    let refocus = actions.refocus;
    view! {
        <ActionForm action=actions.done attr:class="task__check">
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="done" value=(!done).to_string() />
            <button
                type="submit"
                id=checkbox_id(id)
                class="tickbox"
                role="checkbox"
                aria-checked=done.to_string()
                aria-labelledby=name_id
                aria-busy=move || busy().to_string()
                on:click=move |_| refocus.to(checkbox_id(id))
            ></button>
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
    actions: TaskActions,
) -> impl IntoView {
    let busy = busy_with(actions.assign, id, |i| i.id);
    let select_id = format!("assignee-{id}");
    // With JavaScript a choice saves at once and the button is not needed;
    // without it (before hydration too) the button sends the form.
    let form = NodeRef::<leptos::html::Form>::new();
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let refocus = actions.refocus;
    let focus_id = select_id.clone();
    let save_on_change = move |_| {
        refocus.to(focus_id.clone());
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
        <ActionForm action=actions.assign node_ref=form attr:class="task__assign">
            <input type="hidden" name="id" value=id.to_string() />
            <label class="visually-hidden" for=select_id.clone()>
                {format!("Assignee of “{title}”")}
            </label>
            <select
                id=select_id
                name="assignee"
                on:change=save_on_change
                aria-busy=move || busy().to_string()
            >
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

/// "⋯": the task's title and details to edit, and Delete (which a toast's
/// Undo takes back, so it asks nothing first).
#[component]
fn TaskMenu(task: Task, actions: TaskActions, focus_after_delete: String) -> impl IntoView {
    let Task {
        id,
        title,
        description,
        ..
    } = task;
    let saving = busy_with(actions.update, id, |i| i.id);
    let deleting = busy_with(actions.delete, id, |i| i.id);
    let menu_id = format!("task-menu-{id}");
    let title_id = format!("task-title-{id}");
    let description_id = format!("task-description-{id}");
    let refocus = actions.refocus;
    let back_to_menu = menu_id.clone();
    let menu_label = format!("More for “{title}”");
    let form_label = format!("Edit “{title}”");
    view! {
        <details class="menu">
            <summary
                class="button button--quiet menu__button"
                id=menu_id
                aria-label=menu_label
            >
                "⋯"
            </summary>
            <div class="menu__panel">
                <ActionForm
                    action=actions.update
                    attr:class="form"
                    attr:aria-label=form_label
                >
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
                        rows="3"
                        maxlength=Description::MAX_CHARS.to_string()
                    >
                        {description}
                    </textarea>
                    <button
                        type="submit"
                        class="button"
                        disabled=saving
                        on:click=move |_| refocus.to(back_to_menu.clone())
                    >
                        {move || if saving() { "Saving…" } else { "Save task" }}
                    </button>
                </ActionForm>
                <ActionForm action=actions.delete attr:class="menu__danger">
                    <input type="hidden" name="id" value=id.to_string() />
                    <button
                        type="submit"
                        class="button button--quiet button--danger-text"
                        disabled=deleting
                        on:click=move |_| refocus.to(focus_after_delete.clone())
                    >
                        {move || if deleting() { "Deleting…" } else { "Delete task" }}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

//! The audit log in sentences: "Ada Admin assigned “Order the gantry” to
//! Max Member". Built on the server from a row's action and summary, with
//! the names of the people and projects it mentions looked up now
//! (`db::audit::names`); a thing that is gone keeps the name the row
//! recorded, unlinked.

use crate::audit_action::AuditAction;
use crate::db::audit::{Logged, Names};
use crate::model::SentencePart;
use serde_json::Value;
use uuid::Uuid;

/// The ids and emails a page of rows mentions, to look their names up.
#[derive(Debug, Default, PartialEq)]
pub struct Mentions {
    pub member_ids: Vec<Uuid>,
    pub emails: Vec<String>,
    pub project_ids: Vec<Uuid>,
    pub task_ids: Vec<Uuid>,
}

fn text(summary: &Value, key: &str) -> Option<String> {
    summary.get(key)?.as_str().map(str::to_owned)
}

fn id(value: Option<&Value>) -> Option<Uuid> {
    value?.as_str()?.parse().ok()
}

fn target(row: &Logged) -> Option<Uuid> {
    row.target_id.as_deref()?.parse().ok()
}

pub fn mentions(rows: &[Logged]) -> Mentions {
    let mut found = Mentions::default();
    for row in rows {
        found.emails.push(row.actor_email.to_lowercase());
        let Some(action) = AuditAction::parse(&row.action) else {
            continue;
        };
        let summary = &row.summary;
        match action {
            AuditAction::TaskAssign => {
                found.member_ids.extend(id(summary.get("after")));
                found.task_ids.extend(target(row));
            }
            AuditAction::RoleAssign | AuditAction::RoleUnassign => {
                found.member_ids.extend(id(summary.get("member_id")));
            }
            AuditAction::ProjectCreate
            | AuditAction::ProjectUpdate
            | AuditAction::ProjectMove
            | AuditAction::ProjectArchive
            | AuditAction::ProjectRestore => found.project_ids.extend(target(row)),
            AuditAction::TaskCreate
            | AuditAction::TaskUpdate
            | AuditAction::TaskComplete
            | AuditAction::TaskReopen
            | AuditAction::TaskDelete
            | AuditAction::TaskRestore => {
                found.task_ids.extend(target(row));
                found.project_ids.extend(id(summary.get("project_id")));
            }
            _ => {}
        }
    }
    for list in [
        &mut found.member_ids,
        &mut found.project_ids,
        &mut found.task_ids,
    ] {
        list.sort();
        list.dedup();
    }
    found.emails.sort();
    found.emails.dedup();
    found
}

/// The sentence for one row.
pub fn sentence(row: &Logged, names: &Names) -> Vec<SentencePart> {
    use SentencePart::{Name, Quoted, Text};
    let actor = names
        .members
        .iter()
        .find(|(_, email, _)| email.eq_ignore_ascii_case(&row.actor_email))
        .map_or_else(|| row.actor_email.clone(), |(_, _, name)| name.clone());
    let summary = &row.summary;
    let said = |key: &str| text(summary, key).unwrap_or_default();
    let words = |w: &str| Text(w.to_owned());
    let project = |id: Option<Uuid>, recorded: String| match id
        .and_then(|id| names.projects.iter().find(|(p, _)| *p == id))
    {
        Some((id, now)) => SentencePart::Link {
            href: format!("/projects/{id}"),
            text: now.clone(),
        },
        None => Quoted(recorded),
    };
    // "in <project>", for a task whose project is still there.
    let task_project = || {
        let project_id = target(row)
            .and_then(|task| names.task_projects.iter().find(|(t, _)| *t == task))
            .map(|(_, p)| *p)
            .or_else(|| id(summary.get("project_id")));
        project_id
            .and_then(|p| names.projects.iter().find(|(id, _)| *id == p))
            .map(|(id, name)| {
                vec![
                    words(" in "),
                    SentencePart::Link {
                        href: format!("/projects/{id}"),
                        text: name.clone(),
                    },
                ]
            })
            .unwrap_or_default()
    };
    let member = |key: &str| {
        id(summary.get(key))
            .and_then(|m| names.members.iter().find(|(id, _, _)| *id == m))
            .map(|(_, _, name)| name.clone())
    };
    let before_after = |key: &str| {
        let at = |side: &str| {
            summary
                .get(side)
                .and_then(|s| s.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        (at("before"), at("after"))
    };

    let mut parts = vec![Name(actor)];
    let Some(action) = AuditAction::parse(&row.action) else {
        parts.push(Text(format!(" did {}", row.action)));
        return parts;
    };
    match action {
        AuditAction::TenantCreate => {
            parts.extend([words(" created the organisation "), Quoted(said("name"))]);
        }
        AuditAction::TenantRename => parts.extend([
            words(" renamed the organisation from "),
            Quoted(said("before")),
            words(" to "),
            Quoted(said("after")),
        ]),
        AuditAction::MemberInvite => parts.extend([
            words(" invited "),
            Name(said("email")),
            Text(format!(" as {}", said("role"))),
        ]),
        AuditAction::MemberResend => {
            parts.extend([
                words(" sent "),
                Name(said("email")),
                words(" a new invitation"),
            ]);
        }
        AuditAction::MemberRole => parts.extend([
            words(" changed the role of "),
            Name(said("email")),
            Text(format!(" from {} to {}", said("before"), said("after"))),
        ]),
        AuditAction::MemberDisable => parts.extend([words(" disabled "), Name(said("email"))]),
        AuditAction::MemberEnable => parts.extend([words(" enabled "), Name(said("email"))]),
        AuditAction::MemberRemove => parts.extend([words(" removed "), Name(said("email"))]),
        AuditAction::OrgCreate => parts.extend([
            words(" created the unit "),
            Quoted(said("name")),
            words(" under "),
            Quoted(said("parent")),
        ]),
        AuditAction::OrgRename => parts.extend([
            words(" renamed the unit "),
            Quoted(said("before")),
            words(" to "),
            Quoted(said("after")),
        ]),
        AuditAction::OrgMove => parts.extend([
            words(" moved the unit "),
            Quoted(said("name")),
            words(" from "),
            Quoted(said("from")),
            words(" to "),
            Quoted(said("to")),
        ]),
        AuditAction::OrgDelete => {
            parts.extend([words(" deleted the unit "), Quoted(said("name"))]);
        }
        AuditAction::RoleAssign => parts.extend([
            words(" made "),
            Name(member("member_id").unwrap_or_else(|| said("email"))),
            Text(format!(" {} in ", said("role"))),
            Quoted(said("unit")),
        ]),
        AuditAction::RoleUnassign => parts.extend([
            words(" took "),
            Name(member("member_id").unwrap_or_else(|| said("email"))),
            Text(format!("'s {} role in ", said("role"))),
            Quoted(said("unit")),
            words(" away"),
        ]),
        AuditAction::ProjectCreate => parts.extend([
            words(" created the project "),
            project(target(row), said("name")),
        ]),
        AuditAction::ProjectUpdate => {
            let (before, after) = before_after("name");
            match (before, after) {
                (Some(before), Some(after)) if before != after => parts.extend([
                    words(" renamed the project "),
                    Quoted(before),
                    words(" to "),
                    project(target(row), after),
                ]),
                (_, after) => parts.extend([
                    words(" edited the project "),
                    project(target(row), after.unwrap_or_default()),
                ]),
            }
        }
        AuditAction::ProjectMove => parts.extend([
            words(" moved "),
            project(target(row), said("name")),
            words(" from "),
            Quoted(said("from")),
            words(" to "),
            Quoted(said("to")),
        ]),
        AuditAction::ProjectArchive => {
            parts.extend([words(" archived "), project(target(row), said("name"))]);
        }
        AuditAction::ProjectRestore => {
            parts.extend([words(" restored "), project(target(row), said("name"))]);
        }
        AuditAction::ProjectDelete => {
            parts.extend([words(" deleted the project "), Quoted(said("name"))]);
            let tasks = summary.get("tasks").and_then(Value::as_u64).unwrap_or(0);
            if tasks > 0 {
                let noun = if tasks == 1 { "task" } else { "tasks" };
                parts.push(Text(format!(" and its {tasks} {noun}")));
            }
        }
        AuditAction::TaskCreate => {
            parts.extend([words(" added "), Quoted(said("title"))]);
            parts.extend(task_project());
        }
        AuditAction::TaskUpdate => {
            let (before, after) = before_after("title");
            match (before, after) {
                (Some(before), Some(after)) if before != after => parts.extend([
                    words(" renamed the task "),
                    Quoted(before),
                    words(" to "),
                    Quoted(after),
                ]),
                (_, after) => {
                    parts.extend([words(" edited "), Quoted(after.unwrap_or_default())]);
                }
            }
            parts.extend(task_project());
        }
        AuditAction::TaskComplete | AuditAction::TaskReopen => {
            let verb = if action == AuditAction::TaskComplete {
                " completed "
            } else {
                " reopened "
            };
            parts.extend([words(verb), Quoted(said("title"))]);
            parts.extend(task_project());
        }
        AuditAction::TaskAssign => {
            match summary.get("after").filter(|a| !a.is_null()) {
                Some(_) => parts.extend([
                    words(" assigned "),
                    Quoted(said("title")),
                    words(" to "),
                    Name(member("after").unwrap_or_else(|| "a former member".to_owned())),
                ]),
                None => parts.extend([words(" unassigned "), Quoted(said("title"))]),
            }
            parts.extend(task_project());
        }
        AuditAction::TaskDelete | AuditAction::TaskRestore => {
            let verb = if action == AuditAction::TaskDelete {
                " deleted "
            } else {
                " restored "
            };
            parts.extend([words(verb), Quoted(said("title"))]);
            parts.extend(task_project());
        }
        AuditAction::ApiKeyCreate => parts.extend([
            words(" created the API key "),
            Quoted(said("name")),
            words(&format!(" ({}, {})", said("prefix"), said("role"))),
        ]),
        AuditAction::ApiKeyRevoke => parts.extend([
            words(" revoked the API key "),
            Quoted(said("name")),
            words(&format!(" ({})", said("prefix"))),
        ]),
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(action: &str, target: Option<Uuid>, summary: Value) -> Logged {
        Logged {
            at: time::OffsetDateTime::UNIX_EPOCH,
            actor_email: "ADA@acme.test".into(),
            action: action.into(),
            target_id: target.map(|t| t.to_string()),
            summary,
        }
    }

    /// The sentence as plain text, links shown as [text](href).
    fn read(parts: &[SentencePart]) -> String {
        parts
            .iter()
            .map(|p| match p {
                SentencePart::Text(t) | SentencePart::Name(t) => t.clone(),
                SentencePart::Quoted(t) => format!("“{t}”"),
                SentencePart::Link { href, text } => format!("[“{text}”]({href})"),
            })
            .collect()
    }

    #[test]
    fn an_assignment_names_both_people_and_links_the_project() {
        let (max, task, project) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let names = Names {
            members: vec![
                (Uuid::new_v4(), "ada@acme.test".into(), "Ada Admin".into()),
                (max, "max@acme.test".into(), "Max Member".into()),
            ],
            projects: vec![(project, "Launch pad".into())],
            task_projects: vec![(task, project)],
        };
        let assigned = row(
            "task.assign",
            Some(task),
            json!({ "title": "Order the gantry", "before": null, "after": max }),
        );
        assert_eq!(
            read(&sentence(&assigned, &names)),
            format!(
                "Ada Admin assigned “Order the gantry” to Max Member in [“Launch pad”](/projects/{project})"
            )
        );
        let mentioned = mentions(std::slice::from_ref(&assigned));
        assert_eq!(mentioned.member_ids, vec![max]);
        assert_eq!(mentioned.task_ids, vec![task]);
        assert_eq!(mentioned.emails, vec!["ada@acme.test".to_owned()]);
    }

    #[test]
    fn what_is_gone_keeps_its_recorded_name_unlinked() {
        let names = Names::default();
        let deleted = row(
            "project.delete",
            Some(Uuid::new_v4()),
            json!({ "name": "Old plan", "tasks": 3 }),
        );
        assert_eq!(
            read(&sentence(&deleted, &names)),
            "ADA@acme.test deleted the project “Old plan” and its 3 tasks"
        );
        let renamed = row(
            "project.update",
            Some(Uuid::new_v4()),
            json!({ "before": { "name": "A", "description": "" }, "after": { "name": "B", "description": "" } }),
        );
        assert_eq!(
            read(&sentence(&renamed, &names)),
            "ADA@acme.test renamed the project “A” to “B”"
        );
        let unassigned = row(
            "task.assign",
            None,
            json!({ "title": "T", "before": Uuid::new_v4(), "after": null }),
        );
        assert_eq!(
            read(&sentence(&unassigned, &names)),
            "ADA@acme.test unassigned “T”"
        );
    }

    #[test]
    fn every_action_reads_as_a_sentence() {
        for action in AuditAction::ALL {
            let said = read(&sentence(
                &row(action.as_str(), None, json!({})),
                &Names::default(),
            ));
            assert!(!said.contains(" did "), "{action:?}: {said}");
            assert!(said.starts_with("ADA@acme.test "), "{action:?}: {said}");
        }
    }
}

//! Extractors whose refusals are problems (RFC 9457), not axum's plain
//! text: the caller, a JSON body, a query string.

use super::problem::Problem;
use app::db::Db;
use app::identity::SignedIn;
use app::service::Ctx;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The verified caller (put there by `bearer::authenticate`) and the
/// database: what a service function needs.
pub struct Caller(pub Ctx);

impl FromRequestParts<Db> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, db: &Db) -> Result<Self, Problem> {
        let caller = parts
            .extensions
            .get::<SignedIn>()
            .cloned()
            .ok_or_else(Problem::unauthorized)?;
        Ok(Self(Ctx::new(db.clone(), caller)))
    }
}

/// A JSON request body.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned> FromRequest<Db> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, db: &Db) -> Result<Self, Problem> {
        match axum::Json::<T>::from_request(request, db).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(body_problem(&rejection)),
        }
    }
}

fn body_problem(rejection: &JsonRejection) -> Problem {
    let status = rejection.status();
    let detail = match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON, with `Content-Type: application/json`.".to_owned()
        }
        // serde's message names the field and what was wrong with it.
        JsonRejection::JsonDataError(error) => {
            format!("The body is not valid: {}", error.body_text())
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not well-formed JSON.".to_owned(),
        other => other.body_text(),
    };
    Problem::new(status, detail)
}

/// A query string.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned> FromRequestParts<Db> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, db: &Db) -> Result<Self, Problem> {
        match Query::<T>::from_request_parts(parts, db).await {
            Ok(Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_problem(&rejection)),
        }
    }
}

fn query_problem(rejection: &QueryRejection) -> Problem {
    Problem::new(
        rejection.status(),
        format!("The query string is not valid: {}", rejection.body_text()),
    )
}

/// The ids in the path (`/projects/{id}`).
pub struct Ids<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<Db> for Ids<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, db: &Db) -> Result<Self, Problem> {
        match Path::<T>::from_request_parts(parts, db).await {
            Ok(Path(value)) => Ok(Self(value)),
            Err(rejection) => Err(path_problem(&rejection)),
        }
    }
}

fn path_problem(rejection: &PathRejection) -> Problem {
    Problem::new(
        rejection.status(),
        format!("The path is not valid: {}", rejection.body_text()),
    )
}

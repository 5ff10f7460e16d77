//! The JSON API over real HTTP, with both kinds of credential: API keys made
//! by an Admin through the settings' server functions, and Cognito access
//! tokens from the stand-in's hosted UI (authorization code with PKCE, as a
//! mobile client gets them). Every request and answer is checked against
//! the server's own OpenAPI document ([`Doc`]).

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::sync::{Arc, Mutex};

/// The session cookie of an http app.
const SESSION_COOKIE: &str = "session";

/// The OpenAPI document, and the operations the tests have exercised.
pub(crate) struct Doc {
    json: Value,
    seen: Mutex<std::collections::BTreeSet<(String, String)>>,
}

impl Doc {
    pub(crate) async fn load(stack: &Stack) -> Arc<Self> {
        let reply = client_http()
            .get(stack.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK);
        assert_eq!(reply.headers()["content-type"], "application/json");
        let json: Value = reply.json().await.unwrap();
        Arc::new(Self {
            json,
            seen: Mutex::default(),
        })
    }

    /// The documented operation for `method` on the concrete `path`.
    fn operation(&self, method: &Method, path: &str) -> Option<(String, &Value)> {
        let path = path.split('?').next().unwrap();
        let segments: Vec<&str> = path.split('/').collect();
        self.json["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(template, _)| {
                let parts: Vec<&str> = template.split('/').collect();
                parts.len() == segments.len()
                    && parts
                        .iter()
                        .zip(&segments)
                        .all(|(t, s)| t.starts_with('{') || t == s)
            })
            .and_then(|(template, item)| {
                let op = item.get(method.as_str().to_lowercase())?;
                Some((template.clone(), op))
            })
    }

    /// The schema `$ref` points at, or the schema itself.
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                &self.json["components"]["schemas"][name]
            }
            None => schema,
        }
    }

    /// The answer is one the document promises for this operation: its
    /// status is listed, and a JSON body has the schema's required fields
    /// and no field the schema lacks.
    fn check(&self, method: &Method, path: &str, status: StatusCode, body: &Value) {
        let Some((template, op)) = self.operation(method, path) else {
            // Only the fallbacks answer what is not documented: an unknown
            // path, or a method the path does not take.
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status),
                "{method} {path} is not documented ({status})"
            );
            return;
        };
        self.seen
            .lock()
            .unwrap()
            .insert((method.to_string(), template.clone()));
        let documented = &op["responses"][status.as_str()];
        // What any route may answer: no credential, a body too large or not
        // JSON, a body of the wrong shape, the rate limit, a timeout.
        let generic = [401, 413, 415, 422, 429, 503].contains(&status.as_u16());
        if documented.is_null() {
            assert!(generic, "{method} {template}: {status} is not documented");
            self.check_object(&json!({ "$ref": "#/components/schemas/Problem" }), body);
            return;
        }
        if let Some(schema) = documented["content"]
            .as_object()
            .and_then(|c| c.values().next())
            .map(|media| &media["schema"])
        {
            self.check_object(schema, body);
        }
    }

    fn check_object(&self, schema: &Value, body: &Value) {
        let schema = self.resolve(schema);
        let Some(properties) = schema["properties"].as_object() else {
            return;
        };
        let object = body
            .as_object()
            .unwrap_or_else(|| panic!("not an object: {body}"));
        for required in schema["required"].as_array().into_iter().flatten() {
            let name = required.as_str().unwrap();
            assert!(object.contains_key(name), "{name} missing from {body}");
        }
        for key in object.keys() {
            assert!(
                properties.contains_key(key),
                "{key} is not in the schema: {body}"
            );
        }
    }
}

/// What an API call answered.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    headers: reqwest::header::HeaderMap,
    pub(crate) body: Value,
}

impl Answer {
    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }
}

/// A caller of the API with one credential (or none).
#[derive(Clone)]
pub(crate) struct Client {
    base: String,
    doc: Arc<Doc>,
    pub(crate) authorization: Option<String>,
    extra: Vec<(String, String)>,
    /// The local address to send from (another loopback address is
    /// another client network to the server).
    from: Option<std::net::IpAddr>,
}

impl Client {
    pub(crate) fn new(stack: &Stack, doc: &Arc<Doc>, bearer: &str) -> Self {
        Self {
            base: stack.url(""),
            doc: doc.clone(),
            authorization: Some(format!("Bearer {bearer}")),
            extra: Vec::new(),
            from: None,
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.extra.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same caller, sending from `address` (one of 127.0.0.0/8).
    pub(crate) fn from(mut self, address: &str) -> Self {
        self.from = Some(address.parse().unwrap());
        self
    }

    pub(crate) async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub(crate) async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let http = match self.from {
            None => client_http(),
            Some(address) => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .local_address(address)
                .build()
                .unwrap(),
        };
        let mut request = http.request(method.clone(), format!("{}{path}", self.base));
        if let Some(authorization) = &self.authorization {
            request = request.header("authorization", authorization);
        }
        for (name, value) in &self.extra {
            request = request.header(name, value);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let reply = request.send().await.unwrap();
        let status = reply.status();
        let headers = reply.headers().clone();
        let text = reply.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"))
        };
        assert_eq!(
            headers["cache-control"], "private, no-store",
            "{method} {path}"
        );
        if status.is_client_error() || status.is_server_error() {
            assert_eq!(
                headers["content-type"], "application/problem+json",
                "{method} {path}: {status} {text}"
            );
            assert_eq!(body["status"], status.as_u16(), "{body}");
        }
        self.doc.check(&method, path, status, &body);
        Answer {
            status,
            headers,
            body,
        }
    }
}

/// An Admin's browser session in `tenant`, which makes keys.
pub(crate) async fn admin(stack: &Stack, tenant: &str) -> Browser {
    signed_in(
        stack,
        &format!("admin-{}@example.test", &uuid()[..8]),
        "Admin",
        tenant,
    )
    .await
}

/// A new API key's text, made by `admin` through the settings page's
/// server function.
pub(crate) async fn make_key(
    stack: &Stack,
    admin: &mut Browser,
    name: &str,
    role: &str,
) -> (String, String) {
    let body = format!("name={}&role={role}&expires_in_days=30", urlencode(name));
    let reply = call(stack, admin, "create_api_key", &body).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let made: Value = serde_json::from_str(&reply.body).unwrap();
    (
        made["secret"].as_str().unwrap().to_owned(),
        made["key"]["id"].as_str().unwrap().to_owned(),
    )
}

/// A Cognito access token of a new member of `tenant` with `role`.
async fn member_token(stack: &Stack, tenant: &str, role: &str) -> (String, String) {
    let email = format!("{}-{}@example.test", role.to_lowercase(), &uuid()[..8]);
    stack.add_member(tenant, &email, role, true).await;
    let tokens = stack.client_tokens(&email).await;
    (tokens["access_token"].as_str().unwrap().to_owned(), email)
}

async fn start(db: PgConnectOptions) -> (Stack, Arc<Doc>) {
    // Tenant A (Acme: "Rocket skates", "Anvil redesign") and B (Globex:
    // "Hammock district").
    let stack = Stack::start(db, Settings::default()).await;
    let doc = Doc::load(&stack).await;
    (stack, doc)
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn the_openapi_document_describes_every_route(_: PgPoolOptions, db: PgConnectOptions) {
    let (_stack, doc) = start(db).await;
    let json = &doc.json;
    assert!(
        json["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        json["openapi"]
    );
    for (method, path) in [
        (Method::GET, "/api/v1/projects"),
        (Method::POST, "/api/v1/projects"),
        (Method::GET, "/api/v1/projects/{id}"),
        (Method::PATCH, "/api/v1/projects/{id}"),
        (Method::POST, "/api/v1/projects/{id}/tasks"),
        (Method::PATCH, "/api/v1/tasks/{id}"),
        (Method::GET, "/api/v1/members"),
        (Method::GET, "/api/v1/audit"),
    ] {
        let op = &json["paths"][path][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the document");
        assert!(
            op["responses"].is_object(),
            "{method} {path} has no responses"
        );
    }
    assert_eq!(
        json["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert_eq!(json["security"][0]["bearer"], json!([]));
    for schema in ["Problem", "Project", "Task", "NewProject", "TaskChange"] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema}"
        );
    }
    // Every reference in the document resolves, and every operation has an
    // id and a summary.
    fn refs<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target);
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(json, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target}"));
        assert!(
            json["components"]["schemas"][name].is_object(),
            "{target} does not resolve"
        );
    }
    for (path, item) in json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert!(op["summary"].is_string(), "{method} {path}");
        }
    }
}

/// Each role, with either credential, against every operation: the same
/// rules as the browser's server functions.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn each_role_may_do_what_the_role_matrix_says(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let mut callers: Vec<(String, Client, &str)> = Vec::new();
    for role in ["Admin", "SuperUser", "Member", "ReadOnly"] {
        let (token, _) = member_token(&stack, TENANT_A, role).await;
        callers.push((
            format!("{role} token"),
            Client::new(&stack, &doc, &token),
            role,
        ));
    }
    for role in ["Member", "ReadOnly"] {
        let (key, _) = make_key(&stack, &mut admin_browser, &format!("{role} key"), role).await;
        callers.push((format!("{role} key"), Client::new(&stack, &doc, &key), role));
    }

    for (who, api, role) in &callers {
        let writes = *role != "ReadOnly";
        let manages = matches!(*role, "Admin" | "SuperUser");
        let (project, task) = stack.seed_project(TENANT_A, &format!("For {who}")).await;
        let before = stack.snapshot(TENANT_A).await;
        let expect =
            |allowed: bool, ok: StatusCode| if allowed { ok } else { StatusCode::FORBIDDEN };

        assert_eq!(
            api.get("/api/v1/projects").await.status,
            StatusCode::OK,
            "{who}"
        );
        let got = api.get(&format!("/api/v1/projects/{project}")).await;
        assert_eq!(got.status, StatusCode::OK, "{who}");
        assert_eq!(got.body["tasks"][0]["id"], task.as_str());

        let calls = [
            api.post(
                "/api/v1/projects",
                json!({ "name": format!("New by {who}") }),
            )
            .await
            .status
                == expect(writes, StatusCode::CREATED),
            api.patch(
                &format!("/api/v1/projects/{project}"),
                json!({ "description": "changed" }),
            )
            .await
            .status
                == expect(writes, StatusCode::OK),
            api.post(
                &format!("/api/v1/projects/{project}/tasks"),
                json!({ "title": "More" }),
            )
            .await
            .status
                == expect(writes, StatusCode::CREATED),
            api.patch(&format!("/api/v1/tasks/{task}"), json!({ "done": true }))
                .await
                .status
                == expect(writes, StatusCode::OK),
            api.get("/api/v1/members").await.status == expect(manages, StatusCode::OK),
            api.get("/api/v1/audit").await.status == expect(manages, StatusCode::OK),
        ];
        assert_eq!(
            calls, [true; 6],
            "{who}: create, patch, add task, patch task, members, audit"
        );
        if !writes {
            assert_eq!(
                stack.snapshot(TENANT_A).await,
                before,
                "{who} changed something"
            );
        }
    }
    // Every operation of the document was exercised.
    assert_eq!(
        doc.seen.lock().unwrap().len(),
        8,
        "{:?}",
        doc.seen.lock().unwrap()
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_credential_of_tenant_a_never_reaches_tenant_b(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let (key, _) = make_key(&stack, &mut admin_browser, "Sync", "Member").await;
    let (token, _) = member_token(&stack, TENANT_A, "Admin").await;
    let (b_project, b_task) = stack.seed_project(TENANT_B, "Bravo two").await;
    stack
        .add_member(TENANT_B, "only-in-b@example.test", "Admin", true)
        .await;
    let b_before = stack.snapshot(TENANT_B).await;

    for bearer in [&key, &token] {
        let api = Client::new(&stack, &doc, bearer)
            .with_header("x-tenant-id", TENANT_B)
            .with_header("tenant-id", TENANT_B);
        let listed = api
            .get(&format!(
                "/api/v1/projects?tenant_id={TENANT_B}&archived=true"
            ))
            .await;
        let names: Vec<&str> = listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"Rocket skates"), "{names:?}");
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("Bravo") || n.starts_with("Hammock")),
            "{names:?}"
        );

        // B's ids are not found, for reads and writes alike.
        for answer in [
            api.get(&format!("/api/v1/projects/{b_project}")).await,
            api.patch(
                &format!("/api/v1/projects/{b_project}"),
                json!({ "name": "Mine" }),
            )
            .await,
            api.post(
                &format!("/api/v1/projects/{b_project}/tasks"),
                json!({ "title": "x" }),
            )
            .await,
            api.patch(&format!("/api/v1/tasks/{b_task}"), json!({ "done": true }))
                .await,
        ] {
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.body);
        }
        // A forged tenant in the body, query and headers: the project is A's.
        let made = api
            .post(
                &format!("/api/v1/projects?tenant_id={TENANT_B}"),
                json!({ "name": "Forged", "tenant_id": TENANT_B }),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        let id = made.body["id"].as_str().unwrap();
        let in_a = stack
            .count(
                TENANT_A,
                &format!("select count(*) from projects where id = '{id}'"),
            )
            .await;
        assert_eq!(in_a, 1);
        // Members and audit of A only (the token is an Admin's).
        if bearer == &token {
            let members = api.get("/api/v1/members?search=only-in-b").await;
            assert_eq!(members.status, StatusCode::OK);
            assert_eq!(members.body["total"], 0, "{}", members.body);
            let audit = api.get("/api/v1/audit").await;
            assert_eq!(audit.status, StatusCode::OK);
        }
    }
    assert_eq!(stack.snapshot(TENANT_B).await, b_before);
    let leaked = stack
        .count_all_tenants(
            "projects",
            "name = 'Forged' and tenant_id <> '0b9e6a5e-1c1f-4c55-9d3a-aaaa00000001'",
        )
        .await;
    assert_eq!(leaked, 0);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn revoked_and_expired_keys_and_disabled_members_are_refused_on_the_next_call(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;

    // Revoked through the settings page's server function.
    let (key, id) = make_key(&stack, &mut admin_browser, "Revoked soon", "Member").await;
    let api = Client::new(&stack, &doc, &key);
    assert_eq!(api.get("/api/v1/projects").await.status, StatusCode::OK);
    let revoked = call(
        &stack,
        &mut admin_browser,
        "revoke_api_key",
        &format!("id={id}"),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let refused = api.get("/api/v1/projects").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.header("www-authenticate"), "Bearer");
    // Revoking twice finds nothing to revoke.
    let again = call(
        &stack,
        &mut admin_browser,
        "revoke_api_key",
        &format!("id={id}"),
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);

    // Expired.
    let (key, id) = make_key(&stack, &mut admin_browser, "Expires", "Member").await;
    let api = Client::new(&stack, &doc, &key);
    assert_eq!(api.get("/api/v1/projects").await.status, StatusCode::OK);
    stack
        .as_tenant(
            TENANT_A,
            "update api_keys set created_at = now() - interval '2 days',
                                 expires_at = now() - interval '1 second' where id = $1::uuid",
            &id,
        )
        .await;
    assert_eq!(
        api.get("/api/v1/projects").await.status,
        StatusCode::UNAUTHORIZED
    );

    // A member disabled, then one removed, through the members page.
    for change in ["set_member_active", "remove_member"] {
        let (token, email) = member_token(&stack, TENANT_A, "Member").await;
        let api = Client::new(&stack, &doc, &token);
        assert_eq!(api.get("/api/v1/projects").await.status, StatusCode::OK);
        let member = stack.member_id(TENANT_A, &email).await;
        let body = match change {
            "set_member_active" => format!("id={member}&active=false"),
            _ => format!("id={member}"),
        };
        let changed = call(&stack, &mut admin_browser, change, &body).await;
        assert_eq!(changed.status, StatusCode::OK, "{change}: {}", changed.body);
        let next = api
            .post("/api/v1/projects", json!({ "name": "After" }))
            .await;
        assert_eq!(next.status, StatusCode::UNAUTHORIZED, "{change}");
    }
    let after = stack
        .count(
            TENANT_A,
            "select count(*) from projects where name = 'After'",
        )
        .await;
    assert_eq!(after, 0);
}

/// An access token taken before an admin disabled or demoted its member
/// stays dead when the change is undone (as the member's sessions do); a
/// token taken after it works.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_token_from_before_a_change_stays_dead_when_the_change_is_undone(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let (mut old, email) = member_token(&stack, TENANT_A, "Member").await;
    let member = stack.member_id(TENANT_A, &email).await;
    for (change, undo) in [
        (
            ("set_member_active", format!("id={member}&active=false")),
            ("set_member_active", format!("id={member}&active=true")),
        ),
        (
            ("change_member_role", format!("id={member}&role=ReadOnly")),
            ("change_member_role", format!("id={member}&role=Member")),
        ),
    ] {
        let api = Client::new(&stack, &doc, &old);
        assert_eq!(
            api.get("/api/v1/projects").await.status,
            StatusCode::OK,
            "{change:?}"
        );
        for (function, body) in [&change, &undo] {
            let done = call(&stack, &mut admin_browser, function, body).await;
            assert_eq!(done.status, StatusCode::OK, "{body}: {}", done.body);
        }
        // The member is as they were, but the token was taken before.
        let refused = api
            .post("/api/v1/projects", json!({ "name": "Revived" }))
            .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{change:?}");
        // Token times are whole seconds: one taken in the second of the
        // change counts as taken before it.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let new = stack.client_tokens(&email).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let api = Client::new(&stack, &doc, &new);
        assert_eq!(
            api.get("/api/v1/projects").await.status,
            StatusCode::OK,
            "{undo:?}"
        );
        // The next round's old token.
        old = new;
    }
    let revived = stack
        .count(
            TENANT_A,
            "select count(*) from projects where name = 'Revived'",
        )
        .await;
    assert_eq!(revived, 0);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn tokens_and_headers_that_prove_nothing_are_refused(_: PgPoolOptions, db: PgConnectOptions) {
    use cognito_local::tokens::{Grant, issue};
    let (stack, doc) = start(db).await;
    let (access, email) = member_token(&stack, TENANT_A, "Admin").await;
    let tokens = stack.client_tokens(&email).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    let user = stack.idp.store().find_user(&email).unwrap().clone();
    fn grant(client_id: &str) -> Grant<'_> {
        Grant {
            client_id,
            scope: "openid email",
            nonce: None,
            auth_time: 0,
            origin_jti: "test",
        }
    }
    // Signed by the pool, for another app client.
    let other_client = issue(&stack.idp, &user, &grant("another-client")).access_token;
    // Signed by another pool (its own keys and issuer), for this client.
    let other_pool = {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cognito-local/pool.toml");
        let mut config = cognito_local::config::PoolConfig::load(&path).unwrap();
        config.pool_id = "eu-west-1_Other".into();
        let pool = cognito_local::Pool::open(config, "http://127.0.0.1:9".into(), None).unwrap();
        issue(&pool, &user, &grant(&stack.idp.config.client.id)).access_token
    };
    // The pool's own access token with one claim changed, signed again
    // with the pool's key: used as an ID token, expired, of another user.
    let claims = stack.idp.keys().verify(&access).unwrap();
    let resigned = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims.clone();
        change(&mut claims);
        stack.idp.keys().sign(&claims)
    };
    let as_id = resigned(&|c| c["token_use"] = json!("id"));
    let expired = resigned(&|c| c["exp"] = json!(c["iat"].as_i64().unwrap() - 60));
    let stranger = resigned(&|c| c["sub"] = json!(uuid()));
    let as_reader = resigned(&|c| c["cognito:groups"] = json!(["ReadOnly"]));
    // Unchanged and re-signed: still good (so the four above fail on their
    // one change).
    assert_eq!(
        Client::new(&stack, &doc, &resigned(&|_| {}))
            .get("/api/v1/projects")
            .await
            .status,
        StatusCode::OK
    );
    let real_key = make_key(&stack, &mut admin(&stack, TENANT_A).await, "Real", "Member")
        .await
        .0;
    // One character of the secret changed.
    let mut key_like = real_key.into_bytes();
    key_like[60] = if key_like[60] == b'A' { b'B' } else { b'A' };
    let key_like = String::from_utf8(key_like).unwrap();

    let api = Client::new(&stack, &doc, &access);
    assert_eq!(api.get("/api/v1/projects").await.status, StatusCode::OK);
    for (what, authorization) in [
        ("an ID token", format!("Bearer {id_token}")),
        ("token_use id", format!("Bearer {as_id}")),
        ("an expired token", format!("Bearer {expired}")),
        ("a sub with no member", format!("Bearer {stranger}")),
        (
            "a role the member row does not have",
            format!("Bearer {as_reader}"),
        ),
        ("another client's token", format!("Bearer {other_client}")),
        ("another pool's token", format!("Bearer {other_pool}")),
        (
            "a key with one character changed",
            format!("Bearer {key_like}"),
        ),
        ("garbage", "Bearer not-a-token".to_owned()),
        ("another scheme", format!("Basic {access}")),
        ("an empty bearer", "Bearer ".to_owned()),
    ] {
        let mut api = api.clone();
        api.authorization = Some(authorization);
        let answer = api.get("/api/v1/projects").await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            answer.body
        );
    }
    // No credential at all, and a signed-in browser's cookies: neither is one.
    let mut none = api.clone();
    none.authorization = None;
    assert_eq!(
        none.get("/api/v1/projects").await.status,
        StatusCode::UNAUTHORIZED
    );
    let browser = admin(&stack, TENANT_A).await;
    let session = browser
        .cookie(&stack.url("/"), SESSION_COOKIE)
        .expect("a session cookie");
    let cookie_only = none.with_header("cookie", &format!("{SESSION_COOKIE}={session}"));
    // The same cookie opens the browser's pages: it is a live session.
    let mut check = browser.clone();
    assert_eq!(
        check.get(&stack.url("/settings")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        cookie_only.get("/api/v1/projects").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn an_api_key_cannot_make_an_api_key(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let (key, _) = make_key(&stack, &mut admin_browser, "Tries", "Member").await;
    let count = || stack.count(TENANT_A, "select count(*) from api_keys");
    let before = count().await;

    // The server functions take sessions only.
    for endpoint in ["create_api_key", "list_api_keys"] {
        let reply = client_http()
            .post(stack.url(&format!("/api/{endpoint}")))
            .header("authorization", format!("Bearer {key}"))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("name=Second&role=Member")
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    // And the JSON API has no route for keys.
    let api = Client::new(&stack, &doc, &key);
    let answer = api
        .post(
            "/api/v1/api-keys",
            json!({ "name": "Second", "role": "Member" }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(count().await, before);
}

/// Making a key: an Admin's session only, a role of ReadOnly or Member, an
/// expiry of a year at most, a name not taken by a live key. Each refusal
/// names its form field and makes nothing.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn keys_are_made_by_admins_within_the_rules(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, _doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    make_key(&stack, &mut admin_browser, "Taken", "Member").await;
    let count = || stack.count(TENANT_A, "select count(*) from api_keys");
    let before = count().await;

    for (body, field) in [
        ("name=Other&role=Admin&expires_in_days=30", "role"),
        ("name=Other&role=SuperUser&expires_in_days=30", "role"),
        ("name=Other&role=member&expires_in_days=30", "role"),
        (
            "name=Other&role=Member&expires_in_days=367",
            "expires_in_days",
        ),
        (
            "name=Other&role=Member&expires_in_days=-1",
            "expires_in_days",
        ),
        (
            "name=Other&role=Member&expires_in_days=soon",
            "expires_in_days",
        ),
        ("name=TAKEN&role=Member&expires_in_days=30", "name"),
        ("name=++&role=Member&expires_in_days=30", "name"),
    ] {
        let reply = call(&stack, &mut admin_browser, "create_api_key", body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            reply.body
        );
        let named = format!("\"field\":\"{field}\"");
        assert!(reply.body.contains(&named), "{body}: {}", reply.body);
    }
    // A SuperUser and a Member may not make, list or revoke keys.
    for role in ["SuperUser", "Member"] {
        let email = format!("{}-{}@example.test", role.to_lowercase(), &uuid()[..8]);
        let mut browser = signed_in(&stack, &email, role, TENANT_A).await;
        for (endpoint, body) in [
            (
                "create_api_key",
                "name=Mine&role=ReadOnly&expires_in_days=30",
            ),
            ("list_api_keys", ""),
        ] {
            let reply = call(&stack, &mut browser, endpoint, body).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {endpoint}");
        }
    }
    assert_eq!(count().await, before);
    // Once revoked, a name is free again.
    let listed = call(&stack, &mut admin_browser, "list_api_keys", "").await;
    let keys: Value = serde_json::from_str(&listed.body).unwrap();
    let taken = keys
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "Taken")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    call(
        &stack,
        &mut admin_browser,
        "revoke_api_key",
        &format!("id={taken}"),
    )
    .await;
    make_key(&stack, &mut admin_browser, "Taken", "ReadOnly").await;
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn bad_input_is_a_problem_naming_its_field_and_writes_nothing(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, doc) = start(db).await;
    let (token, _) = member_token(&stack, TENANT_A, "Member").await;
    let api = Client::new(&stack, &doc, &token);
    let (project, task) = stack.seed_project(TENANT_A, "Target").await;
    let b_member = stack
        .add_member(TENANT_B, "b-member@example.test", "Member", true)
        .await;
    let before = stack.snapshot(TENANT_A).await;

    for (path, body, field) in [
        ("/api/v1/projects".to_owned(), json!({ "name": "" }), "name"),
        (
            "/api/v1/projects".to_owned(),
            json!({ "name": "x".repeat(121) }),
            "name",
        ),
        (
            "/api/v1/projects".to_owned(),
            json!({ "name": "ok", "description": "d".repeat(4001) }),
            "description",
        ),
        (
            format!("/api/v1/projects/{project}/tasks"),
            json!({ "title": "  " }),
            "title",
        ),
    ] {
        let answer = api.post(&path, body).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(answer.body["field"], field, "{}", answer.body);
        assert!(!answer.body["detail"].as_str().unwrap().is_empty());
    }
    let answer = api
        .patch(
            &format!("/api/v1/projects/{project}"),
            json!({ "name": "" }),
        )
        .await;
    assert_eq!(answer.body["field"], "name");
    let answer = api
        .patch(
            &format!("/api/v1/tasks/{task}"),
            json!({ "assignee_id": b_member }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.body["field"], "assignee");
    // Not JSON, JSON of the wrong shape, no JSON content type, a bad id.
    let raw = |body: &'static str, content_type: &'static str| {
        client_http()
            .post(stack.url("/api/v1/projects"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type, status) in [
        ("{\"name\":", "application/json", StatusCode::BAD_REQUEST),
        (
            "{\"name\": 5}",
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "name=x",
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
    ] {
        let reply = raw(body, content_type).await.unwrap();
        assert_eq!(reply.status(), status, "{body}");
        assert_eq!(reply.headers()["content-type"], "application/problem+json");
    }
    let answer = api.get("/api/v1/projects/not-a-uuid").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = api.get("/api/v1/projects?page=minus-one").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // A method the route does not take.
    let answer = api
        .send(Method::DELETE, &format!("/api/v1/projects/{project}"), None)
        .await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    // No such route, the API's own prefix included: a problem, not the
    // browser's HTML page (`send` checks the media type).
    for path in [
        "/api/v1/nope",
        "/api/v1/projects/x/y/z",
        "/api/v1",
        "/api/v1/",
    ] {
        let answer = api.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
    }
    // Too large a body: refused before it is read.
    let huge = json!({ "name": "big", "description": "x".repeat(100_000) });
    let reply = client_http()
        .post(stack.url("/api/v1/projects"))
        .header("authorization", format!("Bearer {token}"))
        .json(&huge)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::PAYLOAD_TOO_LARGE);

    assert_eq!(stack.snapshot(TENANT_A).await, before);
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn changes_are_audited_in_the_name_of_the_key_or_member(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let (key, _) = make_key(&stack, &mut admin_browser, "Warehouse sync", "Member").await;
    let (token, email) = member_token(&stack, TENANT_A, "Admin").await;

    let by_key = Client::new(&stack, &doc, &key);
    let made = by_key
        .post("/api/v1/projects", json!({ "name": "Synced" }))
        .await;
    let id = made.body["id"].as_str().unwrap().to_owned();
    let by_member = Client::new(&stack, &doc, &token);
    by_member
        .patch(
            &format!("/api/v1/projects/{id}"),
            json!({ "archived": true }),
        )
        .await;

    let audit = by_member.get("/api/v1/audit").await;
    let entries = audit.body["items"].as_array().unwrap();
    let find = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("no {action} in {entries:?}"))
    };
    assert_eq!(find("project.create")["actor"], "API key “Warehouse sync”");
    assert!(
        find("project.create")["text"]
            .as_str()
            .unwrap()
            .contains("Synced")
    );
    assert_eq!(find("project.archive")["actor"], email.as_str());
    assert_eq!(find("apikey.create")["action"], "apikey.create");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn lists_page_with_links(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let names: Vec<String> = (0..55).map(|n| format!("Paged {n:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    stack
        .seed_tenant("0b9e6a5e-1c1f-4c55-9d3a-cccc00000003", "Tenant C", &refs)
        .await;
    let (token, _) = member_token(&stack, "0b9e6a5e-1c1f-4c55-9d3a-cccc00000003", "ReadOnly").await;
    let api = Client::new(&stack, &doc, &token);

    let first = api.get("/api/v1/projects?search=paged").await;
    assert_eq!(first.body["total"], 55);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 50);
    assert_eq!(first.body["prev"], Value::Null);
    let next = first.body["next"].as_str().unwrap();
    assert_eq!(next, "/api/v1/projects?page=2&search=paged");
    let second = api.get(next).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 5);
    assert_eq!(second.body["next"], Value::Null);
    assert_eq!(second.body["prev"], "/api/v1/projects?page=1&search=paged");
}

#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn each_credential_is_rate_limited_on_its_own(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    let (busy, _) = make_key(&stack, &mut admin_browser, "Busy", "ReadOnly").await;
    let (quiet, _) = make_key(&stack, &mut admin_browser, "Quiet", "ReadOnly").await;
    let busy = Client::new(&stack, &doc, &busy);

    let answers = futures::future::join_all((0..100).map(|_| busy.get("/api/v1/projects"))).await;
    let limited: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    let ok = answers
        .iter()
        .filter(|a| a.status == StatusCode::OK)
        .count();
    assert!(ok >= 60, "the burst is served: {ok}");
    assert!(!limited.is_empty(), "100 at once exceed the burst");
    for answer in &limited {
        let wait: u64 = answer.header("retry-after").parse().unwrap();
        assert!(wait >= 1);
        assert_eq!(answer.body["retry_after"], wait);
    }
    // Another key of the same tenant is not held up.
    let quiet = Client::new(&stack, &doc, &quiet);
    assert_eq!(quiet.get("/api/v1/projects").await.status, StatusCode::OK);
}

/// Fires `n` project creations with `api`, named `<prefix><i>`, together
/// with `against`; returns each creation's status and whether it was sent
/// after `against` had answered.
async fn race_creations(
    api: &Client,
    prefix: &str,
    n: usize,
    against: impl std::future::Future<Output = ()>,
) -> Vec<(StatusCode, bool)> {
    let done = Arc::new(Mutex::new(None::<std::time::Instant>));
    let writers = futures::future::join_all((0..n).map(|i| {
        let (api, done) = (api.clone(), done.clone());
        let name = format!("{prefix}{i}");
        async move {
            let sent = std::time::Instant::now();
            let status = api
                .post("/api/v1/projects", json!({ "name": name }))
                .await
                .status;
            let after = done.lock().unwrap().is_some_and(|at| sent > at);
            (status, after)
        }
    }));
    let against = async {
        against.await;
        *done.lock().unwrap() = Some(std::time::Instant::now());
    };
    let (answers, ()) = tokio::join!(writers, against);
    for (status, after) in &answers {
        assert!(
            [StatusCode::CREATED, StatusCode::UNAUTHORIZED].contains(status),
            "{answers:?}"
        );
        if *after {
            assert_eq!(*status, StatusCode::UNAUTHORIZED, "sent after: {answers:?}");
        }
    }
    answers
}

/// Writes racing a revoke: no write of the key's commits after the revoke
/// (by the audit log's order, see `races`), every 201 is a project that
/// exists, and nothing sent after the revoke answered gets through.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_revoke_racing_writes_stops_every_later_one(_: PgPoolOptions, db: PgConnectOptions) {
    let (stack, doc) = start(db).await;
    let mut admin_browser = admin(&stack, TENANT_A).await;
    for round in 0..5 {
        let name = format!("Racer {round}");
        let (key, id) = make_key(&stack, &mut admin_browser, &name, "Member").await;
        let api = Client::new(&stack, &doc, &key);
        let mut browser = admin_browser.clone();
        let revoke = async {
            tokio::time::sleep(std::time::Duration::from_millis(5 * round)).await;
            let reply = call(&stack, &mut browser, "revoke_api_key", &format!("id={id}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        };
        let answers = race_creations(&api, &format!("Race {round}-"), 12, revoke).await;
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let actor = format!("API key “{name}”");
        let landed = crate::races::nothing_after(&stack, &actor, "apikey.revoke", &id).await;
        assert_eq!(landed, created, "round {round}");
        let stored = stack
            .count(
                TENANT_A,
                &format!("select count(*) from projects where name like 'Race {round}-%'"),
            )
            .await;
        assert_eq!(stored, created as i64, "round {round}");
        assert_eq!(
            api.get("/api/v1/projects").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

/// A member writing with an access token while an Admin demotes them to
/// ReadOnly: nothing of theirs commits after the demotion, and the token
/// (which still says Member) is refused from then on.
#[sqlx::test(migrator = "app::db::MIGRATOR")]
async fn a_demotion_racing_token_writes_stops_every_later_one(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let (stack, doc) = start(db).await;
    let admin_browser = admin(&stack, TENANT_A).await;
    for round in 0..5 {
        let (token, email) = member_token(&stack, TENANT_A, "Member").await;
        let member = stack.member_id(TENANT_A, &email).await;
        let api = Client::new(&stack, &doc, &token);
        let mut browser = admin_browser.clone();
        let demote = async {
            tokio::time::sleep(std::time::Duration::from_millis(5 * round)).await;
            let body = format!("id={member}&role=ReadOnly");
            let reply = call(&stack, &mut browser, "change_member_role", &body).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        };
        let answers = race_creations(&api, &format!("Demoted {round}-"), 12, demote).await;
        let created = answers
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        let landed = crate::races::nothing_after(&stack, &email, "member.role", &member).await;
        assert_eq!(landed, created, "round {round}");
        assert_eq!(
            api.get("/api/v1/projects").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

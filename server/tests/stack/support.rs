//! A whole stack per test: the server on a real socket, as the app role, on
//! the test's own database; the Cognito stand-in on another socket; and a
//! small cookie-keeping HTTP client that follows no redirects by itself.

#[path = "../common/app_role.rs"]
mod app_role;
use app_role::app_url_for;
use cognito_local::config::PoolConfig;
use cognito_local::seed::{SeedUser, add_user};
use cognito_local::{Pool, SharedPool};
use leptos::prelude::LeptosOptions;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use server::config::ServeConfig;
use server::startup::Application;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use uuid::Uuid;

pub const PASSWORD: &str = "Test-pass-1";
/// The stack's session sealing key (32 bytes, base64).
pub const SESSION_KEY: &str = "c2Vzc2lvbi1rZXktZm9yLXRoZS1zdGFjay10ZXN0cyE=";
pub const TENANT_A: &str = "0b9e6a5e-1c1f-4c55-9d3a-aaaa00000001";
pub const TENANT_B: &str = "0b9e6a5e-1c1f-4c55-9d3a-bbbb00000002";

pub struct Settings {
    pub idle_secs: u64,
    pub max_age_secs: u64,
    /// The base URL the app believes it has (the socket is always http).
    pub https: bool,
    /// ID token lifetime in the stand-in; 0 makes every request refresh.
    pub id_token_minutes: i64,
    /// The app client's WriteAttributes, when not pool.toml's.
    pub client_write_attributes: Option<Vec<String>>,
    /// Let anyone sign up (pool.toml: only administrators create users).
    pub open_sign_up: bool,
    /// The server's pool size, when not the default.
    pub max_connections: Option<u32>,
    /// `DATABASE_ACQUIRE_TIMEOUT_MS`, when not the default.
    pub acquire_timeout_ms: Option<u64>,
    /// `COGNITO_TIMEOUT_MS`, when not the default.
    pub cognito_timeout_ms: Option<u64>,
    /// Reach Postgres through a [`Link`] the test can cut.
    pub database_link: bool,
    /// Other variables for the server, as its environment would set them.
    pub env: Vec<(&'static str, String)>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            idle_secs: 3600,
            max_age_secs: 12 * 3600,
            https: false,
            id_token_minutes: 60,
            client_write_attributes: None,
            open_sign_up: false,
            max_connections: None,
            acquire_timeout_ms: None,
            cognito_timeout_ms: None,
            database_link: false,
            env: Vec::new(),
        }
    }
}

pub struct Stack {
    /// Where the server listens.
    pub app: String,
    /// The server's own database pool.
    pub db: app::db::Db,
    /// The cuttable link to Postgres, with `Settings::database_link`.
    pub database_link: Option<Link>,
    pub idp: SharedPool,
    /// What answers at the stand-in's address: the stand-in, or nothing.
    idp_server: std::sync::Mutex<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// What the start-up guard said of the stand-in's app client (not run
    /// for an https app, whose Cognito address is made up).
    pub user_pool_check: Result<(), String>,
    /// The variables this stack's server was configured with, for running
    /// the real binary against the same database and stand-in.
    pub serve_env: Vec<(&'static str, String)>,
    /// The owner role on the test's database, for seeding and for looking
    /// at rows the app role cannot see.
    owner: PgConnectOptions,
}

impl Stack {
    pub async fn start(owner: PgConnectOptions, settings: Settings) -> Self {
        let app_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app = format!("http://{}", app_listener.local_addr().unwrap());
        let base_url = if settings.https {
            app.replace("http://", "https://")
        } else {
            app.clone()
        };

        let idp_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let idp_url = format!("http://{}", idp_listener.local_addr().unwrap());
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../cognito-local/pool.toml");
        let mut config = PoolConfig::load(&path).unwrap();
        config.client.callback_urls = vec![format!("{base_url}/auth/callback")];
        config.client.logout_urls = vec![format!("{base_url}/")];
        config.tokens.id_token_minutes = settings.id_token_minutes;
        let default_client = settings.client_write_attributes.is_none() && !settings.open_sign_up;
        config.policy.allow_admin_create_user_only &= !settings.open_sign_up;
        if let Some(write) = settings.client_write_attributes {
            config.client.write_attributes = write;
        }
        let idp = Pool::open(config, idp_url.clone(), None).unwrap();
        let idp_server = tokio::spawn(
            axum::serve(idp_listener, cognito_local::router(idp.clone())).into_future(),
        );
        let idp_server = std::sync::Mutex::new(idp_server);

        // An https app refuses an http Cognito; the https case never leaves
        // the login redirect, so the stand-in's address only has to look right.
        let (domain, issuer) = if settings.https {
            let secure = idp_url.replace("http://", "https://");
            (secure.clone(), format!("{secure}/{}", idp.config.pool_id))
        } else {
            (idp_url.clone(), idp.issuer())
        };
        let database = owner.get_database().unwrap().to_owned();
        let mut env: HashMap<&str, String> = HashMap::from([
            ("APP_DATABASE_URL", app_url_for(&database)),
            ("APP_BASE_URL", base_url),
            ("COGNITO_DOMAIN", domain.clone()),
            ("COGNITO_REGION", idp.config.region.clone()),
            ("COGNITO_USER_POOL_ID", idp.config.pool_id.clone()),
            ("COGNITO_CLIENT_ID", idp.config.client.id.clone()),
            ("COGNITO_CLIENT_SECRET", idp.config.client.secret.clone()),
            ("COGNITO_ISSUER", issuer),
            ("COGNITO_ADMIN_ENDPOINT", domain.clone()),
            ("SESSION_IDLE_TIMEOUT_SECS", settings.idle_secs.to_string()),
            ("SESSION_MAX_AGE_SECS", settings.max_age_secs.to_string()),
            ("SESSION_ENCRYPTION_KEY", SESSION_KEY.to_owned()),
        ]);
        if let Some(max) = settings.max_connections {
            env.insert("DATABASE_MAX_CONNECTIONS", max.to_string());
        }
        if let Some(ms) = settings.acquire_timeout_ms {
            env.insert("DATABASE_ACQUIRE_TIMEOUT_MS", ms.to_string());
        }
        if let Some(ms) = settings.cognito_timeout_ms {
            env.insert("COGNITO_TIMEOUT_MS", ms.to_string());
        }
        env.extend(settings.env);
        let database_link = if settings.database_link {
            let url = env["APP_DATABASE_URL"].clone();
            let link = Link::to(&url).await;
            env.insert("APP_DATABASE_URL", link.url_through(&url));
            Some(link)
        } else {
            None
        };
        let serve_env = env.iter().map(|(k, v)| (*k, v.clone())).collect();
        let server = build_server(app_listener, &env).await;
        let db = server.db().clone();
        let user_pool_check = if settings.https {
            Ok(())
        } else {
            server.check_user_pool().await.map_err(|e| e.to_string())
        };
        if default_client {
            // The guard passes on the stand-in's pool as configured.
            assert_eq!(user_pool_check, Ok(()));
        }
        tokio::spawn(server.run_until(std::future::pending()));

        let stack = Self {
            app,
            db,
            database_link,
            idp,
            idp_server,
            user_pool_check,
            serve_env,
            owner,
        };
        stack
            .seed_tenant(TENANT_A, "Acme Corp", &["Rocket skates", "Anvil redesign"])
            .await;
        stack
            .seed_tenant(TENANT_B, "Globex", &["Hammock district"])
            .await;
        stack
    }

    /// A tenant and its projects, written as the owner inside the tenant's
    /// own setting (row-level security is forced on the owner too).
    pub async fn seed_tenant(&self, tenant: &str, name: &str, projects: &[&str]) {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query("insert into tenants (tenant_id, name) values ($1::uuid, $2)")
            .bind(tenant)
            .bind(name)
            .execute(&mut *tx)
            .await
            .unwrap();
        for project in projects {
            sqlx::query("insert into projects (tenant_id, name) values ($1::uuid, $2)")
                .bind(tenant)
                .bind(project)
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    /// The environment the operator commands (`server tenant create`,
    /// `server seed`) need to reach this stack's database and stand-in.
    pub fn operator_env(&self) -> Vec<(&'static str, String)> {
        let database = self.owner.get_database().unwrap().to_owned();
        vec![
            ("APP_DATABASE_URL", app_url_for(&database)),
            ("COGNITO_REGION", self.idp.config.region.clone()),
            ("COGNITO_USER_POOL_ID", self.idp.config.pool_id.clone()),
            ("COGNITO_ADMIN_ENDPOINT", self.idp.base_url.clone()),
        ]
    }

    /// Takes the stand-in off the network: Cognito is down, and connections
    /// to it are refused.
    pub fn stop_idp(&self) {
        self.idp_server.lock().unwrap().abort();
    }

    /// Cognito unreachable the slow way: its address accepts connections
    /// and never answers, so every call waits for the client's timeout.
    pub async fn blackhole_idp(&self) {
        self.stop_idp();
        let listener = self.bind_idp_address().await;
        *self.idp_server.lock().unwrap() = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let (socket, _) = listener.accept().await?;
                held.push(socket);
            }
        });
    }

    /// The stand-in back at its address.
    pub async fn restore_idp(&self) {
        self.stop_idp();
        let listener = self.bind_idp_address().await;
        let router = cognito_local::router(self.idp.clone());
        *self.idp_server.lock().unwrap() =
            tokio::spawn(axum::serve(listener, router).into_future());
    }

    /// The stand-in's address, once the task that held it has let go.
    async fn bind_idp_address(&self) -> tokio::net::TcpListener {
        let address = self.idp.base_url.trim_start_matches("http://").to_owned();
        for _ in 0..100 {
            if let Ok(listener) = tokio::net::TcpListener::bind(&address).await {
                return listener;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("{address} stayed busy");
    }

    /// Another instance of the server on the same database, stand-in and
    /// session key (a second replica behind a load balancer); returns its
    /// base URL.
    pub async fn second_instance(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let env: HashMap<&str, String> = self.serve_env.iter().cloned().collect();
        let server = build_server(listener, &env).await;
        tokio::spawn(server.run_until(std::future::pending()));
        url
    }

    pub async fn owner(&self) -> PgConnection {
        PgConnection::connect_with(&self.owner).await.unwrap()
    }

    /// Runs `sql` as the owner with `app.tenant_id` set to `tenant`.
    pub async fn as_tenant(&self, tenant: &str, sql: &str, bind: &str) -> u64 {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        let done = sqlx::query(sql).bind(bind).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        done.rows_affected()
    }

    /// The text `sql` (one row, one column, `$1` bound to `bind`) reads in
    /// `tenant`, as the owner.
    pub async fn scalar(&self, tenant: &str, sql: &str, bind: &str) -> String {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar(sql)
            .bind(bind)
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    }

    /// Every row `sql` reads in `tenant`, as the owner.
    pub async fn rows<T>(&self, tenant: &str, sql: &str) -> Vec<T>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_as(sql).fetch_all(&mut *tx).await.unwrap()
    }

    /// How many rows `sql` (a count) sees in `tenant`, read as the owner.
    pub async fn count(&self, tenant: &str, sql: &str) -> i64 {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap()
    }

    /// Rows of `table` in every tenant matching `condition`. Row-level
    /// security is forced on the owner too, so this lifts the force inside
    /// a transaction it then rolls back (the server, as the app role, is
    /// never affected).
    pub async fn count_all_tenants(&self, table: &str, condition: &str) -> i64 {
        let sql = format!("select count(*) from {table} where {condition}");
        self.count_across_tenants(&[table], &sql).await
    }

    /// What `sql` (one row, one count) reads with row-level security lifted
    /// from `tables`, as in [`count_all_tenants`](Self::count_all_tenants).
    pub async fn count_across_tenants(&self, tables: &[&str], sql: &str) -> i64 {
        let mut conn = self.owner().await;
        let mut tx = conn.begin().await.unwrap();
        for table in tables {
            sqlx::query(&format!("alter table {table} no force row level security"))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        let count = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
        tx.rollback().await.unwrap();
        count
    }

    /// The id of `tenant`'s project called `name`.
    pub async fn project_id(&self, tenant: &str, name: &str) -> String {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar("select id::text from projects where name = $1")
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    }

    /// Everything a tenant owns that the workspace can change (projects,
    /// tasks, audit rows), as text: equal snapshots mean nothing changed.
    pub async fn snapshot(&self, tenant: &str) -> String {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar(
            "select concat_ws(' | ',
                 (select json_agg(p order by id)::text from projects p),
                 (select json_agg(t order by id)::text from tasks t),
                 (select json_agg(d order by id)::text from deleted_tasks d),
                 (select json_agg(u order by id)::text from org_units u),
                 (select json_agg(r order by member_id, unit_id)::text from role_assignments r),
                 (select json_agg(a order by id)::text from audit_log a))",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    }

    /// A tenant's member rows and audit rows, as text.
    pub async fn members_snapshot(&self, tenant: &str) -> String {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar(
            "select concat_ws(' | ',
                 (select json_agg(m order by id)::text from members m),
                 (select json_agg(a order by id)::text from audit_log a))",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap()
    }

    /// The stand-in's users (attributes, groups, enabled), as text.
    pub fn idp_snapshot(&self) -> String {
        serde_json::to_string(&self.idp.store().users).unwrap()
    }

    /// A member who has not signed in yet: a user in the stand-in with
    /// `role`'s group and their mirror row. Returns the row's id.
    pub async fn add_member(&self, tenant: &str, email: &str, role: &str, active: bool) -> String {
        let sub = self.user(email, &[role], Some(tenant));
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        let id: String = sqlx::query_scalar(
            "insert into members (tenant_id, cognito_sub, email, role, status)
             values ($1::uuid, $2, $3, $4, $5) returning id::text",
        )
        .bind(tenant)
        .bind(&sub)
        .bind(email)
        .bind(role)
        .bind(if active { "active" } else { "disabled" })
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        if !active {
            let mut store = self.idp.store();
            store.find_user_mut(email).unwrap().enabled = false;
        }
        id
    }

    /// A new project in `tenant` with one task; returns their ids.
    pub async fn seed_project(&self, tenant: &str, name: &str) -> (String, String) {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        let project: String = sqlx::query_scalar(
            "insert into projects (tenant_id, name) values ($1::uuid, $2) returning id::text",
        )
        .bind(tenant)
        .bind(name)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let task: String = sqlx::query_scalar(
            "insert into tasks (tenant_id, project_id, title)
             values ($1::uuid, $2::uuid, 'First task') returning id::text",
        )
        .bind(tenant)
        .bind(&project)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        (project, task)
    }

    /// Moves a task to the bin, as a delete `deleted_secs_ago` seconds ago
    /// would have left it.
    pub async fn bin_task_at(&self, tenant: &str, task: &str, deleted_secs_ago: i32) {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        let moved = sqlx::query(
            "with gone as (delete from tasks where id = $1::uuid returning *)
             insert into deleted_tasks (tenant_id, id, project_id, title, description, done_at,
                                        assignee_id, created_at, updated_at, deleted_at)
             select tenant_id, id, project_id, title, description, done_at, assignee_id,
                    created_at, updated_at, now() - make_interval(secs => $2)
             from gone",
        )
        .bind(task)
        .bind(f64::from(deleted_secs_ago))
        .execute(&mut *tx)
        .await
        .unwrap();
        assert_eq!(moved.rows_affected(), 1, "no task {task} in {tenant}");
        tx.commit().await.unwrap();
    }

    /// Moves a task to the bin, as a delete just now would have.
    pub async fn bin_task(&self, tenant: &str, task: &str) {
        self.bin_task_at(tenant, task, 0).await;
    }

    /// The member row id of `email` in `tenant` (written at sign-in).
    pub async fn member_id(&self, tenant: &str, email: &str) -> String {
        let mut conn = self.owner().await;
        let mut tx = begin_as(&mut conn, tenant).await;
        sqlx::query_scalar("select id::text from members where email = $1")
            .bind(email)
            .fetch_one(&mut *tx)
            .await
            .unwrap()
    }

    /// Session rows, live or not.
    pub async fn session_ids(&self) -> Vec<String> {
        sqlx::query_scalar("select id from tower_sessions.session order by id")
            .fetch_all(&mut self.owner().await)
            .await
            .unwrap()
    }

    /// A user in the stand-in; returns their sub.
    pub fn user(&self, email: &str, groups: &[&str], tenant: Option<&str>) -> String {
        add_user(
            &self.idp,
            &SeedUser {
                email: email.into(),
                password: PASSWORD.into(),
                groups: groups.iter().map(|g| g.to_string()).collect(),
                tenant_id: tenant.map(str::to_owned),
            },
        )
        .unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app)
    }

    /// Signs `email` in from `browser`, starting at `/auth/login` with
    /// `return_to`, and returns the callback's response.
    pub async fn sign_in(&self, browser: &mut Browser, email: &str, return_to: &str) -> Reply {
        let code = self.hosted_ui_code(browser, email, return_to).await;
        browser.get(&code).await
    }

    /// Everything up to the hosted UI's redirect back: the callback URL, not
    /// yet visited.
    pub async fn hosted_ui_code(
        &self,
        browser: &mut Browser,
        email: &str,
        return_to: &str,
    ) -> String {
        let login = browser
            .get(&self.url(&format!("/auth/login?return_to={}", urlencode(return_to))))
            .await;
        assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
        let authorize = login.location();
        assert!(authorize.starts_with(&self.idp.base_url), "{authorize}");
        self.hosted_ui_sign_in(browser, &authorize, email).await
    }

    /// From the hosted UI's authorize URL to its redirect back with a code
    /// (not followed): the sign-in form, filled in as `email`.
    async fn hosted_ui_sign_in(
        &self,
        browser: &mut Browser,
        authorize: &str,
        email: &str,
    ) -> String {
        let to_form = browser.get(authorize).await;
        assert_eq!(to_form.status, StatusCode::FOUND, "{}", to_form.body);
        let form_url = format!("{}{}", self.idp.base_url, to_form.location());
        let page = browser.get(&form_url).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let mut form: Vec<(String, String)> =
            serde_urlencoded::from_str(form_url.split_once('?').unwrap().1).unwrap();
        form.push(("_csrf".into(), hidden_field(&page.body, "_csrf")));
        form.push(("username".into(), email.into()));
        form.push(("password".into(), PASSWORD.into()));
        let back = browser
            .post_form(&format!("{}/login", self.idp.base_url), &form, None)
            .await;
        assert_eq!(back.status, StatusCode::FOUND, "{}", back.body);
        back.location()
    }

    /// The token endpoint's answer for `email`, as a mobile or command-line
    /// client of the pool's app client gets one: the hosted UI's
    /// authorization code flow with PKCE, then the token endpoint — no app
    /// server in between.
    pub async fn client_tokens(&self, email: &str) -> serde_json::Value {
        use base64::Engine;
        use sha2::Digest;
        let verifier = format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple());
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(sha2::Sha256::digest(verifier.as_bytes()));
        let client = &self.idp.config.client;
        let redirect = client.callback_urls[0].clone();
        let query = serde_urlencoded::to_string([
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("scope", "openid email"),
            ("state", "client-state"),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ])
        .unwrap();
        let authorize = format!("{}/oauth2/authorize?{query}", self.idp.base_url);
        let back = self
            .hosted_ui_sign_in(&mut Browser::default(), &authorize, email)
            .await;
        let query: HashMap<String, String> =
            serde_urlencoded::from_str(back.split_once('?').unwrap().1).unwrap();
        let reply = client_http()
            .post(format!("{}/oauth2/token", self.idp.base_url))
            .basic_auth(&client.id, Some(&client.secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", query["code"].as_str()),
                ("redirect_uri", redirect.as_str()),
                ("code_verifier", verifier.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), StatusCode::OK);
        reply.json().await.unwrap()
    }
}

/// An HTTP client that follows no redirect.
pub fn client_http() -> reqwest::Client {
    client()
}

/// The server on `listener`, configured from `env` as the binary would be
/// from its environment.
async fn build_server(
    listener: tokio::net::TcpListener,
    env: &HashMap<&str, String>,
) -> Application {
    let config = ServeConfig::from_lookup(|name| env.get(name).cloned()).unwrap();
    let leptos = LeptosOptions::builder()
        .output_name("saas")
        // The workspace's, as `cargo leptos build` leaves it (tests run in
        // the package's directory).
        .site_root(concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site"))
        .site_addr(([127, 0, 0, 1], 0))
        .build();
    Application::build_on(listener, config, leptos).await
}

/// A transaction with `app.tenant_id` set to `tenant`.
async fn begin_as<'c>(
    conn: &'c mut PgConnection,
    tenant: &str,
) -> sqlx::Transaction<'c, sqlx::Postgres> {
    let mut tx = conn.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx
}

/// Calls server function `endpoint` with a form `body`, as a same-origin
/// `fetch` from the app's page would.
pub async fn call(stack: &Stack, browser: &mut Browser, endpoint: &str, body: &str) -> Reply {
    let same_origin = [("sec-fetch-site", "same-origin")];
    browser
        .post(&stack.url(&format!("/api/{endpoint}")), &same_origin, body)
        .await
}

/// A browser signed in as a new user `email` of `tenant` in `group`.
pub async fn signed_in(stack: &Stack, email: &str, group: &str, tenant: &str) -> Browser {
    stack.user(email, &[group], Some(tenant));
    let mut browser = Browser::default();
    stack.sign_in(&mut browser, email, "/").await;
    browser
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("x", text)]).unwrap()[2..].to_owned()
}

fn hidden_field(html: &str, name: &str) -> String {
    html.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no {name} field in {html}"))
        .to_owned()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> String {
        self.headers
            .get(LOCATION)
            .unwrap_or_else(|| panic!("no Location ({}): {}", self.status, self.body))
            .to_str()
            .unwrap()
            .to_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// The raw Set-Cookie header for `name`, attributes and all.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .find(|v| v.starts_with(&format!("{name}=")))
    }
}

/// Cookies by host:port (browsers share them across ports of one host;
/// here the app's and the stand-in's are kept apart, which their distinct
/// names make equivalent). A clone shares nothing afterwards: it is the
/// same signed-in browser sending requests of its own (another tab).
#[derive(Clone, Default)]
pub struct Browser {
    jars: HashMap<String, BTreeMap<String, String>>,
}

impl Browser {
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        self.jars.get(&authority(url))?.get(name).cloned()
    }

    pub fn set_cookie(&mut self, url: &str, name: &str, value: &str) {
        self.jars
            .entry(authority(url))
            .or_default()
            .insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&mut self, url: &str) -> Reply {
        self.send(client().get(url), url).await
    }

    /// A same-origin form post, as a browser sends one from the app's page.
    pub async fn post_form(
        &mut self,
        url: &str,
        form: &(impl serde::Serialize + ?Sized),
        sec_fetch_site: Option<&str>,
    ) -> Reply {
        let mut request = client().post(url).form(form);
        if let Some(site) = sec_fetch_site {
            request = request.header("sec-fetch-site", site);
        }
        self.send(request, url).await
    }

    /// A POST with exactly these headers besides the cookie.
    pub async fn post(&mut self, url: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut request = client()
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, url).await
    }

    async fn send(&mut self, mut request: reqwest::RequestBuilder, url: &str) -> Reply {
        let key = authority(url);
        if let Some(jar) = self.jars.get(&key).filter(|j| !j.is_empty()) {
            let cookies: Vec<String> = jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            request = request.header("cookie", cookies.join("; "));
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let jar = self.jars.entry(key).or_default();
        for value in headers.get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let removed = value.is_empty() || text.contains("Max-Age=0");
            if removed {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
        Reply {
            status,
            headers,
            body: response.text().await.unwrap(),
        }
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split('/').next().unwrap().to_owned()
}

/// The test cluster's server log (`make test` names it in `PG_SERVER_LOG`),
/// read from where it stood when opened: what Postgres logged meanwhile.
pub struct PostgresLog {
    path: String,
    from: u64,
}

impl PostgresLog {
    pub fn open() -> Self {
        let path = std::env::var("PG_SERVER_LOG")
            .expect("PG_SERVER_LOG must name the test cluster's log (make test sets it)");
        let from = std::fs::metadata(&path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .len();
        Self { path, from }
    }

    /// What was logged since `open`.
    pub fn since_open(&self) -> String {
        let all = std::fs::read(&self.path).unwrap();
        let start = usize::try_from(self.from).unwrap().min(all.len());
        String::from_utf8_lossy(&all[start..]).into_owned()
    }

    pub fn assert_no_deadlock(&self) {
        let logged = self.since_open();
        let deadlocks: Vec<&str> = logged
            .lines()
            .filter(|line| line.contains("deadlock detected"))
            .collect();
        assert!(
            deadlocks.is_empty(),
            "Postgres logged deadlocks: {deadlocks:#?}"
        );
    }
}

/// A random UUID as text.
pub fn uuid() -> String {
    Uuid::new_v4().to_string()
}

/// A TCP link between the server and Postgres that a test can cut, as a
/// Postgres restart or a network failure looks to the server: every open
/// connection reset at once, new ones refused until it is restored. The
/// test cluster itself stays up for the other tests running beside.
pub struct Link {
    address: std::net::SocketAddr,
    up: Arc<AtomicBool>,
    /// Bumped by each cut: a connection from before the cut ends itself.
    generation: Arc<AtomicU64>,
}

impl Link {
    async fn to(database_url: &str) -> Self {
        let target = database_url
            .split_once('@')
            .and_then(|(_, rest)| rest.split('/').next())
            .expect("a URL with user@host:port")
            .to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let generation = Arc::new(AtomicU64::new(0));
        let (up_flag, generations) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                if !up_flag.load(Ordering::SeqCst) {
                    drop(client); // refused: closed at once
                    continue;
                }
                let born = generations.load(Ordering::SeqCst);
                let generations = generations.clone();
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    let cut = async {
                        while generations.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                        }
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut => {}
                    }
                    // Dropping both ends resets the connection for each side.
                });
            }
        });
        Self {
            address,
            up,
            generation,
        }
    }

    /// `url` with its host and port replaced by the link's.
    fn url_through(&self, url: &str) -> String {
        let (credentials, rest) = url.split_once('@').unwrap();
        let (_, path) = rest.split_once('/').unwrap();
        format!("{credentials}@{}/{path}", self.address)
    }

    /// Postgres goes away: open connections drop, new ones are refused.
    pub fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Postgres is back.
    pub fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

//! The admin API through the official `aws-sdk-cognitoidentityprovider`
//! client, pointed at the stand-in as the app will point it.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType, UserStatusType};
use cognito_local::config::PoolConfig;
use cognito_local::{Pool, SharedPool, router};

const TENANT_A: &str = "11111111-1111-4111-8111-111111111111";

/// The stand-in on a real socket, and an SDK client for it.
async fn start() -> (SharedPool, Client, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let config =
        PoolConfig::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("pool.toml"))
            .unwrap();
    let pool = Pool::open(config, base.clone(), None).unwrap();
    tokio::spawn(axum::serve(listener, router(pool.clone())).into_future());
    let conf = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(&base)
        .credentials_provider(Credentials::new("local", "local", None, None, "test"))
        .build();
    (pool.clone(), Client::from_conf(conf), base)
}

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .unwrap()
}

fn pool_id(pool: &SharedPool) -> String {
    pool.config.pool_id.clone()
}

async fn create(client: &Client, pool: &SharedPool, email: &str, tenant: &str) -> String {
    client
        .admin_create_user()
        .user_pool_id(pool_id(pool))
        .username(email)
        .user_attributes(attr("custom:tenant_id", tenant))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap()
        .user()
        .unwrap()
        .username()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_created_user_can_be_read_back_with_its_attributes() {
    let (pool, client, _) = start().await;

    let created = client
        .admin_create_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .user_attributes(attr("custom:tenant_id", TENANT_A))
        .user_attributes(attr("name", "Ada"))
        .temporary_password("Temp-pass-42")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    let user = created.user().unwrap();
    let fetched = client
        .admin_get_user()
        .user_pool_id(pool_id(&pool))
        .username("ADA@example.test")
        .send()
        .await
        .unwrap();

    assert_eq!(
        user.user_status(),
        Some(&UserStatusType::ForceChangePassword)
    );
    assert!(user.enabled());
    assert_eq!(fetched.username(), user.username().unwrap());
    let value = |name: &str| {
        fetched
            .user_attributes()
            .iter()
            .find(|a| a.name() == name)
            .and_then(|a| a.value())
            .map(str::to_owned)
    };
    assert_eq!(value("email").as_deref(), Some("ada@example.test"));
    assert_eq!(value("custom:tenant_id").as_deref(), Some(TENANT_A));
    assert_eq!(value("sub").as_deref(), user.username());
}

#[tokio::test]
async fn an_email_already_in_the_pool_is_refused_whatever_its_case() {
    let (pool, client, _) = start().await;
    create(&client, &pool, "ada@example.test", TENANT_A).await;

    let error = client
        .admin_create_user()
        .user_pool_id(pool_id(&pool))
        .username("Ada@Example.TEST")
        .send()
        .await
        .unwrap_err();

    assert_eq!(error.code(), Some("UsernameExistsException"));
}

#[tokio::test]
async fn bad_create_requests_name_the_problem() {
    let (pool, client, _) = start().await;
    let cases = [
        ("not-an-email", None, None, "InvalidParameterException"),
        (
            "ada@example.test",
            Some(attr("custom:shoe_size", "9")),
            None,
            "InvalidParameterException",
        ),
        (
            "ada@example.test",
            None,
            Some("short"),
            "InvalidPasswordException",
        ),
    ];
    for (username, attribute, password, expected) in cases {
        let mut request = client
            .admin_create_user()
            .user_pool_id(pool_id(&pool))
            .username(username);
        if let Some(attribute) = attribute {
            request = request.user_attributes(attribute);
        }
        if let Some(password) = password {
            request = request.temporary_password(password);
        }
        let error = request.send().await.unwrap_err();
        assert_eq!(error.code(), Some(expected), "{username}");
    }
    let listed = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .send()
        .await
        .unwrap();
    assert!(
        listed.users().is_empty(),
        "a refused request created nobody"
    );
}

#[tokio::test]
async fn an_invitation_lands_in_the_outbox_with_a_working_temporary_password() {
    let (pool, client, _) = start().await;

    client
        .admin_create_user()
        .user_pool_id(pool_id(&pool))
        .username("new@example.test")
        .send()
        .await
        .unwrap();
    // (The outbox's HTTP endpoint is covered by the hosted-UI tests.)
    let store = pool.store();
    let message = &store.outbox[0];
    assert_eq!(message.to, "new@example.test");
    let temporary = &message.temporary_password;
    let user = store.find_user("new@example.test").unwrap();
    assert!(user.password.matches(temporary));
}

#[tokio::test]
async fn groups_are_exact_names_and_membership_round_trips() {
    let (pool, client, _) = start().await;
    create(&client, &pool, "ada@example.test", TENANT_A).await;

    client
        .admin_add_user_to_group()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .group_name("SuperUser")
        .send()
        .await
        .unwrap();
    let wrong_case = client
        .admin_add_user_to_group()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .group_name("admin")
        .send()
        .await
        .unwrap_err();
    let no_user = client
        .admin_add_user_to_group()
        .user_pool_id(pool_id(&pool))
        .username("ghost@example.test")
        .group_name("Admin")
        .send()
        .await
        .unwrap_err();
    let groups = client
        .admin_list_groups_for_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();
    client
        .admin_remove_user_from_group()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .group_name("SuperUser")
        .send()
        .await
        .unwrap();
    let after = client
        .admin_list_groups_for_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();
    let all = client
        .list_groups()
        .user_pool_id(pool_id(&pool))
        .send()
        .await
        .unwrap();

    assert_eq!(wrong_case.code(), Some("ResourceNotFoundException"));
    assert_eq!(no_user.code(), Some("UserNotFoundException"));
    assert_eq!(
        groups
            .groups()
            .iter()
            .filter_map(|g| g.group_name())
            .collect::<Vec<_>>(),
        vec!["SuperUser"]
    );
    assert!(after.groups().is_empty());
    let mut names: Vec<_> = all.groups().iter().filter_map(|g| g.group_name()).collect();
    names.sort();
    assert_eq!(names, vec!["Admin", "Member", "ReadOnly", "SuperUser"]);
}

#[tokio::test]
async fn disable_enable_and_delete() {
    let (pool, client, _) = start().await;
    create(&client, &pool, "ada@example.test", TENANT_A).await;
    let get = || {
        client
            .admin_get_user()
            .user_pool_id(pool_id(&pool))
            .username("ada@example.test")
            .send()
    };

    client
        .admin_disable_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();
    assert!(!get().await.unwrap().enabled());
    client
        .admin_enable_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();
    assert!(get().await.unwrap().enabled());
    client
        .admin_user_global_sign_out()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();
    client
        .admin_delete_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();

    assert_eq!(
        get().await.unwrap_err().code(),
        Some("UserNotFoundException")
    );
    let again = client
        .admin_delete_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap_err();
    assert_eq!(again.code(), Some("UserNotFoundException"));
}

#[tokio::test]
async fn set_password_enforces_the_policy_and_can_make_it_permanent() {
    let (pool, client, _) = start().await;
    create(&client, &pool, "ada@example.test", TENANT_A).await;

    let weak = client
        .admin_set_user_password()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .password("password")
        .permanent(true)
        .send()
        .await
        .unwrap_err();
    client
        .admin_set_user_password()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .password("Strong-pass-1")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let user = client
        .admin_get_user()
        .user_pool_id(pool_id(&pool))
        .username("ada@example.test")
        .send()
        .await
        .unwrap();

    assert_eq!(weak.code(), Some("InvalidPasswordException"));
    assert_eq!(user.user_status(), Some(&UserStatusType::Confirmed));
}

#[tokio::test]
async fn list_users_filters_by_email_exactly_or_by_prefix() {
    let (pool, client, _) = start().await;
    for email in ["ada@example.test", "adam@example.test", "bob@example.test"] {
        create(&client, &pool, email, TENANT_A).await;
    }
    let emails = |users: &[aws_sdk_cognitoidentityprovider::types::UserType]| {
        let mut out: Vec<String> = users
            .iter()
            .filter_map(|u| {
                u.attributes()
                    .iter()
                    .find(|a| a.name() == "email")
                    .and_then(|a| a.value())
                    .map(str::to_owned)
            })
            .collect();
        out.sort();
        out
    };

    let exact = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .filter("email = \"ADA@example.test\"")
        .send()
        .await
        .unwrap();
    let prefix = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .filter("email ^= \"ada\"")
        .send()
        .await
        .unwrap();
    let paged = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .limit(2)
        .send()
        .await
        .unwrap();
    let rest = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .limit(2)
        .pagination_token(paged.pagination_token().unwrap())
        .send()
        .await
        .unwrap();
    let bad = client
        .list_users()
        .user_pool_id(pool_id(&pool))
        .filter("email contains \"a\"")
        .send()
        .await
        .unwrap_err();

    assert_eq!(emails(exact.users()), vec!["ada@example.test"]);
    assert_eq!(
        emails(prefix.users()),
        vec!["ada@example.test", "adam@example.test"]
    );
    assert_eq!(paged.users().len() + rest.users().len(), 3);
    assert!(rest.pagination_token().is_none());
    assert_eq!(bad.code(), Some("InvalidParameterException"));
}

#[tokio::test]
async fn the_app_client_cannot_write_the_tenant_attribute() {
    let (pool, client, _) = start().await;

    let described = client
        .describe_user_pool_client()
        .user_pool_id(pool_id(&pool))
        .client_id(&pool.config.client.id)
        .send()
        .await
        .unwrap();
    let unknown = client
        .describe_user_pool_client()
        .user_pool_id(pool_id(&pool))
        .client_id("nope")
        .send()
        .await
        .unwrap_err();

    let app_client = described.user_pool_client().unwrap();
    assert!(
        app_client
            .read_attributes()
            .iter()
            .any(|a| a == "custom:tenant_id")
    );
    assert!(
        !app_client
            .write_attributes()
            .iter()
            .any(|a| a == "custom:tenant_id")
    );
    assert_eq!(app_client.client_id(), Some(pool.config.client.id.as_str()));
    assert_eq!(unknown.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn a_user_cannot_move_themselves_to_another_tenant() {
    let (pool, client, _) = start().await;
    let username = create(&client, &pool, "ada@example.test", TENANT_A).await;
    client
        .admin_set_user_password()
        .user_pool_id(pool_id(&pool))
        .username(&username)
        .password("Strong-pass-1")
        .permanent(true)
        .send()
        .await
        .unwrap();
    let access_token = {
        let user = pool.store().users.get(&username).cloned().unwrap();
        let origin = uuid::Uuid::new_v4().to_string();
        cognito_local::tokens::issue(
            &pool,
            &user,
            &cognito_local::tokens::Grant {
                client_id: &pool.config.client.id,
                scope: "openid",
                nonce: None,
                auth_time: 0,
                origin_jti: &origin,
            },
        )
        .access_token
    };

    let tenant = client
        .update_user_attributes()
        .access_token(&access_token)
        .user_attributes(attr(
            "custom:tenant_id",
            "22222222-2222-4222-8222-222222222222",
        ))
        .send()
        .await
        .unwrap_err();
    let name = client
        .update_user_attributes()
        .access_token(&access_token)
        .user_attributes(attr("name", "Ada L."))
        .send()
        .await;
    let forged = client
        .update_user_attributes()
        .access_token("forged.token.value")
        .user_attributes(attr("name", "x"))
        .send()
        .await
        .unwrap_err();

    assert_eq!(tenant.code(), Some("NotAuthorizedException"));
    assert!(name.is_ok(), "{name:?}");
    assert_eq!(forged.code(), Some("NotAuthorizedException"));
    let user = client
        .admin_get_user()
        .user_pool_id(pool_id(&pool))
        .username(&username)
        .send()
        .await
        .unwrap();
    let tenant_now = user
        .user_attributes()
        .iter()
        .find(|a| a.name() == "custom:tenant_id")
        .and_then(|a| a.value());
    assert_eq!(tenant_now, Some(TENANT_A));
}

#[tokio::test]
async fn self_sign_up_is_refused_and_other_pools_do_not_exist() {
    let (pool, client, _) = start().await;

    let sign_up = client
        .sign_up()
        .client_id(&pool.config.client.id)
        .username("me@example.test")
        .password("Strong-pass-1")
        .send()
        .await
        .unwrap_err();
    let other_pool = client
        .admin_get_user()
        .user_pool_id("eu-west-1_Other")
        .username("x@example.test")
        .send()
        .await
        .unwrap_err();

    assert_eq!(sign_up.code(), Some("NotAuthorizedException"));
    assert_eq!(other_pool.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn an_ordered_failure_fails_that_operation_once() {
    let (pool, client, _) = start().await;
    create(&client, &pool, "ada@example.test", TENANT_A).await;
    let add = || {
        client
            .admin_add_user_to_group()
            .user_pool_id(pool_id(&pool))
            .username("ada@example.test")
            .group_name("Member")
            .send()
    };
    pool.fail_next("AdminAddUserToGroup");

    let failed = add().await.unwrap_err();
    assert_eq!(failed.code(), Some("InternalErrorException"));
    assert!(
        pool.store()
            .find_user("ada@example.test")
            .unwrap()
            .groups
            .is_empty()
    );
    add().await.unwrap();
    assert!(
        pool.store()
            .find_user("ada@example.test")
            .unwrap()
            .groups
            .contains("Member")
    );
}

#[tokio::test]
async fn the_pool_says_only_administrators_create_users() {
    let (pool, client, _) = start().await;
    let described = client
        .describe_user_pool()
        .user_pool_id(pool_id(&pool))
        .send()
        .await
        .unwrap();
    let config = described
        .user_pool()
        .unwrap()
        .admin_create_user_config()
        .unwrap();
    assert!(config.allow_admin_create_user_only());
}

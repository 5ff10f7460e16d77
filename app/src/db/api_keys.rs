//! Tenant API keys: made, listed and revoked by an Admin; presented by
//! machines on `/api/v1` as `Authorization: Bearer saas_…`.
//!
//! A key's text is `saas_` and the URL-safe base64 of its id, its tenant's
//! id and 32 random bytes. Only the SHA-256 of the whole text is stored.
//! [`authenticate`] reads the tenant from the text, opens a transaction in
//! that tenant and looks for a live key with that id *and* that hash: a
//! text with another tenant's id (or any change at all) finds no row, so the
//! tenant a key acts in is the one whose row matched — the verified
//! credential's — never what the text merely claims.

use super::{Db, DbError, TenantTx};
use crate::domain::KeyName;
use crate::identity::{Credential, Identity, SignedIn, TenantId};
use crate::model::ApiKey;
use crate::role::Role;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// What every key's text starts with, so a leaked one is easy to spot.
pub const KEY_PREFIX: &str = "saas_";
/// How much of the text the list shows.
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 8;
/// `last_used_at` is written at most this often per key.
const TOUCH_EVERY_SECS: i64 = 60;

/// A key's text, as parsed: which key, in which tenant, and its hash.
struct Presented {
    key: Uuid,
    tenant: TenantId,
    hash: [u8; 32],
}

fn parse(text: &str) -> Option<Presented> {
    let encoded = text.strip_prefix(KEY_PREFIX)?;
    // 64 bytes encode to 86 characters; refuse anything else before decoding.
    if encoded.len() != 86 {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
    let (key, rest) = bytes.split_first_chunk::<16>()?;
    let (tenant, secret) = rest.split_first_chunk::<16>()?;
    if secret.len() != 32 {
        return None;
    }
    Some(Presented {
        key: Uuid::from_bytes(*key),
        tenant: TenantId::from_uuid(Uuid::from_bytes(*tenant)),
        hash: Sha256::digest(text.as_bytes()).into(),
    })
}

/// A new key's text for `key` in `tenant`.
fn mint(key: Uuid, tenant: TenantId) -> Result<String, DbError> {
    let mut bytes = [0u8; 64];
    bytes[..16].copy_from_slice(key.as_bytes());
    bytes[16..32].copy_from_slice(tenant.as_uuid().as_bytes());
    getrandom::fill(&mut bytes[32..]).map_err(|error| {
        tracing::error!(%error, "no randomness for an API key");
        DbError::Unavailable(sqlx::Error::Protocol("no randomness".into()))
    })?;
    Ok(format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// The caller a key's text proves, if it names a live key of its tenant
/// with exactly that hash; `None` otherwise (unknown, changed, revoked or
/// expired: all the same to the caller). Marks the key used.
pub async fn authenticate(db: &Db, text: &str) -> Result<Option<SignedIn>, DbError> {
    let Some(presented) = parse(text) else {
        return Ok(None);
    };
    let mut tx = TenantTx::begin_for(&db.pool, presented.tenant, false).await?;
    let found = sqlx::query!(
        r#"select k.name, k.role as "role: Role", t.name as tenant_name,
                  k.last_used_at is null
                    or k.last_used_at < now() - make_interval(secs => $3) as "stale!"
           from api_keys k join tenants t on t.tenant_id = k.tenant_id
           where k.id = $1 and k.secret_hash = $2 and k.revoked_at is null
             and (k.expires_at is null or k.expires_at > now())"#,
        presented.key,
        &presented.hash[..],
        TOUCH_EVERY_SECS as f64
    )
    .fetch_optional(tx.conn())
    .await?;
    let Some(found) = found else {
        tx.rollback().await?;
        return Ok(None);
    };
    if found.stale {
        sqlx::query!(
            "update api_keys set last_used_at = now() where id = $1",
            presented.key
        )
        .execute(tx.conn())
        .await?;
    }
    tx.commit().await?;
    Ok(Some(SignedIn {
        identity: Identity::for_api_key(presented.key, &found.name, presented.tenant, found.role),
        tenant_name: found.tenant_name,
        auth_epoch: 0,
        credential: Credential::ApiKey(presented.key),
    }))
}

/// What a new key is to be.
pub struct NewKey<'a> {
    pub name: &'a KeyName,
    pub role: Role,
    pub expires_at: Option<OffsetDateTime>,
}

/// Why a key was not made.
#[derive(Debug)]
pub enum CreateError {
    /// A live key of the tenant has that name already (any case).
    NameTaken,
    Db(DbError),
}

impl From<DbError> for CreateError {
    fn from(error: DbError) -> Self {
        Self::Db(error)
    }
}

/// Makes a key in the transaction's tenant, created by `by`, and returns it
/// with its text — which is not stored and cannot be shown again.
pub async fn create(
    tx: &mut TenantTx,
    by: &Identity,
    new: &NewKey<'_>,
) -> Result<(ApiKey, String), CreateError> {
    let id = Uuid::new_v4();
    let text = mint(id, tx.tenant_id())?;
    let hash: [u8; 32] = Sha256::digest(text.as_bytes()).into();
    let prefix = &text[..SHOWN_CHARS];
    let inserted = sqlx::query_as!(
        ApiKey,
        r#"insert into api_keys (tenant_id, id, name, prefix, secret_hash, role, created_by,
                                 created_by_email, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           returning id, name, prefix, role as "role: Role", created_by_email, created_at,
                     expires_at, revoked_at, last_used_at"#,
        tx.tenant_id().as_uuid(),
        id,
        new.name.as_str(),
        prefix,
        &hash[..],
        new.role.as_str(),
        by.sub(),
        by.email(),
        new.expires_at
    )
    .fetch_one(tx.conn())
    .await;
    match inserted {
        Ok(key) => Ok((key, text)),
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("api_keys_live_name_key") => {
            Err(CreateError::NameTaken)
        }
        Err(error) => Err(CreateError::Db(error.into())),
    }
}

/// How long after it was made a key's text may still be shown by
/// [`just_made`].
pub const JUST_MADE_SECS: i64 = 120;

/// The key whose text this is, if it is a live key of the transaction's
/// tenant that `by` made in the last [`JUST_MADE_SECS`]. A form post made
/// without JavaScript gets the text back once, in a cookie, for the keys
/// page to show; that page asks here first, so a cookie someone else set
/// (another key's text, another tenant's, an old one, or made up) shows
/// nothing.
pub async fn just_made(
    tx: &mut TenantTx,
    by: &Identity,
    text: &str,
) -> Result<Option<ApiKey>, DbError> {
    let Some(presented) = parse(text).filter(|p| p.tenant == tx.tenant_id()) else {
        return Ok(None);
    };
    Ok(sqlx::query_as!(
        ApiKey,
        r#"select id, name, prefix, role as "role: Role", created_by_email, created_at,
                  expires_at, revoked_at, last_used_at
           from api_keys
           where id = $1 and secret_hash = $2 and created_by = $3 and revoked_at is null
             and (expires_at is null or expires_at > now())
             and created_at > now() - make_interval(secs => $4)"#,
        presented.key,
        &presented.hash[..],
        by.sub(),
        JUST_MADE_SECS as f64
    )
    .fetch_optional(tx.conn())
    .await?)
}

/// The tenant's keys, live ones first, newest first.
pub async fn list(tx: &mut TenantTx) -> Result<Vec<ApiKey>, DbError> {
    Ok(sqlx::query_as!(
        ApiKey,
        r#"select id, name, prefix, role as "role: Role", created_by_email, created_at,
                  expires_at, revoked_at, last_used_at
           from api_keys
           order by revoked_at is not null, created_at desc, id
           limit 500"#
    )
    .fetch_all(tx.conn())
    .await?)
}

/// Revokes a live key of the tenant: `None` if there is no such key or it
/// was revoked already. The key's gate is taken first, exclusively: it
/// waits for the key's own writing transactions under way (they hold it
/// shared, see `app.lock_key_gate`), and those that start while it waits
/// queue behind it and then find the key gone. Then the row, FOR UPDATE.
/// (The id goes through the tenant's rows first: an id of no key here
/// takes no gate.)
pub async fn revoke(tx: &mut TenantTx, id: Uuid) -> Result<Option<ApiKey>, DbError> {
    sqlx::query!(
        "select from app.lock_key_gate((select id from api_keys where id = $1 and revoked_at is null))",
        id
    )
    .execute(tx.conn())
    .await?;
    let live = sqlx::query_scalar!(
        "select id from api_keys where id = $1 and revoked_at is null for update",
        id
    )
    .fetch_optional(tx.conn())
    .await?;
    if live.is_none() {
        return Ok(None);
    }
    Ok(sqlx::query_as!(
        ApiKey,
        r#"update api_keys set revoked_at = now() where id = $1
           returning id, name, prefix, role as "role: Role", created_by_email, created_at,
                     expires_at, revoked_at, last_used_at"#,
        id
    )
    .fetch_optional(tx.conn())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_key_parses_back_to_its_id_and_tenant() {
        let id = Uuid::new_v4();
        let tenant = TenantId::from_uuid(Uuid::new_v4());
        let text = mint(id, tenant).unwrap();
        assert!(text.starts_with("saas_"));
        let parsed = parse(&text).unwrap();
        assert_eq!(parsed.key, id);
        assert_eq!(parsed.tenant, tenant);
        assert_eq!(
            parsed.hash,
            <[u8; 32]>::from(Sha256::digest(text.as_bytes()))
        );
        // Two keys never share a secret.
        assert_ne!(mint(id, tenant).unwrap(), text);
    }

    #[test]
    fn anything_else_is_no_key() {
        let text = mint(Uuid::new_v4(), TenantId::from_uuid(Uuid::new_v4())).unwrap();
        for bad in [
            "",
            "saas_",
            &text[1..],
            &text[..text.len() - 1],
            &format!("{text}A"),
            &text.replace("saas_", "sk_"),
            "saas_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }
}

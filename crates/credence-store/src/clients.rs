//! API clients: a name, a scope and the SHA-256 of their bearer token (never the token).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::{sql, Pool};
use crate::decode::unknown;
use crate::error::StoreError;
use crate::types::{ApiClient, ApiClientId, Entity, NewApiClient, Scope, Stamp, TokenHash};
use crate::write::Write;

type ClientRow = (i64, String, String, DateTime<Utc>, Option<DateTime<Utc>>);

const CLIENT_COLUMNS: &str = "id, name, scope, created_at, revoked_at";

fn client_from(row: ClientRow) -> Result<ApiClient, StoreError> {
    let (id, name, scope, created_at, revoked_at) = row;
    let scope = scope
        .parse::<Scope>()
        .map_err(|e| unknown("API client scope", e.value))?;
    Ok(ApiClient {
        id: ApiClientId(id),
        name,
        scope,
        created_at,
        revoked_at,
    })
}

/// Registers a client (the token hash must be new).
pub(crate) async fn create(
    w: &mut Write,
    stamp: &Stamp,
    client: &NewApiClient,
) -> Result<ApiClient, StoreError> {
    let scope = client.scope.to_string();
    let row: ClientRow = sql(format!(
        "INSERT INTO api_clients (name, token_hash, scope, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING {CLIENT_COLUMNS}"
    ))
    .bind(client.name.as_str())
    .bind(client.token_hash.as_str())
    .bind(scope.as_str())
    .bind(stamp.at())
    .fetch_one(&mut w.tx)
    .await?;
    let created = client_from(row)?;
    w.audit(
        stamp,
        "api_client.create",
        &created.id.to_string(),
        &json!({ "name": client.name, "scope": scope }),
    )?;
    Ok(created)
}

/// The unrevoked client holding this token hash.
pub(crate) async fn by_token_hash(
    pool: &Pool,
    hash: &TokenHash,
) -> Result<Option<ApiClient>, StoreError> {
    let row: Option<ClientRow> = sql(format!(
        "SELECT {CLIENT_COLUMNS} FROM api_clients WHERE token_hash = $1 AND revoked_at IS NULL"
    ))
    .bind(hash.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(client_from).transpose()
}

/// All clients, revoked ones included, by id.
pub(crate) async fn list(pool: &Pool) -> Result<Vec<ApiClient>, StoreError> {
    let rows: Vec<ClientRow> = sql(format!(
        "SELECT {CLIENT_COLUMNS} FROM api_clients ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    rows.into_iter().map(client_from).collect()
}

/// Revokes a client (idempotent: audited only the first time).
pub(crate) async fn revoke(
    w: &mut Write,
    stamp: &Stamp,
    id: ApiClientId,
) -> Result<ApiClient, StoreError> {
    let revoked =
        sql("UPDATE api_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
            .bind(id.0)
            .bind(stamp.at())
            .execute(&mut w.tx)
            .await?;
    let row: Option<ClientRow> = sql(format!(
        "SELECT {CLIENT_COLUMNS} FROM api_clients WHERE id = $1"
    ))
    .bind(id.0)
    .fetch_optional(&mut w.tx)
    .await?;
    let client = client_from(row.ok_or_else(|| StoreError::NotFound {
        what: Entity::ApiClient,
        id: id.to_string(),
    })?)?;
    if revoked > 0 {
        w.audit(stamp, "api_client.revoke", &id.to_string(), &json!({}))?;
    }
    Ok(client)
}

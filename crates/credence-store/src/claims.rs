//! Claim links (only the SHA-256 of each token), the share setting of each badge, and the keyed
//! registration digests kept beside badges for the recipient check.

use credence_core::badge::RegistrationDigest;
use credence_core::model::BadgeId;
use serde_json::json;

use crate::db::{sql, Pool};
use crate::error::StoreError;
use crate::types::{Claim, Entity, Stamp, TokenHash};
use crate::write::Write;

/// Records claim links for badges that have none; returns how many were new.
pub(crate) async fn put(
    w: &mut Write,
    stamp: &Stamp,
    claims: &[(BadgeId, TokenHash)],
) -> Result<u64, StoreError> {
    let mut created = Vec::new();
    for (badge, hash) in claims {
        let n = sql(
            "INSERT INTO claims (badge_id, token_hash, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT DO NOTHING",
        )
        .bind(badge.as_str())
        .bind(hash.as_str())
        .bind(stamp.at())
        .execute(&mut w.tx)
        .await?;
        if n > 0 {
            created.push(badge.as_str());
        }
    }
    if !created.is_empty() {
        let subject = format!("{} badges", created.len());
        w.audit(
            stamp,
            "claim.create",
            &subject,
            &json!({ "badges": created }),
        )?;
    }
    Ok(created.len() as u64)
}

/// The badge a claim token hash opens, with its share setting.
pub(crate) async fn get(pool: &Pool, hash: &TokenHash) -> Result<Option<Claim>, StoreError> {
    let row: Option<(String, bool)> =
        sql("SELECT badge_id, share_enabled FROM claims WHERE token_hash = $1")
            .bind(hash.as_str())
            .fetch_optional(pool)
            .await?;
    let Some((badge_id, share_enabled)) = row else {
        return Ok(None);
    };
    let id = BadgeId::try_from(badge_id.as_str())
        .map_err(|e| StoreError::corrupt("claim badge id", e))?;
    Ok(crate::badges::get(pool, &id).await?.map(|badge| Claim {
        badge,
        share_enabled,
    }))
}

/// The keyed digest of a badge holder's registration.
pub(crate) async fn registration_digest(
    pool: &Pool,
    badge: &BadgeId,
) -> Result<Option<RegistrationDigest>, StoreError> {
    let row: Option<(String,)> = sql("SELECT digest FROM badge_registrations WHERE badge_id = $1")
        .bind(badge.as_str())
        .fetch_optional(pool)
        .await?;
    row.map(|(d,)| {
        RegistrationDigest::parse(&d).map_err(|e| StoreError::corrupt("registration digest", e))
    })
    .transpose()
}

/// A badge's share setting (None without a claim link).
pub(crate) async fn share_enabled(
    pool: &Pool,
    badge: &BadgeId,
) -> Result<Option<bool>, StoreError> {
    let row: Option<(bool,)> = sql("SELECT share_enabled FROM claims WHERE badge_id = $1")
        .bind(badge.as_str())
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(b,)| b))
}

/// Turns a badge's share page on or off (audited when it changes).
pub(crate) async fn set_share(
    w: &mut Write,
    stamp: &Stamp,
    badge: &BadgeId,
    enabled: bool,
) -> Result<bool, StoreError> {
    let changed = sql(
        "UPDATE claims SET share_enabled = $2, share_changed_at = $3 \
                       WHERE badge_id = $1 AND share_enabled <> $2",
    )
    .bind(badge.as_str())
    .bind(enabled)
    .bind(stamp.at())
    .execute(&mut w.tx)
    .await?;
    if changed == 0 {
        let exists: Option<(bool,)> = sql("SELECT share_enabled FROM claims WHERE badge_id = $1")
            .bind(badge.as_str())
            .fetch_optional(&mut w.tx)
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                what: Entity::Badge,
                id: badge.to_string(),
            });
        }
        return Ok(enabled);
    }
    let action = if enabled {
        "badge.share_on"
    } else {
        "badge.share_off"
    };
    w.audit(stamp, action, badge.as_str(), &json!({}))?;
    Ok(enabled)
}

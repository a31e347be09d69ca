//! Completions and their badges: recorded together, in bulk, idempotently by provider reference;
//! with the keyed registration digest and the claim link of each badge in the same transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use credence_core::model::{
    BadgeId, Fingerprint, ProviderId, ProviderReference, SpecId, SpecVersion,
};
use credence_vc::keys::VerificationMethodId;
use serde_json::json;

use crate::db::{insert_values, placeholders, sql, Param, Pool, Tx};
use crate::decode::unknown;
use crate::error::{CorruptError, StoreError};
use crate::types::{
    BadgeFilter, BadgePage, BadgeRecord, Cursor, Entity, IssueOutcome, NewIssuance, Stamp,
};
use crate::write::{Write, CHUNK};

/// Columns of a badge with its completion, in [`badge_from`]'s order.
const BADGE_SELECT: &str = "SELECT c.seq, c.provider, c.provider_reference, c.fingerprint, \
     c.spec_id, c.version, c.completed_on, b.badge_id, b.credential, b.jwt, \
     b.verification_method, b.issued_at FROM completions c JOIN badges b ON b.completion_seq = c.seq";

/// Raw badge columns.
type BadgeRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    NaiveDate,
    String,
    String,
    Option<String>,
    String,
    DateTime<Utc>,
);

fn badge_from(row: BadgeRow) -> Result<(i64, BadgeRecord), StoreError> {
    let (
        seq,
        provider,
        reference,
        fingerprint,
        spec,
        version,
        completed_on,
        id,
        credential,
        jwt,
        vm,
        issued_at,
    ) = row;
    let c = |e| StoreError::corrupt("badge", CorruptError::Model(e));
    let fp = hex::decode(&fingerprint)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| unknown("badge fingerprint", &fingerprint))?;
    Ok((
        seq,
        BadgeRecord {
            id: BadgeId::try_from(id).map_err(c)?,
            provider: ProviderId::try_from(provider).map_err(c)?,
            provider_reference: ProviderReference::try_from(reference).map_err(c)?,
            fingerprint: Fingerprint(fp),
            specification: SpecId::try_from(spec).map_err(c)?,
            version: SpecVersion::try_from(version).map_err(c)?,
            completed_on,
            credential,
            jwt,
            verification_method: VerificationMethodId::new(vm)
                .map_err(|e| StoreError::corrupt("badge", e))?,
            issued_at,
        },
    ))
}

/// A completion's key: its provider and the provider's reference.
type Reference = (ProviderId, ProviderReference);

/// The badges already recorded for any of `references`: one query per provider and chunk.
pub(crate) async fn for_references<'a>(
    tx: &mut Tx,
    references: impl IntoIterator<Item = (&'a ProviderId, &'a ProviderReference)>,
) -> Result<HashMap<Reference, BadgeRecord>, StoreError> {
    let mut by_provider: HashMap<&ProviderId, Vec<&ProviderReference>> = HashMap::new();
    for (provider, reference) in references {
        by_provider.entry(provider).or_default().push(reference);
    }
    let mut found = HashMap::new();
    for (provider, references) in by_provider {
        for chunk in references.chunks(CHUNK) {
            let text = format!(
                "{BADGE_SELECT} WHERE c.provider = {} AND c.provider_reference IN ({})",
                placeholders(tx, 1, 1),
                placeholders(tx, 2, chunk.len())
            );
            let rows: Vec<BadgeRow> = sql(text)
                .bind(provider.as_str())
                .bind_all(chunk.iter().map(|r| Param::from(r.as_str())))
                .fetch_all(&mut *tx)
                .await?;
            for row in rows {
                let (_, badge) = badge_from(row)?;
                found.insert(
                    (badge.provider.clone(), badge.provider_reference.clone()),
                    badge,
                );
            }
        }
    }
    Ok(found)
}

/// The answer for a completion whose reference is already taken by `stored`.
fn taken(stored: &BadgeRecord, fingerprint: &Fingerprint) -> IssueOutcome {
    if &stored.fingerprint == fingerprint {
        IssueOutcome::AlreadyIssued(stored.clone())
    } else {
        IssueOutcome::Conflict(stored.clone())
    }
}

fn record_of(i: &NewIssuance) -> BadgeRecord {
    BadgeRecord {
        id: i.badge_id.clone(),
        provider: i.provider.clone(),
        provider_reference: i.provider_reference.clone(),
        fingerprint: i.fingerprint,
        specification: i.specification.clone(),
        version: i.version.clone(),
        completed_on: i.completed_on,
        credential: i.credential.clone(),
        jwt: i.jwt.clone(),
        verification_method: i.verification_method.clone(),
        issued_at: chrono::SubsecRound::trunc_subsecs(i.issued_at, 6),
    }
}

/// Records completions with their badges, registration digests and claim links, each row
/// independently: a new reference is `Issued`; a taken one `AlreadyIssued` (same fingerprint)
/// or `Conflict`. Inside the write lock, so the look-up sees every committed completion.
pub(crate) async fn record(
    w: &mut Write,
    stamp: &Stamp,
    issuances: &[NewIssuance],
) -> Result<Vec<IssueOutcome>, StoreError> {
    let existing = for_references(
        &mut w.tx,
        issuances
            .iter()
            .map(|i| (&i.provider, &i.provider_reference)),
    )
    .await?;
    let mut outcomes = Vec::with_capacity(issuances.len());
    let mut new: Vec<&NewIssuance> = Vec::new();
    let mut first: HashMap<(&ProviderId, &ProviderReference), usize> = HashMap::new();
    for i in issuances {
        let key = (i.provider.clone(), i.provider_reference.clone());
        if let Some(stored) = existing.get(&key) {
            outcomes.push(taken(stored, &i.fingerprint));
        } else if let Some(&n) = first.get(&(&i.provider, &i.provider_reference)) {
            // The same reference twice in one submission: the first one stands.
            let stored = new
                .get(n)
                .map(|f| record_of(f))
                .ok_or_else(|| StoreError::NotFound {
                    what: Entity::Completion,
                    id: i.provider_reference.to_string(),
                })?;
            outcomes.push(taken(&stored, &i.fingerprint));
        } else {
            first.insert((&i.provider, &i.provider_reference), new.len());
            new.push(i);
            outcomes.push(IssueOutcome::Issued(record_of(i)));
        }
    }
    for chunk in new.chunks(CHUNK) {
        insert(w, stamp, chunk).await?;
    }
    Ok(outcomes)
}

/// Inserts new completions, their badges, digests and claim links, and one audit row a badge.
async fn insert(w: &mut Write, stamp: &Stamp, new: &[&NewIssuance]) -> Result<(), StoreError> {
    let at = stamp.at();
    let completions = insert_values(
        &w.tx,
        "completions (provider, provider_reference, fingerprint, spec_id, version, \
         completed_on, recorded_at)",
        new.len(),
        7,
    ) + " RETURNING seq, provider, provider_reference";
    let seqs: Vec<(i64, String, String)> = sql(completions)
        .bind_all(new.iter().flat_map(|i| {
            [
                Param::from(i.provider.as_str()),
                i.provider_reference.as_str().into(),
                i.fingerprint.to_hex().into(),
                i.specification.as_str().into(),
                i.version.as_str().into(),
                i.completed_on.into(),
                at.into(),
            ]
        }))
        .fetch_all(&mut w.tx)
        .await?;
    let seq_of: HashMap<(String, String), i64> = seqs
        .into_iter()
        .map(|(seq, provider, reference)| ((provider, reference), seq))
        .collect();
    let mut badge_params = Vec::with_capacity(new.len() * 7);
    for i in new {
        let key = (i.provider.to_string(), i.provider_reference.to_string());
        let seq = *seq_of.get(&key).ok_or_else(|| StoreError::NotFound {
            what: Entity::Completion,
            id: i.provider_reference.to_string(),
        })?;
        let issued_at = chrono::SubsecRound::trunc_subsecs(i.issued_at, 6);
        badge_params.extend([
            Param::from(i.badge_id.as_str()),
            seq.into(),
            i.credential.as_str().into(),
            i.jwt.as_deref().into(),
            i.verification_method.as_str().into(),
            issued_at.into(),
            issued_at.timestamp_micros().into(),
        ]);
    }
    sql(insert_values(
        &w.tx,
        "badges (badge_id, completion_seq, credential, jwt, verification_method, issued_at, \
         issued_us)",
        new.len(),
        7,
    ))
    .bind_all(badge_params)
    .execute(&mut w.tx)
    .await?;
    sql(insert_values(
        &w.tx,
        "badge_registrations (badge_id, digest)",
        new.len(),
        2,
    ))
    .bind_all(new.iter().flat_map(|i| {
        [
            Param::from(i.badge_id.as_str()),
            i.registration.as_str().into(),
        ]
    }))
    .execute(&mut w.tx)
    .await?;
    sql(insert_values(
        &w.tx,
        "claims (badge_id, token_hash, created_at)",
        new.len(),
        3,
    ))
    .bind_all(new.iter().flat_map(|i| {
        [
            Param::from(i.badge_id.as_str()),
            i.claim.as_str().into(),
            at.into(),
        ]
    }))
    .execute(&mut w.tx)
    .await?;
    for i in new {
        w.audit(
            stamp,
            "badge.issue",
            i.badge_id.as_str(),
            &json!({
                "provider": i.provider,
                "provider_reference": i.provider_reference,
                "specification": i.specification,
                "version": i.version,
                "fingerprint": i.fingerprint.to_hex(),
                "verification_method": i.verification_method,
            }),
        )?;
    }
    let ids: Vec<&str> = new.iter().map(|i| i.badge_id.as_str()).collect();
    w.audit(
        stamp,
        "claim.create",
        &format!("{} badges", ids.len()),
        &json!({ "badges": ids }),
    )?;
    w.flush_audit().await
}

/// The badge recorded for a provider reference.
pub(crate) async fn for_reference(
    pool: &Pool,
    provider: &ProviderId,
    reference: &ProviderReference,
) -> Result<Option<BadgeRecord>, StoreError> {
    let row: Option<BadgeRow> = sql(format!(
        "{BADGE_SELECT} WHERE c.provider = $1 AND c.provider_reference = $2"
    ))
    .bind(provider.as_str())
    .bind(reference.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(|r| badge_from(r).map(|(_, b)| b)).transpose()
}

/// One badge.
pub(crate) async fn get<'a>(
    on: impl Into<crate::db::On<'a>>,
    id: &BadgeId,
) -> Result<Option<BadgeRecord>, StoreError> {
    let row: Option<BadgeRow> = sql(format!("{BADGE_SELECT} WHERE b.badge_id = $1"))
        .bind(id.as_str())
        .fetch_optional(on)
        .await?;
    row.map(|r| badge_from(r).map(|(_, b)| b)).transpose()
}

/// Whether a badge is recorded (inside a transaction).
pub(crate) async fn exists(tx: &mut Tx, id: &BadgeId) -> Result<bool, StoreError> {
    let row: Option<(String,)> = sql("SELECT badge_id FROM badges WHERE badge_id = $1")
        .bind(id.as_str())
        .fetch_optional(tx)
        .await?;
    Ok(row.is_some())
}

/// Badges matching `filter`, oldest first, `limit` (1 to 1000) per page after `cursor`.
pub(crate) async fn list(
    pool: &Pool,
    filter: &BadgeFilter,
    cursor: Option<Cursor>,
    limit: u32,
) -> Result<BadgePage, StoreError> {
    let limit = limit.clamp(1, 1000);
    let rows: Vec<BadgeRow> = sql(format!(
        "{BADGE_SELECT} WHERE c.seq > $1 AND ($2 IS NULL OR c.provider = $2) \
         AND ($3 IS NULL OR c.spec_id = $3) AND ($4 IS NULL OR c.version = $4) \
         AND ($5 IS NULL OR b.issued_us >= $5) AND ($6 IS NULL OR b.issued_us < $6) \
         ORDER BY c.seq LIMIT $7"
    ))
    .bind(cursor.map_or(0, |c| c.0))
    .bind(filter.provider.as_ref().map(|p| p.as_str()))
    .bind(filter.specification.as_ref().map(|s| s.as_str()))
    .bind(filter.version.as_ref().map(|v| v.as_str()))
    .bind(filter.issued_from.map(|t| t.timestamp_micros()))
    .bind(filter.issued_before.map(|t| t.timestamp_micros()))
    .bind(i64::from(limit) + 1)
    .fetch_all(pool)
    .await?;
    let more = rows.len() > limit as usize;
    let mut items = Vec::with_capacity(rows.len());
    let mut last = None;
    for row in rows.into_iter().take(limit as usize) {
        let (seq, badge) = badge_from(row)?;
        last = Some(seq);
        items.push(badge);
    }
    Ok(BadgePage {
        items,
        next: if more { last.map(Cursor) } else { None },
    })
}

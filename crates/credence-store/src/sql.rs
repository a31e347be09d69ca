//! The statements both backends share (they use `$n` placeholders, which SQLite and PostgreSQL both
//! accept) and row decoding, expanded once per backend by [`sql_store!`].

use chrono::{DateTime, NaiveDate, Utc};
use credence_core::model::{
    ApprovalChange, ApprovalStatus, BadgeId, Fingerprint, ProviderId, ProviderReference, SpecId,
    SpecVersion,
};
use credence_vc::keys::{PublicKey, VerificationMethodId};

use credence_core::status::{StatusListId, StatusReason, StatusSlot};
use credence_vc::status::StatusPurpose;

use crate::error::{CorruptError, StoreError};
use crate::types::{
    ApiClient, ApiClientId, ApprovalChangeRecord, AuditEntry, BadgeRecord, BadgeStatus, KeyState,
    Scope, SigningKeyRecord, SlotStatus,
};

/// Columns of a badge with its completion, in [`badge_from`]'s order.
pub(crate) const BADGE_SELECT: &str = "SELECT c.seq, c.provider, c.provider_reference, \
     c.fingerprint, c.spec_id, c.version, c.completed_on, b.badge_id, b.credential, b.jwt, \
     b.verification_method, b.issued_at FROM completions c JOIN badges b ON b.completion_seq = c.seq";

/// Raw badge columns.
pub(crate) type BadgeRow = (
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

pub(crate) fn badge_from(row: BadgeRow) -> Result<(i64, BadgeRecord), StoreError> {
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
        .ok_or_else(|| {
            StoreError::corrupt(
                "badge fingerprint",
                CorruptError::UnknownValue { value: fingerprint },
            )
        })?;
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

pub(crate) type ClientRow = (i64, String, String, DateTime<Utc>, Option<DateTime<Utc>>);

pub(crate) fn client_from(row: ClientRow) -> Result<ApiClient, StoreError> {
    let (id, name, scope, created_at, revoked_at) = row;
    let scope = scope.parse::<Scope>().map_err(|e| {
        StoreError::corrupt(
            "API client scope",
            CorruptError::UnknownValue { value: e.value },
        )
    })?;
    Ok(ApiClient {
        id: ApiClientId(id),
        name,
        scope,
        created_at,
        revoked_at,
    })
}

pub(crate) type KeyRow = (String, String, String, DateTime<Utc>, Option<DateTime<Utc>>);

pub(crate) fn key_from(row: KeyRow) -> Result<SigningKeyRecord, StoreError> {
    let (vm, multibase, state, created_at, retired_at) = row;
    let state = match state.as_str() {
        "active" => KeyState::Active,
        "retired" => KeyState::Retired,
        _ => {
            return Err(StoreError::corrupt(
                "signing key state",
                CorruptError::UnknownValue { value: state },
            ))
        }
    };
    Ok(SigningKeyRecord {
        verification_method: VerificationMethodId::new(vm)
            .map_err(|e| StoreError::corrupt("signing key", e))?,
        public_key: PublicKey::from_multibase(&multibase)
            .map_err(|e| StoreError::corrupt("signing key", e))?,
        state,
        created_at,
        retired_at,
    })
}

pub(crate) type ChangeRow = (
    i64,
    String,
    NaiveDate,
    Option<String>,
    DateTime<Utc>,
    String,
);

pub(crate) fn change_from(row: ChangeRow) -> Result<ApprovalChangeRecord, StoreError> {
    let (seq, status, effective, note, recorded_at, recorded_by) = row;
    let status: ApprovalStatus = serde_json::from_value(serde_json::Value::String(status))
        .map_err(|e| StoreError::corrupt("approval change status", e))?;
    Ok(ApprovalChangeRecord {
        seq: u32::try_from(seq).unwrap_or(u32::MAX),
        change: ApprovalChange {
            status,
            effective,
            note,
        },
        recorded_at,
        recorded_by,
    })
}

pub(crate) type AuditRow = (
    i64,
    DateTime<Utc>,
    String,
    String,
    String,
    String,
    String,
    String,
);

pub(crate) fn audit_from(row: AuditRow) -> AuditEntry {
    let (id, at, actor, action, subject, detail, prev_hash, hash) = row;
    AuditEntry {
        id,
        at,
        actor,
        action,
        subject,
        detail,
        prev_hash,
        hash,
    }
}

/// Rows per multi-row `INSERT` or `IN (…)` list (4 parameters a row stays far below both
/// databases' limits on bound parameters).
pub(crate) const CHUNK: usize = 1000;

/// Columns of a status slot, in [`badge_status_from`]'s order.
pub(crate) const SLOT_SELECT: &str = "SELECT purpose, list_id, idx, is_set, reason, note, \
     changed_at, changed_by FROM status_slots";

/// Raw status slot columns.
pub(crate) type SlotRow = (
    String,
    i64,
    i64,
    bool,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// A stored status purpose.
pub(crate) fn purpose_from(text: String) -> Result<StatusPurpose, StoreError> {
    StatusPurpose::parse(&text).map_err(|_| {
        StoreError::corrupt("status purpose", CorruptError::UnknownValue { value: text })
    })
}

/// A stored count or index (never negative).
pub(crate) fn unsigned(what: &'static str, n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| {
        StoreError::corrupt(
            what,
            CorruptError::UnknownValue {
                value: n.to_string(),
            },
        )
    })
}

/// A stored size or count as `usize`.
pub(crate) fn size_from(what: &'static str, n: i64) -> Result<usize, StoreError> {
    usize::try_from(unsigned(what, n)?).map_err(|_| {
        StoreError::corrupt(
            what,
            CorruptError::UnknownValue {
                value: n.to_string(),
            },
        )
    })
}

/// A badge's status from its slot rows; `None` without both a revocation and a suspension slot.
pub(crate) fn badge_status_from(
    badge: &BadgeId,
    rows: Vec<SlotRow>,
) -> Result<Option<BadgeStatus>, StoreError> {
    let mut revocation = None;
    let mut suspension = None;
    for (purpose, list, idx, set, reason, note, changed_at, changed_by) in rows {
        let reason = reason
            .map(|r| {
                r.parse::<StatusReason>().map_err(|_| {
                    StoreError::corrupt("status reason", CorruptError::UnknownValue { value: r })
                })
            })
            .transpose()?;
        let slot = SlotStatus {
            slot: StatusSlot {
                list: StatusListId(unsigned("status list id", list)?),
                index: unsigned("status index", idx)?,
            },
            set,
            reason,
            note,
            changed_at,
            changed_by,
        };
        match purpose_from(purpose)? {
            StatusPurpose::Revocation => revocation = Some(slot),
            StatusPurpose::Suspension => suspension = Some(slot),
        }
    }
    Ok(match (revocation, suspension) {
        (Some(revocation), Some(suspension)) => Some(BadgeStatus {
            badge: badge.clone(),
            revocation,
            suspension,
        }),
        _ => None,
    })
}

/// What a status change asks for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum StatusChange<'a> {
    /// Set the revocation bit.
    Revoke(StatusReason, Option<&'a str>),
    /// Set the suspension bit.
    Suspend(StatusReason, Option<&'a str>),
    /// Clear the suspension bit.
    Reinstate(Option<&'a str>),
}

/// Draws `n` distinct indexes below `size` that are not in `tried`, adding them to it; `None` if
/// fewer than `n` untried indexes remain.
pub(crate) fn draw(
    rng: &mut impl rand::Rng,
    size: u64,
    n: usize,
    tried: &mut std::collections::HashSet<u64>,
) -> Option<Vec<u64>> {
    if (tried.len() as u64).saturating_add(n as u64) > size {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let candidate = rng.gen_range(0..size);
        if tried.insert(candidate) {
            out.push(candidate);
        }
    }
    Some(out)
}

/// Picks `n` of the `free` indexes uniformly at random, without repeats.
pub(crate) fn pick_free(rng: &mut impl rand::Rng, free: &[u64], n: usize) -> Option<Vec<u64>> {
    if n > free.len() {
        return None;
    }
    Some(
        rand::seq::index::sample(rng, free.len(), n)
            .into_iter()
            .map(|i| free[i])
            .collect(),
    )
}

/// Parses a stored JSON document into a domain type.
pub(crate) fn document<T: serde::de::DeserializeOwned>(
    what: &'static str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::corrupt(what, e))
}

/// Serializes a domain type for storage.
pub(crate) fn to_document<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::corrupt(what, e))
}

/// Implements [`Store`](crate::Store) for a backend type with a `pool` field and a
/// `begin_write(&self) -> Result<(Transaction<'static, Db>, Head), StoreError>` method that
/// begins a transaction holding the audit chain's write lock.
macro_rules! sql_store {
    ($Store:ident, $Db:ty) => {
        use async_trait::async_trait;
        use credence_core::badge::identity::RegistrationDigest;
        use credence_vc::keys::{PublicKey, VerificationMethodId};
        use credence_core::model::{
            ApprovalChange, ApprovalId, BadgeId, CredentialSpecification, Provider,
            ProviderApproval, ProviderId, ProviderReference, RawProviderApproval, SpecId,
            SpecVersion,
        };
        use credence_vc::status::StatusPurpose;
        use credence_core::status::{BadgeStatusSlots, StatusListId, StatusReason, StatusSlot};
        use serde_json::json;

        use crate::audit::{check_chain, now, Head};
        use crate::error::{CorruptError, StoreError};
        use crate::sql::{
            audit_from, badge_from, badge_status_from, change_from, client_from, document, draw,
            key_from, pick_free, purpose_from, size_from, to_document, unsigned, AuditRow,
            BadgeRow, ChangeRow, ClientRow, KeyRow, SlotRow, StatusChange, BADGE_SELECT, CHUNK,
            SLOT_SELECT,
        };
        use crate::types::{
            Actor, ApiClient, ApiClientId, ApprovalChangeRecord, AuditEntry, BadgeFilter,
            BadgePage, BadgeRecord, BadgeStatus, ChainCheck, Claim, Cursor, Entity, IssueOutcome,
            NewApiClient, NewIssuance, SigningKeyRecord, StatusConflict, StatusListRecord,
            TokenHash, Written,
        };
        use crate::Store;

        type Tx = sqlx::Transaction<'static, $Db>;

        impl $Store {
            /// Records the new chain head and commits.
            async fn finish(&self, mut tx: Tx, head: Head) -> Result<(), StoreError> {
                sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
                    .bind(head.last_id)
                    .bind(&head.last_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// Hands out one bit of `purpose` to each badge, list after list; inside the
            /// allocation lock, so the newest list and its count cannot change underneath.
            async fn allocate_purpose(
                &self,
                tx: &mut Tx,
                rng: &mut rand::rngs::StdRng,
                purpose: StatusPurpose,
                badges: &[&BadgeId],
            ) -> Result<Vec<StatusSlot>, StoreError> {
                let mut out = Vec::with_capacity(badges.len());
                let mut rest = badges;
                while !rest.is_empty() {
                    let (list, size, allocated) = open_list(tx, purpose, self.options.status_list_len()).await?;
                    let take = rest.len().min(size.saturating_sub(allocated) as usize);
                    let (these, later) = rest.split_at(take);
                    let indexes = if (allocated + take as u64).saturating_mul(2) <= size {
                        allocate_sparse(tx, rng, list, size, purpose, these).await?
                    } else {
                        allocate_dense(tx, rng, list, size, purpose, these).await?
                    };
                    sqlx::query("UPDATE status_lists SET allocated = allocated + $2 WHERE list_id = $1")
                        .bind(list)
                        .bind(take as i64)
                        .execute(&mut **tx)
                        .await?;
                    let list = StatusListId(unsigned("status list id", list)?);
                    out.extend(indexes.into_iter().map(|index| StatusSlot { list, index }));
                    rest = later;
                }
                Ok(out)
            }

            /// Applies one status change in one audited transaction.
            async fn change_status(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                change: StatusChange<'_>,
            ) -> Result<BadgeStatus, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let rows: Vec<SlotRow> =
                    sqlx::query_as(&format!("{SLOT_SELECT} WHERE badge_id = $1"))
                        .bind(badge.as_str())
                        .fetch_all(&mut *tx)
                        .await?;
                let Some(mut status) = badge_status_from(badge, rows)? else {
                    let recorded: Option<(String,)> =
                        sqlx::query_as("SELECT badge_id FROM badges WHERE badge_id = $1")
                            .bind(badge.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                    return Err(StoreError::NotFound {
                        what: if recorded.is_some() { Entity::StatusSlot } else { Entity::Badge },
                        id: badge.to_string(),
                    });
                };
                let conflict = |conflict| StoreError::StatusConflict {
                    badge: badge.clone(),
                    conflict,
                };
                if status.is_revoked() {
                    return Err(conflict(StatusConflict::AlreadyRevoked));
                }
                let (purpose, set, reason, note, action) = match change {
                    StatusChange::Revoke(reason, note) => {
                        (StatusPurpose::Revocation, true, Some(reason), note, "badge.revoke")
                    }
                    StatusChange::Suspend(_, _) if status.is_suspended() => {
                        return Err(conflict(StatusConflict::AlreadySuspended));
                    }
                    StatusChange::Suspend(reason, note) => {
                        (StatusPurpose::Suspension, true, Some(reason), note, "badge.suspend")
                    }
                    StatusChange::Reinstate(_) if !status.is_suspended() => {
                        return Err(conflict(StatusConflict::NotSuspended));
                    }
                    StatusChange::Reinstate(note) => {
                        (StatusPurpose::Suspension, false, None, note, "badge.reinstate")
                    }
                };
                let slot = match purpose {
                    StatusPurpose::Revocation => &mut status.revocation,
                    _ => &mut status.suspension,
                };
                let list = i64::try_from(slot.slot.list.0).unwrap_or(i64::MAX);
                let index = i64::try_from(slot.slot.index).unwrap_or(i64::MAX);
                let at = now();
                sqlx::query(
                    "UPDATE status_slots SET is_set = $3, reason = $4, note = $5, changed_at = $6, \
                     changed_by = $7 WHERE list_id = $1 AND idx = $2",
                )
                .bind(list)
                .bind(index)
                .bind(set)
                .bind(reason.map(StatusReason::as_str))
                .bind(note)
                .bind(at)
                .bind(actor.as_str())
                .execute(&mut *tx)
                .await?;
                let (version,): (i64,) = sqlx::query_as(
                    "UPDATE status_lists SET version = version + 1 WHERE list_id = $1 RETURNING version",
                )
                .bind(list)
                .fetch_one(&mut *tx)
                .await?;
                audit(&mut tx, &mut head, actor, action, badge.as_str(), json!({
                    "purpose": purpose.as_str(),
                    "list": list,
                    "index": index,
                    "list_version": version,
                    "reason": reason.map(StatusReason::as_str),
                    "note": note,
                })).await?;
                self.finish(tx, head).await?;
                slot.set = set;
                slot.reason = reason;
                slot.note = note.map(str::to_owned);
                slot.changed_at = Some(at);
                slot.changed_by = Some(actor.as_str().to_owned());
                Ok(status)
            }
        }

        /// Appends one audit row inside the transaction.
        async fn audit(
            tx: &mut Tx,
            head: &mut Head,
            actor: &Actor,
            action: &str,
            subject: &str,
            detail: serde_json::Value,
        ) -> Result<(), StoreError> {
            let detail = credence_ld::jcs::canonicalize(&detail)
                .map_err(|e| StoreError::corrupt("audit detail", e))?;
            let e = head.append(actor, action, subject, detail);
            sqlx::query(
                "INSERT INTO audit_log (id, at, actor, action, subject, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(e.id)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(&e.subject)
            .bind(&e.detail)
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .execute(&mut **tx)
            .await?;
            Ok(())
        }

        async fn approval_in(
            tx: &mut Tx,
            id: &ApprovalId,
        ) -> Result<Option<ProviderApproval>, StoreError> {
            let row: Option<(String,)> =
                sqlx::query_as("SELECT document FROM approvals WHERE approval_id = $1")
                    .bind(id.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
            row.map(|(d,)| document("approval", &d)).transpose()
        }

        async fn insert_changes(
            tx: &mut Tx,
            actor: &Actor,
            approval: &ProviderApproval,
            from: usize,
        ) -> Result<(), StoreError> {
            let at = now();
            for (seq, c) in approval.history().iter().enumerate().skip(from) {
                sqlx::query(
                    "INSERT INTO approval_changes (approval_id, seq, status, effective, note, \
                     recorded_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(approval.id().as_str())
                .bind(seq as i64)
                .bind(c.status.as_str())
                .bind(c.effective)
                .bind(c.note.as_deref())
                .bind(at)
                .bind(actor.as_str())
                .execute(&mut **tx)
                .await?;
            }
            Ok(())
        }

        async fn badge_by_reference(
            tx: &mut Tx,
            provider: &ProviderId,
            reference: &ProviderReference,
        ) -> Result<Option<BadgeRecord>, StoreError> {
            let row: Option<BadgeRow> = sqlx::query_as(&format!(
                "{BADGE_SELECT} WHERE c.provider = $1 AND c.provider_reference = $2"
            ))
            .bind(provider.as_str())
            .bind(reference.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            row.map(|r| badge_from(r).map(|(_, b)| b)).transpose()
        }

        /// Inserts a completion and its badge; `None` if the reference is already taken.
        async fn insert_issuance(
            tx: &mut Tx,
            i: &NewIssuance,
        ) -> Result<Option<BadgeRecord>, StoreError> {
            let issued_at = chrono::SubsecRound::trunc_subsecs(i.issued_at, 6);
            let seq: Option<(i64,)> = sqlx::query_as(
                "INSERT INTO completions (provider, provider_reference, fingerprint, spec_id, \
                 version, completed_on, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (provider, provider_reference) DO NOTHING RETURNING seq",
            )
            .bind(i.provider.as_str())
            .bind(i.provider_reference.as_str())
            .bind(i.fingerprint.to_hex())
            .bind(i.specification.as_str())
            .bind(i.version.as_str())
            .bind(i.completed_on)
            .bind(issued_at)
            .fetch_optional(&mut **tx)
            .await?;
            let Some((seq,)) = seq else {
                return Ok(None);
            };
            sqlx::query(
                "INSERT INTO badges (badge_id, completion_seq, credential, jwt, \
                 verification_method, issued_at, issued_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(i.badge_id.as_str())
            .bind(seq)
            .bind(&i.credential)
            .bind(i.jwt.as_deref())
            .bind(i.verification_method.as_str())
            .bind(issued_at)
            .bind(issued_at.timestamp_micros())
            .execute(&mut **tx)
            .await?;
            sqlx::query("INSERT INTO badge_registrations (badge_id, digest) VALUES ($1, $2)")
                .bind(i.badge_id.as_str())
                .bind(i.registration.as_str())
                .execute(&mut **tx)
                .await?;
            Ok(Some(BadgeRecord {
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
                issued_at,
            }))
        }

        /// The newest list of `purpose` if it has a free entry, else a new list of `len` entries:
        /// (list id, size, allocated).
        async fn open_list(
            tx: &mut Tx,
            purpose: StatusPurpose,
            len: usize,
        ) -> Result<(i64, u64, u64), StoreError> {
            let newest: Option<(i64, i64, i64)> = sqlx::query_as(
                "SELECT list_id, size, allocated FROM status_lists WHERE purpose = $1 \
                 ORDER BY list_id DESC LIMIT 1",
            )
            .bind(purpose.as_str())
            .fetch_optional(&mut **tx)
            .await?;
            let row = match newest {
                Some(row) if row.2 < row.1 => row,
                _ => {
                    sqlx::query_as(
                        "INSERT INTO status_lists (purpose, size, created_at) VALUES ($1, $2, $3) \
                         RETURNING list_id, size, allocated",
                    )
                    .bind(purpose.as_str())
                    .bind(len as i64)
                    .bind(now())
                    .fetch_one(&mut **tx)
                    .await?
                }
            };
            Ok((row.0, unsigned("status list size", row.1)?, unsigned("status list count", row.2)?))
        }

        /// Inserts slots, skipping indexes already taken when `skip_taken`; returns the indexes
        /// inserted.
        async fn insert_slots(
            tx: &mut Tx,
            list: i64,
            purpose: StatusPurpose,
            rows: &[(&BadgeId, u64)],
            skip_taken: bool,
        ) -> Result<Vec<u64>, StoreError> {
            let mut inserted = Vec::with_capacity(rows.len());
            for chunk in rows.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::<$Db>::new(
                    "INSERT INTO status_slots (list_id, idx, badge_id, purpose) ",
                );
                q.push_values(chunk, |mut row, (badge, index)| {
                    row.push_bind(list)
                        .push_bind(i64::try_from(*index).unwrap_or(i64::MAX))
                        .push_bind(badge.as_str())
                        .push_bind(purpose.as_str());
                });
                if skip_taken {
                    q.push(" ON CONFLICT (list_id, idx) DO NOTHING");
                }
                q.push(" RETURNING idx");
                let got: Vec<(i64,)> = q.build_query_as().fetch_all(&mut **tx).await?;
                for (index,) in got {
                    inserted.push(unsigned("status index", index)?);
                }
            }
            Ok(inserted)
        }

        /// Random probes for a list at most half full: draw an untried index per badge, insert
        /// skipping taken ones, and draw again for the badges whose index was taken.
        async fn allocate_sparse(
            tx: &mut Tx,
            rng: &mut rand::rngs::StdRng,
            list: i64,
            size: u64,
            purpose: StatusPurpose,
            badges: &[&BadgeId],
        ) -> Result<Vec<u64>, StoreError> {
            let mut got: Vec<Option<u64>> = vec![None; badges.len()];
            let mut pending: Vec<usize> = (0..badges.len()).collect();
            let mut tried = std::collections::HashSet::new();
            while !pending.is_empty() {
                let picks = draw(rng, size, pending.len(), &mut tried)
                    .ok_or_else(|| full_list(list))?;
                let rows: Vec<(&BadgeId, u64)> =
                    pending.iter().zip(&picks).map(|(&i, &index)| (badges[i], index)).collect();
                let inserted: std::collections::HashSet<u64> =
                    insert_slots(tx, list, purpose, &rows, true).await?.into_iter().collect();
                let mut retry = Vec::new();
                for (&i, &index) in pending.iter().zip(&picks) {
                    if inserted.contains(&index) {
                        got[i] = Some(index);
                    } else {
                        retry.push(i);
                    }
                }
                pending = retry;
            }
            got.into_iter().map(|g| g.ok_or_else(|| full_list(list))).collect()
        }

        /// For a list more than half full: read the taken indexes and pick among the free ones.
        async fn allocate_dense(
            tx: &mut Tx,
            rng: &mut rand::rngs::StdRng,
            list: i64,
            size: u64,
            purpose: StatusPurpose,
            badges: &[&BadgeId],
        ) -> Result<Vec<u64>, StoreError> {
            let taken: Vec<(i64,)> = sqlx::query_as("SELECT idx FROM status_slots WHERE list_id = $1")
                .bind(list)
                .fetch_all(&mut **tx)
                .await?;
            let mut is_taken = vec![false; usize::try_from(size).unwrap_or(0)];
            for (index,) in taken {
                if let Some(t) = usize::try_from(index).ok().and_then(|i| is_taken.get_mut(i)) {
                    *t = true;
                }
            }
            let free: Vec<u64> = (0..size)
                .zip(&is_taken)
                .filter(|(_, t)| !**t)
                .map(|(i, _)| i)
                .collect();
            let picks = pick_free(rng, &free, badges.len()).ok_or_else(|| full_list(list))?;
            let rows: Vec<(&BadgeId, u64)> = badges.iter().copied().zip(picks.iter().copied()).collect();
            insert_slots(tx, list, purpose, &rows, false).await?;
            Ok(picks)
        }

        /// A list whose count of handed-out entries disagrees with its slots.
        fn full_list(list: i64) -> StoreError {
            StoreError::corrupt(
                "status list allocation count",
                CorruptError::UnknownValue { value: list.to_string() },
            )
        }

        /// The slots already held by any of `badges`, by badge id text.
        async fn existing_slots(
            tx: &mut Tx,
            badges: &[&BadgeId],
        ) -> Result<std::collections::HashMap<String, Vec<(StatusPurpose, StatusSlot)>>, StoreError> {
            let mut found: std::collections::HashMap<String, Vec<(StatusPurpose, StatusSlot)>> =
                std::collections::HashMap::new();
            for chunk in badges.chunks(CHUNK) {
                let mut q = sqlx::QueryBuilder::<$Db>::new(
                    "SELECT badge_id, purpose, list_id, idx FROM status_slots WHERE badge_id IN (",
                );
                let mut ids = q.separated(", ");
                for badge in chunk {
                    ids.push_bind(badge.as_str());
                }
                ids.push_unseparated(")");
                let rows: Vec<(String, String, i64, i64)> =
                    q.build_query_as().fetch_all(&mut **tx).await?;
                for (badge, purpose, list, index) in rows {
                    let slot = StatusSlot {
                        list: StatusListId(unsigned("status list id", list)?),
                        index: unsigned("status index", index)?,
                    };
                    found.entry(badge).or_default().push((purpose_from(purpose)?, slot));
                }
            }
            Ok(found)
        }

        #[async_trait]
        impl Store for $Store {
            async fn ping(&self) -> Result<(), StoreError> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn put_specification(
                &self,
                actor: &Actor,
                spec: &CredentialSpecification,
            ) -> Result<Written, StoreError> {
                let doc = to_document("specification", spec)?;
                let (mut tx, mut head) = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE specifications SET title = $3, document = $4, updated_at = $5 \
                     WHERE spec_id = $1 AND version = $2",
                )
                .bind(spec.id().as_str())
                .bind(spec.version().as_str())
                .bind(spec.title())
                .bind(&doc)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let written = if updated == 0 {
                    sqlx::query(
                        "INSERT INTO specifications (spec_id, version, title, document, \
                         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(spec.id().as_str())
                    .bind(spec.version().as_str())
                    .bind(spec.title())
                    .bind(&doc)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                    Written::Created
                } else {
                    Written::Updated
                };
                let subject = format!("{} {}", spec.id(), spec.version());
                audit(&mut tx, &mut head, actor, "specification.put", &subject, json!({ "specification": spec })).await?;
                self.finish(tx, head).await?;
                Ok(written)
            }

            async fn specification(
                &self,
                id: &SpecId,
                version: &SpecVersion,
            ) -> Result<Option<CredentialSpecification>, StoreError> {
                let row: Option<(String,)> = sqlx::query_as(
                    "SELECT document FROM specifications WHERE spec_id = $1 AND version = $2",
                )
                .bind(id.as_str())
                .bind(version.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(d,)| document("specification", &d)).transpose()
            }

            async fn list_specifications(&self) -> Result<Vec<CredentialSpecification>, StoreError> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT document FROM specifications ORDER BY spec_id, version",
                )
                .fetch_all(&self.pool)
                .await?;
                let mut specs: Vec<CredentialSpecification> = rows
                    .iter()
                    .map(|(d,)| document("specification", d))
                    .collect::<Result<_, _>>()?;
                // Numeric version order (1.10 after 1.9), which text order does not give.
                specs.sort_by(|a, b| {
                    (a.id(), a.version().numbers()).cmp(&(b.id(), b.version().numbers()))
                });
                Ok(specs)
            }

            async fn put_provider(
                &self,
                actor: &Actor,
                provider: &Provider,
            ) -> Result<Written, StoreError> {
                let doc = to_document("provider", provider)?;
                let (mut tx, mut head) = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE providers SET name = $2, document = $3, updated_at = $4 WHERE ukprn = $1",
                )
                .bind(provider.ukprn().as_str())
                .bind(provider.name())
                .bind(&doc)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let written = if updated == 0 {
                    sqlx::query(
                        "INSERT INTO providers (ukprn, name, document, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $4)",
                    )
                    .bind(provider.ukprn().as_str())
                    .bind(provider.name())
                    .bind(&doc)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                    Written::Created
                } else {
                    Written::Updated
                };
                audit(&mut tx, &mut head, actor, "provider.put", provider.ukprn().as_str(), json!({ "provider": provider })).await?;
                self.finish(tx, head).await?;
                Ok(written)
            }

            async fn provider(&self, ukprn: &ProviderId) -> Result<Option<Provider>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT document FROM providers WHERE ukprn = $1")
                        .bind(ukprn.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(d,)| document("provider", &d)).transpose()
            }

            async fn list_providers(&self) -> Result<Vec<Provider>, StoreError> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT document FROM providers ORDER BY ukprn")
                        .fetch_all(&self.pool)
                        .await?;
                rows.iter().map(|(d,)| document("provider", d)).collect()
            }

            async fn put_approval(
                &self,
                actor: &Actor,
                approval: &ProviderApproval,
            ) -> Result<Written, StoreError> {
                let doc = to_document("approval", approval)?;
                let (mut tx, mut head) = self.begin_write().await?;
                let provider: Option<(String,)> =
                    sqlx::query_as("SELECT ukprn FROM providers WHERE ukprn = $1")
                        .bind(approval.provider().as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                if provider.is_none() {
                    return Err(StoreError::NotFound {
                        what: Entity::Provider,
                        id: approval.provider().to_string(),
                    });
                }
                let spec: Option<(String,)> = sqlx::query_as(
                    "SELECT spec_id FROM specifications WHERE spec_id = $1 AND version = $2",
                )
                .bind(approval.specification().as_str())
                .bind(approval.version().as_str())
                .fetch_optional(&mut *tx)
                .await?;
                if spec.is_none() {
                    return Err(StoreError::NotFound {
                        what: Entity::Specification,
                        id: format!("{} {}", approval.specification(), approval.version()),
                    });
                }
                let written = match approval_in(&mut tx, approval.id()).await? {
                    Some(old) => {
                        let old_len = old.history().len();
                        if approval.history().get(..old_len) != Some(old.history()) {
                            return Err(StoreError::HistoryRewrite {
                                approval: approval.id().clone(),
                            });
                        }
                        sqlx::query(
                            "UPDATE approvals SET provider = $2, spec_id = $3, version = $4, \
                             document = $5, updated_at = $6 WHERE approval_id = $1",
                        )
                        .bind(approval.id().as_str())
                        .bind(approval.provider().as_str())
                        .bind(approval.specification().as_str())
                        .bind(approval.version().as_str())
                        .bind(&doc)
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                        insert_changes(&mut tx, actor, approval, old_len).await?;
                        Written::Updated
                    }
                    None => {
                        sqlx::query(
                            "INSERT INTO approvals (approval_id, provider, spec_id, version, \
                             document, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                        )
                        .bind(approval.id().as_str())
                        .bind(approval.provider().as_str())
                        .bind(approval.specification().as_str())
                        .bind(approval.version().as_str())
                        .bind(&doc)
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                        insert_changes(&mut tx, actor, approval, 0).await?;
                        Written::Created
                    }
                };
                audit(&mut tx, &mut head, actor, "approval.put", approval.id().as_str(), json!({ "approval": approval })).await?;
                self.finish(tx, head).await?;
                Ok(written)
            }

            async fn add_approval_change(
                &self,
                actor: &Actor,
                id: &ApprovalId,
                change: ApprovalChange,
            ) -> Result<ProviderApproval, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let old = approval_in(&mut tx, id).await?.ok_or_else(|| StoreError::NotFound {
                    what: Entity::Approval,
                    id: id.to_string(),
                })?;
                let old_len = old.history().len();
                let mut raw = RawProviderApproval::from(old);
                raw.history.push(change.clone());
                let new = ProviderApproval::try_from(raw).map_err(StoreError::InvalidChange)?;
                sqlx::query("UPDATE approvals SET document = $2, updated_at = $3 WHERE approval_id = $1")
                    .bind(id.as_str())
                    .bind(to_document("approval", &new)?)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?;
                insert_changes(&mut tx, actor, &new, old_len).await?;
                audit(&mut tx, &mut head, actor, "approval.change", id.as_str(), json!({ "change": change })).await?;
                self.finish(tx, head).await?;
                Ok(new)
            }

            async fn approval(&self, id: &ApprovalId) -> Result<Option<ProviderApproval>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT document FROM approvals WHERE approval_id = $1")
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(d,)| document("approval", &d)).transpose()
            }

            async fn list_approvals(
                &self,
                provider: Option<&ProviderId>,
            ) -> Result<Vec<ProviderApproval>, StoreError> {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT document FROM approvals WHERE ($1 IS NULL OR provider = $1) \
                     ORDER BY approval_id",
                )
                .bind(provider.map(|p| p.as_str()))
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|(d,)| document("approval", d)).collect()
            }

            async fn approval_history(
                &self,
                id: &ApprovalId,
            ) -> Result<Vec<ApprovalChangeRecord>, StoreError> {
                let rows: Vec<ChangeRow> = sqlx::query_as(
                    "SELECT seq, status, effective, note, recorded_at, recorded_by \
                     FROM approval_changes WHERE approval_id = $1 ORDER BY seq",
                )
                .bind(id.as_str())
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(change_from).collect()
            }

            async fn create_api_client(
                &self,
                actor: &Actor,
                client: &NewApiClient,
            ) -> Result<ApiClient, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let scope = client.scope.to_string();
                let row: ClientRow = sqlx::query_as(
                    "INSERT INTO api_clients (name, token_hash, scope, created_at) \
                     VALUES ($1, $2, $3, $4) RETURNING id, name, scope, created_at, revoked_at",
                )
                .bind(&client.name)
                .bind(client.token_hash.as_str())
                .bind(&scope)
                .bind(now())
                .fetch_one(&mut *tx)
                .await?;
                let created = client_from(row)?;
                audit(&mut tx, &mut head, actor, "api_client.create", &created.id.to_string(), json!({ "name": client.name, "scope": scope })).await?;
                self.finish(tx, head).await?;
                Ok(created)
            }

            async fn client_by_token_hash(
                &self,
                hash: &TokenHash,
            ) -> Result<Option<ApiClient>, StoreError> {
                let row: Option<ClientRow> = sqlx::query_as(
                    "SELECT id, name, scope, created_at, revoked_at FROM api_clients \
                     WHERE token_hash = $1 AND revoked_at IS NULL",
                )
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(client_from).transpose()
            }

            async fn list_api_clients(&self) -> Result<Vec<ApiClient>, StoreError> {
                let rows: Vec<ClientRow> = sqlx::query_as(
                    "SELECT id, name, scope, created_at, revoked_at FROM api_clients ORDER BY id",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(client_from).collect()
            }

            async fn revoke_api_client(
                &self,
                actor: &Actor,
                id: ApiClientId,
            ) -> Result<ApiClient, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let revoked = sqlx::query(
                    "UPDATE api_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id.0)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let row: Option<ClientRow> = sqlx::query_as(
                    "SELECT id, name, scope, created_at, revoked_at FROM api_clients WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?;
                let client = client_from(row.ok_or_else(|| StoreError::NotFound {
                    what: Entity::ApiClient,
                    id: id.to_string(),
                })?)?;
                if revoked > 0 {
                    audit(&mut tx, &mut head, actor, "api_client.revoke", &id.to_string(), json!({})).await?;
                }
                self.finish(tx, head).await?;
                Ok(client)
            }

            async fn activate_signing_key(
                &self,
                actor: &Actor,
                verification_method: &VerificationMethodId,
                public_key: &PublicKey,
            ) -> Result<SigningKeyRecord, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let at = now();
                let retired: Vec<(String,)> = sqlx::query_as(
                    "UPDATE signing_keys SET state = 'retired', retired_at = $1 \
                     WHERE state = 'active' RETURNING verification_method",
                )
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
                let row: KeyRow = sqlx::query_as(
                    "INSERT INTO signing_keys (verification_method, public_key_multibase, state, \
                     created_at) VALUES ($1, $2, 'active', $3) RETURNING verification_method, \
                     public_key_multibase, state, created_at, retired_at",
                )
                .bind(verification_method.as_str())
                .bind(public_key.to_multibase())
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let key = key_from(row)?;
                let retired: Vec<String> = retired.into_iter().map(|(v,)| v).collect();
                audit(&mut tx, &mut head, actor, "signing_key.activate", verification_method.as_str(), json!({ "public_key_multibase": public_key.to_multibase(), "retired": retired })).await?;
                self.finish(tx, head).await?;
                Ok(key)
            }

            async fn active_signing_key(&self) -> Result<Option<SigningKeyRecord>, StoreError> {
                let row: Option<KeyRow> = sqlx::query_as(
                    "SELECT verification_method, public_key_multibase, state, created_at, \
                     retired_at FROM signing_keys WHERE state = 'active'",
                )
                .fetch_optional(&self.pool)
                .await?;
                row.map(key_from).transpose()
            }

            async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>, StoreError> {
                let rows: Vec<KeyRow> = sqlx::query_as(
                    "SELECT verification_method, public_key_multibase, state, created_at, \
                     retired_at FROM signing_keys ORDER BY created_at, verification_method",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter().map(key_from).collect()
            }

            async fn record_issuances(
                &self,
                actor: &Actor,
                issuances: &[NewIssuance],
            ) -> Result<Vec<IssueOutcome>, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let mut outcomes = Vec::with_capacity(issuances.len());
                for i in issuances {
                    // The chain lock serialises writers, so this read sees every committed
                    // completion; ON CONFLICT keeps the insert safe even without it.
                    let existing =
                        badge_by_reference(&mut tx, &i.provider, &i.provider_reference).await?;
                    let inserted = match existing {
                        Some(_) => None,
                        None => insert_issuance(&mut tx, i).await?,
                    };
                    let outcome = match inserted {
                        Some(badge) => {
                            audit(&mut tx, &mut head, actor, "badge.issue", badge.id.as_str(), json!({
                                "provider": badge.provider,
                                "provider_reference": badge.provider_reference,
                                "specification": badge.specification,
                                "version": badge.version,
                                "fingerprint": badge.fingerprint.to_hex(),
                                "verification_method": badge.verification_method,
                            })).await?;
                            IssueOutcome::Issued(badge)
                        }
                        None => {
                            let stored = match existing {
                                Some(b) => b,
                                None => badge_by_reference(&mut tx, &i.provider, &i.provider_reference)
                                    .await?
                                    .ok_or_else(|| StoreError::NotFound {
                                        what: Entity::Completion,
                                        id: i.provider_reference.to_string(),
                                    })?,
                            };
                            if stored.fingerprint == i.fingerprint {
                                IssueOutcome::AlreadyIssued(stored)
                            } else {
                                IssueOutcome::Conflict(stored)
                            }
                        }
                    };
                    outcomes.push(outcome);
                }
                self.finish(tx, head).await?;
                Ok(outcomes)
            }

            async fn badge_for_reference(
                &self,
                provider: &ProviderId,
                reference: &ProviderReference,
            ) -> Result<Option<BadgeRecord>, StoreError> {
                let row: Option<BadgeRow> = sqlx::query_as(&format!(
                    "{BADGE_SELECT} WHERE c.provider = $1 AND c.provider_reference = $2"
                ))
                .bind(provider.as_str())
                .bind(reference.as_str())
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| badge_from(r).map(|(_, b)| b)).transpose()
            }

            async fn badge(&self, id: &BadgeId) -> Result<Option<BadgeRecord>, StoreError> {
                let row: Option<BadgeRow> =
                    sqlx::query_as(&format!("{BADGE_SELECT} WHERE b.badge_id = $1"))
                        .bind(id.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|r| badge_from(r).map(|(_, b)| b)).transpose()
            }

            async fn list_badges(
                &self,
                filter: &BadgeFilter,
                cursor: Option<Cursor>,
                limit: u32,
            ) -> Result<BadgePage, StoreError> {
                let limit = i64::from(limit.clamp(1, 1000));
                let rows: Vec<BadgeRow> = sqlx::query_as(&format!(
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
                .bind(limit + 1)
                .fetch_all(&self.pool)
                .await?;
                let more = rows.len() as i64 > limit;
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

            async fn allocate_status_slots(
                &self,
                badges: &[BadgeId],
            ) -> Result<Vec<BadgeStatusSlots>, StoreError> {
                use rand::SeedableRng;
                let mut unique: Vec<&BadgeId> = Vec::with_capacity(badges.len());
                let mut seen = std::collections::HashSet::with_capacity(badges.len());
                for badge in badges {
                    if seen.insert(badge.as_str()) {
                        unique.push(badge);
                    }
                }
                if unique.is_empty() {
                    return Ok(Vec::new());
                }
                let mut rng = rand::rngs::StdRng::from_entropy();
                let mut tx = self.begin_allocate().await?;
                let existing = existing_slots(&mut tx, &unique).await?;
                let mut slots: std::collections::HashMap<&str, (Option<StatusSlot>, Option<StatusSlot>)> =
                    std::collections::HashMap::with_capacity(unique.len());
                for badge in &unique {
                    let mut pair = (None, None);
                    for (purpose, slot) in existing.get(badge.as_str()).into_iter().flatten() {
                        match purpose {
                            StatusPurpose::Revocation => pair.0 = Some(*slot),
                            _ => pair.1 = Some(*slot),
                        }
                    }
                    slots.insert(badge.as_str(), pair);
                }
                for purpose in [StatusPurpose::Revocation, StatusPurpose::Suspension] {
                    let wanting: Vec<&BadgeId> = unique
                        .iter()
                        .copied()
                        .filter(|b| {
                            let pair = slots.get(b.as_str());
                            match purpose {
                                StatusPurpose::Revocation => pair.is_none_or(|p| p.0.is_none()),
                                _ => pair.is_none_or(|p| p.1.is_none()),
                            }
                        })
                        .collect();
                    let got = self.allocate_purpose(&mut tx, &mut rng, purpose, &wanting).await?;
                    for (badge, slot) in wanting.iter().zip(got) {
                        let pair = slots.entry(badge.as_str()).or_insert((None, None));
                        match purpose {
                            StatusPurpose::Revocation => pair.0 = Some(slot),
                            _ => pair.1 = Some(slot),
                        }
                    }
                }
                tx.commit().await?;
                badges
                    .iter()
                    .map(|badge| match slots.get(badge.as_str()) {
                        Some((Some(revocation), Some(suspension))) => Ok(BadgeStatusSlots {
                            revocation: *revocation,
                            suspension: *suspension,
                        }),
                        _ => Err(StoreError::NotFound {
                            what: Entity::StatusSlot,
                            id: badge.to_string(),
                        }),
                    })
                    .collect()
            }

            async fn badge_status(&self, badge: &BadgeId) -> Result<Option<BadgeStatus>, StoreError> {
                let rows: Vec<SlotRow> =
                    sqlx::query_as(&format!("{SLOT_SELECT} WHERE badge_id = $1"))
                        .bind(badge.as_str())
                        .fetch_all(&self.pool)
                        .await?;
                badge_status_from(badge, rows)
            }

            async fn revoke_badge(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                reason: StatusReason,
                note: Option<&str>,
            ) -> Result<BadgeStatus, StoreError> {
                self.change_status(actor, badge, StatusChange::Revoke(reason, note)).await
            }

            async fn suspend_badge(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                reason: StatusReason,
                note: Option<&str>,
            ) -> Result<BadgeStatus, StoreError> {
                self.change_status(actor, badge, StatusChange::Suspend(reason, note)).await
            }

            async fn reinstate_badge(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                note: Option<&str>,
            ) -> Result<BadgeStatus, StoreError> {
                self.change_status(actor, badge, StatusChange::Reinstate(note)).await
            }

            async fn current_signed_status_list(
                &self,
                id: StatusListId,
            ) -> Result<Option<(u64, String)>, StoreError> {
                let Ok(list) = i64::try_from(id.0) else {
                    return Ok(None);
                };
                let row: Option<(i64, String)> = sqlx::query_as(
                    "SELECT version, signed_credential FROM status_lists \
                     WHERE list_id = $1 AND signed_version = version \
                     AND signed_credential IS NOT NULL",
                )
                .bind(list)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|(version, signed)| Ok((unsigned("status list version", version)?, signed)))
                    .transpose()
            }

            async fn status_list(
                &self,
                id: StatusListId,
            ) -> Result<Option<StatusListRecord>, StoreError> {
                let Ok(list) = i64::try_from(id.0) else {
                    return Ok(None);
                };
                // One statement, so the version and the set bits are one snapshot.
                let bits: Vec<(i64, Option<i64>)> = sqlx::query_as(
                    "SELECT l.version, s.idx FROM status_lists l LEFT JOIN status_slots s \
                     ON s.list_id = l.list_id AND s.is_set WHERE l.list_id = $1 ORDER BY s.idx",
                )
                .bind(list)
                .fetch_all(&self.pool)
                .await?;
                let Some(&(version, _)) = bits.first() else {
                    return Ok(None);
                };
                let row: Option<(String, i64, i64, chrono::DateTime<chrono::Utc>, Option<i64>, Option<String>)> =
                    sqlx::query_as(
                        "SELECT purpose, size, allocated, created_at, signed_version, \
                         signed_credential FROM status_lists WHERE list_id = $1",
                    )
                    .bind(list)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((purpose, size, allocated, created_at, signed_version, signed)) = row else {
                    return Ok(None);
                };
                let set_indexes = bits
                    .into_iter()
                    .filter_map(|(_, index)| index)
                    .map(|index| unsigned("status index", index))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Some(StatusListRecord {
                    id,
                    purpose: purpose_from(purpose)?,
                    size: size_from("status list size", size)?,
                    allocated: size_from("status list count", allocated)?,
                    version: unsigned("status list version", version)?,
                    created_at,
                    set_indexes,
                    signed: signed.filter(|_| signed_version == Some(version)),
                }))
            }

            async fn put_signed_status_list(
                &self,
                id: StatusListId,
                version: u64,
                credential: &str,
            ) -> Result<bool, StoreError> {
                let not_found = || StoreError::NotFound {
                    what: Entity::StatusList,
                    id: id.to_string(),
                };
                let list = i64::try_from(id.0).map_err(|_| not_found())?;
                let Ok(version) = i64::try_from(version) else {
                    return Ok(false);
                };
                let stored = sqlx::query(
                    "UPDATE status_lists SET signed_version = $2, signed_credential = $3 \
                     WHERE list_id = $1 AND version = $2 \
                     AND (signed_version IS NULL OR signed_version <> $2)",
                )
                .bind(list)
                .bind(version)
                .bind(credential)
                .execute(&self.pool)
                .await?
                .rows_affected();
                if stored > 0 {
                    return Ok(true);
                }
                let exists: Option<(i64,)> =
                    sqlx::query_as("SELECT list_id FROM status_lists WHERE list_id = $1")
                        .bind(list)
                        .fetch_optional(&self.pool)
                        .await?;
                exists.map(|_| false).ok_or_else(not_found)
            }

            async fn audit_entries(
                &self,
                after_id: i64,
                limit: u32,
            ) -> Result<Vec<AuditEntry>, StoreError> {
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT id, at, actor, action, subject, detail, prev_hash, hash \
                     FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after_id)
                .bind(i64::from(limit))
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(audit_from).collect())
            }

            async fn verify_audit_chain(&self) -> Result<ChainCheck, StoreError> {
                // One read transaction, so the head and the rows are one snapshot.
                let mut tx = self.pool.begin().await?;
                let (last_id, last_hash): (i64, String) =
                    sqlx::query_as("SELECT last_id, last_hash FROM audit_head WHERE id = 1")
                        .fetch_one(&mut *tx)
                        .await?;
                let rows: Vec<AuditRow> = sqlx::query_as(
                    "SELECT id, at, actor, action, subject, detail, prev_hash, hash \
                     FROM audit_log ORDER BY id",
                )
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                let rows: Vec<AuditEntry> = rows.into_iter().map(audit_from).collect();
                Ok(check_chain(&rows, &Head { last_id, last_hash }))
            }

            async fn put_claims(
                &self,
                actor: &Actor,
                claims: &[(BadgeId, TokenHash)],
            ) -> Result<u64, StoreError> {
                if claims.is_empty() {
                    return Ok(0);
                }
                let (mut tx, mut head) = self.begin_write().await?;
                let at = now();
                let mut created = Vec::new();
                for (badge, hash) in claims {
                    let n = sqlx::query(
                        "INSERT INTO claims (badge_id, token_hash, created_at) VALUES ($1, $2, $3) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(badge.as_str())
                    .bind(hash.as_str())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if n > 0 {
                        created.push(badge.as_str());
                    }
                }
                if created.is_empty() {
                    return Ok(0);
                }
                let subject = format!("{} badges", created.len());
                audit(&mut tx, &mut head, actor, "claim.create", &subject, json!({"badges": created})).await?;
                self.finish(tx, head).await?;
                Ok(created.len() as u64)
            }

            async fn claim(&self, hash: &TokenHash) -> Result<Option<Claim>, StoreError> {
                let row: Option<(String, bool)> = sqlx::query_as(
                    "SELECT badge_id, share_enabled FROM claims WHERE token_hash = $1",
                )
                .bind(hash.as_str())
                .fetch_optional(&self.pool)
                .await?;
                let Some((badge_id, share_enabled)) = row else {
                    return Ok(None);
                };
                let id = BadgeId::try_from(badge_id.as_str())
                    .map_err(|e| StoreError::corrupt("claim badge id", e))?;
                Ok(self.badge(&id).await?.map(|badge| Claim { badge, share_enabled }))
            }

            async fn registration_digest(
                &self,
                badge: &BadgeId,
            ) -> Result<Option<RegistrationDigest>, StoreError> {
                let row: Option<(String,)> =
                    sqlx::query_as("SELECT digest FROM badge_registrations WHERE badge_id = $1")
                        .bind(badge.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                row.map(|(d,)| {
                    RegistrationDigest::parse(&d)
                        .map_err(|e| StoreError::corrupt("registration digest", e))
                })
                .transpose()
            }

            async fn record_recipient_check(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                kind: &str,
                matched: bool,
            ) -> Result<(), StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                audit(
                    &mut tx,
                    &mut head,
                    actor,
                    "badge.recipient_check",
                    badge.as_str(),
                    json!({ "identity_type": kind, "matched": matched }),
                )
                .await?;
                self.finish(tx, head).await
            }

            async fn share_enabled(&self, badge: &BadgeId) -> Result<Option<bool>, StoreError> {
                let row: Option<(bool,)> =
                    sqlx::query_as("SELECT share_enabled FROM claims WHERE badge_id = $1")
                        .bind(badge.as_str())
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(b,)| b))
            }

            async fn set_share(
                &self,
                actor: &Actor,
                badge: &BadgeId,
                enabled: bool,
            ) -> Result<bool, StoreError> {
                let (mut tx, mut head) = self.begin_write().await?;
                let changed = sqlx::query(
                    "UPDATE claims SET share_enabled = $2, share_changed_at = $3 \
                     WHERE badge_id = $1 AND share_enabled <> $2",
                )
                .bind(badge.as_str())
                .bind(enabled)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    let exists: Option<(bool,)> =
                        sqlx::query_as("SELECT share_enabled FROM claims WHERE badge_id = $1")
                            .bind(badge.as_str())
                            .fetch_optional(&mut *tx)
                            .await?;
                    if exists.is_none() {
                        return Err(StoreError::NotFound {
                            what: Entity::Badge,
                            id: badge.to_string(),
                        });
                    }
                    return Ok(enabled);
                }
                let action = if enabled { "badge.share_on" } else { "badge.share_off" };
                audit(&mut tx, &mut head, actor, action, badge.as_str(), json!({})).await?;
                self.finish(tx, head).await?;
                Ok(enabled)
            }
        }
    };
}

pub(crate) use sql_store;

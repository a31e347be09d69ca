//! Badges' status list bits: handing each badge a random revocation and suspension bit before it
//! is signed, reading a badge's status, and changing it as the core's lifecycle
//! ([`status_transition`]) allows.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use credence_core::model::BadgeId;
use credence_core::status::{
    status_transition, BadgeStatusSlots, StatusAction, StatusListId, StatusReason, StatusSlot,
};
use credence_vc::status::StatusPurpose;
use rand::RngCore;
use serde_json::json;

use crate::db::{insert_values, placeholders, sql, Param, Tx};
use crate::decode::{purpose, signed, unknown, unsigned};
use crate::error::StoreError;
use crate::types::{BadgeStatus, Entity, SlotStatus, Stamp};
use crate::write::{Write, CHUNK};

/// Columns of a status slot, in [`status_from`]'s order.
const SLOT_SELECT: &str = "SELECT purpose, list_id, idx, is_set, reason, note, changed_at, \
     changed_by FROM status_slots";

type SlotRow = (
    String,
    i64,
    i64,
    bool,
    Option<String>,
    Option<String>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// A badge's status from its slot rows; `None` without both a revocation and a suspension slot.
fn status_from(badge: &BadgeId, rows: Vec<SlotRow>) -> Result<Option<BadgeStatus>, StoreError> {
    let mut revocation = None;
    let mut suspension = None;
    for (purpose_text, list, idx, set, reason, note, changed_at, changed_by) in rows {
        let reason = reason
            .map(|r| {
                r.parse::<StatusReason>()
                    .map_err(|_| unknown("status reason", r))
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
        match purpose(purpose_text)? {
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

/// A badge's current status.
pub(crate) async fn status<'a>(
    on: impl Into<crate::db::On<'a>>,
    badge: &BadgeId,
) -> Result<Option<BadgeStatus>, StoreError> {
    let rows: Vec<SlotRow> = sql(format!("{SLOT_SELECT} WHERE badge_id = $1"))
        .bind(badge.as_str())
        .fetch_all(on)
        .await?;
    status_from(badge, rows)
}

/// Applies one status change, if the lifecycle allows it, with its audit row; bumps the list's
/// version.
pub(crate) async fn change(
    w: &mut Write,
    stamp: &Stamp,
    badge: &BadgeId,
    action: StatusAction,
    reason: Option<StatusReason>,
    note: Option<&str>,
) -> Result<BadgeStatus, StoreError> {
    let Some(mut status) = status(&mut w.tx, badge).await? else {
        let what = if crate::badges::exists(&mut w.tx, badge).await? {
            Entity::StatusSlot
        } else {
            Entity::Badge
        };
        return Err(StoreError::NotFound {
            what,
            id: badge.to_string(),
        });
    };
    let (bit, set) = status_transition(status.is_revoked(), status.is_suspended(), action)
        .map_err(|conflict| StoreError::StatusConflict {
            badge: badge.clone(),
            conflict,
        })?;
    let reason = if set { reason } else { None };
    let slot = match bit {
        StatusPurpose::Revocation => &mut status.revocation,
        StatusPurpose::Suspension => &mut status.suspension,
    };
    let list = signed(slot.slot.list.0);
    let index = signed(slot.slot.index);
    sql(
        "UPDATE status_slots SET is_set = $3, reason = $4, note = $5, changed_at = $6, \
         changed_by = $7 WHERE list_id = $1 AND idx = $2",
    )
    .bind(list)
    .bind(index)
    .bind(set)
    .bind(reason.map(StatusReason::as_str))
    .bind(note)
    .bind(stamp.at())
    .bind(stamp.actor().as_str())
    .execute(&mut w.tx)
    .await?;
    let (version,): (i64,) =
        sql("UPDATE status_lists SET version = version + 1 WHERE list_id = $1 RETURNING version")
            .bind(list)
            .fetch_one(&mut w.tx)
            .await?;
    w.audit(
        stamp,
        action.audit_action(),
        badge.as_str(),
        &json!({
            "purpose": bit.as_str(),
            "list": list,
            "index": index,
            "list_version": version,
            "reason": reason.map(StatusReason::as_str),
            "note": note,
        }),
    )?;
    slot.set = set;
    slot.reason = reason;
    slot.note = note.map(str::to_owned);
    slot.changed_at = Some(stamp.at());
    slot.changed_by = Some(stamp.actor().as_str().to_owned());
    Ok(status)
}

/// Takes the allocation lock: on PostgreSQL the one-row `status_allocator`, so allocators in
/// every replica take turns; on SQLite the write lock the transaction already holds.
async fn lock(tx: &mut Tx) -> Result<(), StoreError> {
    if tx.is_postgres() {
        sql("SELECT id FROM status_allocator WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Reserves a revocation and a suspension bit for each badge, in the order given; a badge that
/// has its bits gets the same ones back. Each bit is drawn with `rng` among the free entries of
/// the newest list of its purpose; a list of `list_len` entries is started when it is full.
pub(crate) async fn allocate(
    w: &mut Write,
    at: DateTime<Utc>,
    list_len: usize,
    rng: &mut (dyn RngCore + Send),
    badges: &[BadgeId],
) -> Result<Vec<BadgeStatusSlots>, StoreError> {
    let mut unique: Vec<&BadgeId> = Vec::with_capacity(badges.len());
    let mut seen = HashSet::with_capacity(badges.len());
    for badge in badges {
        if seen.insert(badge.as_str()) {
            unique.push(badge);
        }
    }
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    lock(&mut w.tx).await?;
    let mut slots: HashMap<&str, (Option<StatusSlot>, Option<StatusSlot>)> =
        existing(&mut w.tx, &unique).await?;
    for purpose in [StatusPurpose::Revocation, StatusPurpose::Suspension] {
        let wanting: Vec<&BadgeId> = unique
            .iter()
            .copied()
            .filter(|b| {
                slots
                    .get(b.as_str())
                    .is_none_or(|pair| pick(pair, purpose).is_none())
            })
            .collect();
        let got = allocate_purpose(&mut w.tx, at, list_len, rng, purpose, &wanting).await?;
        for (badge, slot) in wanting.iter().zip(got) {
            let pair = slots.entry(badge.as_str()).or_insert((None, None));
            match purpose {
                StatusPurpose::Revocation => pair.0 = Some(slot),
                StatusPurpose::Suspension => pair.1 = Some(slot),
            }
        }
    }
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

fn pick(
    pair: &(Option<StatusSlot>, Option<StatusSlot>),
    purpose: StatusPurpose,
) -> Option<StatusSlot> {
    match purpose {
        StatusPurpose::Revocation => pair.0,
        StatusPurpose::Suspension => pair.1,
    }
}

/// The slots already held by any of `badges`.
async fn existing<'b>(
    tx: &mut Tx,
    badges: &[&'b BadgeId],
) -> Result<HashMap<&'b str, (Option<StatusSlot>, Option<StatusSlot>)>, StoreError> {
    let by_text: HashMap<&str, &'b BadgeId> = badges.iter().map(|b| (b.as_str(), *b)).collect();
    let mut found: HashMap<&'b str, (Option<StatusSlot>, Option<StatusSlot>)> = HashMap::new();
    for chunk in badges.chunks(CHUNK) {
        let text = format!(
            "SELECT badge_id, purpose, list_id, idx FROM status_slots WHERE badge_id IN ({})",
            placeholders(tx, 1, chunk.len())
        );
        let rows: Vec<(String, String, i64, i64)> = sql(text)
            .bind_all(chunk.iter().map(|b| Param::from(b.as_str())))
            .fetch_all(&mut *tx)
            .await?;
        for (badge, purpose_text, list, index) in rows {
            let Some(key) = by_text.get(badge.as_str()).map(|b| b.as_str()) else {
                continue;
            };
            let slot = StatusSlot {
                list: StatusListId(unsigned("status list id", list)?),
                index: unsigned("status index", index)?,
            };
            let pair = found.entry(key).or_insert((None, None));
            match purpose(purpose_text)? {
                StatusPurpose::Revocation => pair.0 = Some(slot),
                StatusPurpose::Suspension => pair.1 = Some(slot),
            }
        }
    }
    Ok(found)
}

/// Hands out one bit of `purpose` to each badge, list after list.
async fn allocate_purpose(
    tx: &mut Tx,
    at: DateTime<Utc>,
    list_len: usize,
    rng: &mut (dyn RngCore + Send),
    purpose: StatusPurpose,
    badges: &[&BadgeId],
) -> Result<Vec<StatusSlot>, StoreError> {
    let mut out = Vec::with_capacity(badges.len());
    let mut rest = badges;
    while !rest.is_empty() {
        let (list, size, allocated) = open_list(tx, at, purpose, list_len).await?;
        let take = rest
            .len()
            .min(usize::try_from(size.saturating_sub(allocated)).unwrap_or(usize::MAX));
        let (these, later) = rest.split_at(take);
        let indexes = if (allocated + take as u64).saturating_mul(2) <= size {
            allocate_sparse(tx, rng, list, size, purpose, these).await?
        } else {
            allocate_dense(tx, rng, list, size, purpose, these).await?
        };
        sql("UPDATE status_lists SET allocated = allocated + $2 WHERE list_id = $1")
            .bind(list)
            .bind(signed(take as u64))
            .execute(&mut *tx)
            .await?;
        let list = StatusListId(unsigned("status list id", list)?);
        out.extend(indexes.into_iter().map(|index| StatusSlot { list, index }));
        rest = later;
    }
    Ok(out)
}

/// The newest list of `purpose` if it has a free entry, else a new list of `len` entries:
/// (list id, size, allocated).
async fn open_list(
    tx: &mut Tx,
    at: DateTime<Utc>,
    purpose: StatusPurpose,
    len: usize,
) -> Result<(i64, u64, u64), StoreError> {
    let newest: Option<(i64, i64, i64)> = sql(
        "SELECT list_id, size, allocated FROM status_lists WHERE purpose = $1 \
         ORDER BY list_id DESC LIMIT 1",
    )
    .bind(purpose.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let row = match newest {
        Some(row) if row.2 < row.1 => row,
        _ => {
            sql(
                "INSERT INTO status_lists (purpose, size, created_at) VALUES ($1, $2, $3) \
                 RETURNING list_id, size, allocated",
            )
            .bind(purpose.as_str())
            .bind(signed(len as u64))
            .bind(at)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    Ok((
        row.0,
        unsigned("status list size", row.1)?,
        unsigned("status list count", row.2)?,
    ))
}

/// Inserts slots, skipping indexes already taken when `skip_taken`; returns the indexes inserted.
async fn insert_slots(
    tx: &mut Tx,
    list: i64,
    purpose: StatusPurpose,
    rows: &[(&BadgeId, u64)],
    skip_taken: bool,
) -> Result<Vec<u64>, StoreError> {
    let mut inserted = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(CHUNK) {
        let mut text = insert_values(
            tx,
            "status_slots (list_id, idx, badge_id, purpose)",
            chunk.len(),
            4,
        );
        if skip_taken {
            text.push_str(" ON CONFLICT (list_id, idx) DO NOTHING");
        }
        text.push_str(" RETURNING idx");
        let got: Vec<(i64,)> = sql(text)
            .bind_all(chunk.iter().flat_map(|(badge, index)| {
                [
                    Param::from(list),
                    signed(*index).into(),
                    badge.as_str().into(),
                    purpose.as_str().into(),
                ]
            }))
            .fetch_all(&mut *tx)
            .await?;
        for (index,) in got {
            inserted.push(unsigned("status index", index)?);
        }
    }
    Ok(inserted)
}

/// Random probes for a list at most half full: draw an untried index per badge, insert skipping
/// taken ones, and draw again for the badges whose index was taken.
async fn allocate_sparse(
    tx: &mut Tx,
    rng: &mut (dyn RngCore + Send),
    list: i64,
    size: u64,
    purpose: StatusPurpose,
    badges: &[&BadgeId],
) -> Result<Vec<u64>, StoreError> {
    let mut got: Vec<Option<u64>> = vec![None; badges.len()];
    let mut pending: Vec<usize> = (0..badges.len()).collect();
    let mut tried = HashSet::new();
    while !pending.is_empty() {
        let picks = draw(rng, size, pending.len(), &mut tried).ok_or_else(|| full_list(list))?;
        let rows: Vec<(&BadgeId, u64)> = pending
            .iter()
            .zip(&picks)
            .filter_map(|(&i, &index)| badges.get(i).map(|b| (*b, index)))
            .collect();
        let inserted: HashSet<u64> = insert_slots(tx, list, purpose, &rows, true)
            .await?
            .into_iter()
            .collect();
        let mut retry = Vec::new();
        for (&i, &index) in pending.iter().zip(&picks) {
            match got.get_mut(i) {
                Some(slot) if inserted.contains(&index) => *slot = Some(index),
                _ => retry.push(i),
            }
        }
        pending = retry;
    }
    got.into_iter()
        .map(|g| g.ok_or_else(|| full_list(list)))
        .collect()
}

/// For a list more than half full: read the taken indexes and pick among the free ones.
async fn allocate_dense(
    tx: &mut Tx,
    rng: &mut (dyn RngCore + Send),
    list: i64,
    size: u64,
    purpose: StatusPurpose,
    badges: &[&BadgeId],
) -> Result<Vec<u64>, StoreError> {
    let taken: Vec<(i64,)> = sql("SELECT idx FROM status_slots WHERE list_id = $1")
        .bind(list)
        .fetch_all(&mut *tx)
        .await?;
    let mut is_taken = vec![false; usize::try_from(size).unwrap_or(0)];
    for (index,) in taken {
        if let Some(t) = usize::try_from(index)
            .ok()
            .and_then(|i| is_taken.get_mut(i))
        {
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
    unknown("status list allocation count", list)
}

/// Draws `n` distinct indexes below `size` that are not in `tried`, adding them to it; `None` if
/// fewer than `n` untried indexes remain.
fn draw(
    rng: &mut (dyn RngCore + Send),
    size: u64,
    n: usize,
    tried: &mut HashSet<u64>,
) -> Option<Vec<u64>> {
    use rand::Rng;
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
fn pick_free(rng: &mut (dyn RngCore + Send), free: &[u64], n: usize) -> Option<Vec<u64>> {
    if n > free.len() {
        return None;
    }
    Some(
        rand::seq::index::sample(rng, free.len(), n)
            .into_iter()
            .filter_map(|i| free.get(i).copied())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn draws_are_distinct_and_stop_when_the_list_is_spent() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut tried = HashSet::new();
        let first = draw(&mut rng, 16, 10, &mut tried).unwrap_or_default();
        assert_eq!(first.iter().collect::<HashSet<_>>().len(), 10);
        assert!(draw(&mut rng, 16, 7, &mut tried).is_none());
        assert_eq!(draw(&mut rng, 16, 6, &mut tried).map(|d| d.len()), Some(6));
        assert_eq!(pick_free(&mut rng, &[3, 5], 2).map(|p| p.len()), Some(2));
        assert!(pick_free(&mut rng, &[3], 2).is_none());
    }
}

//! The issuance pipeline shared by single and batch submissions: parse, authorise, look the records
//! up, let the core rules decide, sign on the blocking pool, record idempotently.

use credence_core::badge::identity::RegistrationKey;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use credence_core::model::{
    decide, judge, select_approval, BadgeId, Completion, CredentialSpecification, IssuanceInput,
    Provider, ProviderApproval, ProviderId, RawCompletion, Salt, SpecId, SpecVersion,
};
use credence_store::{BadgeRecord, IssueOutcome, NewIssuance};
use credence_vc::status::CredentialStatus;
use rand::RngCore;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::issuer::SignedBadge;
use crate::state::AppState;
use crate::wire::CompletionRequest;

/// Rows recorded per store transaction in a batch.
const RECORD_CHUNK: usize = 500;

/// Rows signed in one step of the sign-while-recording pipeline.
const PIPELINE_CHUNK: usize = 1000;

/// What became of one submitted completion.
#[derive(Debug)]
pub enum RowOutcome {
    /// A new badge (201).
    Issued(BadgeRecord),
    /// The same completion was already badged: its badge (200).
    Existing(BadgeRecord),
    /// Refused, invalid or conflicting (the problem says which).
    Failed(ApiError),
}

/// One row on its way through the pipeline.
enum Row {
    Done(RowOutcome),
    Decided {
        completion: Completion,
        badge_id: BadgeId,
        unsigned: Box<credence_core::badge::build::UnsignedBadge>,
    },
}

/// The specifications, providers and approvals the rows name, each looked up once.
#[derive(Default)]
struct Records {
    specifications: HashMap<(SpecId, SpecVersion), Option<CredentialSpecification>>,
    providers: HashMap<ProviderId, Option<Provider>>,
    approvals: HashMap<ProviderId, Vec<ProviderApproval>>,
}

impl Records {
    async fn load(state: &AppState, completions: &[&Completion]) -> Result<Self, ApiError> {
        let mut r = Records::default();
        for c in completions {
            let key = (c.specification().clone(), c.version().clone());
            if let Entry::Vacant(slot) = r.specifications.entry(key) {
                let (id, version) = slot.key();
                let spec = state.store.specification(id, version).await?;
                slot.insert(spec);
            }
            if !r.providers.contains_key(c.provider()) {
                let provider = state.store.provider(c.provider()).await?;
                let approvals = state.store.list_approvals(Some(c.provider())).await?;
                r.providers.insert(c.provider().clone(), provider);
                r.approvals.insert(c.provider().clone(), approvals);
            }
        }
        Ok(r)
    }
}

/// Random salt for the identity hashes: 16 bytes, hex.
fn new_salt() -> Result<Salt, ApiError> {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Salt::try_from(hex::encode(bytes).as_str()).map_err(|e| ApiError::Internal(e.into()))
}

/// A new badge id, `urn:uuid:` and a random (v4) UUID.
fn new_badge_id() -> Result<BadgeId, ApiError> {
    BadgeId::try_from(format!("urn:uuid:{}", uuid::Uuid::new_v4()).as_str())
        .map_err(|e| ApiError::Internal(e.into()))
}

/// Parses and authorises one request.
fn parse(caller: &Caller, request: CompletionRequest) -> Result<Completion, ApiError> {
    let completion =
        Completion::try_from(RawCompletion::from(request)).map_err(|source| ApiError::Invalid {
            subject: "completion",
            source,
        })?;
    caller.may_act_for(completion.provider())?;
    Ok(completion)
}

/// The core's input for one completion, from the looked-up records.
#[allow(clippy::too_many_arguments)]
fn input_for<'a>(
    state: &'a AppState,
    records: &'a Records,
    completion: &'a Completion,
    now: DateTime<Utc>,
    badge_id: &'a BadgeId,
    salt: &'a Salt,
    status: &'a [CredentialStatus],
) -> Result<IssuanceInput<'a>, ApiError> {
    let spec = records
        .specifications
        .get(&(
            completion.specification().clone(),
            completion.version().clone(),
        ))
        .and_then(Option::as_ref)
        .ok_or_else(|| ApiError::UnknownSpecification {
            specification: completion.specification().clone(),
            version: completion.version().clone(),
        })?;
    let provider = records
        .providers
        .get(completion.provider())
        .and_then(Option::as_ref)
        .ok_or_else(|| ApiError::UnknownProvider(completion.provider().clone()))?;
    let approvals = records
        .approvals
        .get(completion.provider())
        .map_or(&[][..], Vec::as_slice);
    let approval = select_approval(
        approvals,
        completion.provider(),
        completion.specification(),
        completion.version(),
        completion.completed_on(),
    );
    let issuer = &state.issuer;
    Ok(IssuanceInput {
        issuer: issuer.profile(),
        base_url: issuer.base_url(),
        specification: spec,
        provider,
        approval,
        completion,
        now,
        salt,
        badge_id,
        status,
        valid_until: None,
    })
}

/// A completion the rules accept, waiting for its status list slots.
struct Accepted {
    row: usize,
    completion: Completion,
    badge_id: BadgeId,
    salt: Salt,
}

/// Submits completions (one, or a batch) and answers each in order.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    requests: Vec<Result<CompletionRequest, ApiError>>,
) -> Result<Vec<RowOutcome>, ApiError> {
    let now = state.clock.now();
    let parsed: Vec<Result<Completion, ApiError>> = requests
        .into_iter()
        .map(|r| r.and_then(|r| parse(caller, r)))
        .collect();

    // Completions already badged answer from the store without signing again.
    let mut rows = Vec::with_capacity(parsed.len());
    let mut pending = Vec::new();
    for (i, p) in parsed.into_iter().enumerate() {
        match p {
            Err(e) => rows.push(Some(Row::Done(RowOutcome::Failed(e)))),
            Ok(c) => {
                let existing = state
                    .store
                    .badge_for_reference(c.provider(), c.provider_reference())
                    .await?;
                match existing {
                    Some(b) if b.fingerprint == c.fingerprint() => {
                        rows.push(Some(Row::Done(RowOutcome::Existing(b))))
                    }
                    Some(b) => rows.push(Some(Row::Done(RowOutcome::Failed(conflict(b))))),
                    None => {
                        rows.push(None);
                        pending.push((i, c));
                    }
                }
            }
        }
    }

    let refs: Vec<&Completion> = pending.iter().map(|(_, c)| c).collect();
    let records = Records::load(state, &refs).await?;

    // The rules first, so status list slots are reserved only for badges that will be issued.
    let mut accepted = Vec::new();
    for (row, completion) in pending {
        let ids = new_badge_id().and_then(|id| Ok((id, new_salt()?)));
        let judged = ids.and_then(|(badge_id, salt)| {
            let input = input_for(state, &records, &completion, now, &badge_id, &salt, &[])?;
            judge(&input).map_err(ApiError::Refused)?;
            Ok((badge_id, salt))
        });
        match judged {
            Ok((badge_id, salt)) => accepted.push(Accepted {
                row,
                completion,
                badge_id,
                salt,
            }),
            Err(e) => set(&mut rows, row, Row::Done(RowOutcome::Failed(e))),
        }
    }
    let ids: Vec<BadgeId> = accepted.iter().map(|a| a.badge_id.clone()).collect();
    let slots = if ids.is_empty() {
        Vec::new()
    } else {
        state.store.allocate_status_slots(&ids).await?
    };
    let base_url = state.issuer.base_url();
    for (a, slots) in accepted.into_iter().zip(slots) {
        let status = slots.entries(base_url);
        let decided = input_for(
            state,
            &records,
            &a.completion,
            now,
            &a.badge_id,
            &a.salt,
            &status,
        )
        .and_then(|input| decide(input).map_err(ApiError::Refused));
        let row = match decided {
            Ok(unsigned) => Row::Decided {
                completion: a.completion,
                badge_id: a.badge_id,
                unsigned: Box::new(unsigned),
            },
            Err(e) => Row::Done(RowOutcome::Failed(e)),
        };
        set(&mut rows, a.row, row);
    }
    let mut rows: Vec<Row> = rows.into_iter().flatten().collect();

    // A pipeline: chunk k+1 is signed on the blocking pool while chunk k is recorded.
    let mut chunks = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(PIPELINE_CHUNK.min(rows.len()));
        chunks.push(std::mem::replace(&mut rows, rest));
    }
    let mut out = Vec::new();
    let mut signing: Option<tokio::task::JoinHandle<Result<Vec<SignedRow>, ApiError>>> = None;
    for chunk in chunks {
        let owned = state.clone();
        let next = tokio::spawn(async move { sign_all(&owned, chunk, now).await });
        if let Some(previous) = signing.replace(next) {
            out.extend(record_all(state, caller, joined(previous).await?).await?);
        }
    }
    if let Some(last) = signing {
        out.extend(record_all(state, caller, joined(last).await?).await?);
    }
    Ok(out)
}

/// The rows a signing task produced.
async fn joined(
    task: tokio::task::JoinHandle<Result<Vec<SignedRow>, ApiError>>,
) -> Result<Vec<SignedRow>, ApiError> {
    task.await.map_err(|e| ApiError::Internal(e.into()))?
}

fn conflict(b: BadgeRecord) -> ApiError {
    ApiError::CompletionConflict {
        reference: b.provider_reference.to_string(),
        badge_id: b.id.to_string(),
    }
}

/// A row after signing.
enum SignedRow {
    Done(RowOutcome),
    Signed(NewIssuance),
}

/// Signs every decided row on the blocking pool, spread over the machine's cores.
async fn sign_all(
    state: &AppState,
    rows: Vec<Row>,
    now: DateTime<Utc>,
) -> Result<Vec<SignedRow>, ApiError> {
    let issuer = state.issuer.clone();
    let registrations = state.registrations.clone();
    tokio::task::spawn_blocking(move || {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let chunk = rows.len().div_ceil(threads).max(1);
        let mut rows = rows;
        let mut chunks = Vec::new();
        while !rows.is_empty() {
            let rest = rows.split_off(chunk.min(rows.len()));
            chunks.push(std::mem::replace(&mut rows, rest));
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .into_iter()
                .map(|chunk| {
                    let (issuer, registrations) = (&issuer, &registrations);
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|row| sign_row(issuer, registrations, row, now))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| ApiError::Internal(anyhow::anyhow!("signing thread failed")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.into_iter().flatten().collect())
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?
}

fn sign_row(
    issuer: &crate::issuer::Issuer,
    registrations: &RegistrationKey,
    row: Row,
    now: DateTime<Utc>,
) -> SignedRow {
    match row {
        Row::Done(o) => SignedRow::Done(o),
        Row::Decided {
            completion,
            badge_id,
            unsigned,
        } => match issuer.sign(&unsigned, now) {
            Ok(SignedBadge { credential, jwt }) => SignedRow::Signed(NewIssuance {
                fingerprint: completion.fingerprint(),
                provider: completion.provider().clone(),
                provider_reference: completion.provider_reference().clone(),
                specification: completion.specification().clone(),
                version: completion.version().clone(),
                completed_on: completion.completed_on(),
                badge_id,
                credential,
                jwt: Some(jwt),
                verification_method: issuer.verification_method().clone(),
                issued_at: now,
                registration: registrations
                    .digest_registration(completion.practitioner().registration()),
            }),
            Err(e) => SignedRow::Done(RowOutcome::Failed(ApiError::Internal(e.into()))),
        },
    }
}

/// Records signed rows in chunks, each chunk one transaction, each row idempotent.
async fn record_all(
    state: &AppState,
    caller: &Caller,
    rows: Vec<SignedRow>,
) -> Result<Vec<RowOutcome>, ApiError> {
    let actor = caller.actor();
    let mut out: Vec<Option<RowOutcome>> = Vec::with_capacity(rows.len());
    let mut batch: Vec<(usize, NewIssuance)> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        match row {
            SignedRow::Done(o) => out.push(Some(o)),
            SignedRow::Signed(n) => {
                out.push(None);
                batch.push((i, n));
            }
        }
    }
    for chunk in batch.chunks(RECORD_CHUNK) {
        let issuances: Vec<NewIssuance> = chunk.iter().map(|(_, n)| n.clone()).collect();
        let outcomes = state.store.record_issuances(&actor, &issuances).await?;
        for ((i, _), outcome) in chunk.iter().zip(outcomes) {
            let outcome = match outcome {
                IssueOutcome::Issued(b) => {
                    state.metrics.badge_issued();
                    RowOutcome::Issued(b)
                }
                IssueOutcome::AlreadyIssued(b) => RowOutcome::Existing(b),
                IssueOutcome::Conflict(b) => RowOutcome::Failed(conflict(b)),
            };
            set(&mut out, *i, outcome);
        }
    }
    let out: Vec<RowOutcome> = out
        .into_iter()
        .map(|o| o.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a row was not answered"))))
        .collect::<Result<_, _>>()?;
    record_claims(state, &actor, &out).await?;
    Ok(out)
}

/// Makes sure every badge answered has its claim link (idempotent: a resubmission after a crash
/// between recording and this step adds the missing ones).
async fn record_claims(
    state: &AppState,
    actor: &credence_store::Actor,
    outcomes: &[RowOutcome],
) -> Result<(), ApiError> {
    let claims: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            RowOutcome::Issued(b) | RowOutcome::Existing(b) => Some(&b.id),
            RowOutcome::Failed(_) => None,
        })
        .map(|id| {
            (
                id.clone(),
                credence_store::TokenHash::of_token(&state.claims.token_for(id)),
            )
        })
        .collect();
    for chunk in claims.chunks(RECORD_CHUNK) {
        state.store.put_claims(actor, chunk).await?;
    }
    Ok(())
}

/// Fills slot `i` of a row table (every index comes from enumerating that same table).
fn set<T>(rows: &mut [Option<T>], i: usize, value: T) {
    if let Some(slot) = rows.get_mut(i) {
        *slot = Some(value);
    }
}

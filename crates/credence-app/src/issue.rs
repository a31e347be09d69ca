//! Issuing badges, one completion or a batch: parse, authorise, look the records up, let the core
//! rules decide, sign on the blocking pool, record idempotently. The completion API, its batch
//! form and `credence issue` all come here.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use credence_core::model::{
    decide, judge, select_approval, BadgeId, Completion, CredentialSpecification, IssuanceInput,
    ModelError, Provider, ProviderApproval, ProviderId, RawCompletion, Refusal, Salt, SpecId,
    SpecVersion,
};
use credence_store::{
    Actor, BadgeRecord, Issuance, IssueOutcome, NewIssuance, Stamp, StoreError, TokenHash,
};
use credence_vc::status::CredentialStatus;
use rand::{RngCore, SeedableRng};

use crate::issuer::{SignError, SignedBadge};
use crate::Issuing;

/// Who is issuing: the actor the audit log names, and the provider it may act for (`None`: any,
/// the Centre's staff).
#[derive(Debug, Clone)]
pub struct Acting {
    /// The audit log's actor.
    pub actor: Actor,
    /// The only provider this caller may report completions for, if it is limited to one.
    pub provider: Option<ProviderId>,
}

/// Why one completion was not issued, or why a submission failed as a whole.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The caller's row could not be read as a completion (a bad CSV row, a JSON object of the
    /// wrong shape).
    #[error("{0}")]
    Unreadable(String),
    /// The completion is not valid.
    #[error("invalid completion")]
    Invalid(#[source] ModelError),
    /// The caller may not report completions for this provider.
    #[error("a client of provider {own} cannot report completions for provider {given}")]
    OtherProvider {
        /// The caller's provider.
        own: ProviderId,
        /// The provider the completion names.
        given: ProviderId,
    },
    /// The specification version is not known.
    #[error("unknown credential specification {specification} version {version}")]
    UnknownSpecification {
        /// The code.
        specification: SpecId,
        /// The version.
        version: SpecVersion,
    },
    /// The provider is not known.
    #[error("unknown provider {0}")]
    UnknownProvider(ProviderId),
    /// The Centre's rules refuse the badge.
    #[error("{0}")]
    Refused(Refusal),
    /// The provider already reported another completion under this reference.
    #[error(
        "provider reference {reference} already names a different completion (badge {badge_id})"
    )]
    CompletionConflict {
        /// The provider's reference.
        reference: String,
        /// The badge it names.
        badge_id: String,
    },
    /// A defect of the service (a badge failing its own schema, a signing failure): not the
    /// caller's doing.
    #[error("the service could not issue the badge")]
    Defect(#[source] anyhow::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<SignError> for IssueError {
    fn from(e: SignError) -> Self {
        IssueError::Defect(e.into())
    }
}

impl Acting {
    /// Refuses a provider-scoped caller acting for another provider.
    fn may_act_for(&self, provider: &ProviderId) -> Result<(), IssueError> {
        match &self.provider {
            Some(own) if own != provider => Err(IssueError::OtherProvider {
                own: own.clone(),
                given: provider.clone(),
            }),
            _ => Ok(()),
        }
    }
}

/// A refusal of the rules, or a defect when the rules say the fault is the service's.
fn refused(r: Refusal) -> IssueError {
    if r.is_internal() {
        IssueError::Defect(anyhow::anyhow!("{r}"))
    } else {
        IssueError::Refused(r)
    }
}

/// Badges issued per store transaction: their status list bits, the badges, their claim links
/// and audit rows commit together.
const TRANSACTION_CHUNK: usize = 5000;

/// Rows signed in one step, while the previous step's rows are written in the same transaction.
const SIGNING_CHUNK: usize = 500;

/// What became of one submitted completion.
///
/// Exhaustive on purpose: the server and the CLI must render every outcome of a row.
#[derive(Debug)]
pub enum RowOutcome {
    /// A new badge (201).
    Issued(BadgeRecord),
    /// The same completion was already badged: its badge (200).
    Existing(BadgeRecord),
    /// Refused, invalid or conflicting (the error says which).
    Failed(IssueError),
}

/// A completion the rules accept, with its status list entries: what a signing thread decides
/// the badge of and signs.
struct Ready {
    accepted: Accepted,
    status: Vec<CredentialStatus>,
}

/// The specifications, providers and approvals the rows name, each looked up once.
#[derive(Default)]
struct Records {
    specifications: HashMap<(SpecId, SpecVersion), Option<CredentialSpecification>>,
    providers: HashMap<ProviderId, Option<Provider>>,
    approvals: HashMap<ProviderId, Vec<ProviderApproval>>,
}

impl Records {
    async fn load(state: &Issuing, completions: &[&Completion]) -> Result<Self, IssueError> {
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
fn new_salt() -> Result<Salt, IssueError> {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Salt::try_from(hex::encode(bytes).as_str()).map_err(|e| IssueError::Defect(e.into()))
}

/// A new badge id, `urn:uuid:` and a random (v4) UUID.
fn new_badge_id() -> Result<BadgeId, IssueError> {
    BadgeId::try_from(format!("urn:uuid:{}", uuid::Uuid::new_v4()).as_str())
        .map_err(|e| IssueError::Defect(e.into()))
}

/// Parses and authorises one completion.
fn parse(acting: &Acting, raw: RawCompletion) -> Result<Completion, IssueError> {
    let completion = Completion::try_from(raw).map_err(IssueError::Invalid)?;
    acting.may_act_for(completion.provider())?;
    Ok(completion)
}

/// The core's input for one completion, from the looked-up records.
#[allow(clippy::too_many_arguments)]
fn input_for<'a>(
    state: &'a Issuing,
    records: &'a Records,
    completion: &'a Completion,
    now: DateTime<Utc>,
    badge_id: &'a BadgeId,
    salt: &'a Salt,
    status: &'a [CredentialStatus],
) -> Result<IssuanceInput<'a>, IssueError> {
    let spec = records
        .specifications
        .get(&(
            completion.specification().clone(),
            completion.version().clone(),
        ))
        .and_then(Option::as_ref)
        .ok_or_else(|| IssueError::UnknownSpecification {
            specification: completion.specification().clone(),
            version: completion.version().clone(),
        })?;
    let provider = records
        .providers
        .get(completion.provider())
        .and_then(Option::as_ref)
        .ok_or_else(|| IssueError::UnknownProvider(completion.provider().clone()))?;
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

/// Issues badges for completions (one, or a batch) and answers each in order. An `Err` row is one
/// the caller could not read; it is answered with that error.
pub(crate) async fn issue(
    state: &Issuing,
    acting: &Acting,
    completions: Vec<Result<RawCompletion, IssueError>>,
) -> Result<Vec<RowOutcome>, IssueError> {
    let now = state.clock.now();
    let parsed: Vec<Result<Completion, IssueError>> = completions
        .into_iter()
        .map(|r| r.and_then(|r| parse(acting, r)))
        .collect();

    // Completions already badged answer from the store without signing again: one look-up.
    let references: Vec<_> = parsed
        .iter()
        .filter_map(|p| p.as_ref().ok())
        .map(|c| (c.provider().clone(), c.provider_reference().clone()))
        .collect();
    let existing = if references.is_empty() {
        Default::default()
    } else {
        state.store.badges_for_references(&references).await?
    };
    let mut rows = Vec::with_capacity(parsed.len());
    let mut pending = Vec::new();
    for (i, p) in parsed.into_iter().enumerate() {
        match p {
            Err(e) => rows.push(Some(RowOutcome::Failed(e))),
            Ok(c) => {
                let key = (c.provider().clone(), c.provider_reference().clone());
                match existing.get(&key) {
                    Some(b) if b.fingerprint == c.fingerprint() => {
                        rows.push(Some(RowOutcome::Existing(b.clone())))
                    }
                    Some(b) => rows.push(Some(RowOutcome::Failed(conflict(b.clone())))),
                    None => {
                        rows.push(None);
                        pending.push((i, c));
                    }
                }
            }
        }
    }

    let refs: Vec<&Completion> = pending.iter().map(|(_, c)| c).collect();
    let records = Arc::new(Records::load(state, &refs).await?);

    // The rules first, so status list slots are reserved only for badges that will be issued.
    let mut accepted = Vec::new();
    for (row, completion) in pending {
        let ids = new_badge_id().and_then(|id| Ok((id, new_salt()?)));
        let judged = ids.and_then(|(badge_id, salt)| {
            let input = input_for(state, &records, &completion, now, &badge_id, &salt, &[])?;
            judge(&input).map_err(refused)?;
            Ok((badge_id, salt))
        });
        match judged {
            Ok((badge_id, salt)) => accepted.push(Accepted {
                row,
                completion,
                badge_id,
                salt,
            }),
            Err(e) => set(&mut rows, row, RowOutcome::Failed(e)),
        }
    }
    let stamp = Stamp::new(acting.actor.clone(), now);
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut accepted = accepted.into_iter().peekable();
    while accepted.peek().is_some() {
        let chunk: Vec<Accepted> = accepted.by_ref().take(TRANSACTION_CHUNK).collect();
        issue_chunk(state, &stamp, &records, &mut rng, chunk, &mut rows).await?;
    }
    let out: Vec<RowOutcome> = rows
        .into_iter()
        .map(|r| match r {
            Some(o) => Ok(o),
            _ => Err(IssueError::Defect(anyhow::anyhow!(
                "a row was not answered"
            ))),
        })
        .collect::<Result<_, _>>()?;
    record_claims(state, &stamp, &out).await?;
    Ok(out)
}

/// Issues one chunk of accepted completions in ONE store transaction: reserve their status list
/// bits, then on the blocking pool, spread over the cores, let the rules decide each badge and
/// sign it (the next rows are decided and signed while the previous ones are written), record,
/// commit. Answers each row in `rows`.
async fn issue_chunk(
    state: &Issuing,
    stamp: &Stamp,
    records: &Arc<Records>,
    rng: &mut rand::rngs::StdRng,
    chunk: Vec<Accepted>,
    rows: &mut [Option<RowOutcome>],
) -> Result<(), IssueError> {
    let now = stamp.at();
    let mut issuance = state.store.begin_issuance(stamp).await?;
    let ids: Vec<BadgeId> = chunk.iter().map(|a| a.badge_id.clone()).collect();
    let slots = issuance.allocate_status_slots(&ids, rng).await?;
    let base_url = state.issuer.base_url();
    let ready: Vec<(usize, Ready)> = chunk
        .into_iter()
        .zip(slots)
        .map(|(accepted, slots)| {
            let status = slots.entries(base_url);
            (accepted.row, Ready { accepted, status })
        })
        .collect();
    let mut steps = Vec::new();
    let mut ready = ready.into_iter().peekable();
    while ready.peek().is_some() {
        steps.push(ready.by_ref().take(SIGNING_CHUNK).collect::<Vec<_>>());
    }
    let mut signing: Option<SigningTask> = None;
    for step in steps {
        let (owned, records) = (state.clone(), Arc::clone(records));
        let next = tokio::spawn(async move { sign_all(owned, records, step, now).await });
        if let Some(previous) = signing.replace(next) {
            record_step(issuance.as_mut(), joined(previous).await?, rows).await?;
        }
    }
    if let Some(last) = signing {
        record_step(issuance.as_mut(), joined(last).await?, rows).await?;
    }
    issuance.commit().await?;
    Ok(())
}

/// A signing step on its way: each row's index with what signing made of it.
type SigningTask = tokio::task::JoinHandle<Result<Vec<(usize, SignedRow)>, IssueError>>;

/// Records one signed step in the chunk's transaction and answers its rows.
async fn record_step(
    issuance: &mut dyn Issuance,
    signed: Vec<(usize, SignedRow)>,
    rows: &mut [Option<RowOutcome>],
) -> Result<(), IssueError> {
    let mut batch: Vec<(usize, NewIssuance)> = Vec::new();
    for (i, row) in signed {
        match row {
            SignedRow::Done(o) => set(rows, i, o),
            SignedRow::Signed(n) => batch.push((i, n)),
        }
    }
    if batch.is_empty() {
        return Ok(());
    }
    let (index, issuances): (Vec<usize>, Vec<NewIssuance>) = batch.into_iter().unzip();
    let outcomes = issuance.record(&issuances).await?;
    for (i, outcome) in index.into_iter().zip(outcomes) {
        let outcome = match outcome {
            IssueOutcome::Issued(b) => RowOutcome::Issued(b),
            IssueOutcome::AlreadyIssued(b) => RowOutcome::Existing(b),
            IssueOutcome::Conflict(b) => RowOutcome::Failed(conflict(b)),
        };
        set(rows, i, outcome);
    }
    Ok(())
}

/// The rows a signing task produced.
async fn joined(task: SigningTask) -> Result<Vec<(usize, SignedRow)>, IssueError> {
    task.await.map_err(|e| IssueError::Defect(e.into()))?
}

fn conflict(b: BadgeRecord) -> IssueError {
    IssueError::CompletionConflict {
        reference: b.provider_reference.to_string(),
        badge_id: b.id.to_string(),
    }
}

/// A row after signing.
enum SignedRow {
    Done(RowOutcome),
    Signed(NewIssuance),
}

/// Decides and signs rows on the blocking pool, spread over the machine's cores.
async fn sign_all(
    state: Issuing,
    records: Arc<Records>,
    rows: Vec<(usize, Ready)>,
    now: DateTime<Utc>,
) -> Result<Vec<(usize, SignedRow)>, IssueError> {
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
                    let (state, records) = (&state, &*records);
                    scope.spawn(move || {
                        chunk
                            .into_iter()
                            .map(|(i, ready)| (i, sign_row(state, records, ready, now)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| IssueError::Defect(anyhow::anyhow!("signing thread failed")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(|v| v.into_iter().flatten().collect())
        })
    })
    .await
    .map_err(|e| IssueError::Defect(e.into()))?
}

/// Lets the rules decide one badge, and signs it.
fn sign_row(state: &Issuing, records: &Records, ready: Ready, now: DateTime<Utc>) -> SignedRow {
    let Ready { accepted, status } = ready;
    let Accepted {
        completion,
        badge_id,
        salt,
        ..
    } = accepted;
    let signed = input_for(state, records, &completion, now, &badge_id, &salt, &status)
        .and_then(|input| decide(input).map_err(refused))
        .and_then(|unsigned| Ok(state.issuer.sign(&unsigned, now)?));
    match signed {
        Ok(signed) => SignedRow::Signed(state.issuance(&completion, badge_id, signed, now)),
        Err(e) => SignedRow::Done(RowOutcome::Failed(e)),
    }
}

impl Issuing {
    /// What the store records for a signed badge: the completion's keys, the credential, the
    /// VC-JWT without its payload (it is the credential again), the claim link's hash and the
    /// registration digest.
    pub fn issuance(
        &self,
        completion: &Completion,
        badge_id: BadgeId,
        signed: SignedBadge,
        now: DateTime<Utc>,
    ) -> NewIssuance {
        NewIssuance {
            claim: TokenHash::of_token(&self.claims.token_for(&badge_id)),
            fingerprint: completion.fingerprint(),
            provider: completion.provider().clone(),
            provider_reference: completion.provider_reference().clone(),
            specification: completion.specification().clone(),
            version: completion.version().clone(),
            completed_on: completion.completed_on(),
            badge_id,
            jwt: Some(signed.stored_jwt()),
            credential: signed.credential,
            verification_method: self.issuer.verification_method().clone(),
            issued_at: now,
            registration: self
                .registrations
                .digest_registration(completion.practitioner().registration()),
        }
    }
}

/// Makes sure every badge that was already issued has its claim link (new badges get theirs in
/// their issuing transaction; a badge recorded by an older version without one gets it here).
async fn record_claims(
    state: &Issuing,
    stamp: &Stamp,
    outcomes: &[RowOutcome],
) -> Result<(), IssueError> {
    let claims: Vec<_> = outcomes
        .iter()
        .filter_map(|o| match o {
            RowOutcome::Existing(b) => Some(&b.id),
            RowOutcome::Issued(_) | RowOutcome::Failed(_) => None,
        })
        .map(|id| (id.clone(), TokenHash::of_token(&state.claims.token_for(id))))
        .collect();
    for chunk in claims.chunks(TRANSACTION_CHUNK) {
        state.store.put_claims(stamp, chunk).await?;
    }
    Ok(())
}

/// Fills slot `i` of a row table (every index comes from enumerating that same table).
fn set<T>(rows: &mut [Option<T>], i: usize, value: T) {
    if let Some(slot) = rows.get_mut(i) {
        *slot = Some(value);
    }
}

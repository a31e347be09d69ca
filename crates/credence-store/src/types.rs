//! The records the store reads and writes besides the core's domain types: actors, API clients and
//! scopes, signing keys, issuance records and outcomes, badge pages, audit entries, status lists
//! and badges' status, and the store's options.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use credence_core::badge::RegistrationDigest;
use credence_core::model::{
    ApprovalChange, BadgeId, Fingerprint, ProviderId, ProviderReference, SpecId, SpecVersion,
};
use credence_core::status::{BadgeStatusSlots, StatusListId, StatusReason, StatusSlot};
use credence_vc::keys::{PublicKey, VerificationMethodId};
use credence_vc::status::{check_list_len, StatusError, StatusList, StatusPurpose, MIN_LIST_LEN};
use sha2::{Digest, Sha256};

/// A kind of stored record, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Entity {
    /// A specification version.
    Specification,
    /// A provider.
    Provider,
    /// A provider approval.
    Approval,
    /// One recorded approval status change.
    ApprovalChange,
    /// An API client.
    ApiClient,
    /// A signing key.
    SigningKey,
    /// A completion.
    Completion,
    /// A badge.
    Badge,
    /// An audit log row.
    AuditEntry,
    /// A status list.
    StatusList,
    /// A badge's status list bit.
    StatusSlot,
    /// The database did not say which.
    Unknown,
}

impl Entity {
    /// A short lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Specification => "specification",
            Entity::Provider => "provider",
            Entity::Approval => "approval",
            Entity::ApprovalChange => "approval change",
            Entity::ApiClient => "API client",
            Entity::SigningKey => "signing key",
            Entity::Completion => "completion",
            Entity::Badge => "badge",
            Entity::AuditEntry => "audit entry",
            Entity::StatusList => "status list",
            Entity::StatusSlot => "status list entry",
            Entity::Unknown => "record",
        }
    }

    /// Which entity a constraint name, table name or SQLite error message refers to.
    pub(crate) fn from_db_text(text: &str) -> Entity {
        // Longest table names first: `approval_changes` before `approvals`.
        const TABLES: [(&str, Entity); 11] = [
            ("status_lists", Entity::StatusList),
            ("status_slots", Entity::StatusSlot),
            ("approval_changes", Entity::ApprovalChange),
            ("approvals", Entity::Approval),
            ("specifications", Entity::Specification),
            ("providers", Entity::Provider),
            ("api_clients", Entity::ApiClient),
            ("signing_keys", Entity::SigningKey),
            ("completions", Entity::Completion),
            ("badges", Entity::Badge),
            ("audit_log", Entity::AuditEntry),
        ];
        TABLES
            .iter()
            .find(|(table, _)| text.contains(table))
            .map_or(Entity::Unknown, |&(_, e)| e)
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who made a change, as recorded in the audit log: e.g. `client:3`, `cli:root`, `system`.
/// Never a token, email or registration number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor(String);

impl Actor {
    /// The service itself (start-up, migrations, bootstrap).
    pub fn system() -> Self {
        Actor("system".into())
    }
    /// An API client, by id.
    pub fn client(id: ApiClientId) -> Self {
        Actor(format!("client:{}", id.0))
    }
    /// The practitioner holding a badge, acting through its claim link.
    pub fn practitioner(badge: &BadgeId) -> Self {
        Actor(format!(
            "practitioner:{}",
            badge.as_str().trim_start_matches("urn:uuid:")
        ))
    }
    /// Someone on the public pages or API (an employer checking a badge), not signed in.
    pub fn public() -> Self {
        Actor("public".into())
    }
    /// An operator using the command line, by local user name (control characters dropped).
    pub fn cli(user: &str) -> Self {
        let clean: String = user.chars().filter(|c| !c.is_control()).take(64).collect();
        Actor(format!("cli:{clean}"))
    }
    /// The recorded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who made a change and when: every write is stamped with one, and the store keeps the time it
/// is handed (truncated to microseconds, so it reads back the same from both databases). The
/// store reads no clock of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    actor: Actor,
    at: DateTime<Utc>,
}

impl Stamp {
    /// `actor` acting at `at`.
    pub fn new(actor: Actor, at: DateTime<Utc>) -> Self {
        use chrono::SubsecRound;
        Stamp {
            actor,
            at: at.trunc_subsecs(6),
        }
    }

    /// Who.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// When (microsecond precision).
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// Whether a `put_*` created a record or replaced one.
///
/// Exhaustive on purpose: every caller of a conditional write must answer each outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// A new record.
    Created,
    /// An existing record was replaced.
    Updated,
}

/// One approval status change as recorded, with who recorded it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalChangeRecord {
    /// Position in the approval's history, from 0.
    pub seq: u32,
    /// The change.
    pub change: ApprovalChange,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
}

/// An API client's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiClientId(pub i64);

impl fmt::Display for ApiClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What an API client may do: everything, or submit and read for one provider.
///
/// Exhaustive on purpose: authorization must decide for every scope, so that a new one cannot
/// slip through a wildcard.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// `admin`: the Centre's administrators.
    Admin,
    /// `provider:<UKPRN>`: one provider.
    Provider(ProviderId),
}

/// A scope string that is neither `admin` nor `provider:<UKPRN>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scope {value:?} (expected admin or provider:<UKPRN>)")]
pub struct ScopeError {
    /// The text given.
    pub value: String,
}

impl FromStr for Scope {
    type Err = ScopeError;
    fn from_str(s: &str) -> Result<Self, ScopeError> {
        let err = || ScopeError {
            value: s.to_owned(),
        };
        match s.split_once(':') {
            None if s == "admin" => Ok(Scope::Admin),
            Some(("provider", ukprn)) => ProviderId::try_from(ukprn)
                .map(Scope::Provider)
                .map_err(|_| err()),
            _ => Err(err()),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Admin => f.write_str("admin"),
            Scope::Provider(p) => write!(f, "provider:{p}"),
        }
    }
}

/// Hex SHA-256 of a bearer token: what the store keeps instead of the token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenHash(String);

impl TokenHash {
    /// Hashes a presented token.
    pub fn of_token(token: &str) -> Self {
        TokenHash(hex::encode(Sha256::digest(token.as_bytes())))
    }
    /// The lower-case hex digest.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Short prefix only: enough to tell hashes apart in logs.
        write!(f, "TokenHash({}…)", self.0.get(..8).unwrap_or(""))
    }
}

/// A new API client to register; the token itself is never given to the store.
#[derive(Debug, Clone)]
pub struct NewApiClient {
    /// A label, e.g. `University of Leeds registry`.
    pub name: String,
    /// The hash of the token shown once to the client.
    pub token_hash: TokenHash,
    /// What the client may do.
    pub scope: Scope,
}

/// A registered API client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    /// Its id.
    pub id: ApiClientId,
    /// Its label.
    pub name: String,
    /// What it may do.
    pub scope: Scope,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A signing key's state. Exactly one key is active once any key exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyState {
    /// Signs new badges.
    Active,
    /// No longer signs, still published so earlier badges verify.
    Retired,
}

impl KeyState {
    /// `active` or `retired`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Active => "active",
            KeyState::Retired => "retired",
        }
    }
}

/// A signing key's public part and state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyRecord {
    /// The verification method id badges name in their proofs.
    pub verification_method: VerificationMethodId,
    /// The public key.
    pub public_key: PublicKey,
    /// Active or retired.
    pub state: KeyState,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When it was retired, if it was.
    pub retired_at: Option<DateTime<Utc>>,
}

/// A signed badge to record for a completion, in one transaction with the completion.
#[derive(Debug, Clone)]
pub struct NewIssuance {
    /// The completion's fingerprint (same reference + same fingerprint = same completion).
    pub fingerprint: Fingerprint,
    /// The provider.
    pub provider: ProviderId,
    /// The provider's reference (unique per provider).
    pub provider_reference: ProviderReference,
    /// The specification code.
    pub specification: SpecId,
    /// The specification version.
    pub version: SpecVersion,
    /// The completion date.
    pub completed_on: NaiveDate,
    /// The badge id.
    pub badge_id: BadgeId,
    /// The signed credential JSON, exactly as signed.
    pub credential: String,
    /// The VC-JWT form, if made.
    pub jwt: Option<String>,
    /// The key that signed it.
    pub verification_method: VerificationMethodId,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The keyed digest of the holder's registration (the badge carries none).
    pub registration: RegistrationDigest,
    /// The hash of the badge's claim link, recorded with it.
    pub claim: TokenHash,
}

/// A stored badge with its completion's keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeRecord {
    /// The badge id.
    pub id: BadgeId,
    /// The provider.
    pub provider: ProviderId,
    /// The provider's reference.
    pub provider_reference: ProviderReference,
    /// The completion's fingerprint.
    pub fingerprint: Fingerprint,
    /// The specification code.
    pub specification: SpecId,
    /// The specification version.
    pub version: SpecVersion,
    /// The completion date.
    pub completed_on: NaiveDate,
    /// The signed credential JSON, byte for byte as recorded.
    pub credential: String,
    /// The VC-JWT, if any.
    pub jwt: Option<String>,
    /// The key that signed it.
    pub verification_method: VerificationMethodId,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
}

/// What [`Store::record_issuance`](crate::Store::record_issuance) did.
///
/// Exhaustive on purpose: the issuance use case must answer every outcome a write can have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOutcome {
    /// The badge was recorded.
    Issued(BadgeRecord),
    /// The same completion was already badged: here is that badge (the new one was not stored).
    AlreadyIssued(BadgeRecord),
    /// The provider reference was already used for a different completion: here is its badge.
    Conflict(BadgeRecord),
}

/// A badge's claim link state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The badge.
    pub badge: BadgeRecord,
    /// Whether the practitioner turned the public share page on.
    pub share_enabled: bool,
}

/// Filters for listing badges; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgeFilter {
    /// Only this provider's badges.
    pub provider: Option<ProviderId>,
    /// Only this specification.
    pub specification: Option<SpecId>,
    /// Only this version (with `specification`).
    pub version: Option<SpecVersion>,
    /// Issued at or after.
    pub issued_from: Option<DateTime<Utc>>,
    /// Issued before.
    pub issued_before: Option<DateTime<Utc>>,
}

/// An opaque position in a badge listing (decimal text on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor(pub(crate) i64);

/// A cursor text that did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cursor")]
pub struct CursorError;

impl FromStr for Cursor {
    type Err = CursorError;
    fn from_str(s: &str) -> Result<Self, CursorError> {
        s.parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .map(Cursor)
            .ok_or(CursorError)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One page of badges, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgePage {
    /// The badges.
    pub items: Vec<BadgeRecord>,
    /// Where the next page starts, if there may be one.
    pub next: Option<Cursor>,
}

/// One audit log row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What, e.g. `specification.put`.
    pub action: String,
    /// On what, e.g. `CS-OPF 1.0`.
    pub subject: String,
    /// Details as canonical (RFC 8785) JSON text.
    pub detail: String,
    /// The previous row's hash (64 zeros for the first row).
    pub prev_hash: String,
    /// SHA-256 over `prev_hash` and this row's fields.
    pub hash: String,
}

/// The result of checking the audit chain.
///
/// Exhaustive on purpose: a caller reporting the check must say what each result means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every row links to the one before and hashes to its recorded hash; the head matches.
    Intact {
        /// Rows checked.
        rows: u64,
    },
    /// The first place the chain is broken.
    Broken(AuditBreak),
}

/// Where and how the audit chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBreak {
    /// The row at which the break was found.
    pub row_id: i64,
    /// What is wrong there.
    pub reason: BreakReason,
}

/// What is wrong at an [`AuditBreak`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BreakReason {
    /// The row's fields no longer hash to its recorded hash (altered).
    HashMismatch,
    /// The row's `prev_hash` is not the previous row's hash (a row before it was altered or removed).
    PrevHashMismatch,
    /// Row ids jump: rows before this one were deleted.
    MissingRows,
    /// The chain ends before the recorded head: the last rows were deleted.
    TruncatedTail,
}

impl BreakReason {
    /// A stable snake_case code, e.g. `hash_mismatch`.
    pub fn code(self) -> &'static str {
        match self {
            BreakReason::HashMismatch => "hash_mismatch",
            BreakReason::PrevHashMismatch => "prev_hash_mismatch",
            BreakReason::MissingRows => "missing_rows",
            BreakReason::TruncatedTail => "truncated_tail",
        }
    }
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BreakReason::HashMismatch => "row altered: its hash does not match its fields",
            BreakReason::PrevHashMismatch => "row does not link to the previous row",
            BreakReason::MissingRows => "rows deleted before this row",
            BreakReason::TruncatedTail => "rows deleted at the end of the log",
        })
    }
}

/// Options of a store, fixed when it connects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreOptions {
    status_list_len: usize,
}

impl Default for StoreOptions {
    /// Status lists of [`MIN_LIST_LEN`] entries.
    fn default() -> Self {
        StoreOptions {
            status_list_len: MIN_LIST_LEN,
        }
    }
}

impl StoreOptions {
    /// Status lists started from now on get `len` entries (a positive multiple of 8; lists
    /// already started keep their size).
    ///
    /// Anything below [`MIN_LIST_LEN`] is for tests only: verifiers refuse such lists, and
    /// small lists give badges less herd privacy.
    pub fn with_status_list_len(self, len: usize) -> Result<Self, StatusError> {
        check_list_len(len)?;
        Ok(StoreOptions {
            status_list_len: len,
        })
    }

    /// The number of entries of new status lists.
    pub fn status_list_len(&self) -> usize {
        self.status_list_len
    }
}

/// One of a badge's two status bits and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotStatus {
    /// Where the bit is.
    pub slot: StatusSlot,
    /// Whether the bit is set (revoked, or suspended).
    pub set: bool,
    /// Why, while set.
    pub reason: Option<StatusReason>,
    /// The note given with the last change.
    pub note: Option<String>,
    /// When the bit last changed (never, if `None`).
    pub changed_at: Option<DateTime<Utc>>,
    /// Who changed it last.
    pub changed_by: Option<String>,
}

/// A badge's current status: its revocation and suspension bits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeStatus {
    /// The badge.
    pub badge: BadgeId,
    /// The revocation bit.
    pub revocation: SlotStatus,
    /// The suspension bit.
    pub suspension: SlotStatus,
}

impl BadgeStatus {
    /// Whether the badge is revoked (for good).
    pub fn is_revoked(&self) -> bool {
        self.revocation.set
    }

    /// Whether the badge is suspended (a revoked badge may be too).
    pub fn is_suspended(&self) -> bool {
        self.suspension.set
    }

    /// Where the badge's bits are.
    pub fn slots(&self) -> BadgeStatusSlots {
        BadgeStatusSlots {
            revocation: self.revocation.slot,
            suspension: self.suspension.slot,
        }
    }
}

/// A status list as stored: its bits and, if current, its signed credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusListRecord {
    /// The list.
    pub id: StatusListId,
    /// What its bits mean.
    pub purpose: StatusPurpose,
    /// Its number of entries.
    pub size: usize,
    /// How many of its entries have been handed out.
    pub allocated: usize,
    /// Goes up by one whenever a bit changes.
    pub version: u64,
    /// When it was started.
    pub created_at: DateTime<Utc>,
    /// The set bits at `version`, ascending.
    pub set_indexes: Vec<u64>,
    /// The signed list credential stored for `version`, if one was
    /// ([`Store::put_signed_status_list`](crate::Store::put_signed_status_list)).
    pub signed: Option<String>,
}

impl StatusListRecord {
    /// The bits at `version`.
    pub fn bits(&self) -> Result<StatusList, StatusError> {
        StatusList::with_set(self.size, self.set_indexes.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip() {
        for s in ["admin", "provider:10007795"] {
            assert_eq!(s.parse::<Scope>().unwrap().to_string(), s);
        }
        for bad in ["", "Admin", "provider:", "provider:123", "admin:x", "root"] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
    }

    #[test]
    fn token_hash_is_sha256_hex_and_debug_redacts() {
        let h = TokenHash::of_token("abc");
        assert_eq!(
            h.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(!format!("{h:?}").contains("f20015ad"));
    }

    #[test]
    fn store_options_check_the_list_length() {
        assert_eq!(StoreOptions::default().status_list_len(), MIN_LIST_LEN);
        assert_eq!(
            StoreOptions::default()
                .with_status_list_len(16)
                .unwrap()
                .status_list_len(),
            16
        );
        assert!(StoreOptions::default().with_status_list_len(0).is_err());
        assert!(StoreOptions::default().with_status_list_len(12).is_err());
    }

    #[test]
    fn status_entities_from_constraint_text() {
        assert_eq!(
            Entity::from_db_text("status_slots_badge_id_purpose_key"),
            Entity::StatusSlot
        );
        assert_eq!(
            Entity::from_db_text("UNIQUE constraint failed: status_slots.list_id"),
            Entity::StatusSlot
        );
        assert_eq!(
            Entity::from_db_text("status_lists_pkey"),
            Entity::StatusList
        );
    }

    #[test]
    fn cursors() {
        assert_eq!("42".parse::<Cursor>(), Ok(Cursor(42)));
        assert!("-1".parse::<Cursor>().is_err());
        assert!("x".parse::<Cursor>().is_err());
    }
}

//! The store suite, run against SQLite (a temp file) and, when `CREDENCE_TEST_DATABASE_URL` is set,
//! against PostgreSQL in a fresh schema per test.

// Test helpers outside `#[test]` functions fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use credence_core::badge::{KnownIdentifier, RegistrationKey};
use credence_core::model::sample::{self, Expected};
use credence_core::model::{
    ApprovalChange, ApprovalId, ApprovalStatus, BadgeId, Completion, ProviderId, ProviderReference,
};
use credence_core::status::{
    BadgeStatusSlots, StatusConflict, StatusListId, StatusReason, StatusSlot,
};
use credence_store::{
    Actor, BadgeFilter, BreakReason, ChainCheck, Entity, IssueOutcome, KeyState, NewApiClient,
    NewIssuance, Scope, SqlStore, Stamp, Store, StoreError, StoreOptions, TokenHash, Written,
};
use credence_testkit::{skipped_pg, PgSchema, Raw};
use credence_vc::keys::{SecretKey, VerificationMethodId};
use credence_vc::status::{StatusPurpose, MIN_LIST_LEN};

struct Db {
    store: Arc<dyn Store>,
    raw: Raw,
    /// The database URL, to open more stores (replicas) on the same database.
    url: String,
    pg: Option<PgSchema>,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        Db::on(url, None, Some(dir)).await
    }

    async fn postgres() -> Option<Db> {
        let pg = PgSchema::create().await?;
        Some(Db::on(pg.url.clone(), Some(pg), None).await)
    }

    async fn on(url: String, pg: Option<PgSchema>, dir: Option<tempfile::TempDir>) -> Db {
        let store = credence_store::connect(&url).await.unwrap();
        // Reconnecting runs the migrations again: they must be idempotent.
        SqlStore::connect(&url, StoreOptions::default())
            .await
            .unwrap();
        Db {
            store,
            raw: Raw::open(&url).await,
            url,
            pg,
            _dir: dir,
        }
    }

    /// Runs SQL behind the store's back (tampering).
    async fn exec(&self, sql: &str) -> u64 {
        self.raw.exec(sql).await
    }

    async fn count(&self, sql: &str) -> i64 {
        self.raw.scalar(sql).await
    }

    /// Another store on the same database: its own connection pool, as another replica has.
    async fn replica(&self, status_list_len: usize) -> Arc<dyn Store> {
        let options = StoreOptions::default()
            .with_status_list_len(status_list_len)
            .unwrap();
        credence_store::connect_with(&self.url, options)
            .await
            .unwrap()
    }

    async fn finish(self) {
        self.raw.close().await;
        drop(self.store);
        if let Some(pg) = self.pg {
            pg.drop_schema().await;
        }
    }
}

/// Says that the PostgreSQL half of a test did not run.
fn skipped() {
    skipped_pg("the PostgreSQL half of the store suite");
}

/// The time every write of the tests is stamped with: a fixed clock, which must reach every
/// stored timestamp.
fn test_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap() + chrono::Duration::microseconds(891_011)
}

fn admin() -> Stamp {
    Stamp::new(Actor::cli("tester"), test_time())
}

fn stamp(actor: Actor) -> Stamp {
    Stamp::new(actor, test_time())
}

/// A random source for status list allocation.
fn rng() -> rand::rngs::StdRng {
    rand::SeedableRng::from_entropy()
}

async fn load_sample(store: &dyn Store) {
    for s in sample::specifications().unwrap() {
        assert_eq!(
            store.put_specification(&admin(), &s, None).await.unwrap(),
            Written::Created
        );
    }
    for p in sample::providers().unwrap() {
        store.put_provider(&admin(), &p, None).await.unwrap();
    }
    for a in sample::approvals().unwrap() {
        store.put_approval(&admin(), &a, None).await.unwrap();
    }
}

fn badge_id(n: u64) -> BadgeId {
    BadgeId::try_from(format!("urn:uuid:00000000-0000-4000-8000-{n:012x}").as_str()).unwrap()
}

fn vm() -> VerificationMethodId {
    VerificationMethodId::new("did:web:centre.example#key-1").unwrap()
}

/// An issuance for a sample completion; the credential text has odd spacing on purpose.
fn issuance(completion: &Completion, n: u64) -> NewIssuance {
    NewIssuance {
        fingerprint: completion.fingerprint(),
        provider: completion.provider().clone(),
        provider_reference: completion.provider_reference().clone(),
        specification: completion.specification().clone(),
        version: completion.version().clone(),
        completed_on: completion.completed_on(),
        badge_id: badge_id(n),
        credential: format!("{{\"id\":  \"{}\", \"n\": 1.0 }}\n", badge_id(n)),
        jwt: Some(format!("eyJ.{n}.sig")),
        verification_method: vm(),
        issued_at: Utc.with_ymd_and_hms(2025, 6, 1, 10, 0, 0).unwrap()
            + chrono::Duration::nanoseconds(n as i64 * 1_000_123),
        registration: registrations().digest_registration(completion.practitioner().registration()),
        claim: TokenHash::of_token(&format!("claim-{n}")),
    }
}

/// The registration key of the tests.
fn registrations() -> RegistrationKey {
    RegistrationKey::new([9; 32])
}

fn amira() -> Completion {
    let case = sample::cases()
        .into_iter()
        .find(|c| c.expected == Expected::Issued)
        .unwrap();
    Completion::try_from(case.raw).unwrap()
}

mod cases {
    use super::*;

    pub async fn registration_digests_and_checks(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let completion = amira();
        store
            .record_issuance(&admin(), &issuance(&completion, 1))
            .await
            .unwrap();
        let stored = store
            .registration_digest(&badge_id(1))
            .await
            .unwrap()
            .unwrap();
        let right: KnownIdentifier = "ext:NMCPIN:99A9001E".parse().unwrap();
        let wrong: KnownIdentifier = "ext:NMCPIN:99A9002E".parse().unwrap();
        assert!(stored.matches(&registrations().digest(&right)));
        assert!(!stored.matches(&registrations().digest(&wrong)));
        assert!(store
            .registration_digest(&badge_id(2))
            .await
            .unwrap()
            .is_none());

        store
            .record_recipient_check(&stamp(Actor::system()), &badge_id(1), "ext:NMCPIN", true)
            .await
            .unwrap();
        let entries = store.audit_entries(0, 1000).await.unwrap();
        let check = entries.last().unwrap();
        assert_eq!(check.action, "badge.recipient_check");
        assert_eq!(check.subject, badge_id(1).as_str());
        assert!(
            check.detail.contains("\"matched\":true"),
            "{}",
            check.detail
        );
        assert!(!check.detail.contains("99A9001E"));
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            credence_store::ChainCheck::Intact { .. }
        ));
    }

    pub async fn sample_round_trips(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let specs = store.list_specifications().await.unwrap();
        let mut expected = sample::specifications().unwrap();
        expected
            .sort_by(|a, b| (a.id(), a.version().numbers()).cmp(&(b.id(), b.version().numbers())));
        assert_eq!(specs, expected);
        assert_eq!(store.list_providers().await.unwrap().len(), 5);
        let leeds = ProviderId::try_from("10007795").unwrap();
        assert_eq!(
            store.provider(&leeds).await.unwrap().unwrap().name(),
            "University of Leeds"
        );
        let approvals = store.list_approvals(None).await.unwrap();
        assert_eq!(approvals, sample::approvals().unwrap());
        assert_eq!(store.list_approvals(Some(&leeds)).await.unwrap().len(), 2);
        // Replacing a specification reports an update and keeps one row; adding it again is
        // refused, and so is replacing a version that is no longer the one read.
        let first = &expected[0];
        assert_eq!(
            store
                .put_specification(&admin(), first, Some(first))
                .await
                .unwrap(),
            Written::Updated
        );
        assert!(matches!(
            store.put_specification(&admin(), first, None).await,
            Err(StoreError::AlreadyExists {
                what: credence_store::Entity::Specification
            })
        ));
        assert!(matches!(
            store
                .put_specification(&admin(), first, Some(&expected[1]))
                .await,
            Err(StoreError::Changed {
                what: credence_store::Entity::Specification,
                ..
            })
        ));
        assert_eq!(
            store.list_specifications().await.unwrap().len(),
            expected.len()
        );
        // An approval for an unknown provider is refused with a typed error.
        let mut raw = credence_core::model::RawProviderApproval::from(approvals[0].clone());
        raw.id = "AP-999".into();
        raw.provider = "10000001".into();
        let orphan = credence_core::model::ProviderApproval::try_from(raw).unwrap();
        assert!(matches!(
            store.put_approval(&admin(), &orphan, None).await,
            Err(StoreError::NotFound {
                what: credence_store::Entity::Provider,
                ..
            })
        ));
    }

    pub async fn approval_history(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let id = ApprovalId::try_from("AP-001").unwrap();
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let changed = store
            .add_approval_change(
                &admin(),
                &id,
                ApprovalChange {
                    status: ApprovalStatus::Suspended,
                    effective: d("2025-01-10"),
                    note: Some("annual review not returned".into()),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            changed.status_on(d("2025-02-01")),
            Some(ApprovalStatus::Suspended)
        );
        assert_eq!(store.approval(&id).await.unwrap().unwrap(), changed);
        let history = store.approval_history(&id).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].change.status, ApprovalStatus::Approved);
        assert_eq!(history[1].change.status, ApprovalStatus::Suspended);
        assert_eq!(history[1].recorded_by, "cli:tester");
        // Out of order: refused, nothing written.
        let err = store
            .add_approval_change(
                &admin(),
                &id,
                ApprovalChange {
                    status: ApprovalStatus::Approved,
                    effective: d("2024-01-01"),
                    note: None,
                },
            )
            .await;
        assert!(matches!(err, Err(StoreError::InvalidChange(_))), "{err:?}");
        assert_eq!(store.approval_history(&id).await.unwrap().len(), 2);
        // Putting the original approval again would rewrite the history.
        let original = sample::approvals().unwrap().remove(0);
        let stored = store.approval(original.id()).await.unwrap().unwrap();
        assert!(matches!(
            store.put_approval(&admin(), &original, Some(&stored)).await,
            Err(StoreError::HistoryRewrite { .. })
        ));
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
    }

    pub async fn idempotent_issuance(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let c = amira();
        let first = store
            .record_issuance(&admin(), &issuance(&c, 1))
            .await
            .unwrap();
        let IssueOutcome::Issued(issued) = first else {
            panic!("{first:?}")
        };
        // Same reference and fingerprint, a new badge id: the stored badge comes back unchanged.
        let again = store
            .record_issuance(&admin(), &issuance(&c, 2))
            .await
            .unwrap();
        let IssueOutcome::AlreadyIssued(existing) = again else {
            panic!("{again:?}")
        };
        assert_eq!(existing, issued);
        assert_eq!(
            existing.credential,
            format!("{{\"id\":  \"{}\", \"n\": 1.0 }}\n", badge_id(1))
        );
        assert_eq!(store.badge(&badge_id(1)).await.unwrap().unwrap(), issued);
        assert!(store.badge(&badge_id(2)).await.unwrap().is_none());
        assert_eq!(
            store
                .badge_for_reference(c.provider(), c.provider_reference())
                .await
                .unwrap(),
            Some(issued.clone())
        );
        // Same reference, different data: a conflict naming the stored badge.
        let mut other = issuance(&c, 3);
        other.fingerprint.0[0] ^= 1;
        let conflict = store.record_issuance(&admin(), &other).await.unwrap();
        assert_eq!(conflict, IssueOutcome::Conflict(issued));
        assert_eq!(db.count("SELECT COUNT(*) FROM badges").await, 1);
        // A batch: one new, one repeat, in one transaction.
        let mut new = issuance(&c, 4);
        new.provider_reference = ProviderReference::try_from("LEEDS-NEW-1").unwrap();
        let outcomes = store
            .record_issuances(&admin(), &[new.clone(), issuance(&c, 5), new])
            .await
            .unwrap();
        assert!(matches!(outcomes[0], IssueOutcome::Issued(_)));
        assert!(matches!(outcomes[1], IssueOutcome::AlreadyIssued(_)));
        assert!(matches!(outcomes[2], IssueOutcome::AlreadyIssued(_)));
        assert_eq!(db.count("SELECT COUNT(*) FROM badges").await, 2);
    }

    pub async fn concurrent_submissions(db: &Db) {
        load_sample(&*db.store).await;
        let c = amira();
        let tasks: Vec<_> = (0..50)
            .map(|n| {
                let store = db.store.clone();
                let i = issuance(&c, 100 + n);
                tokio::spawn(async move { store.record_issuance(&admin(), &i).await })
            })
            .collect();
        let mut issued = 0;
        let mut ids = std::collections::HashSet::new();
        for t in tasks {
            match t.await.unwrap().unwrap() {
                IssueOutcome::Issued(b) => {
                    issued += 1;
                    ids.insert(b.id);
                }
                IssueOutcome::AlreadyIssued(b) => {
                    ids.insert(b.id);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(issued, 1);
        assert_eq!(ids.len(), 1, "every submission got the same badge");
        assert_eq!(db.count("SELECT COUNT(*) FROM badges").await, 1);
        assert!(matches!(
            db.store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
    }

    pub async fn pagination(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let c = amira();
        let batch: Vec<NewIssuance> = (0..25)
            .map(|n| {
                let mut i = issuance(&c, n);
                i.provider_reference = ProviderReference::try_from(format!("REF-{n:03}")).unwrap();
                if n % 5 == 0 {
                    i.specification = credence_core::model::SpecId::try_from("CS-MHA").unwrap();
                }
                i
            })
            .collect();
        store.record_issuances(&admin(), &batch).await.unwrap();
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let page = store
                .list_badges(&BadgeFilter::default(), cursor, 10)
                .await
                .unwrap();
            pages += 1;
            seen.extend(
                page.items
                    .into_iter()
                    .map(|b| b.provider_reference.to_string()),
            );
            match page.next {
                Some(next) => cursor = Some(next.to_string().parse().unwrap()),
                None => break,
            }
        }
        assert_eq!(pages, 3);
        let expected: Vec<String> = (0..25).map(|n| format!("REF-{n:03}")).collect();
        assert_eq!(seen, expected);
        let filter = BadgeFilter {
            specification: Some(credence_core::model::SpecId::try_from("CS-MHA").unwrap()),
            ..BadgeFilter::default()
        };
        let page = store.list_badges(&filter, None, 100).await.unwrap();
        assert_eq!(page.items.len(), 5);
        assert_eq!(page.next, None);
        let filter = BadgeFilter {
            provider: Some(ProviderId::try_from("10007154").unwrap()),
            ..BadgeFilter::default()
        };
        assert!(store
            .list_badges(&filter, None, 100)
            .await
            .unwrap()
            .items
            .is_empty());
        let filter = BadgeFilter {
            issued_from: Some(batch[20].issued_at),
            ..BadgeFilter::default()
        };
        // issued_at is kept to the microsecond, so badge 20 is the first one at or after it.
        assert_eq!(
            store
                .list_badges(&filter, None, 100)
                .await
                .unwrap()
                .items
                .len(),
            5
        );
    }

    pub async fn audit_chain_detects_tampering(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        store
            .record_issuance(&admin(), &issuance(&amira(), 1))
            .await
            .unwrap();
        let ChainCheck::Intact { rows } = store.verify_audit_chain().await.unwrap() else {
            panic!("chain should verify")
        };
        // 9 specifications + 5 providers + 6 approvals + 1 badge and its claim link.
        assert_eq!(rows, 22);
        let entries = store.audit_entries(0, 100).await.unwrap();
        assert_eq!(entries[20].action, "badge.issue");
        assert_eq!(entries[21].action, "claim.create");
        assert_eq!(entries[0].actor, "cli:tester");
        // Alter one row.
        assert_eq!(
            db.exec("UPDATE audit_log SET actor = 'someone' WHERE id = 7")
                .await,
            1
        );
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Broken(credence_store::AuditBreak {
                row_id: 7,
                reason: BreakReason::HashMismatch
            })
        );
        db.exec("UPDATE audit_log SET actor = 'cli:tester' WHERE id = 7")
            .await;
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
        // Delete a row in the middle, then the last one.
        assert_eq!(db.exec("DELETE FROM audit_log WHERE id = 12").await, 1);
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Broken(credence_store::AuditBreak {
                row_id: 13,
                reason: BreakReason::MissingRows
            })
        );
        db.exec("DELETE FROM audit_log WHERE id >= 12").await;
        assert_eq!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Broken(credence_store::AuditBreak {
                row_id: 12,
                reason: BreakReason::TruncatedTail
            })
        );
    }

    pub async fn key_rotation(db: &Db) {
        let store = &*db.store;
        assert!(store.active_signing_key().await.unwrap().is_none());
        let k1 = SecretKey::from_seed(&[1; 32]).public_key();
        let k2 = SecretKey::from_seed(&[2; 32]).public_key();
        let vm1 = VerificationMethodId::new("did:web:centre.example#key-1").unwrap();
        let vm2 = VerificationMethodId::new("did:web:centre.example#key-2").unwrap();
        store
            .activate_signing_key(&admin(), &vm1, &k1)
            .await
            .unwrap();
        let active = store
            .activate_signing_key(&admin(), &vm2, &k2)
            .await
            .unwrap();
        assert_eq!((active.state, &active.public_key), (KeyState::Active, &k2));
        let keys = store.signing_keys().await.unwrap();
        assert_eq!(keys.len(), 2);
        let retired = keys.iter().find(|k| k.verification_method == vm1).unwrap();
        assert_eq!(
            (retired.state, &retired.public_key),
            (KeyState::Retired, &k1)
        );
        assert!(retired.retired_at.is_some());
        assert_eq!(
            store
                .active_signing_key()
                .await
                .unwrap()
                .unwrap()
                .verification_method,
            vm2
        );
        assert_eq!(
            db.count("SELECT COUNT(*) FROM signing_keys WHERE state = 'active'")
                .await,
            1
        );
        // Re-adding a known verification method is a typed duplicate, and nothing changes.
        assert!(matches!(
            store.activate_signing_key(&admin(), &vm1, &k1).await,
            Err(StoreError::AlreadyExists {
                what: credence_store::Entity::SigningKey
            })
        ));
        assert_eq!(
            store
                .active_signing_key()
                .await
                .unwrap()
                .unwrap()
                .verification_method,
            vm2
        );
    }

    pub async fn api_clients(db: &Db) {
        let store = &*db.store;
        let hash = TokenHash::of_token("secret-token");
        let client = store
            .create_api_client(
                &stamp(Actor::system()),
                &NewApiClient {
                    name: "Leeds registry".into(),
                    token_hash: hash.clone(),
                    scope: "provider:10007795".parse::<Scope>().unwrap(),
                },
            )
            .await
            .unwrap();
        assert_eq!(
            store.client_by_token_hash(&hash).await.unwrap(),
            Some(client.clone())
        );
        assert!(store
            .client_by_token_hash(&TokenHash::of_token("other"))
            .await
            .unwrap()
            .is_none());
        let dup = NewApiClient {
            name: "again".into(),
            token_hash: hash.clone(),
            scope: Scope::Admin,
        };
        assert!(matches!(
            store.create_api_client(&stamp(Actor::system()), &dup).await,
            Err(StoreError::AlreadyExists {
                what: credence_store::Entity::ApiClient
            })
        ));
        let revoked = store
            .revoke_api_client(&stamp(Actor::client(client.id)), client.id)
            .await
            .unwrap();
        assert!(revoked.revoked_at.is_some());
        assert!(store.client_by_token_hash(&hash).await.unwrap().is_none());
        assert_eq!(store.list_api_clients().await.unwrap().len(), 1);
        // The token itself never reaches the database.
        assert_eq!(
            db.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%secret-token%'")
                .await,
            0
        );
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { rows: 2 }
        ));
    }

    /// Every slot of `slots` (revocation and suspension), checked to be distinct.
    fn all_distinct(slots: &[BadgeStatusSlots]) -> std::collections::HashSet<StatusSlot> {
        let mut seen = std::collections::HashSet::new();
        for s in slots {
            assert!(seen.insert(s.revocation), "{s:?} handed out twice");
            assert!(seen.insert(s.suspension), "{s:?} handed out twice");
        }
        seen
    }

    pub async fn status_allocation(db: &Db) {
        let store = &*db.store;
        let badges: Vec<BadgeId> = (0..300).map(|n| badge_id(1000 + n)).collect();
        let slots = store
            .allocate_status_slots(&admin(), &badges, &mut rng())
            .await
            .unwrap();
        assert_eq!(slots.len(), 300);
        all_distinct(&slots);
        let revocation = slots[0].revocation.list;
        let suspension = slots[0].suspension.list;
        assert_ne!(revocation, suspension);
        assert!(slots
            .iter()
            .all(|s| s.revocation.list == revocation && s.suspension.list == suspension));
        for (id, purpose) in [
            (revocation, StatusPurpose::Revocation),
            (suspension, StatusPurpose::Suspension),
        ] {
            let list = store.status_list(id).await.unwrap().unwrap();
            assert_eq!(
                (list.purpose, list.size, list.allocated, list.version),
                (purpose, MIN_LIST_LEN, 300, 0)
            );
            assert!(list.set_indexes.is_empty() && list.signed.is_none());
        }
        // Random, not in order: spread over the list, and not increasing.
        let indexes: Vec<u64> = slots.iter().map(|s| s.revocation.index).collect();
        let (min, max) = (indexes.iter().min().unwrap(), indexes.iter().max().unwrap());
        assert!(max - min > MIN_LIST_LEN as u64 / 2, "{min}..{max}");
        assert!(indexes.windows(2).any(|w| w[0] > w[1]));
        assert!(indexes.iter().all(|&i| i < MIN_LIST_LEN as u64));
        let same = slots
            .iter()
            .filter(|s| s.revocation.index == s.suspension.index)
            .count();
        assert!(same < 5, "the two bits of a badge are drawn independently");

        // A badge that has its bits gets them back; duplicates in one call get one pair.
        let again = store
            .allocate_status_slots(
                &admin(),
                &[badges[7].clone(), badge_id(5000), badges[7].clone()],
                &mut rng(),
            )
            .await
            .unwrap();
        assert_eq!(again[0], slots[7]);
        assert_eq!(again[2], slots[7]);
        assert!(!all_distinct(&slots).contains(&again[1].revocation));
        let list = store.status_list(revocation).await.unwrap().unwrap();
        assert_eq!(list.allocated, 301);
        assert_eq!(db.count("SELECT COUNT(*) FROM status_slots").await, 2 * 301);
        assert!(store
            .allocate_status_slots(&admin(), &[], &mut rng())
            .await
            .unwrap()
            .is_empty());

        let status = store.badge_status(&badges[3]).await.unwrap().unwrap();
        assert_eq!(status.slots(), slots[3]);
        assert!(!status.is_revoked() && !status.is_suspended());
        assert_eq!(status.revocation.changed_at, None);
        assert_eq!(
            store.status_slots(&badges[3]).await.unwrap(),
            Some(slots[3])
        );
        assert_eq!(store.badge_status(&badge_id(9999)).await.unwrap(), None);
        assert_eq!(store.status_list(StatusListId(999)).await.unwrap(), None);
        // Allocation is not an audited change.
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { rows: 0 }
        ));
    }

    pub async fn status_list_rollover(db: &Db) {
        let small = db.replica(16).await;
        let batch = |from: u64, n: u64| (from..from + n).map(badge_id).collect::<Vec<_>>();
        let mut all = Vec::new();
        // 10, then 10 more (6 fill the first lists, 4 start new ones), then 20 in one call.
        for (from, n) in [(0, 10), (10, 10), (20, 20)] {
            all.extend(
                small
                    .allocate_status_slots(&admin(), &batch(from, n), &mut rng())
                    .await
                    .unwrap(),
            );
        }
        all_distinct(&all);
        let mut per_list: std::collections::BTreeMap<StatusListId, Vec<u64>> =
            std::collections::BTreeMap::new();
        for s in &all {
            per_list
                .entry(s.revocation.list)
                .or_default()
                .push(s.revocation.index);
            per_list
                .entry(s.suspension.list)
                .or_default()
                .push(s.suspension.index);
        }
        // 40 badges on lists of 16: 16 + 16 + 8 of each purpose.
        let mut counts: Vec<(StatusPurpose, usize, usize)> = Vec::new();
        for (id, indexes) in &per_list {
            let list = small.status_list(*id).await.unwrap().unwrap();
            assert_eq!(list.size, 16);
            assert_eq!(list.allocated, indexes.len());
            assert!(indexes.iter().all(|&i| i < 16));
            counts.push((list.purpose, id.0 as usize, indexes.len()));
        }
        for purpose in [StatusPurpose::Revocation, StatusPurpose::Suspension] {
            let sizes: Vec<usize> = counts
                .iter()
                .filter(|c| c.0 == purpose)
                .map(|c| c.2)
                .collect();
            assert_eq!(sizes, vec![16, 16, 8], "{purpose:?}: {counts:?}");
        }
        // The badges in order: the first 16 on the first list, and so on.
        assert!(all[..16]
            .iter()
            .all(|s| s.revocation.list == all[0].revocation.list));
        assert!(all[16..32]
            .iter()
            .all(|s| s.revocation.list == all[16].revocation.list));
        assert_ne!(all[15].revocation.list, all[16].revocation.list);
        // A store with the default size keeps filling the open list at its own size.
        let more = db
            .store
            .allocate_status_slots(&admin(), &batch(100, 1), &mut rng())
            .await
            .unwrap();
        assert_eq!(more[0].revocation.list, all[39].revocation.list);
    }

    pub async fn concurrent_allocation_across_replicas(db: &Db) {
        // Two replicas (own pools) allocating at once in batches of 500: first 200 badges each on
        // small lists (many roll-overs), then 2,000 each on full-size lists (once the last small
        // lists are full: a list keeps the size it was started with).
        for (size, per_replica, offset) in [(64, 200u64, 100_000u64), (MIN_LIST_LEN, 2_000, 0)] {
            let a = db.replica(size).await;
            let b = db.replica(size).await;
            let run = |store: Arc<dyn Store>, from: u64| {
                tokio::spawn(async move {
                    let mut out = Vec::new();
                    for start in (from..from + per_replica).step_by(500) {
                        let end = (start + 500).min(from + per_replica);
                        let ids: Vec<BadgeId> = (start..end).map(badge_id).collect();
                        out.extend(
                            store
                                .allocate_status_slots(&admin(), &ids, &mut rng())
                                .await
                                .unwrap(),
                        );
                    }
                    out
                })
            };
            let ta = run(a.clone(), offset);
            let tb = run(b.clone(), offset + per_replica);
            let mut all = ta.await.unwrap();
            all.extend(tb.await.unwrap());
            assert_eq!(all.len() as u64, 2 * per_replica);
            let mut sizes = std::collections::HashMap::new();
            for slot in all_distinct(&all) {
                if let std::collections::hash_map::Entry::Vacant(e) = sizes.entry(slot.list) {
                    e.insert(a.status_list(slot.list).await.unwrap().unwrap().size);
                }
                assert!(slot.index < sizes[&slot.list] as u64, "{slot:?}");
            }
            drop((a, b));
        }
        assert_eq!(
            db.count("SELECT COUNT(*) FROM status_slots").await,
            2 * (4_000 + 400)
        );
        assert_eq!(
            db.count(
                "SELECT COUNT(*) FROM status_lists l WHERE l.allocated <> \
                 (SELECT COUNT(*) FROM status_slots s WHERE s.list_id = l.list_id)"
            )
            .await,
            0
        );
        // Of the small lists, only the newest of each purpose may have room left.
        assert!(
            db.count("SELECT COUNT(*) FROM status_lists WHERE size = 64 AND allocated < size")
                .await
                <= 2
        );
    }

    pub async fn revoke_suspend_reinstate(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let c = amira();
        store
            .record_issuance(&admin(), &issuance(&c, 1))
            .await
            .unwrap();
        let mut unslotted = issuance(&c, 3);
        unslotted.provider_reference = ProviderReference::try_from("LEEDS-OTHER").unwrap();
        store.record_issuance(&admin(), &unslotted).await.unwrap();
        let slots = store
            .allocate_status_slots(&admin(), &[badge_id(1), badge_id(2)], &mut rng())
            .await
            .unwrap();
        let rows_before = store.audit_entries(0, 1000).await.unwrap().len();
        let conflict = |r: Result<_, StoreError>, expected: StatusConflict| match r {
            Err(StoreError::StatusConflict { conflict, badge }) => {
                assert_eq!((conflict, badge), (expected, badge_id(1)))
            }
            other => panic!("{other:?}"),
        };

        // Unknown badges, and a recorded badge without status bits.
        let err = store
            .revoke_badge(&admin(), &badge_id(99), StatusReason::Other, None)
            .await;
        assert!(
            matches!(
                err,
                Err(StoreError::NotFound {
                    what: Entity::Badge,
                    ..
                })
            ),
            "{err:?}"
        );
        let err = store
            .suspend_badge(&admin(), &badge_id(3), StatusReason::Other, None)
            .await;
        assert!(
            matches!(
                err,
                Err(StoreError::NotFound {
                    what: Entity::StatusSlot,
                    ..
                })
            ),
            "{err:?}"
        );
        conflict(
            store.reinstate_badge(&admin(), &badge_id(1), None).await,
            StatusConflict::NotSuspended,
        );

        // Suspend, once.
        let suspended = store
            .suspend_badge(
                &admin(),
                &badge_id(1),
                StatusReason::UnderInvestigation,
                Some("complaint received"),
            )
            .await
            .unwrap();
        assert!(suspended.is_suspended() && !suspended.is_revoked());
        assert_eq!(
            suspended.suspension.reason,
            Some(StatusReason::UnderInvestigation)
        );
        assert_eq!(
            suspended.suspension.changed_by.as_deref(),
            Some("cli:tester")
        );
        assert_eq!(
            store.badge_status(&badge_id(1)).await.unwrap(),
            Some(suspended)
        );
        let list = store
            .status_list(slots[0].suspension.list)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(list.version, 1);
        assert_eq!(list.set_indexes, vec![slots[0].suspension.index]);
        assert!(list.bits().unwrap().get(slots[0].suspension.index).unwrap());
        conflict(
            store
                .suspend_badge(&admin(), &badge_id(1), StatusReason::Other, None)
                .await,
            StatusConflict::AlreadySuspended,
        );

        // Reinstate clears the suspension only.
        let reinstated = store
            .reinstate_badge(&admin(), &badge_id(1), Some("cleared"))
            .await
            .unwrap();
        assert!(!reinstated.is_suspended());
        assert_eq!(reinstated.suspension.reason, None);
        assert_eq!(reinstated.suspension.note.as_deref(), Some("cleared"));
        let list = store
            .status_list(slots[0].suspension.list)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((list.version, list.set_indexes.len()), (2, 0));
        conflict(
            store.reinstate_badge(&admin(), &badge_id(1), None).await,
            StatusConflict::NotSuspended,
        );

        // Suspend again, then revoke: final, and the suspension stays recorded.
        store
            .suspend_badge(
                &admin(),
                &badge_id(1),
                StatusReason::UnderInvestigation,
                None,
            )
            .await
            .unwrap();
        let revoked = store
            .revoke_badge(
                &admin(),
                &badge_id(1),
                StatusReason::AcademicMisconduct,
                Some("panel decision 2025-07"),
            )
            .await
            .unwrap();
        assert!(revoked.is_revoked() && revoked.is_suspended());
        let list = store
            .status_list(slots[0].revocation.list)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (list.version, list.set_indexes.clone()),
            (1, vec![slots[0].revocation.index])
        );
        conflict(
            store
                .revoke_badge(&admin(), &badge_id(1), StatusReason::Other, None)
                .await,
            StatusConflict::AlreadyRevoked,
        );
        conflict(
            store
                .suspend_badge(&admin(), &badge_id(1), StatusReason::Other, None)
                .await,
            StatusConflict::AlreadyRevoked,
        );
        conflict(
            store.reinstate_badge(&admin(), &badge_id(1), None).await,
            StatusConflict::AlreadyRevoked,
        );
        // The other badge (allocated, never recorded) is untouched.
        let other = store.badge_status(&badge_id(2)).await.unwrap().unwrap();
        assert!(!other.is_revoked() && !other.is_suspended());

        // Four changes, four audit rows; the refusals wrote nothing.
        let entries = store.audit_entries(0, 1000).await.unwrap();
        let actions: Vec<&str> = entries[rows_before..]
            .iter()
            .map(|e| e.action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "badge.suspend",
                "badge.reinstate",
                "badge.suspend",
                "badge.revoke"
            ]
        );
        let last = entries.last().unwrap();
        assert_eq!(last.subject, badge_id(1).to_string());
        let detail: serde_json::Value = serde_json::from_str(&last.detail).unwrap();
        assert_eq!(detail["reason"], "academic_misconduct");
        assert_eq!(detail["note"], "panel decision 2025-07");
        assert_eq!(detail["purpose"], "revocation");
        assert_eq!(detail["index"], slots[0].revocation.index);
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
    }

    pub async fn signed_list_cache(db: &Db) {
        let store = &*db.store;
        let slots = store
            .allocate_status_slots(&admin(), &[badge_id(1)], &mut rng())
            .await
            .unwrap();
        let id = slots[0].suspension.list;
        let list = store.status_list(id).await.unwrap().unwrap();
        assert_eq!((list.version, list.signed.as_deref()), (0, None));
        assert_eq!(store.current_signed_status_list(id).await.unwrap(), None);
        // The unsigned list credential, made by the core from the stored bits.
        let vc = credence_vc::status::list_credential_with_set(
            "https://centre.example/status/2",
            "did:web:centre.example",
            list.purpose,
            list.size,
            list.set_indexes.iter().copied(),
            "2025-06-01T00:00:00Z",
            None,
        )
        .unwrap();
        assert_eq!(vc["credentialSubject"]["statusPurpose"], "suspension");

        assert!(store
            .put_signed_status_list(id, 0, "signed-v0")
            .await
            .unwrap());
        let list = store.status_list(id).await.unwrap().unwrap();
        assert_eq!(list.signed.as_deref(), Some("signed-v0"));
        assert_eq!(
            store.current_signed_status_list(id).await.unwrap(),
            Some((0, "signed-v0".to_owned()))
        );
        // The same version again is not stored twice: the first one stays.
        assert!(!store
            .put_signed_status_list(id, 0, "other-v0")
            .await
            .unwrap());
        assert_eq!(
            store
                .status_list(id)
                .await
                .unwrap()
                .unwrap()
                .signed
                .as_deref(),
            Some("signed-v0")
        );
        // A bit changes: the cached credential is stale, and an old one cannot be stored.
        store
            .suspend_badge(&admin(), &badge_id(1), StatusReason::Other, Some("check"))
            .await
            .unwrap();
        assert_eq!(store.current_signed_status_list(id).await.unwrap(), None);
        let list = store.status_list(id).await.unwrap().unwrap();
        assert_eq!((list.version, list.signed.as_deref()), (1, None));
        assert!(!store
            .put_signed_status_list(id, 0, "late-v0")
            .await
            .unwrap());
        assert!(!store.put_signed_status_list(id, 2, "future").await.unwrap());
        // Two replicas signing version 1 at once: exactly one stores it.
        let (a, b) = (
            db.replica(MIN_LIST_LEN).await,
            db.replica(MIN_LIST_LEN).await,
        );
        let (ra, rb) = tokio::join!(
            a.put_signed_status_list(id, 1, "from-a"),
            b.put_signed_status_list(id, 1, "from-b")
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        assert!(ra ^ rb, "{ra} {rb}");
        let signed = store.status_list(id).await.unwrap().unwrap().signed;
        assert_eq!(
            signed.as_deref(),
            Some(if ra { "from-a" } else { "from-b" })
        );
        assert!(matches!(
            store
                .put_signed_status_list(StatusListId(999), 0, "x")
                .await,
            Err(StoreError::NotFound {
                what: Entity::StatusList,
                ..
            })
        ));
    }

    pub async fn allocation_of_10000_badges(db: &Db) {
        let store = &*db.store;
        let ids: Vec<BadgeId> = (0..10_000).map(|n| badge_id(200_000 + n)).collect();
        let started = std::time::Instant::now();
        let slots = store
            .allocate_status_slots(&admin(), &ids, &mut rng())
            .await
            .unwrap();
        let took = started.elapsed();
        println!("allocate_status_slots: 10,000 badges in {took:?}");
        assert_eq!(all_distinct(&slots).len(), 20_000);
        // And 10,000 more on the now fuller lists.
        let more: Vec<BadgeId> = (0..10_000).map(|n| badge_id(300_000 + n)).collect();
        let started = std::time::Instant::now();
        let mut slots2 = store
            .allocate_status_slots(&admin(), &more, &mut rng())
            .await
            .unwrap();
        println!(
            "allocate_status_slots: 10,000 more badges in {:?}",
            started.elapsed()
        );
        slots2.extend(slots);
        assert_eq!(all_distinct(&slots2).len(), 40_000);
    }

    pub async fn claims_and_sharing(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let c = amira();
        store
            .record_issuance(&admin(), &issuance(&c, 1))
            .await
            .unwrap();
        // The claim link is recorded with the badge; putting it again writes nothing.
        let hash = TokenHash::of_token("claim-1");
        let claims = [(badge_id(1), hash.clone())];
        assert_eq!(store.put_claims(&admin(), &claims).await.unwrap(), 0);
        let claim = store.claim(&hash).await.unwrap().unwrap();
        assert_eq!(claim.badge.id, badge_id(1));
        assert!(!claim.share_enabled, "sharing is off by default");
        assert!(store
            .claim(&TokenHash::of_token("clm_other"))
            .await
            .unwrap()
            .is_none());
        assert_eq!(
            store.share_enabled(&badge_id(1)).await.unwrap(),
            Some(false)
        );
        assert!(store.set_share(&admin(), &badge_id(1), true).await.unwrap());
        assert_eq!(store.share_enabled(&badge_id(1)).await.unwrap(), Some(true));
        // Setting it to what it is writes no audit row.
        let rows = store.audit_entries(0, 1000).await.unwrap().len();
        store.set_share(&admin(), &badge_id(1), true).await.unwrap();
        assert_eq!(store.audit_entries(0, 1000).await.unwrap().len(), rows);
        assert!(!store
            .set_share(&admin(), &badge_id(1), false)
            .await
            .unwrap());
        assert!(matches!(
            store.set_share(&admin(), &badge_id(2), true).await,
            Err(StoreError::NotFound { .. })
        ));
        let actions: Vec<String> = store
            .audit_entries(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert!(actions.contains(&"claim.create".to_owned()));
        assert!(actions.contains(&"badge.share_on".to_owned()));
        assert!(actions.contains(&"badge.share_off".to_owned()));
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
    }
}

mod house {
    use super::*;

    /// Every timestamp the store keeps is the one it was handed: the store reads no clock.
    pub async fn stamps_reach_every_timestamp(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let at = test_time();
        let key = SecretKey::from_seed(&[1; 32]).public_key();
        let vm = VerificationMethodId::new("did:web:centre.example#key-1").unwrap();
        let key = store
            .activate_signing_key(&admin(), &vm, &key)
            .await
            .unwrap();
        assert_eq!(key.created_at, at);
        let client = store
            .create_api_client(
                &admin(),
                &NewApiClient {
                    name: "stamped".into(),
                    token_hash: TokenHash::of_token("cred_stamped"),
                    scope: Scope::Admin,
                },
            )
            .await
            .unwrap();
        assert_eq!(client.created_at, at);
        let revoked = store.revoke_api_client(&admin(), client.id).await.unwrap();
        assert_eq!(revoked.revoked_at, Some(at));
        let slots = store
            .allocate_status_slots(&admin(), &[badge_id(1)], &mut rng())
            .await
            .unwrap();
        store
            .record_issuance(&admin(), &issuance(&amira(), 1))
            .await
            .unwrap();
        let status = store
            .suspend_badge(
                &admin(),
                &badge_id(1),
                StatusReason::UnderInvestigation,
                None,
            )
            .await
            .unwrap();
        assert_eq!(status.suspension.changed_at, Some(at));
        let list = store
            .status_list(slots[0].revocation.list)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(list.created_at, at);
        let id = sample::approvals().unwrap().remove(0).id().clone();
        for change in store.approval_history(&id).await.unwrap() {
            assert_eq!(change.recorded_at, at);
        }
        let entries = store.audit_entries(0, 1000).await.unwrap();
        assert!(entries.len() > 20);
        assert!(
            entries.iter().all(|e| e.at == at),
            "every audit row at {at}"
        );
    }

    /// A chunk of issuance is one transaction: dropped before commit, neither its status list
    /// bits nor its badges, claim links or audit rows are stored.
    pub async fn an_issuance_chunk_is_one_transaction(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let before = store.audit_entries(0, 1000).await.unwrap().len();
        {
            let mut chunk = store.begin_issuance(&admin()).await.unwrap();
            chunk
                .allocate_status_slots(&[badge_id(1)], &mut rng())
                .await
                .unwrap();
            let outcomes = chunk.record(&[issuance(&amira(), 1)]).await.unwrap();
            assert!(matches!(outcomes[..], [IssueOutcome::Issued(_)]));
        }
        assert!(store.badge(&badge_id(1)).await.unwrap().is_none());
        assert!(store.status_slots(&badge_id(1)).await.unwrap().is_none());
        assert_eq!(db.count("SELECT COUNT(*) FROM claims").await, 0);
        assert_eq!(db.count("SELECT COUNT(*) FROM status_slots").await, 0);
        assert_eq!(store.audit_entries(0, 1000).await.unwrap().len(), before);

        let mut chunk = store.begin_issuance(&admin()).await.unwrap();
        let slots = chunk
            .allocate_status_slots(&[badge_id(1)], &mut rng())
            .await
            .unwrap();
        chunk.record(&[issuance(&amira(), 1)]).await.unwrap();
        chunk.commit().await.unwrap();
        assert_eq!(
            store.status_slots(&badge_id(1)).await.unwrap(),
            Some(slots[0])
        );
        assert!(store
            .claim(&TokenHash::of_token("claim-1"))
            .await
            .unwrap()
            .is_some());
        assert!(matches!(
            store.verify_audit_chain().await.unwrap(),
            ChainCheck::Intact { .. }
        ));
    }

    /// Two adds of one new key racing from two replicas: one is stored, the other refused.
    pub async fn racing_adds_of_one_key(db: &Db) {
        let (a, b) = (
            db.replica(MIN_LIST_LEN).await,
            db.replica(MIN_LIST_LEN).await,
        );
        let provider = sample::providers().unwrap().remove(0);
        let by = admin();
        let (x, y) = tokio::join!(
            a.put_provider(&by, &provider, None),
            b.put_provider(&by, &provider, None)
        );
        let won = [&x, &y].iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{x:?} {y:?}");
        assert!([x, y].into_iter().any(|r| matches!(
            r,
            Err(StoreError::AlreadyExists {
                what: credence_store::Entity::Provider
            })
        )));
        assert_eq!(a.list_providers().await.unwrap(), vec![provider]);
    }
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = super::Db::sqlite().await;
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(db) = super::Db::postgres().await else {
                        super::skipped();
                        return;
                    };
                    super::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

use cases::*;
use house::*;

suite!(
    stamps_reach_every_timestamp,
    an_issuance_chunk_is_one_transaction,
    racing_adds_of_one_key,
    sample_round_trips,
    approval_history,
    idempotent_issuance,
    concurrent_submissions,
    pagination,
    audit_chain_detects_tampering,
    key_rotation,
    api_clients,
    status_allocation,
    status_list_rollover,
    concurrent_allocation_across_replicas,
    revoke_suspend_reinstate,
    signed_list_cache,
    allocation_of_10000_badges,
    claims_and_sharing,
    registration_digests_and_checks,
);

/// The two backends' migrations describe one schema: the same tables, columns (in order, with
/// the same storage class and nullability), primary keys, unique constraints, foreign keys and
/// named indexes.
mod schema {
    use std::collections::{BTreeMap, BTreeSet};

    use sqlx::{PgPool, SqlitePool};

    /// A column: name, storage class (`text` or `integer`), not null.
    type Column = (String, &'static str, bool);

    #[derive(Debug, Default, PartialEq, Eq)]
    struct Table {
        columns: Vec<Column>,
        primary_key: Vec<String>,
        unique: BTreeSet<Vec<String>>,
        foreign_keys: BTreeSet<(Vec<String>, String, Vec<String>)>,
        /// Named indexes that back no constraint: name, columns, unique, partial.
        indexes: BTreeSet<(String, Vec<String>, bool, bool)>,
    }

    type Schema = BTreeMap<String, Table>;

    /// SQLite's type affinity of a declared type (as the SQLite documentation gives it).
    fn sqlite_class(declared: &str) -> &'static str {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            "integer"
        } else if t.contains("CHAR") || t.contains("TEXT") || t.contains("CLOB") {
            "text"
        } else {
            "other"
        }
    }

    /// The SQLite storage class a PostgreSQL type corresponds to.
    fn postgres_class(data_type: &str) -> &'static str {
        match data_type {
            "bigint" | "integer" | "smallint" | "boolean" => "integer",
            "text" | "character varying" | "date" | "timestamp with time zone" => "text",
            _ => "other",
        }
    }

    async fn sqlite(pool: &SqlitePool) -> Schema {
        let tables: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let mut schema = Schema::new();
        for (table,) in tables {
            let mut t = Table::default();
            let columns: Vec<(String, String, bool, i64)> = sqlx::query_as(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info($1) ORDER BY cid",
            )
            .bind(&table)
            .fetch_all(pool)
            .await
            .unwrap();
            let mut pk: Vec<(i64, String)> = Vec::new();
            for (name, declared, not_null, key) in columns {
                if key > 0 {
                    pk.push((key, name.clone()));
                }
                t.columns
                    .push((name, sqlite_class(&declared), not_null || key > 0));
            }
            pk.sort();
            t.primary_key = pk.into_iter().map(|(_, n)| n).collect();
            let indexes: Vec<(String, bool, String, bool)> = sqlx::query_as(
                "SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)",
            )
            .bind(&table)
            .fetch_all(pool)
            .await
            .unwrap();
            for (name, unique, origin, partial) in indexes {
                let columns: Vec<(String,)> =
                    sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                        .bind(&name)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                let columns: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
                match origin.as_str() {
                    "u" => {
                        t.unique.insert(columns);
                    }
                    "pk" => {}
                    _ => {
                        t.indexes.insert((name, columns, unique, partial));
                    }
                }
            }
            let fks: Vec<(i64, String, String, String)> = sqlx::query_as(
                "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list($1) \
                 ORDER BY id, seq",
            )
            .bind(&table)
            .fetch_all(pool)
            .await
            .unwrap();
            let mut by_id: BTreeMap<i64, (Vec<String>, String, Vec<String>)> = BTreeMap::new();
            for (id, target, from, to) in fks {
                let fk = by_id.entry(id).or_insert((Vec::new(), target, Vec::new()));
                fk.0.push(from);
                fk.2.push(to);
            }
            t.foreign_keys = by_id.into_values().collect();
            schema.insert(table, t);
        }
        schema
    }

    async fn postgres(pool: &PgPool) -> Schema {
        let columns: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name <> '_sqlx_migrations' ORDER BY table_name, ordinal_position",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let mut schema = Schema::new();
        for (table, name, data_type, nullable) in columns {
            schema.entry(table).or_default().columns.push((
                name,
                postgres_class(&data_type),
                nullable == "NO",
            ));
        }
        let names = "(SELECT array_agg(a.attname::text ORDER BY k.ord) \
             FROM unnest(KEYS) WITH ORDINALITY k(attnum, ord) \
             JOIN pg_attribute a ON a.attrelid = REL AND a.attnum = k.attnum)";
        type ConstraintRow = (
            String,
            String,
            Vec<String>,
            Option<String>,
            Option<Vec<String>>,
        );
        let constraints: Vec<ConstraintRow> = sqlx::query_as(&format!(
            "SELECT t.relname::text, c.contype::text, {}, r.relname::text, {} \
                 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                 JOIN pg_namespace n ON n.oid = t.relnamespace \
                 LEFT JOIN pg_class r ON r.oid = c.confrelid \
                 WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f') \
                 AND t.relname <> '_sqlx_migrations'",
            names
                .replace("KEYS", "c.conkey")
                .replace("REL", "c.conrelid"),
            names
                .replace("KEYS", "c.confkey")
                .replace("REL", "c.confrelid"),
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        for (table, kind, columns, target, target_columns) in constraints {
            let t = schema.entry(table).or_default();
            match kind.as_str() {
                "p" => t.primary_key = columns,
                "u" => {
                    t.unique.insert(columns);
                }
                _ => {
                    t.foreign_keys.insert((
                        columns,
                        target.unwrap_or_default(),
                        target_columns.unwrap_or_default(),
                    ));
                }
            }
        }
        let indexes: Vec<(String, String, bool, bool, Vec<String>)> = sqlx::query_as(&format!(
            "SELECT t.relname::text, i.relname::text, x.indisunique, x.indpred IS NOT NULL, {} \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = current_schema() AND t.relname <> '_sqlx_migrations' \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            names
                .replace("KEYS", "x.indkey::int2[]")
                .replace("REL", "x.indrelid"),
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        for (table, name, unique, partial, columns) in indexes {
            schema
                .entry(table)
                .or_default()
                .indexes
                .insert((name, columns, unique, partial));
        }
        schema
    }

    #[tokio::test]
    async fn sqlite_and_postgres_migrations_describe_one_schema() {
        let lite = super::Db::sqlite().await;
        let Some(pg) = super::Db::postgres().await else {
            super::skipped();
            lite.finish().await;
            return;
        };
        let (super::Raw::Sqlite(lite_pool), super::Raw::Pg(pg_pool)) = (&lite.raw, &pg.raw) else {
            unreachable!("a SQLite and a PostgreSQL database");
        };
        let (a, b) = (sqlite(lite_pool).await, postgres(pg_pool).await);
        assert!(a.len() >= 12, "tables found: {:?}", a.keys());
        for (name, table) in &a {
            assert_eq!(Some(table), b.get(name), "table {name} differs");
        }
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "the same tables"
        );
        lite.finish().await;
        pg.finish().await;
    }
}

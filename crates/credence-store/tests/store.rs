//! The store suite, run against SQLite (a temp file) and, when `CREDENCE_TEST_DATABASE_URL` is set,
//! against PostgreSQL in a fresh schema per test.

// Test helpers outside `#[test]` functions fail loudly by design.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use credence_core::keys::{SecretKey, VerificationMethodId};
use credence_core::model::sample::{self, Expected};
use credence_core::model::{
    ApprovalChange, ApprovalId, ApprovalStatus, BadgeId, Completion, ProviderId, ProviderReference,
};
use credence_store::{
    Actor, BadgeFilter, BreakReason, ChainCheck, IssueOutcome, KeyState, NewApiClient, NewIssuance,
    PgStore, Scope, SqliteStore, Store, StoreError, TokenHash, Written,
};
use rand::Rng;
use sqlx::{PgPool, SqlitePool};

enum Raw {
    Sqlite(SqlitePool),
    Pg {
        pool: PgPool,
        admin: PgPool,
        schema: String,
    },
}

struct Db {
    store: Arc<dyn Store>,
    raw: Raw,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn sqlite() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = credence_store::connect(&url).await.unwrap();
        // Reconnecting runs the migrations again: they must be idempotent.
        SqliteStore::connect(&url).await.unwrap();
        let raw = SqlitePool::connect(&url).await.unwrap();
        Db {
            store,
            raw: Raw::Sqlite(raw),
            _dir: Some(dir),
        }
    }

    async fn postgres() -> Option<Db> {
        let base = std::env::var("CREDENCE_TEST_DATABASE_URL").ok()?;
        let admin = PgPool::connect(&base).await.unwrap();
        let schema = format!("t_{:016x}", rand::thread_rng().gen::<u64>());
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let store = credence_store::connect(&url).await.unwrap();
        PgStore::connect(&url).await.unwrap();
        let pool = PgPool::connect(&url).await.unwrap();
        Some(Db {
            store,
            raw: Raw::Pg {
                pool,
                admin,
                schema,
            },
            _dir: None,
        })
    }

    /// Runs SQL behind the store's back (tampering).
    async fn exec(&self, sql: &str) -> u64 {
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query(sql).execute(p).await.unwrap().rows_affected(),
            Raw::Pg { pool, .. } => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        match &self.raw {
            Raw::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Raw::Pg { pool, .. } => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        }
    }

    async fn finish(self) {
        if let Raw::Pg {
            pool,
            admin,
            schema,
        } = self.raw
        {
            pool.close().await;
            drop(self.store);
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&admin)
                .await
                .unwrap();
        }
    }
}

/// Says once, past libtest's output capture, that the PostgreSQL half did not run.
fn skipped() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: PostgreSQL tests (CREDENCE_TEST_DATABASE_URL unset)"
        );
    });
}

fn admin() -> Actor {
    Actor::cli("tester")
}

async fn load_sample(store: &dyn Store) {
    for s in sample::specifications().unwrap() {
        assert_eq!(
            store.put_specification(&admin(), &s).await.unwrap(),
            Written::Created
        );
    }
    for p in sample::providers().unwrap() {
        store.put_provider(&admin(), &p).await.unwrap();
    }
    for a in sample::approvals().unwrap() {
        store.put_approval(&admin(), &a).await.unwrap();
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
    }
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
        // Replacing a specification reports an update and keeps one row.
        let first = &expected[0];
        assert_eq!(
            store.put_specification(&admin(), first).await.unwrap(),
            Written::Updated
        );
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
            store.put_approval(&admin(), &orphan).await,
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
        assert!(matches!(
            store.put_approval(&admin(), &original).await,
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
        // 9 specifications + 5 providers + 6 approvals + 1 badge.
        assert_eq!(rows, 21);
        let entries = store.audit_entries(0, 100).await.unwrap();
        assert_eq!(entries[20].action, "badge.issue");
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
                &Actor::system(),
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
            store.create_api_client(&Actor::system(), &dup).await,
            Err(StoreError::AlreadyExists {
                what: credence_store::Entity::ApiClient
            })
        ));
        let revoked = store
            .revoke_api_client(&Actor::client(client.id), client.id)
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

    pub async fn claims_and_sharing(db: &Db) {
        let store = &*db.store;
        load_sample(store).await;
        let c = amira();
        store
            .record_issuance(&admin(), &issuance(&c, 1))
            .await
            .unwrap();
        let hash = TokenHash::of_token("clm_secret-one");
        let claims = [(badge_id(1), hash.clone())];
        assert_eq!(store.put_claims(&admin(), &claims).await.unwrap(), 1);
        // Idempotent: the same claim again writes nothing.
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

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = super::Db::sqlite().await;
                    super::cases::$name(&db).await;
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
                    super::cases::$name(&db).await;
                    db.finish().await;
                }
            )*
        }
    };
}

suite!(
    sample_round_trips,
    approval_history,
    idempotent_issuance,
    concurrent_submissions,
    pagination,
    audit_chain_detects_tampering,
    key_rotation,
    api_clients,
    claims_and_sharing,
);

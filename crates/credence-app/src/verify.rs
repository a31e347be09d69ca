//! Verifying a badge in two rounds of resolution through the caller's async [`Resolve`], each
//! CPU step on the blocking pool: plan; resolve the issuer's controller document; check the key
//! and the proof; resolve the status lists (only a genuine badge names any); verify. The
//! verification API, the pages and `credence verify` all come here; no step waits on I/O from
//! inside the verifier, and nothing is fetched for a badge whose proof did not verify.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use credence_core::badge::KnownIdentifier;
use credence_core::verify::{Report, Verifier};
use credence_ld::budget::Budget;
use credence_vc::keys::DidDocument;
use credence_vc::verify::{
    KeyNeeds, LocalKeys, LocalStatusLists, PresentationOptions, PresentationReport, ResolveError,
    ResolvedKeys, ResolvedLists, StatusNeeds, TrustedIssuers,
};
use serde_json::Value;

use crate::clock::Clock;

/// Where a verification gets what it needs: controller documents (round one) and status lists
/// (round two, asked only for a badge whose proof verified with its trusted issuer's key).
#[async_trait]
pub trait Resolve: Send + Sync {
    /// The controller document whose `id` is `controller`.
    async fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError>;
    /// The `BitstringStatusListCredential` published at `url`.
    async fn status_list(&self, url: &str) -> Result<Value, ResolveError>;
}

/// Answers from documents held in memory (`credence verify`'s files, tests), plus `did:key`.
#[derive(Debug, Clone, Default)]
pub struct LocalResolver {
    /// Controller documents.
    pub keys: LocalKeys,
    /// Status list credentials.
    pub lists: LocalStatusLists,
}

#[async_trait]
impl Resolve for LocalResolver {
    async fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError> {
        self.keys.controller_document(controller)
    }
    async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
        self.lists.status_list(url)
    }
}

/// When a badge's validity and status are judged.
#[derive(Clone)]
#[non_exhaustive]
pub enum JudgeAt {
    /// At this time (a replay, or `credence verify --at`).
    Time(DateTime<Utc>),
    /// By this clock once the status lists are resolved: a list the service signs while this
    /// verification waits for it carries a `validFrom` later than the request, and a verdict
    /// judged at the request's time would find it not yet valid ("status unknown").
    Clock(Arc<dyn Clock>),
}

impl JudgeAt {
    fn time(&self) -> DateTime<Utc> {
        match self {
            JudgeAt::Time(at) => *at,
            JudgeAt::Clock(clock) => clock.now(),
        }
    }
}

impl std::fmt::Debug for JudgeAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JudgeAt::Time(at) => f.debug_tuple("Time").field(at).finish(),
            JudgeAt::Clock(_) => f.write_str("Clock"),
        }
    }
}

/// One verification: the input and what to judge it by.
#[derive(Debug)]
pub struct VerifyRequest {
    /// The badge: JSON, a compact JWT, or a baked PNG or SVG.
    pub input: Vec<u8>,
    /// When to judge validity and status.
    pub at: JudgeAt,
    /// An identifier the holder should match, if the verifier knows one.
    pub known_identifier: Option<KnownIdentifier>,
    /// Bounds on the work, and the flag that stops it.
    pub budget: Budget,
}

/// Why a verification gave no report (every problem with the badge is a failed check instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A step on the blocking pool did not finish (the runtime is shutting down).
    #[error("the verification task did not finish")]
    Task(#[source] tokio::task::JoinError),
}

/// One presentation to verify: the presentation, what the verifier asked its proof to answer,
/// and the work budget.
#[derive(Debug)]
pub struct PresentationRequest {
    /// The presentation, a JSON object.
    pub presentation: Value,
    /// The challenge and domain the verifier gave the holder.
    pub expected: PresentationOptions,
    /// Bounds on the work, and the flag that stops it.
    pub budget: Budget,
}

pub(crate) async fn verify_presentation(
    verifier: &Arc<Verifier>,
    request: PresentationRequest,
    resolver: &dyn Resolve,
) -> Result<PresentationReport, VerifyError> {
    let PresentationRequest {
        presentation,
        expected,
        budget,
    } = request;
    let plan = {
        let (verifier, budget) = (Arc::clone(verifier), budget.clone());
        tokio::task::spawn_blocking(move || verifier.vc().plan_presentation(&presentation, &budget))
            .await
            .map_err(VerifyError::Task)?
    };
    let keys = resolve_keys(plan.needs(), resolver).await;
    let verifier = Arc::clone(verifier);
    tokio::task::spawn_blocking(move || {
        verifier
            .vc()
            .check_presentation(plan, &keys, &expected, &budget)
    })
    .await
    .map_err(VerifyError::Task)
}

/// Round one: the controller documents a plan needs, one after the other.
async fn resolve_keys(needs: &KeyNeeds, resolver: &dyn Resolve) -> ResolvedKeys {
    let mut resolved = ResolvedKeys::new();
    for id in &needs.controllers {
        resolved.add_controller(id.clone(), resolver.controller_document(id).await);
    }
    resolved
}

/// Round two: the status lists a genuine badge needs, one after the other (it names a few).
async fn resolve_lists(needs: &StatusNeeds, resolver: &dyn Resolve) -> ResolvedLists {
    let mut resolved = ResolvedLists::new();
    for url in &needs.status_lists {
        resolved.add_status_list(url.clone(), resolver.status_list(url).await);
    }
    resolved
}

pub(crate) async fn verify(
    verifier: &Arc<Verifier>,
    trusted: &TrustedIssuers,
    request: VerifyRequest,
    resolver: &dyn Resolve,
) -> Result<Report, VerifyError> {
    let VerifyRequest {
        input,
        at,
        known_identifier,
        budget,
    } = request;
    let plan = {
        let (verifier, trusted, budget) = (Arc::clone(verifier), trusted.clone(), budget.clone());
        tokio::task::spawn_blocking(move || verifier.plan_bytes(&input, &trusted, &budget))
            .await
            .map_err(VerifyError::Task)?
    };
    let keys = resolve_keys(plan.needs(), resolver).await;
    let checked = {
        let (verifier, budget) = (Arc::clone(verifier), budget.clone());
        tokio::task::spawn_blocking(move || verifier.check_proof(plan, &keys, &budget))
            .await
            .map_err(VerifyError::Task)?
    };
    let lists = resolve_lists(checked.needs(), resolver).await;
    let at = at.time();
    let verifier = Arc::clone(verifier);
    tokio::task::spawn_blocking(move || {
        verifier.verify(checked, &lists, at, known_identifier.as_ref(), &budget)
    })
    .await
    .map_err(VerifyError::Task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_core::fixture::SignedFixture;
    use credence_vc::status::StatusEntry;
    use credence_vc::verify::{CheckName, Outcome, Verdict};

    /// One question a resolver was asked.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Asked {
        Controller(String),
        StatusList(String),
    }

    /// Records what it is asked, in order, and answers from `inner`.
    struct Recording<R> {
        inner: R,
        asked: std::sync::Mutex<Vec<Asked>>,
    }

    impl<R> Recording<R> {
        fn new(inner: R) -> Self {
            Self {
                inner,
                asked: std::sync::Mutex::default(),
            }
        }
        fn asked(&self) -> Vec<Asked> {
            self.asked.lock().unwrap().clone()
        }
    }

    #[async_trait]
    impl<R: Resolve> Resolve for Recording<R> {
        async fn controller_document(&self, id: &str) -> Result<DidDocument, ResolveError> {
            self.asked
                .lock()
                .unwrap()
                .push(Asked::Controller(id.to_owned()));
            self.inner.controller_document(id).await
        }
        async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
            self.asked
                .lock()
                .unwrap()
                .push(Asked::StatusList(url.to_owned()));
            self.inner.status_list(url).await
        }
    }

    /// Knows nothing.
    struct Unreachable;

    #[async_trait]
    impl Resolve for Unreachable {
        async fn controller_document(&self, id: &str) -> Result<DidDocument, ResolveError> {
            Err(ResolveError::NotFound(id.to_owned()))
        }
        async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
            Err(ResolveError::NotFound(url.to_owned()))
        }
    }

    fn request(badge: &Value) -> VerifyRequest {
        VerifyRequest {
            input: serde_json::to_vec(badge).unwrap(),
            at: JudgeAt::Time(credence_core::model::sample::fixture_now()),
            known_identifier: None,
            budget: Budget::default(),
        }
    }

    fn local(f: &SignedFixture) -> Recording<LocalResolver> {
        Recording::new(LocalResolver {
            keys: f.keys.clone(),
            lists: f.lists.clone(),
        })
    }

    const ISSUER: &str = "did:web:badges.example.org";

    /// The fixture badge with its proof value altered (one character in the middle, so it still
    /// decodes), and with its signed content changed.
    fn tampered(f: &SignedFixture) -> Vec<(&'static str, Value)> {
        let mut proof = f.signed.clone();
        let value = proof["proof"]["proofValue"].as_str().unwrap().to_owned();
        let i = value.len() / 2;
        let swap = if &value[i..=i] == "A" { "B" } else { "A" };
        proof["proof"]["proofValue"] =
            Value::from(format!("{}{swap}{}", &value[..i], &value[i + 1..]));
        let mut content = f.signed.clone();
        content["credentialSubject"]["achievement"]["name"] = Value::from("Another achievement");
        vec![("proof value", proof), ("signed content", content)]
    }

    #[tokio::test]
    async fn a_genuine_badge_is_asked_its_key_then_its_status_lists() {
        let f = SignedFixture::new().unwrap();
        let lists: Vec<Asked> = StatusEntry::all_in(&f.unsigned)
            .unwrap()
            .into_iter()
            .map(|e| Asked::StatusList(e.list_url))
            .collect();
        assert!(!lists.is_empty());
        let resolver = local(&f);
        let req = request(&f.signed);
        let verifier = Arc::new(f.verifier);
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
        let mut expected = vec![Asked::Controller(ISSUER.to_owned())];
        expected.extend(lists);
        assert_eq!(resolver.asked(), expected);
    }

    /// A clock that shows `at` until it is moved.
    struct Moving(std::sync::Mutex<DateTime<Utc>>);

    impl Clock for Moving {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    /// Moves `clock` to `to` when asked for a status list: a list signed while the verifier
    /// waited.
    struct SignsListsLater {
        inner: LocalResolver,
        clock: Arc<Moving>,
        to: DateTime<Utc>,
    }

    #[async_trait]
    impl Resolve for SignsListsLater {
        async fn controller_document(&self, id: &str) -> Result<DidDocument, ResolveError> {
            self.inner.controller_document(id).await
        }
        async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
            *self.clock.0.lock().unwrap() = self.to;
            self.inner.status_list(url).await
        }
    }

    /// Found in the browser test under load: the claim page judged a badge at the request's
    /// time, and the cold status list the service signed meanwhile (`validFrom` a second later)
    /// was not yet valid, so the page said "Unknown status".
    #[tokio::test]
    async fn a_badge_is_judged_when_its_status_lists_are_in() {
        let f = SignedFixture::new().unwrap();
        let before = "2023-12-31T23:59:59Z".parse::<DateTime<Utc>>().unwrap();
        let later = credence_core::model::sample::fixture_now();
        let clock = Arc::new(Moving(std::sync::Mutex::new(before)));
        let resolver = SignsListsLater {
            inner: LocalResolver {
                keys: f.keys.clone(),
                lists: f.lists.clone(),
            },
            clock: Arc::clone(&clock),
            to: later,
        };
        let verifier = Arc::new(f.verifier);
        let mut req = request(&f.signed);
        req.at = JudgeAt::Clock(clock.clone());
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
        // Judged at the time the request was made, the same badge is not valid.
        let mut req = request(&f.signed);
        req.at = JudgeAt::Time(before);
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        assert_ne!(report.verdict, Verdict::Valid, "{report:?}");
    }

    #[tokio::test]
    async fn a_tampered_badge_is_asked_its_key_and_never_a_status_list() {
        let f = SignedFixture::new().unwrap();
        let forgeries = tampered(&f);
        let resolvers: Vec<_> = forgeries.iter().map(|_| local(&f)).collect();
        let verifier = Arc::new(f.verifier);
        for ((what, badge), resolver) in forgeries.into_iter().zip(resolvers) {
            let report = verify(&verifier, &f.trusted, request(&badge), &resolver)
                .await
                .unwrap();
            assert_eq!(
                report.verdict,
                Verdict::InvalidSignature,
                "{what}: {report:?}"
            );
            assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Pass);
            assert_eq!(report.outcome(CheckName::Proof), Outcome::Fail, "{what}");
            assert_eq!(report.outcome(CheckName::Status), Outcome::NotChecked);
            assert_eq!(
                resolver.asked(),
                vec![Asked::Controller(ISSUER.to_owned())],
                "{what}"
            );
        }
    }

    #[tokio::test]
    async fn a_key_that_could_not_be_had_asks_for_no_status_list() {
        let f = SignedFixture::new().unwrap();
        let resolver = Recording::new(Unreachable);
        let req = request(&f.signed);
        let verifier = Arc::new(f.verifier);
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        assert_eq!(resolver.asked(), vec![Asked::Controller(ISSUER.to_owned())]);
        assert_eq!(report.verdict, Verdict::UnknownIssuer);
        assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);
    }
}

//! Verifying a badge: plan on the blocking pool, resolve each need through the caller's async
//! [`Resolve`], then verify on the blocking pool. The verification API, the pages and `credence
//! verify` all come here; no step waits on I/O from inside the verifier.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use credence_core::badge::identity::KnownIdentifier;
use credence_core::verify::{Report, Verifier};
use credence_ld::budget::Budget;
use credence_vc::keys::DidDocument;
use credence_vc::verify::{
    LocalKeys, LocalStatusLists, Needs, ResolveError, Resolved, TrustedIssuers,
};
use serde_json::Value;

/// Where a verification gets what its plan needs: controller documents and status lists.
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

/// One verification: the input and what to judge it by.
#[derive(Debug)]
pub struct VerifyRequest {
    /// The badge: JSON, a compact JWT, or a baked PNG or SVG.
    pub input: Vec<u8>,
    /// The time to judge validity and status at.
    pub at: DateTime<Utc>,
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

/// Resolves each need of a plan, one after the other (a plan names a few documents).
async fn resolve(needs: &Needs, resolver: &dyn Resolve) -> Resolved {
    let mut resolved = Resolved::new();
    for id in &needs.controllers {
        resolved.add_controller(id.clone(), resolver.controller_document(id).await);
    }
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
    let resolved = resolve(plan.needs(), resolver).await;
    let verifier = Arc::clone(verifier);
    tokio::task::spawn_blocking(move || {
        verifier.verify(plan, &resolved, at, known_identifier.as_ref(), &budget)
    })
    .await
    .map_err(VerifyError::Task)
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_core::fixture::SignedFixture;
    use credence_vc::verify::{CheckName, Outcome, Verdict};

    /// Counts what it is asked, and knows nothing.
    #[derive(Default)]
    struct Unreachable(std::sync::Mutex<Vec<String>>);

    #[async_trait]
    impl Resolve for Unreachable {
        async fn controller_document(&self, id: &str) -> Result<DidDocument, ResolveError> {
            self.0.lock().unwrap().push(id.to_owned());
            Err(ResolveError::NotFound(id.to_owned()))
        }
        async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
            self.0.lock().unwrap().push(url.to_owned());
            Err(ResolveError::NotFound(url.to_owned()))
        }
    }

    fn request(f: &SignedFixture) -> VerifyRequest {
        VerifyRequest {
            input: serde_json::to_vec(&f.signed).unwrap(),
            at: credence_core::model::sample::fixture_now(),
            known_identifier: None,
            budget: Budget::default(),
        }
    }

    #[tokio::test]
    async fn verifies_through_an_async_resolver() {
        let f = SignedFixture::new().unwrap();
        let resolver = LocalResolver {
            keys: f.keys.clone(),
            lists: f.lists.clone(),
        };
        let req = request(&f);
        let verifier = Arc::new(f.verifier);
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
    }

    #[tokio::test]
    async fn asks_for_each_need_once_and_reports_what_it_could_not_have() {
        let f = SignedFixture::new().unwrap();
        let resolver = Unreachable::default();
        let req = request(&f);
        let verifier = Arc::new(f.verifier);
        let report = verify(&verifier, &f.trusted, req, &resolver).await.unwrap();
        let asked = resolver.0.lock().unwrap().clone();
        assert_eq!(
            asked,
            vec![
                "did:web:badges.example.org".to_owned(),
                "https://badges.example.org/status/1".to_owned(),
            ]
        );
        assert_eq!(report.verdict, Verdict::UnknownIssuer);
        assert_eq!(report.outcome(CheckName::KeyResolution), Outcome::Fail);
    }
}

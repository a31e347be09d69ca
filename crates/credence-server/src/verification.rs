//! Verifying badges in the service: the verify use case with a resolver backed by the store, so
//! the Centre's own did:web keys and status lists are read locally, never over the network. The
//! service trusts exactly one issuer, the Centre's `did:web`, and resolves no other key: any
//! other credential, whatever name it gives its issuer, is `unknown_issuer`. A
//! status list is the one `GET /status/{list}` serves ([`status_lists::published`]), read afresh
//! for each verification, so a revocation changes the verdict as soon as it is recorded.

use async_trait::async_trait;
use credence_app::{
    JudgeAt, LocalResolver, PresentationRequest, Resolve, VerifyRequest, Verifying,
};
use credence_core::badge::KnownIdentifier;
use credence_core::model::BadgeId;
use credence_core::verify::Report;
use credence_ld::budget::{Budget, Cancel};
use credence_store::Actor;
use credence_vc::keys::DidDocument;
use credence_vc::verify::{
    CheckName, Outcome, PresentationOptions, PresentationReport, ResolveError, TrustedIssuers,
};
use serde_json::Value;

use crate::error::ApiError;
use crate::state::AppState;
use crate::status_lists;

/// Resolves the Centre's own DID and status lists from the store, in async code: a cold status
/// list is signed and stored here, before the pure verify step runs. The use case asks for a
/// status list only once the badge's proof has verified with the Centre's key, so a forged badge
/// never makes the service sign one.
struct StoreResolver {
    state: AppState,
    did: String,
}

#[async_trait]
impl Resolve for StoreResolver {
    async fn controller_document(&self, controller: &str) -> Result<DidDocument, ResolveError> {
        if controller != self.did {
            // Only the Centre's own keys: no did:key, no other issuer's document.
            return Err(ResolveError::NotFound(controller.to_owned()));
        }
        let keys = self
            .state
            .store
            .signing_keys()
            .await
            .map_err(|e| ResolveError::invalid(controller, e))?;
        DidDocument::from_keys(
            self.did.clone(),
            keys.iter().map(|k| (&k.verification_method, &k.public_key)),
        )
        .map_err(|e| ResolveError::invalid(controller, e))
    }

    async fn status_list(&self, url: &str) -> Result<Value, ResolveError> {
        // Only this service's lists: other issuers' badges are not verified here.
        let not_found = || ResolveError::NotFound(url.to_owned());
        let id = status_lists::list_id_of_url(self.state.issuer.base_url(), url)
            .ok_or_else(not_found)?;
        let list = status_lists::published(&self.state, id)
            .await
            .map_err(|e| {
                tracing::error!(error = ?e, url, "status list unavailable");
                ResolveError::invalid(url, e)
            })?
            .ok_or_else(not_found)?;
        serde_json::from_str(&list.credential).map_err(|e| ResolveError::invalid(url, e))
    }
}

/// Cancels the work of a verification when the request that asked for it ends.
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Verifies `input` (JSON, JWT, PNG or SVG bytes) now, through the verify use case (its CPU steps
/// on the blocking pool). A registration number to match is checked against the Centre's records
/// (`check_registration`): the badge carries none.
pub async fn verify(
    state: &AppState,
    input: Vec<u8>,
    known: Option<KnownIdentifier>,
) -> Result<Report, ApiError> {
    let did = state.issuer.did().to_owned();
    let verifying = Verifying {
        verifier: state.verifier.clone(),
        trusted: TrustedIssuers::only([did.clone()]),
    };
    let resolver = StoreResolver {
        state: state.clone(),
        did,
    };
    // The work stops when the request does (its time limit drops this future, and the guard with
    // it) or when the service shuts down.
    let budget = Budget::with_cancel(state.shutdown.child());
    let _stop_with_the_request = CancelOnDrop(budget.cancel.clone());
    let request = VerifyRequest {
        input,
        at: JudgeAt::Clock(state.clock.clone()),
        known_identifier: known.clone(),
        budget,
    };
    let mut report = verifying
        .verify(request, &resolver)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if let Some(known) = known.filter(|k| k.kind().is_registration()) {
        check_registration(state, &mut report, &known).await?;
    }
    Ok(report)
}

/// Verifies a presentation's own proof now, through the verify use case. The holder's key is
/// resolved offline: a `did:key` (what wallets present with); any other holder DID is not
/// resolved, so its proof cannot be checked (the key resolution check says so).
pub async fn verify_presentation(
    state: &AppState,
    presentation: Value,
    expected: PresentationOptions,
) -> Result<PresentationReport, ApiError> {
    let verifying = Verifying {
        verifier: state.verifier.clone(),
        trusted: TrustedIssuers::only([state.issuer.did().to_owned()]),
    };
    let budget = Budget::with_cancel(state.shutdown.child());
    let _stop_with_the_request = CancelOnDrop(budget.cancel.clone());
    let request = PresentationRequest {
        presentation,
        expected,
        budget,
    };
    verifying
        .verify_presentation(request, &LocalResolver::default())
        .await
        .map_err(|e| ApiError::Internal(e.into()))
}

/// "Does this badge belong to registration X?", answered from the keyed digest the service keeps
/// (only for a genuine badge of the Centre, whose own check found nothing to compare with), at
/// most [`Config::recipient_checks_per_badge_per_hour`](crate::config::Config) times per badge,
/// and recorded in the audit log without the identifier.
async fn check_registration(
    state: &AppState,
    report: &mut Report,
    known: &KnownIdentifier,
) -> Result<(), ApiError> {
    if !report.is_genuine() || report.outcome(CheckName::Recipient) != Outcome::NotChecked {
        return Ok(());
    }
    let Some(badge) = report
        .credential
        .id
        .as_deref()
        .and_then(|id| BadgeId::try_from(id).ok())
    else {
        return Ok(());
    };
    state.recipient_limiter.check(&badge).map_err(|wait| {
        tracing::warn!(badge = %badge, "registration checks of one badge over the limit");
        ApiError::from(wait)
    })?;
    let Some(stored) = state.store.registration_digest(&badge).await? else {
        return Ok(());
    };
    let matched = stored.matches(&state.registrations.digest(known));
    let kind = known.kind().as_str();
    state
        .store
        .record_recipient_check(&state.stamp(Actor::public()), &badge, kind, matched)
        .await?;
    report.record_recipient(
        matched,
        if matched {
            format!("the Centre's records: the badge holder's {kind} matches")
        } else {
            format!("the Centre's records: the badge holder's {kind} is not the one given")
        },
    );
    Ok(())
}

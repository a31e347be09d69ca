//! Credence's use cases, between the HTTP service (and the `credence` command) and the rules.
//!
//! It holds issuance, status changes, administration ([`admin`]) and verification.
//! [`Issuing::issue`] takes completions (one, or a batch), lets the
//! Centre's rules in `credence-core` decide, signs with the [`Issuer`] and records the badges,
//! their status list slots and claim links in the store, idempotently. `POST /api/v1/completions`,
//! the batch API and `credence issue` all call it, and nothing else issues.
//! [`status::change_status`] revokes, suspends and reinstates, for the API and `credence admin
//! badge`. [`Verifying::verify`] verifies a badge for the API, the pages and `credence verify`:
//! the pure plan, proof and verify steps of `credence-core` on the blocking pool, and between them
//! the caller's async [`Resolve`]: first for the issuer's keys, then, only for a badge whose proof
//! verified, for the status lists it names.
//!
//! From `POST /api/v1/completions` to a stored signed badge, in five files:
//!
//! 1. `crates/credence-server/src/routes/completions.rs`: the handler (extract, call, render);
//! 2. `crates/credence-app/src/issue.rs`: the use case (parse, authorise, look up, sign, record);
//! 3. `crates/credence-core/src/model/issuance.rs`: the Centre's rules (`judge`, `decide`);
//! 4. `crates/credence-app/src/issuer.rs`: signing (Data Integrity and VC-JWT, in `credence-vc`);
//! 5. `crates/credence-store/src/badges.rs`: the store (`record`, in the chunk's one transaction).
//!
//! Time comes from the [`clock::Clock`] it is handed and reaches the store in each write's
//! [`Stamp`](credence_store::Stamp); randomness (badge ids, salts, status list bits) from the
//! operating system.
//!
//! # Types from other crates in this API
//! - `chrono::DateTime<Utc>`: the [`clock::Clock`]'s time, the type core and the store use.
//! - `anyhow::Error`, only inside [`IssueError::Defect`]: a defect
//!   is logged with its context chain and answered as a server error, never matched on.
//! - The store's and the engines' errors, as the `source` of ours.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;

use credence_core::badge::RegistrationKey;
use credence_core::model::RawCompletion;
use credence_core::verify::{Report, Verifier};
use credence_store::Store;
use credence_vc::verify::{PresentationReport, TrustedIssuers};

pub mod admin;
pub mod claims;
pub mod clock;
pub mod credentials;
mod issue;
mod issuer;
pub mod status;
mod verify;

pub use issue::{Acting, IssueError, RowOutcome};
pub use issuer::{badge_jwt, Issuer, SignError, SignedBadge};
pub use verify::{
    JudgeAt, LocalResolver, PresentationRequest, Resolve, VerifyError, VerifyRequest,
};

/// What issuing needs: the store, the signing identity, the secrets of registration digests and
/// claim links, and the clock. Cheap to clone.
#[derive(Clone)]
pub struct Issuing {
    /// Where badges are recorded.
    pub store: Arc<dyn Store>,
    /// Who signs them.
    pub issuer: Arc<Issuer>,
    /// The key of the registration digests kept beside each badge.
    pub registrations: Arc<RegistrationKey>,
    /// The key of claim links.
    pub claims: Arc<claims::ClaimKeys>,
    /// The time.
    pub clock: Arc<dyn clock::Clock>,
}

impl std::fmt::Debug for Issuing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuing")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Issuing {
    /// Issues badges for completions (one, or a batch) and answers each in order; an `Err` row
    /// (one the caller could not read) is answered with its error. Completions already badged
    /// answer with their badge; nothing is signed twice.
    pub async fn issue(
        &self,
        acting: &Acting,
        completions: Vec<Result<RawCompletion, IssueError>>,
    ) -> Result<Vec<RowOutcome>, IssueError> {
        issue::issue(self, acting, completions).await
    }
}

/// What verifying needs: the badge verifier (its Data Integrity engine and status list cache) and
/// the issuers to accept. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Verifying {
    /// The verifier.
    pub verifier: Arc<Verifier>,
    /// The issuers whose badges are accepted; anyone else's are `unknown_issuer`.
    pub trusted: TrustedIssuers,
}

impl Verifying {
    /// Verifies a badge: plans on the blocking pool, resolves the issuer's controller document
    /// through `resolver` (here, in async code), checks the key and the proof on the blocking
    /// pool, resolves the status lists a genuine badge names (none for any other), then verifies
    /// on the blocking pool. Every problem with the badge is a failed check in the report; an
    /// error means the work did not finish.
    pub async fn verify(
        &self,
        request: VerifyRequest,
        resolver: &dyn Resolve,
    ) -> Result<Report, VerifyError> {
        verify::verify(&self.verifier, &self.trusted, request, resolver).await
    }

    /// Verifies a presentation's own proof: reads it on the blocking pool, resolves the
    /// controller document of its proof's key through `resolver` (the holder's; a `did:key`
    /// needs no I/O), and checks the proof against the verifier's challenge and domain on the
    /// blocking pool. The credentials it holds come back in the report, to be verified each on
    /// its own with [`Self::verify`].
    pub async fn verify_presentation(
        &self,
        request: PresentationRequest,
        resolver: &dyn Resolve,
    ) -> Result<PresentationReport, VerifyError> {
        verify::verify_presentation(&self.verifier, request, resolver).await
    }
}

//! A sans-IO verifier of W3C verifiable credentials: plan, resolve, verify.
//!
//! 1. [`Verifier::plan_text`] (or [`plan_json`](Verifier::plan_json)) reads a Data Integrity JSON
//!    credential or a VC-JWT, turns it into the RDF its proof covers (with the pinned contexts'
//!    terms only) and reads every fact it acts on from that RDF ([`Claims`]), never from the JSON
//!    keys as received. The [`Plan`] says what must be resolved ([`Needs`]): the controller
//!    document of the proof's method, and the status lists its entries name, each only when the
//!    caller [trusts](TrustedIssuers) the issuer.
//! 2. The caller resolves those (its own I/O, async or not) into [`Resolved`], with a
//!    [`ResolveError`] for each it could not have.
//! 3. [`Verifier::verify`] checks key, proof, validity dates and status over the plan and what
//!    was resolved, and gives a [`Verification`]; a profile (Open Badges, in `credence-core`)
//!    adds its checks, and [`Verification::finish`] makes the [`Report`].
//!
//! Both steps are pure CPU work, bounded by the caller's [`Budget`], which may also cancel them.
//! Verification never panics and never fails as a whole: every problem is a failed check.
//!
//! ```
//! use credence_ld::budget::Budget;
//! use credence_ld::jsonld::JsonLd;
//! use credence_vc::proof::DataIntegrity;
//! use credence_vc::verify::{LocalKeys, LocalStatusLists, Resolved, TrustedIssuers, Verdict, Verifier};
//!
//! let verifier = Verifier::new(DataIntegrity::new(JsonLd::new(credence_vc::contexts::vc_contexts()?)));
//! let plan = verifier.plan_text("not a credential", None, &TrustedIssuers::any(), &Budget::default());
//! let resolved = Resolved::from_local(plan.needs(), &LocalKeys::new(), &LocalStatusLists::new());
//! let report = verifier.verify(plan, &resolved, chrono::Utc::now(), &Budget::default()).into_report();
//! assert_eq!(report.verdict, Verdict::Malformed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checks;
mod claims;
mod failure;
mod lists;
mod plan;
mod report;
mod resolve;
mod trust;

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use credence_ld::budget::Budget;
use credence_ld::jsonld::JsonLdError;
use credence_ld::rdf::canon::CanonError;

use crate::proof::{DataIntegrity, ProofError};

pub use claims::{iri, vocab, Claims, ClaimsError, Graph, Stamp};
pub use failure::{
    chain, DataModelError, EntryFailure, InputError, KeyFailure, ListFailure, ProofFailure,
    StatusFailure, Unknowns, ValidityFailure,
};
pub use plan::{Needs, Plan, MAX_STATUS_LISTS};
pub use report::{
    problem_for, Check, CheckName, Facts, Outcome, ProblemDetail, Report, Verdict, Verification,
};
pub use resolve::{LocalKeys, LocalStatusLists, ResolveError, Resolved};
pub use trust::TrustedIssuers;

/// Why the later checks (validity, status, recipient) do not run for a credential that is not
/// shown to be the issuer's: its dates and status would be the forger's.
pub const NOT_GENUINE: &str = "not checked: the badge's proof or issuer did not verify";

/// How many verified status lists a [`Verifier`] remembers.
pub const STATUS_CACHE_ENTRIES: usize = 64;

/// Verifies credentials. Holds the Data Integrity engine (and so the JSON-LD context cache) and a
/// small cache of status lists whose proofs verified.
#[derive(Debug)]
pub struct Verifier {
    di: DataIntegrity,
    lists: Mutex<HashMap<String, lists::VerifiedList>>,
}

impl Verifier {
    /// A verifier over the given Data Integrity engine.
    pub fn new(di: DataIntegrity) -> Self {
        Self {
            di,
            lists: Mutex::new(HashMap::new()),
        }
    }

    /// The Data Integrity engine in use.
    pub fn data_integrity(&self) -> &DataIntegrity {
        &self.di
    }

    /// Checks the planned credential's key, proof, validity at `at` and status, over what was
    /// `resolved` for the plan's needs. Validity and status are checked only for a credential
    /// shown to be its trusted issuer's.
    pub fn verify(
        &self,
        plan: Plan,
        resolved: &Resolved,
        at: DateTime<Utc>,
        budget: &Budget,
    ) -> Verification {
        let Plan {
            format,
            checks,
            state,
            needs: _,
        } = plan;
        let read = match state {
            plan::State::Decided {
                proof_format,
                verdict,
            } => {
                return Verification {
                    format,
                    proof_format,
                    checks,
                    verdicts: vec![verdict],
                    read: None,
                    genuine: false,
                }
            }
            plan::State::Read(read) => read,
        };
        let mut checks = checks;
        let mut verdicts = Vec::new();
        let (proof_format, genuine) = self.check_proof(&read, resolved, budget, &mut checks);
        match genuine {
            Err(verdict) => {
                verdicts.push(verdict);
                for check in [CheckName::ValidityWindow, CheckName::Status] {
                    checks.skip(check, NOT_GENUINE);
                }
            }
            Ok(()) => {
                verdicts.extend(checks::check_validity(&read, at, &mut checks));
                verdicts.extend(self.check_status(&read.claims, resolved, at, budget, &mut checks));
            }
        }
        Verification {
            format,
            proof_format,
            checks,
            verdicts,
            read: Some(read),
            genuine: genuine.is_ok(),
        }
    }
}

/// Whether the work was stopped by the budget (a document too complex to process, or a caller
/// that cancelled) rather than the document being wrong: such a credential is not shown to be
/// anything, and is reported malformed, never as a bad signature.
fn beyond_limits(error: &ProofError) -> bool {
    matches!(
        error,
        ProofError::JsonLd(
            JsonLdError::TooComplex { .. } | JsonLdError::Cancelled | JsonLdError::TooDeep { .. }
        ) | ProofError::Canon(CanonError::TooComplex { .. } | CanonError::Cancelled)
    )
}

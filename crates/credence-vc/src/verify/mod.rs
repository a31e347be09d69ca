//! A sans-IO verifier of W3C verifiable credentials: plan, resolve the key, check the proof,
//! resolve the status lists, verify.
//!
//! 1. [`Verifier::plan_text`] (or [`plan_json`](Verifier::plan_json)) reads a Data Integrity JSON
//!    credential or a VC-JWT, turns it into the RDF its proof covers (with the pinned contexts'
//!    terms only) and reads every fact it acts on from that RDF ([`Claims`]), never from the JSON
//!    keys as received. The [`Plan`] says what round one must resolve ([`KeyNeeds`]): the
//!    controller document of the proof's method, only when the caller
//!    [trusts](TrustedIssuers) the issuer.
//! 2. The caller resolves it (its own I/O, async or not) into [`ResolvedKeys`], with a
//!    [`ResolveError`] for each it could not have.
//! 3. [`Verifier::check_proof`] consumes the plan and checks the key binding and the proof with
//!    those documents. Only a credential shown to be its trusted issuer's says, in the
//!    [`Checked`] result, which status lists it needs ([`StatusNeeds`]): nothing is fetched on
//!    the word of a credential whose proof did not verify.
//! 4. The caller resolves those lists into [`ResolvedLists`].
//! 5. [`Verifier::verify`] consumes the checked credential and checks validity dates and status,
//!    and gives a [`Verification`]; a profile (Open Badges, in `credence-core`) adds its checks,
//!    and [`Verification::finish`] makes the [`Report`].
//!
//! The steps are pure CPU work, bounded by the caller's [`Budget`], which may also cancel them;
//! each consumes the one before, so they cannot be run out of order, and the proof is checked
//! once. Verification never panics and never fails as a whole: every problem is a failed check.
//!
//! ```
//! use credence_ld::budget::Budget;
//! use credence_ld::jsonld::JsonLd;
//! use credence_vc::proof::DataIntegrity;
//! use credence_vc::verify::{
//!     LocalKeys, LocalStatusLists, ResolvedKeys, ResolvedLists, TrustedIssuers, Verdict, Verifier,
//! };
//!
//! let verifier = Verifier::new(DataIntegrity::new(JsonLd::new(credence_vc::contexts::vc_contexts()?)));
//! let budget = Budget::default();
//! let plan = verifier.plan_text("not a credential", None, &TrustedIssuers::any(), &budget);
//! let keys = ResolvedKeys::from_local(plan.needs(), &LocalKeys::new());
//! let checked = verifier.check_proof(plan, &keys, &budget);
//! assert!(checked.needs().is_empty());
//! let lists = ResolvedLists::from_local(checked.needs(), &LocalStatusLists::new());
//! // The caller's clock: this library reads none.
//! let now = "2026-12-01T09:00:00Z".parse::<chrono::DateTime<chrono::Utc>>()?;
//! let report = verifier.verify(checked, &lists, now, &budget).into_report();
//! assert_eq!(report.verdict, Verdict::Malformed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod checked;
mod checks;
mod claims;
mod failure;
mod lists;
mod plan;
mod presentation;
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

pub use checked::{Checked, StatusNeeds, MAX_STATUS_LISTS};
pub use checks::MAX_PROOFS;
pub use claims::{iri, vocab, Claims, ClaimsError, Graph, Stamp};
pub use failure::{
    chain, DataModelError, EntryFailure, InputError, KeyFailure, ListFailure, ProofFailure,
    StatusFailure, Unknowns, ValidityFailure,
};
pub use plan::{KeyNeeds, Plan};
pub use presentation::{
    PresentationError, PresentationOptions, PresentationPlan, PresentationReport,
    PresentationSignError, MAX_PRESENTED_CREDENTIALS,
};
pub use report::{
    problem_for, Check, CheckName, Facts, Outcome, ProblemDetail, Report, Verdict, Verification,
};
pub use resolve::{LocalKeys, LocalStatusLists, ResolveError, ResolvedKeys, ResolvedLists};
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

    /// The last step: checks the validity at `at` and the status of a credential whose key and
    /// proof were [checked](Self::check_proof), over the status lists `lists` resolved for its
    /// [`StatusNeeds`]. Validity and status are checked only for a credential shown to be its
    /// trusted issuer's; any other is reported as its proof check left it.
    pub fn verify(
        &self,
        checked: Checked,
        lists: &ResolvedLists,
        at: DateTime<Utc>,
        budget: &Budget,
    ) -> Verification {
        let Checked {
            format,
            proof_format,
            mut checks,
            mut verdicts,
            standing,
            needs: _,
        } = checked;
        let (read, genuine) = match standing {
            checked::Standing::Decided => (None, false),
            checked::Standing::NotGenuine(read) => {
                for check in [CheckName::ValidityWindow, CheckName::Status] {
                    checks.skip(check, NOT_GENUINE);
                }
                (Some(read), false)
            }
            checked::Standing::Genuine { read, issuer } => {
                verdicts.extend(checks::check_validity(&read, at, &mut checks));
                verdicts.extend(self.check_status(
                    &read.claims,
                    &issuer,
                    lists,
                    at,
                    budget,
                    &mut checks,
                ));
                (Some(read), true)
            }
        };
        Verification {
            format,
            proof_format,
            checks,
            verdicts,
            read,
            genuine,
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

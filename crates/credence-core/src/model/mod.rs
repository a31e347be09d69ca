//! The domain model: specifications, providers, approvals, practitioners and completions, parsed
//! from raw input into validated types, and the issuance rules ([`decide`]).

pub(crate) mod approval;
pub(crate) mod completion;
pub(crate) mod error;
pub(crate) mod ids;
pub(crate) mod issuance;
pub(crate) mod issuer;
pub(crate) mod practitioner;
pub(crate) mod provider;
/// DOMAIN.md's fictional sample data: demo and test data, behind the `demo` feature, which only
/// the service's `--demo`, `credence sample`/`bench` and the test kit enable.
#[cfg(any(test, feature = "demo"))]
pub mod sample;
pub(crate) mod specification;

pub use approval::{
    ApprovalChange, ApprovalStatus, Condition, ProviderApproval, RawProviderApproval,
};
pub use completion::{
    AssessmentSignOff, Completion, Fingerprint, RawAssessment, RawCompletion, Route,
};
pub use error::ModelError;
pub use ids::{
    checked_name, is_bidi_control, ApprovalId, BadgeId, BaseUrl, Email, ProviderId,
    ProviderReference, Salt, SpecId, SpecVersion,
};
pub use issuance::{decide, judge, select_approval, uk_today, IssuanceInput, Refusal};
pub use issuer::{IssuerProfile, RawIssuerProfile, DEVELOPMENT_ISSUER_NAME};
pub use practitioner::{
    GphcNumber, GphcRegister, HcpcNumber, NmcPin, Practitioner, RawPractitioner, RawRegistration,
    Registration, Regulator, HCPC_PROFESSION_CODES,
};
pub use provider::{Provider, RawProvider};
pub use specification::{
    CredentialSpecification, Pillar, RawCredentialSpecification, SpecStatus, StatusChange,
};

//! Verifying credentials: the report, which issuers to trust, and where documents come from.

mod report;
mod resolve;
mod trust;

pub use report::{problem_for, Check, CheckName, Facts, Outcome, ProblemDetail, Report, Verdict};
pub use resolve::{KeyResolver, LocalKeys, LocalStatusLists, ResolveError, StatusResolver};
pub use trust::TrustedIssuers;

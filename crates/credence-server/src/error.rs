//! `ApiError`: every way a request can fail, mapped once to an RFC 9457 problem+json answer.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use credence_app::admin::AdminError;
use credence_app::credentials::CredentialIssueError;
use credence_app::status::StatusChangeError;
use credence_app::IssueError;
use credence_core::admin::AddConflict;
use credence_core::model::{BadgeId, ModelError, ProviderId, Refusal, SpecId, SpecVersion};
use credence_core::status::StatusConflict;
use credence_store::ScopeError;
use credence_store::{Entity, StoreError};
use serde::Serialize;

/// The media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Why a request failed. Client errors say what to fix; server errors say nothing about internals
/// (the cause is logged).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// No `Authorization: Bearer` header.
    #[error("this endpoint needs an `Authorization: Bearer <token>` header")]
    Unauthenticated,
    /// The bearer token is unknown or revoked.
    #[error("the bearer token is not valid (unknown or revoked)")]
    InvalidToken,
    /// The caller may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A provider submitted a completion for another provider.
    #[error("a client for provider {own} cannot submit completions for provider {given}")]
    OtherProvider {
        /// The caller's provider.
        own: ProviderId,
        /// The provider the completion names.
        given: ProviderId,
    },
    /// No such record.
    #[error("{what} {id} not found")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// Its id as given.
        id: String,
    },
    /// The body is not valid JSON, or not of the expected shape.
    #[error("{detail}")]
    MalformedBody {
        /// The parser's message (about the caller's input only).
        detail: String,
    },
    /// The body's media type is not accepted here.
    #[error("expected a body of type {expected}")]
    UnsupportedMediaType {
        /// What is accepted.
        expected: &'static str,
    },
    /// The body is larger than allowed.
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge {
        /// The limit.
        limit: usize,
    },
    /// A batch has too many rows.
    #[error("a batch holds at most {limit} completions; this one has {given}")]
    BatchTooLarge {
        /// The limit.
        limit: usize,
        /// Rows given.
        given: usize,
    },
    /// A query parameter is not valid.
    #[error("{detail}")]
    InvalidQuery {
        /// What is wrong.
        detail: String,
    },
    /// A value in the body is not valid.
    #[error("invalid {subject}: {source}")]
    Invalid {
        /// What was being read, e.g. `completion`.
        subject: &'static str,
        /// The domain error.
        #[source]
        source: ModelError,
    },
    /// The completion names a specification version the Centre has not recorded.
    #[error("unknown specification {specification} version {version}")]
    UnknownSpecification {
        /// Code.
        specification: SpecId,
        /// Version.
        version: SpecVersion,
    },
    /// The completion names a provider the Centre has not recorded.
    #[error("unknown provider {0}")]
    UnknownProvider(ProviderId),
    /// The issuance rules refused the completion.
    #[error("{0}")]
    Refused(Refusal),
    /// The provider reference was already used for a different completion.
    #[error("provider reference {reference} was already used for a different completion (badge {badge_id})")]
    CompletionConflict {
        /// The reference.
        reference: String,
        /// The badge issued for the first completion.
        badge_id: String,
    },
    /// A record with this key exists.
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// Too many requests from this client address.
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a request will be accepted.
        retry_after_secs: u64,
    },
    /// The input to verify could not be read as a badge (the report says what was tried).
    #[error("{detail}")]
    UnreadableBadge {
        /// What was wrong.
        detail: String,
        /// Whether the input was of no badge format at all (400) rather than a broken one (422).
        unknown_format: bool,
        /// The verification report.
        report: Box<credence_core::verify::Report>,
    },
    /// A record with this key exists with other content, and this request may not replace it.
    #[error("{what} {id} already exists with different content; {hint}")]
    Conflict {
        /// What kind of record.
        what: &'static str,
        /// Its key as given.
        id: String,
        /// What to do instead.
        hint: &'static str,
    },
    /// A badge's status cannot change as asked (revocation is final; only a suspended badge can
    /// be reinstated).
    #[error("badge {badge}: {conflict}")]
    BadgeStatus {
        /// The badge.
        badge: BadgeId,
        /// What stands in the way.
        conflict: StatusConflict,
    },
    /// An API client scope is neither `admin` nor `provider:<UKPRN>`.
    #[error("{0}")]
    InvalidScope(#[source] ScopeError),
    /// The request did not finish in time.
    #[error("the request took too long")]
    Timeout,
    /// The service is shutting down or not ready.
    #[error("the service is not available")]
    Unavailable,
    /// A store failure.
    #[error("storage failure")]
    Store(#[source] StoreError),
    /// Any other failure inside the service (signing, a task that died).
    #[error("internal failure")]
    Internal(#[source] anyhow::Error),
}

impl From<StatusChangeError> for ApiError {
    fn from(e: StatusChangeError) -> Self {
        match e {
            StatusChangeError::Note(e) => ApiError::MalformedBody {
                detail: e.to_string(),
            },
            StatusChangeError::Store(e) => e.into(),
            e => ApiError::Internal(e.into()),
        }
    }
}

impl From<CredentialIssueError> for ApiError {
    fn from(e: CredentialIssueError) -> Self {
        match e {
            CredentialIssueError::NotACredential(_)
            | CredentialIssueError::NotConforming(_)
            | CredentialIssueError::NotOurIssuer { .. } => ApiError::MalformedBody {
                detail: credence_vc::verify::chain(&e),
            },
            CredentialIssueError::Store(e) => e.into(),
            e => ApiError::Internal(e.into()),
        }
    }
}

impl From<IssueError> for ApiError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::Unreadable(detail) => ApiError::MalformedBody { detail },
            IssueError::Invalid(source) => ApiError::Invalid {
                subject: "completion",
                source,
            },
            IssueError::OtherProvider { own, given } => ApiError::OtherProvider { own, given },
            IssueError::UnknownSpecification {
                specification,
                version,
            } => ApiError::UnknownSpecification {
                specification,
                version,
            },
            IssueError::UnknownProvider(p) => ApiError::UnknownProvider(p),
            IssueError::Refused(r) => ApiError::Refused(r),
            IssueError::CompletionConflict {
                reference,
                badge_id,
            } => ApiError::CompletionConflict {
                reference,
                badge_id,
            },
            IssueError::Store(e) => e.into(),
            e => ApiError::Internal(e.into()),
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Invalid { subject, source } => ApiError::Invalid { subject, source },
            AdminError::Conflict { what, id, conflict } => ApiError::Conflict {
                what,
                id,
                hint: conflict_hint(conflict),
            },
            AdminError::UnknownProvider(p) => ApiError::UnknownProvider(p),
            AdminError::UnknownSpecification {
                specification,
                version,
            } => ApiError::UnknownSpecification {
                specification,
                version,
            },
            AdminError::InvalidScope(e) => ApiError::InvalidScope(e),
            AdminError::Store(e) => e.into(),
            e => ApiError::Internal(e.into()),
        }
    }
}

/// What to do instead of an add the rules refused.
fn conflict_hint(conflict: AddConflict) -> &'static str {
    match conflict {
        AddConflict::SpecificationFixed => {
            "a published version is fixed except for extending its status history; \
             publish a new version instead"
        }
        AddConflict::ProviderExists => {
            "replace it with PUT /api/v1/providers/{ukprn} (credence admin provider add --replace)"
        }
        AddConflict::ApprovalExists => {
            "record status changes with POST /api/v1/approvals/{id}/changes \
             (credence admin approval change)"
        }
        _ => "a different record is stored under this key",
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { what, id } => ApiError::NotFound {
                what: what.as_str(),
                id,
            },
            StoreError::AlreadyExists { what, .. } if what != Entity::Unknown => {
                ApiError::AlreadyExists(what.as_str().to_owned())
            }
            StoreError::InvalidChange(source) => ApiError::Invalid {
                subject: "approval change",
                source,
            },
            StoreError::HistoryRewrite { approval } => ApiError::Conflict {
                what: "approval",
                id: approval.to_string(),
                hint: "its status history can only be extended, never rewritten",
            },
            StoreError::StatusConflict { badge, conflict } => {
                ApiError::BadgeStatus { badge, conflict }
            }
            StoreError::Changed { what, id } => ApiError::Conflict {
                what: what.as_str(),
                id,
                hint: "it changed while this request was being handled; read it again and retry",
            },
            other => ApiError::Store(other),
        }
    }
}

/// An RFC 9457 problem details body.
#[derive(Debug, Clone, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type, e.g. `/problems/completion-conflict`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened in this case.
    pub detail: String,
    /// A stable machine code (for refusals, the issuance rule's code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The badge concerned, if any (e.g. the one already issued for a conflicting reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_id: Option<String>,
    /// For verification failures: the verification report (verdict, checks, errors).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated | ApiError::InvalidToken => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::OtherProvider { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MalformedBody { .. } | ApiError::InvalidQuery { .. } => {
                StatusCode::BAD_REQUEST
            }
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } | ApiError::BatchTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::Invalid { .. }
            | ApiError::InvalidScope(_)
            | ApiError::UnknownSpecification { .. }
            | ApiError::UnknownProvider(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Refused(r) if r.is_internal() => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::CompletionConflict { .. }
            | ApiError::AlreadyExists(_)
            | ApiError::Conflict { .. }
            | ApiError::BadgeStatus { .. } => StatusCode::CONFLICT,
            ApiError::Timeout | ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UnreadableBadge {
                unknown_format: true,
                ..
            } => StatusCode::BAD_REQUEST,
            ApiError::UnreadableBadge { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Store(_) | ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type's slug and title.
    fn kind(&self) -> (&'static str, &'static str) {
        match self {
            ApiError::Unauthenticated => ("unauthenticated", "Authentication required"),
            ApiError::InvalidToken => ("invalid-token", "Invalid token"),
            ApiError::Forbidden(_) => ("forbidden", "Not allowed"),
            ApiError::OtherProvider { .. } => ("other-provider", "Not your provider"),
            ApiError::NotFound { .. } => ("not-found", "Not found"),
            ApiError::MalformedBody { .. } => ("malformed-body", "Malformed request body"),
            ApiError::UnsupportedMediaType { .. } => {
                ("unsupported-media-type", "Unsupported media type")
            }
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
            ApiError::BatchTooLarge { .. } => ("batch-too-large", "Batch too large"),
            ApiError::InvalidQuery { .. } => ("invalid-query", "Invalid query parameter"),
            ApiError::Invalid { .. } | ApiError::InvalidScope(_) => {
                ("invalid-value", "Invalid value")
            }
            ApiError::UnknownSpecification { .. } => {
                ("unknown-specification", "Unknown specification version")
            }
            ApiError::UnknownProvider(_) => ("unknown-provider", "Unknown provider"),
            ApiError::Refused(r) if r.is_internal() => ("internal", "Internal error"),
            ApiError::Refused(_) => ("completion-refused", "Completion refused"),
            ApiError::CompletionConflict { .. } => (
                "completion-conflict",
                "Provider reference already used for a different completion",
            ),
            ApiError::AlreadyExists(_) => ("already-exists", "Already exists"),
            ApiError::Conflict { .. } => ("conflict", "Conflicts with the stored record"),
            ApiError::BadgeStatus { .. } => (
                "badge-status-conflict",
                "The badge's status cannot change so",
            ),
            ApiError::Timeout => ("timeout", "Request timed out"),
            ApiError::RateLimited { .. } => ("rate-limited", "Too many requests"),
            ApiError::UnreadableBadge { .. } => ("unreadable-badge", "Not a readable badge"),
            ApiError::Unavailable => ("unavailable", "Service unavailable"),
            ApiError::Store(_) | ApiError::Internal(_) => ("internal", "Internal error"),
        }
    }

    /// The problem details body. Server errors get a generic detail.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (slug, title) = self.kind();
        let (slug, code) = match self {
            // One problem type per refusal reason, e.g. `/problems/provider-not-approved`.
            ApiError::Refused(r) if !r.is_internal() => {
                (r.code().replace('_', "-"), Some(r.code().to_owned()))
            }
            ApiError::BadgeStatus { conflict, .. } => (
                slug.to_owned(),
                Some(status_conflict_code(*conflict).to_owned()),
            ),
            _ => (slug.to_owned(), None),
        };
        let detail = if status.is_server_error() && !matches!(self, ApiError::Timeout) {
            "the service could not complete the request; it has been logged".to_owned()
        } else {
            self.to_string()
        };
        Problem {
            kind: format!("/problems/{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code,
            badge_id: match self {
                ApiError::CompletionConflict { badge_id, .. } => Some(badge_id.clone()),
                ApiError::BadgeStatus { badge, .. } => Some(badge.to_string()),
                _ => None,
            },
            report: match self {
                ApiError::UnreadableBadge { report, .. } => serde_json::to_value(report).ok(),
                _ => None,
            },
        }
    }
}

/// The stable code of a status conflict, e.g. `already_revoked`.
fn status_conflict_code(conflict: StatusConflict) -> &'static str {
    match conflict {
        StatusConflict::AlreadyRevoked => "already_revoked",
        StatusConflict::AlreadySuspended => "already_suspended",
        StatusConflict::NotSuspended => "not_suspended",
        _ => "status_conflict",
    }
}

/// A problem+json response with this body.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = ?anyhow::Error::new(self.clone_for_log()), "request failed");
        }
        let mut response = problem_response(&self.problem());
        if let ApiError::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

impl ApiError {
    /// A loggable copy of the error chain (the error itself is consumed by the response).
    fn clone_for_log(&self) -> LoggedError {
        let mut chain = vec![self.to_string()];
        let mut source = std::error::Error::source(self);
        while let Some(s) = source {
            chain.push(s.to_string());
            source = s.source();
        }
        LoggedError(chain.join(": "))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct LoggedError(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_hide_their_cause() {
        let e = ApiError::Internal(anyhow::anyhow!("secret path /etc/key.pem"));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("key.pem"));
        assert_eq!(p.kind, "/problems/internal");
    }

    #[test]
    fn store_not_found_is_404() {
        let e = ApiError::from(StoreError::NotFound {
            what: Entity::Badge,
            id: "x".into(),
        });
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
    }
}

//! Server-rendered pages (compiled askama templates, one stylesheet, no script): the public
//! verification page and its result page.

mod claim;
mod view;

use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use credence_core::badge::KnownIdentifier;
use credence_core::bake::Baked;
use serde::Deserialize;

use crate::error::ApiError;
use crate::routes::verify::{read_input, verify_input, VerifyInput};
use crate::state::AppState;

pub use view::{ReportView, Site};

/// The stylesheet.
const STYLE_CSS: &str = include_str!("../../static/style.css");

/// The page routes that verify nothing.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/verify") }))
        .route("/verify", get(verify_page))
        .route("/static/style.css", get(style))
        .merge(claim::router())
}

/// The page routes that verify a badge and take no upload (the app rate-limits them).
pub fn verifying_router() -> Router<AppState> {
    Router::new()
        .route("/verify/link", get(verify_link))
        .merge(claim::verifying_router())
}

/// The page routes that verify a badge sent to them (the app rate-limits them and gives them the
/// verifier's input limit).
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route("/verify", axum::routing::post(verify_submit))
        .route("/verify/recipient", axum::routing::post(verify_recipient))
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE_CSS,
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    site: Site,
    message: Option<String>,
}

/// Open Graph tags of a page.
#[derive(Debug, Clone)]
pub struct OpenGraph {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Canonical URL.
    pub url: String,
    /// Preview image URL.
    pub image: Option<String>,
}

/// The result page (also the share page's body).
#[derive(Template)]
#[template(path = "result.html")]
pub struct ResultPage {
    /// Site-wide names.
    pub site: Site,
    /// The page heading.
    pub heading: String,
    /// The report.
    pub view: ReportView,
    /// What the recipient check form posts back, if the check can be offered.
    pub recheck: Option<Recheck>,
    /// Open Graph tags.
    pub og: Option<OpenGraph>,
}

/// What the recipient check form posts back to name the badge.
#[derive(Debug, Clone)]
pub enum Recheck {
    /// A badge the employer uploaded: its text comes back (the service keeps no copy).
    Credential(String),
    /// A badge on its public share page: only its id (the service has the credential).
    Shared(String),
}

/// Renders a template into a page response.
pub fn page(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => ApiError::Internal(e.into()).into_response(),
    }
}

async fn verify_page(State(state): State<AppState>) -> Response {
    page(
        StatusCode::OK,
        &VerifyPage {
            site: Site::of(&state),
            message: None,
        },
    )
}

/// The verify page again, with what went wrong.
fn verify_error(state: &AppState, e: &ApiError) -> Response {
    let mut response = page(
        e.status(),
        &VerifyPage {
            site: Site::of(state),
            message: Some(e.problem().detail),
        },
    );
    if let ApiError::RateLimited { retry_after_secs } = e {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, (*retry_after_secs).into());
    }
    response
}

/// Renders a verification of `input` as a result page.
async fn show(state: &AppState, input: VerifyInput) -> Response {
    let recheck = credential_text(&input.bytes).map(Recheck::Credential);
    let asked_recipient = input.identifier.is_some();
    match verify_input(state, input).await {
        Ok(report) => page(
            StatusCode::OK,
            &ResultPage {
                site: Site::of(state),
                heading: "Verification result".to_owned(),
                view: ReportView::new(&report, asked_recipient),
                recheck,
                og: None,
            },
        ),
        Err(e) => verify_error(state, &e),
    }
}

/// The credential as text (JSON or JWT; unbaked from an image), to post back for a recipient check.
fn credential_text(bytes: &[u8]) -> Option<String> {
    match credence_core::bake::unbake(bytes) {
        Ok(Baked::Json(text) | Baked::Jwt(text)) => Some(text),
        Err(_) => std::str::from_utf8(bytes)
            .ok()
            .map(str::trim)
            .filter(|t| t.starts_with('{') || t.split('.').count() == 3)
            .map(str::to_owned),
    }
}

async fn verify_submit(State(state): State<AppState>, request: Request) -> Response {
    match read_input(request, &state).await {
        Ok(input) => show(&state, input).await,
        Err(e) => verify_error(&state, &e),
    }
}

#[derive(Debug, Deserialize)]
struct LinkQuery {
    link: String,
}

/// Opens a share link of this service (anything else is refused: this page fetches nothing).
async fn verify_link(State(state): State<AppState>, Query(q): Query<LinkQuery>) -> Response {
    let base = state.issuer.base_url().to_string();
    let link = q.link.trim();
    let path = link
        .strip_prefix(&base)
        .or_else(|| link.starts_with("/badges/").then_some(link));
    match path.and_then(|p| p.strip_prefix("/badges/")) {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') => {
            Redirect::to(&format!("/badges/{id}")).into_response()
        }
        _ => verify_error(
            &state,
            &ApiError::InvalidQuery {
                detail: format!(
                    "that is not a share link of this service (they start with {base}/badges/)"
                ),
            },
        ),
    }
}

#[derive(Debug, Deserialize)]
struct RecipientForm {
    kind: String,
    identifier: String,
    /// The text of an uploaded badge...
    #[serde(default)]
    credential: Option<String>,
    /// ...or the id of a shared one.
    #[serde(default)]
    badge: Option<String>,
}

/// Parses an identifier like `email:a@b.org`, `nmc:99A9001E`, or the badge's own type names
/// (core's one parser), as a problem when it is not one.
pub fn parse_identifier(text: &str) -> Result<KnownIdentifier, ApiError> {
    text.parse().map_err(|source| ApiError::Invalid {
        subject: "identifier",
        source,
    })
}

async fn verify_recipient(
    State(state): State<AppState>,
    Form(form): Form<RecipientForm>,
) -> Response {
    let identifier = format!("{}:{}", form.kind, form.identifier);
    if let Err(e) = parse_identifier(&identifier) {
        return verify_error(&state, &e);
    }
    let bytes = match (form.credential, form.badge) {
        (Some(text), _) => text.into_bytes(),
        (None, Some(id)) => match claim::shared(&state, &id).await {
            Ok(Some(badge)) => badge.credential.into_bytes(),
            Ok(None) => return claim::not_found(
                &state,
                "There is no public page for this badge. Its holder may have turned sharing off.",
            ),
            Err(e) => return verify_error(&state, &e),
        },
        (None, None) => Vec::new(),
    };
    show(
        &state,
        VerifyInput {
            bytes,
            identifier: Some(identifier),
        },
    )
    .await
}

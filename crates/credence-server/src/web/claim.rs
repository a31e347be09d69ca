//! The practitioner's private claim page, its downloads and the share switch; the public share
//! page of a badge whose holder turned sharing on.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use base64::Engine as _;
use credence_artwork::qr::{qr_png, qr_svg};
use credence_artwork::share::{linkedin_add_to_profile_url, LinkedInCertification};
use credence_core::bake::{bake_png, bake_svg};
use credence_store::{BadgeRecord, TokenHash};
use serde::Deserialize;

use super::view::{ReportView, Site};
use super::{page, OpenGraph, Recheck, ResultPage};
use crate::artwork::Artwork;
use crate::error::ApiError;
use crate::routes::badges::{badge_jwt, VC_LD_JSON};
use crate::routes::{badge_id_from_path, badge_path_segment};
use crate::state::AppState;
use crate::verification::verify;

/// Pixels per QR module in the PNG.
const QR_MODULE_PX: u32 = 8;

/// The claim and share routes that verify nothing: the forms and the share image.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/claim/{token}/share", post(toggle_share))
        .route("/claim/{token}/{file}", post(download))
        .route("/badges/{id}/image.png", get(share_image))
}

/// The claim and share pages, which verify the badge they show.
pub fn verifying_router() -> Router<AppState> {
    Router::new()
        .route("/claim/{token}", get(claim_page))
        .route("/badges/{id}", get(share_page))
}

#[derive(Template)]
#[template(path = "not_found.html")]
struct NotFoundPage {
    site: Site,
    message: &'static str,
}

pub(super) fn not_found(state: &AppState, message: &'static str) -> Response {
    let mut r = page(
        StatusCode::NOT_FOUND,
        &NotFoundPage {
            site: Site::of(state),
            message,
        },
    );
    private(&mut r);
    r
}

/// Claim pages are private: never cached, never indexed.
fn private(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        "x-robots-tag",
        HeaderValue::from_static("noindex, nofollow"),
    );
}

/// One download on the claim page.
struct Download {
    file: &'static str,
    label: &'static str,
}

const DOWNLOADS: [Download; 6] = [
    Download {
        file: "badge.png",
        label: "Badge image (PNG)",
    },
    Download {
        file: "badge.svg",
        label: "Badge image (SVG)",
    },
    Download {
        file: "credential.json",
        label: "Credential (JSON)",
    },
    Download {
        file: "badge.jwt",
        label: "Credential (JWT)",
    },
    Download {
        file: "qr.png",
        label: "QR code (PNG)",
    },
    Download {
        file: "qr.svg",
        label: "QR code (SVG)",
    },
];

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    site: Site,
    view: ReportView,
    title: String,
    token: String,
    form_token: String,
    downloads: &'static [Download],
    artwork_data_uri: String,
    share_enabled: bool,
    share_url: String,
    qr_data_uri: String,
    linkedin_url: String,
}

/// The badge a claim token opens, and whether sharing is on.
async fn claimed(state: &AppState, token: &str) -> Result<Option<(BadgeRecord, bool)>, ApiError> {
    if !token.starts_with("clm_") || token.len() > 100 {
        return Ok(None);
    }
    Ok(state
        .store
        .claim(&TokenHash::of_token(token))
        .await?
        .map(|c| (c.badge, c.share_enabled)))
}

/// The public share page URL of a badge.
pub fn share_url(state: &AppState, badge: &BadgeRecord) -> String {
    state
        .issuer
        .base_url()
        .join(&format!("badges/{}", badge_path_segment(&badge.id)))
}

/// The badge's artwork (unbaked) and its specification's title.
async fn artwork(
    state: &AppState,
    badge: &BadgeRecord,
) -> Result<(Arc<Artwork>, String), ApiError> {
    let spec = state
        .store
        .specification(&badge.specification, &badge.version)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "specification",
            id: format!("{} {}", badge.specification, badge.version),
        })?;
    let centre = Site::of(state).centre;
    let art = state.artwork.get(&spec, &centre).await?;
    Ok((art, spec.title().to_owned()))
}

fn data_uri(media_type: &str, bytes: &[u8]) -> String {
    format!(
        "data:{media_type};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

async fn claim_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match claim_page_inner(&state, &token).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn claim_page_inner(state: &AppState, token: &str) -> Result<Response, ApiError> {
    let Some((badge, share_enabled)) = claimed(state, token).await? else {
        return Ok(not_found(
            state,
            "This claim link is not valid. Check you copied the whole link, or ask your provider for it again.",
        ));
    };
    let report = verify(state, badge.credential.clone().into_bytes(), None).await?;
    let (art, title) = artwork(state, &badge).await?;
    let share = share_url(state, &badge);
    let qr = qr_svg(&share).map_err(|e| ApiError::Internal(e.into()))?;
    let issued = badge.issued_at.date_naive();
    let centre = Site::of(state).centre;
    let linkedin_url = linkedin_add_to_profile_url(&LinkedInCertification {
        name: &title,
        organization_name: &centre,
        issued,
        expires: None,
        cert_url: &share,
        cert_id: badge.id.as_str(),
    });
    let hash = TokenHash::of_token(token);
    let mut response = page(
        StatusCode::OK,
        &ClaimPage {
            site: Site::of(state),
            view: ReportView::new(&report, false),
            title,
            token: token.to_owned(),
            form_token: state.claims.form_token(&hash),
            downloads: &DOWNLOADS,
            artwork_data_uri: data_uri("image/svg+xml", art.svg.as_bytes()),
            share_enabled,
            share_url: share,
            qr_data_uri: data_uri("image/svg+xml", qr.as_bytes()),
            linkedin_url,
        },
    );
    private(&mut response);
    // The site-wide `no-referrer` makes browsers send `Origin: null` with this page's form
    // posts, which `check_form` refuses; `same-origin` still sends no referrer to other sites.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    Ok(response)
}

#[derive(Debug, Deserialize)]
struct FormToken {
    form_token: String,
}

#[derive(Debug, Deserialize)]
struct ShareForm {
    form_token: String,
    enabled: String,
}

/// Refuses a form post from another site: the request must carry this claim's anti-forgery token,
/// and an `Origin` header, when sent, must be this service's.
fn check_form(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    form_token: &str,
) -> Result<(), ApiError> {
    let forbidden = ApiError::Forbidden("this form must be sent from its own claim page");
    if let Some(origin) = headers.get(header::ORIGIN) {
        let base = state.issuer.base_url().to_string();
        let ours = base.split('/').take(3).collect::<Vec<_>>().join("/");
        if origin.as_bytes() != ours.as_bytes() {
            return Err(forbidden);
        }
    }
    if state
        .claims
        .check_form_token(&TokenHash::of_token(token), form_token)
    {
        Ok(())
    } else {
        Err(forbidden)
    }
}

async fn toggle_share(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ShareForm>,
) -> Result<Response, ApiError> {
    let Some((badge, _)) = claimed(&state, &token).await? else {
        return Ok(not_found(&state, "This claim link is not valid."));
    };
    check_form(&state, &headers, &token, &form.form_token)?;
    let enabled = matches!(form.enabled.as_str(), "true" | "on" | "1");
    let actor = credence_store::Actor::practitioner(&badge.id);
    state
        .store
        .set_share(&state.stamp(actor), &badge.id, enabled)
        .await?;
    Ok(Redirect::to(&format!("/claim/{token}")).into_response())
}

async fn download(
    State(state): State<AppState>,
    Path((token, file)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<FormToken>,
) -> Result<Response, ApiError> {
    let Some((badge, _)) = claimed(&state, &token).await? else {
        return Ok(not_found(&state, "This claim link is not valid."));
    };
    check_form(&state, &headers, &token, &form.form_token)?;
    let (media_type, body): (&'static str, Vec<u8>) = match file.as_str() {
        "credential.json" => (VC_LD_JSON, badge.credential.clone().into_bytes()),
        "badge.jwt" => ("application/jwt", badge_jwt(&badge)?.into_bytes()),
        "badge.png" => ("image/png", baked_png(&state, &badge).await?),
        "badge.svg" => {
            let (art, _) = artwork(&state, &badge).await?;
            let baked =
                bake_svg(&art.svg, &badge.credential).map_err(|e| ApiError::Internal(e.into()))?;
            ("image/svg+xml", baked.into_bytes())
        }
        "qr.png" => (
            "image/png",
            qr_png(&share_url(&state, &badge), QR_MODULE_PX)
                .map_err(|e| ApiError::Internal(e.into()))?,
        ),
        "qr.svg" => (
            "image/svg+xml",
            qr_svg(&share_url(&state, &badge))
                .map_err(|e| ApiError::Internal(e.into()))?
                .into_bytes(),
        ),
        _ => {
            return Err(ApiError::NotFound {
                what: "download",
                id: file,
            })
        }
    };
    let name = format!(
        "{}-{}-{file}",
        badge.specification,
        badge_path_segment(&badge.id).get(..8).unwrap_or_default()
    );
    let mut response = (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response();
    private(&mut response);
    Ok(response)
}

/// The badge artwork as PNG with the signed credential baked in.
async fn baked_png(state: &AppState, badge: &BadgeRecord) -> Result<Vec<u8>, ApiError> {
    let (art, _) = artwork(state, badge).await?;
    bake_png(&art.png, &badge.credential).map_err(|e| ApiError::Internal(e.into()))
}

/// The badge of a public share page, if its holder turned sharing on.
pub(super) async fn shared(state: &AppState, id: &str) -> Result<Option<BadgeRecord>, ApiError> {
    let Ok(badge_id) = badge_id_from_path(id) else {
        return Ok(None);
    };
    if state.store.share_enabled(&badge_id).await? != Some(true) {
        return Ok(None);
    }
    state.store.badge(&badge_id).await.map_err(Into::into)
}

async fn share_page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let Some(badge) = shared(&state, &id).await? else {
        return Ok(not_found(
            &state,
            "There is no public page for this badge. Its holder may have turned sharing off.",
        ));
    };
    let report = verify(&state, badge.credential.clone().into_bytes(), None).await?;
    let view = ReportView::new(&report, false);
    let title = report
        .credential
        .achievement
        .clone()
        .unwrap_or_else(|| "Digital badge".to_owned());
    let url = share_url(&state, &badge);
    let og = OpenGraph {
        title: format!("{title} – {}", view.verdict_label),
        description: format!(
            "A digital badge issued by {} for completing a Centre-endorsed credential.",
            Site::of(&state).centre
        ),
        image: Some(format!("{url}/image.png")),
        url,
    };
    let mut response = page(
        StatusCode::OK,
        &ResultPage {
            site: Site::of(&state),
            heading: title,
            view,
            recheck: Some(Recheck::Shared(
                badge.id.as_str().trim_start_matches("urn:uuid:").to_owned(),
            )),
            og: Some(og),
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(response)
}

async fn share_image(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let Some(badge) = shared(&state, &id).await? else {
        return Err(ApiError::NotFound {
            what: "shared badge",
            id,
        });
    };
    // The artwork only: a link preview needs no credential (the holder's downloads are baked).
    let (art, _) = artwork(&state, &badge).await?;
    Ok(([(header::CONTENT_TYPE, "image/png")], art.png.clone()).into_response())
}

//! The OpenAPI 3.1 document, generated from the handlers' annotations, and a small docs page.

use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::admin::{approvals, audit, clients, providers, specifications};
use crate::routes::{badges, completions, health, public, status, verify};
use crate::state::AppState;

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "Credence", description = "Issues and verifies Open Badges 3.0 digital badges for Centre-endorsed credential specifications."),
    paths(
        completions::submit_one, completions::submit_batch,
        badges::list, badges::one, badges::credential, badges::jwt,
        status::revoke, status::suspend, status::reinstate, status::badge_status, status::status_list,
        specifications::list, specifications::create, specifications::one,
        providers::list, providers::create, providers::one, providers::replace,
        approvals::list, approvals::create, approvals::one, approvals::add_change, approvals::history,
        clients::list, clients::create, clients::revoke,
        audit::keys, audit::audit, audit::verify,
        public::did_document, public::jwks, public::issuer, public::achievement_doc, public::provider_doc,
        health::healthz, health::readyz, health::metrics,
        verify::verify_api,
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// `/openapi.json` and `/docs`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/docs", get(docs))
}

/// A plain page listing every operation (no external assets).
async fn docs() -> impl IntoResponse {
    let api = ApiDoc::openapi();
    let mut rows = String::new();
    for (path, item) in &api.paths.paths {
        let ops = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in ops {
            if let Some(op) = op {
                let summary = op
                    .summary
                    .clone()
                    .or_else(|| op.description.clone())
                    .unwrap_or_default();
                rows.push_str(&format!(
                    "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td></tr>\n",
                    escape(path),
                    escape(&summary)
                ));
            }
        }
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Credence API</title><style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}}</style></head>\
         <body><main><h1>Credence API</h1><p>The machine-readable description is at <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI 3.1). \
         Authenticated endpoints take <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>application/problem+json</code> (RFC 9457).</p>\
         <table><thead><tr><th scope=\"col\">Method</th><th scope=\"col\">Path</th><th scope=\"col\">What it does</th></tr></thead><tbody>\n{rows}</tbody></table></main></body></html>"
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

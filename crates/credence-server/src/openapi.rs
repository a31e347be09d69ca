//! The OpenAPI 3.1 document, generated from the handlers' annotations, and a small docs page.

use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::routes::admin::{approvals, audit, clients, providers, specifications};
use crate::routes::{badges, completions, health, public, status, vc_api, verify};
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
        public::did_document, public::jwks, public::issuer, public::issuer_image, public::achievement_doc, public::provider_doc,
        health::healthz, health::readyz, health::metrics,
        verify::verify_api, vc_api::verify_credential, vc_api::verify_presentation, vc_api::issue_credential,
    ),
    components(schemas(crate::error::Problem)),
    modifiers(&BearerAuth, &CommonProblems),
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

/// The problem answers that shared extractors give, documented once on every operation they apply
/// to (as components, referenced): where a bearer token is required, 401 (`Caller`: missing,
/// unknown or revoked token) and 403 (the token's scope does not allow it); where a body is read,
/// 400 (malformed), 413 (too large) and 415 (media type; `ApiJson`, `read_body`); where query
/// parameters are parsed, 400 (`InvalidQuery`). An operation that documents a status itself keeps
/// its own description.
struct CommonProblems;

/// The shared responses: (component name, status, description).
const COMMON_PROBLEMS: [(&str, &str, &str); 5] = [
    (
        "Unauthenticated",
        "401",
        "No bearer token, or one that is unknown or revoked",
    ),
    ("Forbidden", "403", "The token's scope does not allow this"),
    (
        "BadRequest",
        "400",
        "A malformed body or an invalid query parameter",
    ),
    (
        "PayloadTooLarge",
        "413",
        "The request body is larger than allowed",
    ),
    (
        "UnsupportedMediaType",
        "415",
        "The body's media type is not accepted here",
    ),
];

impl CommonProblems {
    /// The statuses the shared extractors can give for `op`.
    fn statuses(op: &Operation) -> Vec<&'static str> {
        let mut statuses = Vec::new();
        let secured = op.security.as_ref().is_some_and(|reqs| {
            !reqs.is_empty() && !reqs.contains(&SecurityRequirement::default())
        });
        if secured {
            statuses.extend(["401", "403"]);
        }
        let queried = op
            .parameters
            .iter()
            .flatten()
            .any(|p| matches!(p.parameter_in, ParameterIn::Query));
        if op.request_body.is_some() {
            statuses.extend(["400", "413", "415"]);
        } else if queried {
            statuses.push("400");
        }
        statuses
    }
}

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, _, description) in COMMON_PROBLEMS {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content(crate::error::PROBLEM_JSON, content)
                .build();
            components
                .responses
                .insert(name.to_owned(), RefOr::T(response));
        }
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in ops.into_iter().flatten() {
                for status in Self::statuses(op) {
                    let Some((name, _, _)) = COMMON_PROBLEMS.iter().find(|(_, s, _)| *s == status)
                    else {
                        continue;
                    };
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
                }
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn operations(api: &utoipa::openapi::OpenApi) -> Vec<(String, &Operation)> {
        let mut ops = Vec::new();
        for (path, item) in &api.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ] {
                if let Some(op) = op {
                    ops.push((format!("{method} {path}"), op));
                }
            }
        }
        ops
    }

    #[test]
    fn every_secured_operation_documents_401_and_403() {
        let api = ApiDoc::openapi();
        let secured: Vec<_> = operations(&api)
            .into_iter()
            .filter(|(_, op)| op.security.is_some())
            .collect();
        assert!(secured.len() > 20, "the admin and provider API is secured");
        for (name, op) in secured {
            for status in ["401", "403"] {
                assert!(
                    op.responses.responses.contains_key(status),
                    "{name} lacks {status}"
                );
            }
        }
        let healthz = &api.paths.paths["/healthz"];
        let healthz = healthz.get.as_ref().unwrap();
        assert!(!healthz.responses.responses.contains_key("401"));
    }

    #[test]
    fn every_operation_with_a_body_documents_400_413_and_415() {
        let api = ApiDoc::openapi();
        let with_body: Vec<_> = operations(&api)
            .into_iter()
            .filter(|(_, op)| op.request_body.is_some())
            .collect();
        assert!(with_body.len() > 5);
        for (name, op) in with_body {
            for status in ["400", "413", "415"] {
                assert!(
                    op.responses.responses.contains_key(status),
                    "{name} lacks {status}"
                );
            }
        }
        let badges = api.paths.paths["/api/v1/badges"].get.as_ref().unwrap();
        assert!(
            badges.responses.responses.contains_key("400"),
            "query parameters"
        );
    }

    #[test]
    fn every_operation_on_a_named_record_documents_404() {
        let api = ApiDoc::openapi();
        // PUT creates the record it names (201), so it has no 404.
        for (name, op) in operations(&api)
            .into_iter()
            .filter(|(n, _)| !n.starts_with("PUT "))
        {
            let names_a_record = op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, ParameterIn::Path));
            if names_a_record {
                assert!(
                    op.responses.responses.contains_key("404"),
                    "{name} lacks 404"
                );
            }
        }
    }

    #[test]
    fn common_problems_are_problem_json_components_and_own_descriptions_stay() {
        let api = ApiDoc::openapi();
        let json = serde_json::to_value(&api).unwrap();
        let unauthenticated = &json["components"]["responses"]["Unauthenticated"];
        assert_eq!(
            unauthenticated["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem"
        );
        // The batch route documents its own 413 (too many rows); it is not replaced.
        let batch = &json["paths"]["/api/v1/completions/batch"]["post"]["responses"]["413"];
        assert!(batch.get("$ref").is_none(), "{batch}");
        let one = &json["paths"]["/api/v1/completions"]["post"]["responses"]["415"];
        assert_eq!(one["$ref"], "#/components/responses/UnsupportedMediaType");
    }
}

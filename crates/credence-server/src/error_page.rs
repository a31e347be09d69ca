//! Errors for people: whether a request came from a page ([`wants_page`]), the HTML form of an
//! error in the site's style ([`respond`]), and the middleware that gives the errors axum and
//! tower answer with no body of ours (405, 413, timeouts...) the same two forms ([`bare_errors`]).

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::error::{problem_response, ApiError, Problem, PROBLEM_JSON};
use crate::extract::{media_type, BodyLimit};
use crate::state::AppState;
use crate::web::Site;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    site: Site,
    title: String,
    message: String,
}

/// Whether the request came from a page, so that an error should be a page too: it accepts
/// `text/html` (browsers say so), or it is a form post outside `/api/`.
pub fn wants_page(request: &Request) -> bool {
    wants_page_for(request.uri(), request.headers())
}

/// [`wants_page`] from the request's URI and headers.
pub fn wants_page_for(uri: &Uri, headers: &HeaderMap) -> bool {
    let accepts_html = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("text/html"));
    if accepts_html {
        return true;
    }
    let form = media_type(headers)
        .is_some_and(|m| m == "application/x-www-form-urlencoded" || m == "multipart/form-data");
    form && !uri.path().starts_with("/api/")
}

/// The answer to `error`: problem+json, or when `page` the error page with the same status,
/// title and detail (and the same `Retry-After`).
pub fn respond(state: &AppState, page: bool, error: ApiError) -> Response {
    let problem = error.problem();
    let response = error.into_response();
    if page {
        as_page(state, response, &problem)
    } else {
        response
    }
}

/// `response` (an error) with the error page in place of its body; its status and headers
/// (`Retry-After`, `Allow`, CORS...) are kept.
fn as_page(state: &AppState, response: Response, problem: &Problem) -> Response {
    let html = ErrorPage {
        site: Site::of(state),
        title: problem.title.clone(),
        message: problem.detail.clone(),
    }
    .render();
    let Ok(html) = html else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(Html(html).0))
}

/// Turns error responses without a body of ours (axum's and tower's: 405, 413, timeouts, a
/// form that could not be read) into problem+json, or into the error page for requests from a
/// page. Answers that are already problem+json, HTML or JSON (a handler's own result, such as the
/// VC-API's unverified result) stay as they are.
pub async fn bare_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let page = wants_page(&request);
    let response = next.run(request).await;
    let status = response.status();
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            let v = v.as_bytes();
            [PROBLEM_JSON.as_bytes(), b"text/html", b"application/json"]
                .iter()
                .any(|ours| v.starts_with(ours))
        });
    if !(status.is_client_error() || status.is_server_error()) || ours {
        return response;
    }
    let problem = bare_problem(status, response.extensions().get::<BodyLimit>().copied());
    let (parts, _) = response.into_parts();
    let mut answer = problem_response(&problem);
    // Keep what the original said beyond its body (Allow, CORS, Retry-After...).
    for name in parts.headers.keys() {
        if !answer.headers().contains_key(name) && name != header::CONTENT_LENGTH {
            for value in parts.headers.get_all(name) {
                answer.headers_mut().append(name.clone(), value.clone());
            }
        }
    }
    if page {
        as_page(&state, answer, &problem)
    } else {
        answer
    }
}

/// The problem of a bare error status.
fn bare_problem(status: StatusCode, limit: Option<BodyLimit>) -> Problem {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        if let Some(BodyLimit(limit)) = limit {
            return ApiError::PayloadTooLarge { limit }.problem();
        }
    }
    let (slug, title) = match status {
        StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "Method not allowed"),
        StatusCode::REQUEST_TIMEOUT => ("timeout", "Request timed out"),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload-too-large", "Request body too large"),
        _ => ("http-error", "Request failed"),
    };
    let status = if status == StatusCode::REQUEST_TIMEOUT {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        status
    };
    Problem {
        kind: format!("/problems/{slug}"),
        title: title.to_owned(),
        status: status.as_u16(),
        detail: status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_owned(),
        code: None,
        badge_id: None,
        report: None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn wants(path: &str, headers: &[(&str, &str)]) -> bool {
        let mut h = HeaderMap::new();
        for (name, value) in headers {
            h.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        wants_page_for(&path.parse().unwrap(), &h)
    }

    #[test]
    fn pages_are_told_from_api_clients() {
        let browser = ("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        let form = ("content-type", "application/x-www-form-urlencoded");
        let upload = ("content-type", "multipart/form-data; boundary=x");
        assert!(wants("/verify", &[browser]));
        assert!(wants("/api/v1/verify", &[browser, upload]));
        assert!(wants("/claim/clm_x/share", &[form]));
        assert!(wants("/verify", &[upload]));
        assert!(!wants("/api/v1/verify", &[upload]));
        assert!(!wants(
            "/api/v1/verify",
            &[("content-type", "application/json")]
        ));
        assert!(!wants("/verify", &[("accept", "application/json")]));
        assert!(!wants("/verify", &[]));
    }

    #[test]
    fn a_bare_413_names_the_limit_when_known() {
        let p = bare_problem(StatusCode::PAYLOAD_TOO_LARGE, Some(BodyLimit(1024)));
        assert_eq!(p.kind, "/problems/payload-too-large");
        assert!(p.detail.contains("1024"), "{}", p.detail);
        let p = bare_problem(StatusCode::PAYLOAD_TOO_LARGE, None);
        assert_eq!(p.status, 413);
        let p = bare_problem(StatusCode::REQUEST_TIMEOUT, None);
        assert_eq!((p.status, p.kind.as_str()), (503, "/problems/timeout"));
    }
}

//! Limits everywhere and the small holes of issue 9: request bodies past each route's limit are
//! refused while they stream (a real `credence serve` stays small), one rate limit for every route
//! that verifies (keyed by socket address, or by a trusted proxy's header), private data-directory
//! files, a revoked bootstrap client that stays revoked, a multi-byte path segment that is a 404,
//! and names with bidirectional controls refused.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};
use axum::Router;
use credence_core::verify::MAX_INPUT_BYTES;
use credence_server::ratelimit::TrustedProxy;
use credence_server::{AppState, Config};
use http_body_util::BodyExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tower::ServiceExt as _;

use credence_testkit::completions::synthetic;
use credence_testkit::{ServerProcess, TestApp, ADMIN_TOKEN};

const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// In process

/// A service on a fresh SQLite file with the demo data and a configuration of the test's choosing.
struct LimitedApp {
    app: Router,
    state: AppState,
    admin: String,
    _app: TestApp,
}

impl LimitedApp {
    async fn new(edit: impl FnOnce(&mut Config)) -> LimitedApp {
        let app = TestApp::sqlite_configured(edit).await.with_demo().await;
        LimitedApp {
            app: app.router(),
            state: app.state.clone(),
            admin: app.admin_token.clone(),
            _app: app,
        }
    }

    /// Sends `request` as if from `peer` over a socket.
    async fn from(&self, peer: &str, mut request: Request<Body>) -> Answer {
        let peer: SocketAddr = peer.parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        self.send(request).await
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        Answer {
            status: parts.status.as_u16(),
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            retry_after: parts
                .headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: body.collect().await.unwrap().to_bytes().to_vec(),
        }
    }
}

/// An answer, read whole.
#[derive(Debug)]
struct Answer {
    status: u16,
    content_type: String,
    retry_after: Option<String>,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    #[track_caller]
    fn problem(&self, status: u16, kind: &str) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.content_type,
            "application/problem+json",
            "{}",
            self.text()
        );
        let p: serde_json::Value = serde_json::from_slice(&self.body).unwrap();
        assert_eq!(p["type"], kind, "{p}");
        p
    }

    #[track_caller]
    fn page(&self, status: u16) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type.starts_with("text/html"),
            "{}: {}",
            self.content_type,
            self.text()
        );
        let html = self.text();
        assert!(html.contains("<link rel=\"stylesheet\" href=\"/static/style.css\">"));
        html
    }
}

fn request(method: Method, path: &str) -> axum::http::request::Builder {
    Request::builder().method(method).uri(path)
}

const BOUNDARY: &str = "credence-limits";

fn multipart(field: &str, value: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"badge.json\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(value);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

#[tokio::test]
async fn each_route_reads_up_to_its_own_limit_and_no_more() {
    let app = LimitedApp::new(|_| {}).await;
    let json_of = |n: usize| format!("{{\"x\":\"{}\"}}", "a".repeat(n)).into_bytes();

    // The verify API and the verify page take uploads up to the verifier's 16 MiB...
    let two_mib = json_of(2 * MIB);
    let r = app
        .send(
            request(Method::POST, "/api/v1/verify")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(two_mib.clone()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = app
        .send(
            request(Method::POST, "/verify")
                .header(header::CONTENT_TYPE, multipart_type())
                .header(header::ACCEPT, "text/html")
                .body(Body::from(multipart("file", &two_mib)))
                .unwrap(),
        )
        .await;
    assert_ne!(r.status, 413, "{}", r.text());
    r.page(r.status);
    // ... and not a byte more, streamed (no Content-Length) or announced.
    let over = json_of(MAX_INPUT_BYTES);
    let r = app
        .send(
            request(Method::POST, "/api/v1/verify")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(over.clone()))
                .unwrap(),
        )
        .await;
    let p = r.problem(413, "/problems/payload-too-large");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains(&MAX_INPUT_BYTES.to_string()),
        "{p}"
    );
    let r = app
        .send(
            request(Method::POST, "/api/v1/verify")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, over.len())
                .body(Body::from(over))
                .unwrap(),
        )
        .await;
    r.problem(413, "/problems/payload-too-large");

    // Everything else: 1 MiB (`max_body_bytes`).
    let r = app
        .send(
            request(Method::POST, "/api/v1/completions")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
                .body(Body::from(json_of(MIB)))
                .unwrap(),
        )
        .await;
    r.problem(413, "/problems/payload-too-large");
    let form = format!("form_token={}&enabled=on", "a".repeat(MIB));
    for path in ["/claim/clm_nothing/share", "/claim/clm_nothing/badge.png"] {
        let r = app
            .send(
                request(Method::POST, path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(form.clone()))
                    .unwrap(),
            )
            .await;
        let html = r.page(413);
        assert!(html.contains("Request body too large"), "{html}");
        assert!(html.contains(&MIB.to_string()), "{html}");
    }
    // The recipient check carries the credential it checks: the verifier's limit.
    let r = app
        .send(
            request(Method::POST, "/verify/recipient")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "kind=email&identifier=a%40b.org&credential={}",
                    "a".repeat(2 * MIB)
                )))
                .unwrap(),
        )
        .await;
    assert_ne!(r.status, 413, "{}", r.text());

    // The batch route: 20 MB (10,000 rows of 2 KB).
    let mut csv = String::from(
        "provider_reference,provider,specification,specification_version,route,completed_on,\
         given_name,family_name,email,regulator,registration_number\n",
    );
    csv.push_str(&"a".repeat(2 * MIB));
    let batch = |body: Vec<u8>| {
        request(Method::POST, "/api/v1/completions/batch")
            .header(header::CONTENT_TYPE, "text/csv")
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .body(Body::from(body))
            .unwrap()
    };
    let r = app.send(batch(csv.into_bytes())).await;
    assert_ne!(r.status, 413, "{}", r.text());
    let r = app
        .send(batch(vec![
            b'a';
            app.state.config.max_batch_body_bytes() + 1
        ]))
        .await;
    r.problem(413, "/problems/payload-too-large");
}

/// One request to each route that verifies, as a page or an API client would send it.
fn verifying_requests() -> Vec<(&'static str, bool, Request<Body>)> {
    let form = |path: &str, body: &str| {
        request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    vec![
        (
            "POST /api/v1/verify",
            false,
            request(Method::POST, "/api/v1/verify")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        ),
        (
            "POST /verify",
            true,
            request(Method::POST, "/verify")
                .header(header::CONTENT_TYPE, multipart_type())
                .body(Body::from(multipart("credential", b"{}")))
                .unwrap(),
        ),
        (
            "GET /verify/link",
            true,
            request(Method::GET, "/verify/link?link=x")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "POST /verify/recipient",
            true,
            form(
                "/verify/recipient",
                "kind=email&identifier=a%40b.org&credential=%7B%7D",
            ),
        ),
        (
            "GET /badges/{id}",
            true,
            request(Method::GET, "/badges/3f1c2a94-6d2b-4c1e-9a57-1b8e0d4c7f21")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        ),
        (
            "GET /claim/{token}",
            true,
            request(Method::GET, "/claim/clm_0000")
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .unwrap(),
        ),
    ]
}

#[tokio::test]
async fn every_route_that_verifies_draws_on_one_budget_per_client() {
    let routes = verifying_requests().len();
    let app = LimitedApp::new(|c| {
        c.verify_rate_per_second = 0.001;
        c.verify_burst = routes as f64;
    })
    .await;
    // One request to each spends the client's whole burst...
    for (name, _, r) in verifying_requests() {
        let a = app.from("192.0.2.10:40000", r).await;
        assert_ne!(a.status, 429, "{name}: {}", a.text());
    }
    // ... so the next one, on any of them, is refused: as a page to pages, problem+json to the API.
    for (name, page, r) in verifying_requests() {
        let a = app.from("192.0.2.10:40001", r).await;
        assert_eq!(a.status, 429, "{name}: {}", a.text());
        let retry: u64 = a.retry_after.as_deref().unwrap().parse().unwrap();
        assert!(retry >= 1, "{name}");
        if page {
            let html = a.page(429);
            assert!(html.contains("Too many requests"), "{name}: {html}");
        } else {
            a.problem(429, "/problems/rate-limited");
        }
    }
    // Another client has its own budget.
    for (name, _, r) in verifying_requests() {
        let a = app.from("192.0.2.11:40000", r).await;
        assert_ne!(a.status, 429, "{name}: {}", a.text());
    }
    // Routes that verify nothing are not limited.
    for path in ["/verify", "/healthz", "/.well-known/did.json"] {
        let a = app
            .from(
                "192.0.2.10:40002",
                request(Method::GET, path).body(Body::empty()).unwrap(),
            )
            .await;
        assert_eq!(a.status, 200, "{path}: {}", a.text());
    }
    // The verify API's refusal can be read by the page that asked (CORS).
    let mut r = request(Method::POST, "/api/v1/verify")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, "https://employer.example")
        .body(Body::from("{}"))
        .unwrap();
    r.extensions_mut().insert(ConnectInfo(
        "192.0.2.10:40003".parse::<SocketAddr>().unwrap(),
    ));
    let response = app.app.clone().oneshot(r).await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "*",
        "{:?}",
        response.headers()
    );
}

fn verify_api_request(forwarded_for: Option<&str>) -> Request<Body> {
    let mut r =
        request(Method::POST, "/api/v1/verify").header(header::CONTENT_TYPE, "application/json");
    if let Some(v) = forwarded_for {
        r = r.header("x-forwarded-for", v);
    }
    r.body(Body::from("{}")).unwrap()
}

#[tokio::test]
async fn only_a_trusted_proxy_names_the_client() {
    let app = LimitedApp::new(|c| {
        c.verify_rate_per_second = 0.001;
        c.verify_burst = 1.0;
        c.trusted_proxy = Some(TrustedProxy {
            header: "x-forwarded-for".parse().unwrap(),
            proxies: vec!["127.0.0.1/32".parse().unwrap()],
        });
    })
    .await;
    let proxy = "127.0.0.1:50000";
    // Behind the proxy, each client has its own budget.
    let a = app
        .from(proxy, verify_api_request(Some("203.0.113.1")))
        .await;
    assert_ne!(a.status, 429);
    let a = app
        .from(proxy, verify_api_request(Some("203.0.113.1")))
        .await;
    assert_eq!(a.status, 429);
    // Whatever the client itself claims to the left of what the proxy appended.
    let a = app
        .from(
            proxy,
            verify_api_request(Some("198.51.100.99, 203.0.113.1")),
        )
        .await;
    assert_eq!(a.status, 429);
    let a = app
        .from(proxy, verify_api_request(Some("203.0.113.2")))
        .await;
    assert_ne!(a.status, 429);
    // A client talking to the service directly cannot pick a new key with the header.
    let direct = "198.51.100.7:50000";
    let a = app
        .from(direct, verify_api_request(Some("203.0.113.3")))
        .await;
    assert_ne!(a.status, 429);
    let a = app
        .from(direct, verify_api_request(Some("203.0.113.4")))
        .await;
    assert_eq!(a.status, 429, "{}", a.text());
    // Without a configured proxy, the header means nothing even from 127.0.0.1.
    let plain = LimitedApp::new(|c| {
        c.verify_rate_per_second = 0.001;
        c.verify_burst = 1.0;
    })
    .await;
    let a = plain
        .from(proxy, verify_api_request(Some("203.0.113.1")))
        .await;
    assert_ne!(a.status, 429);
    let a = plain
        .from(proxy, verify_api_request(Some("203.0.113.2")))
        .await;
    assert_eq!(a.status, 429);
}

#[tokio::test]
async fn a_path_segment_cut_inside_a_character_is_not_found() {
    let app = LimitedApp::new(|_| {}).await;
    // Byte 9 of these falls inside a three-byte character.
    for segment in [
        "ab%E2%82%AC%E2%82%AC%E2%82%AC",
        "urn%3Auuid%E2%82%AC",
        "urn%3Auuid%3A%E2%82%AC",
        "%E2%82%AC%E2%82%AC%E2%82%AC%E2%82%AC",
    ] {
        let page = app
            .send(
                request(Method::GET, &format!("/badges/{segment}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        page.page(404);
        let image = app
            .send(
                request(Method::GET, &format!("/badges/{segment}/image.png"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        image.problem(404, "/problems/not-found");
        for api in ["", "/credential", "/jwt", "/status"] {
            let r = app
                .send(
                    request(Method::GET, &format!("/api/v1/badges/{segment}{api}"))
                        .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
                        .body(Body::empty())
                        .unwrap(),
                )
                .await;
            r.problem(404, "/problems/not-found");
        }
        let r = app
            .send(
                request(Method::POST, &format!("/api/v1/badges/{segment}/revoke"))
                    .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(r#"{"reason":"other"}"#))
                    .unwrap(),
            )
            .await;
        r.problem(404, "/problems/not-found");
        let claim = app
            .send(
                request(Method::GET, &format!("/claim/clm_{segment}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        claim.page(404);
    }
}

#[tokio::test]
async fn names_with_bidirectional_controls_are_refused_where_they_enter() {
    let app = LimitedApp::new(|_| {}).await;
    let post = |path: &str, body: serde_json::Value| {
        request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin))
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let mut completion = serde_json::to_value(synthetic("BIDI", 1)).unwrap();
    completion["practitioner"]["family_name"] = "\u{202E}rofakO".into();
    completion["practitioner"]["publish_name"] = true.into();
    let r = app.send(post("/api/v1/completions", completion)).await;
    let p = r.problem(422, "/problems/invalid-value");
    assert!(p["detail"].as_str().unwrap().contains("U+202E"), "{p}");

    let r = app
        .send(post(
            "/api/v1/clients",
            serde_json::json!({"name": "Leeds \u{2066}registry", "scope": "admin"}),
        ))
        .await;
    let p = r.problem(422, "/problems/invalid-value");
    assert!(p["detail"].as_str().unwrap().contains("U+2066"), "{p}");

    let r = app
        .send(post(
            "/api/v1/providers",
            serde_json::json!({"ukprn": "10099999", "name": "University\u{200F} of Nowhere"}),
        ))
        .await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert!(r.text().contains("U+200F"), "{}", r.text());
}

// ---------------------------------------------------------------------------------------------
// Real processes

/// A route to post to: path, content type, bearer token, the start of the body, and whether the
/// answer is a page.
type PostRoute<'a> = (&'a str, &'a str, Option<&'a str>, &'a [u8], bool);

/// What the server answered to one raw request.
#[derive(Debug)]
struct RawAnswer {
    status: u16,
    content_type: String,
    body: String,
}

/// Posts `prefix` followed by `a`s, `total` bytes in all, over a new connection: chunked, or with
/// a `Content-Length`, in 1 MiB writes, while reading the answer; the upload stops when the server
/// stops listening.
async fn post_large(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, &str)],
    prefix: &[u8],
    total: usize,
    chunked: bool,
) -> RawAnswer {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let mut head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {total}\r\n\r\n"));
    }
    let prefix = prefix.to_vec();
    let upload = tokio::spawn(async move {
        writer.write_all(head.as_bytes()).await?;
        let filler = vec![b'a'; MIB];
        let mut sent = 0;
        while sent < total {
            let piece: &[u8] = if sent < prefix.len() {
                &prefix[sent..prefix.len().min(sent + MIB)]
            } else {
                &filler[..MIB.min(total - sent)]
            };
            if chunked {
                writer
                    .write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                    .await?;
            }
            writer.write_all(piece).await?;
            if chunked {
                writer.write_all(b"\r\n").await?;
            }
            sent += piece.len();
        }
        if chunked {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        Ok::<_, std::io::Error>(())
    });
    let mut got = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let answer = tokio::time::timeout(Duration::from_secs(120), async {
        loop {
            if let Some(answer) = parse_answer(&got) {
                return Some(answer);
            }
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => return parse_answer(&got),
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    upload.abort();
    answer
        .unwrap_or_else(|_| panic!("POST {path}: no answer in time"))
        .unwrap_or_else(|| {
            panic!(
                "POST {path}: no whole answer: {:?}",
                String::from_utf8_lossy(&got)
            )
        })
}

/// A whole HTTP/1.1 answer with a `Content-Length`, once it is all there.
fn parse_answer(bytes: &[u8]) -> Option<RawAnswer> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut content_type = String::new();
    let mut length = 0;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = value.trim().to_owned(),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    let body = bytes.get(end + 4..end + 4 + length)?;
    Some(RawAnswer {
        status,
        content_type,
        body: String::from_utf8_lossy(body).into_owned(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_post_route_refuses_64_mib_without_holding_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(&dir.path().join("data"), None, &["--verify-rate", "1000"]);
    let mut http = server.connect().await;
    let issued = http
        .post_json("/api/v1/completions", ADMIN_TOKEN, &synthetic("BIG", 1))
        .await
        .unwrap();
    issued.assert_status(201);
    let claim_url = issued.json()["claim_url"].as_str().unwrap().to_owned();
    let claim = &claim_url[claim_url.find("/claim/").unwrap()..];
    let badge = issued.json()["badge_id"]
        .as_str()
        .unwrap()
        .replace("urn:uuid:", "");

    let form = "application/x-www-form-urlencoded";
    let upload = multipart_type();
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let file_part = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"badge.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    );
    let share = format!("{claim}/share");
    let download = format!("{claim}/badge.png");
    let revoke = format!("/api/v1/badges/{badge}/revoke");
    // (path, content type, bearer token, the start of the body, answered as a page)
    let routes: Vec<PostRoute<'_>> = vec![
        (
            "/api/v1/verify",
            "application/json",
            None,
            b"{\"x\":\"",
            false,
        ),
        ("/api/v1/verify", "application/jwt", None, b"", false),
        ("/api/v1/verify", &upload, None, file_part.as_bytes(), false),
        ("/verify", &upload, None, file_part.as_bytes(), true),
        (
            "/verify/recipient",
            form,
            None,
            b"kind=email&identifier=a%40b.org&credential=",
            true,
        ),
        (&share, form, None, b"form_token=", true),
        (&download, form, None, b"form_token=", true),
        ("/claim/clm_7f3e9a/share", form, None, b"form_token=", true),
        (
            "/claim/clm_7f3e9a/credential.json",
            form,
            None,
            b"form_token=",
            true,
        ),
        (
            "/api/v1/completions",
            "application/json",
            Some(&bearer),
            b"{\"x\":\"",
            false,
        ),
        (
            "/api/v1/completions/batch",
            "text/csv",
            Some(&bearer),
            b"provider_reference\n",
            false,
        ),
        (
            "/api/v1/completions/batch",
            "application/json",
            Some(&bearer),
            b"{\"completions\":[\"",
            false,
        ),
        (
            "/api/v1/clients",
            "application/json",
            Some(&bearer),
            b"{\"name\":\"",
            false,
        ),
        (
            "/api/v1/specifications",
            "application/json",
            Some(&bearer),
            b"{\"x\":\"",
            false,
        ),
        (
            "/api/v1/providers",
            "application/json",
            Some(&bearer),
            b"{\"x\":\"",
            false,
        ),
        (
            "/api/v1/approvals",
            "application/json",
            Some(&bearer),
            b"{\"x\":\"",
            false,
        ),
        (
            &revoke,
            "application/json",
            Some(&bearer),
            b"{\"reason\":\"",
            false,
        ),
    ];
    for (path, content_type, token, prefix, page) in routes {
        for chunked in [false, true] {
            let mut headers = vec![("Content-Type", content_type)];
            if let Some(t) = token {
                headers.push(("Authorization", t));
            }
            if page && path.starts_with("/verify") {
                headers.push(("Accept", "text/html,application/xhtml+xml"));
            }
            // The peak is measured for this request alone: reset to the resident size now.
            std::fs::write(format!("/proc/{}/clear_refs", server.pid()), "5").unwrap();
            let before = credence_testkit::resident(server.pid(), "VmRSS");
            let answer = post_large(server.addr, path, &headers, prefix, 64 * MIB, chunked).await;
            let rise = credence_testkit::resident(server.pid(), "VmHWM").saturating_sub(before);
            let how = if chunked { "chunked" } else { "Content-Length" };
            // Nothing was held whole: the largest limit is 20 MiB, and no request grew the
            // process by half of the 64 MiB it sent.
            assert!(
                rise < 32 * MIB,
                "POST {path} ({how}) grew the process by {} MiB",
                rise / MIB
            );
            assert_eq!(answer.status, 413, "POST {path} ({how}): {answer:?}");
            if page {
                assert!(
                    answer.content_type.starts_with("text/html"),
                    "POST {path} ({how}): {answer:?}"
                );
                assert!(answer.body.contains("/static/style.css"), "{answer:?}");
            } else {
                assert_eq!(
                    answer.content_type, "application/problem+json",
                    "POST {path} ({how}): {answer:?}"
                );
                assert!(
                    answer.body.contains("/problems/payload-too-large"),
                    "{answer:?}"
                );
            }
        }
    }
    let mut http = server.connect().await;
    http.get("/healthz", None).await.unwrap().assert_status(200);
}

/// The mode bits of every entry under `dir`, and of `dir` itself.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut out = vec![(
        dir.display().to_string(),
        std::fs::metadata(dir).unwrap().permissions().mode() & 0o777,
    )];
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            out.extend(modes(&entry.path()));
        } else {
            out.push((
                entry.file_name().to_string_lossy().into_owned(),
                meta.permissions().mode() & 0o777,
            ));
        }
    }
    out
}

#[track_caller]
fn assert_private(dir: &Path, expected: &[&str]) {
    let modes = modes(dir);
    for (name, mode) in &modes {
        assert_eq!(mode & 0o077, 0, "{name} is {mode:o}: {modes:?}");
    }
    assert_eq!(modes[0].1, 0o700, "{modes:?}");
    for name in expected {
        assert!(modes.iter().any(|(n, _)| n == name), "no {name}: {modes:?}");
    }
}

#[tokio::test]
async fn data_directory_files_are_private_after_start_and_after_writes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, None, &[]);
    let files = [
        "credence.db",
        "credence.db-wal",
        "credence.db-shm",
        "issuer-key.pem",
        "claim-secret",
    ];
    assert_private(&data, &files);
    let mut http = server.connect().await;
    for i in 0..3 {
        http.post_json("/api/v1/completions", ADMIN_TOKEN, &synthetic("MODES", i))
            .await
            .unwrap()
            .assert_status(201);
    }
    http.post_json(
        "/api/v1/clients",
        ADMIN_TOKEN,
        &serde_json::json!({"name": "a registry", "scope": "admin"}),
    )
    .await
    .unwrap()
    .assert_status(201);
    assert_private(&data, &files);
    server.kill9();

    // A data directory an older version left readable is made private on start.
    use std::os::unix::fs::PermissionsExt as _;
    for name in files {
        let path = data.join(name);
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    let server = ServerProcess::start(&data, None, &[]);
    assert_private(&data, &["credence.db", "issuer-key.pem", "claim-secret"]);
    drop(server);
}

#[tokio::test]
async fn a_revoked_bootstrap_client_stays_revoked_and_the_service_still_starts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut server = ServerProcess::start(&data, None, &[]);
    let mut http = server.connect().await;
    let clients = http
        .get("/api/v1/clients", Some(ADMIN_TOKEN))
        .await
        .unwrap();
    clients.assert_status(200);
    let clients = clients.json();
    let bootstrap = clients
        .as_array()
        .or_else(|| clients["items"].as_array())
        .unwrap()
        .iter()
        .find(|c| {
            c["name"]
                .as_str()
                .unwrap()
                .contains("CREDENCE_BOOTSTRAP_TOKEN")
        })
        .unwrap()["id"]
        .clone();
    http.post_json(
        &format!("/api/v1/clients/{bootstrap}/revoke"),
        ADMIN_TOKEN,
        &serde_json::json!({}),
    )
    .await
    .unwrap()
    .assert_status(200);
    server.kill9();

    // Restarted with CREDENCE_BOOTSTRAP_TOKEN still set: it starts, warns, and the token stays
    // refused.
    let server = ServerProcess::start(&data, None, &[]);
    assert!(
        server
            .log()
            .contains("names a revoked administrator client"),
        "{}",
        server.log()
    );
    let mut http = server.connect().await;
    let r = http
        .get("/api/v1/clients", Some(ADMIN_TOKEN))
        .await
        .unwrap();
    r.expect_problem(401, "/problems/invalid-token");
}

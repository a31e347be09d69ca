//! The pages as a person meets them: the real `credence serve` on a free port with a temporary
//! data dir, badges issued through its API, then
//!
//! - headless Chromium driven by `tests/browser/browser.mjs` (playwright-core and axe-core,
//!   exact-pinned in `tests/browser/package.json`): verify, result, claim and share pages, their
//!   downloads, the share switch, a phone viewport, and no WCAG 2.2 A/AA violations;
//! - without a browser: the claim page's downloads over plain HTTP, the QR code read back by
//!   `zbarimg`, the baked PNG and SVG unbaked by `credence unbake`, and the credential verified
//!   by the independent JavaScript verifier of `tests/interop`.
//!
//! Locally, a missing Chromium, `zbarimg` or `node_modules` skips the part that needs it with a
//! message; under CI (`CI` set) it fails instead (`.ci/run` installs them).

// Test helpers may panic: a panic is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The bootstrap API token of the test servers.
const TOKEN: &str = "browser-test-token";
/// The practitioner's email in the completions.
const EMAIL: &str = "amira.okafor@example.nhs.uk";

fn root() -> PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("../..")
}

fn under_ci() -> bool {
    std::env::var_os("CREDENCE_REQUIRE_ALL").is_some()
        || std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Fails under CI, otherwise says why a part of the test did not run. Returns `false` then.
fn required(present: bool, what: &str, how: &str) -> bool {
    if present {
        return true;
    }
    assert!(!under_ci(), "{what} is missing: {how}");
    // Past libtest's output capture, so that a local run shows it.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what} is missing ({how})");
    false
}

fn chromium() -> PathBuf {
    std::env::var_os("CREDENCE_CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from)
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn credence(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credence"))
        .args(args)
        .output()
        .expect("run credence")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 client (one request per connection), enough for this server.

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn ok(self, what: &str) -> Self {
        assert_eq!(self.status, 200, "{what}: {}", self.text());
        self
    }
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&body[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        body = &body[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size + 2..];
    }
}

fn http(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    let rest = url.strip_prefix("http://").expect("an http:// URL");
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = std::str::from_utf8(&raw[..head_end]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut reply = Reply {
        status,
        headers,
        body: raw[head_end + 4..].to_vec(),
    };
    if reply
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        reply.body = dechunk(&reply.body);
    }
    reply
}

fn get(url: &str) -> Reply {
    http("GET", url, &[], b"")
}

fn admin_get(url: &str) -> Reply {
    http(
        "GET",
        url,
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        b"",
    )
}

// ---------------------------------------------------------------------------------------------
// The server.

/// `credence serve --demo` on a free port, stopped when dropped.
struct Server {
    child: Child,
    base: String,
    dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_credence"))
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .args(["--base-url", &base, "--data-dir"])
            .arg(dir.path().join("data"))
            .env("CREDENCE_BOOTSTRAP_TOKEN", TOKEN)
            .env_remove("CREDENCE_DATABASE_URL")
            .env_remove("CREDENCE_CONFIG")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start credence serve");
        let mut server = Server { child, base, dir };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("credence serve exited ({status}):\n{}", server.log());
            }
            let addr = server.base.trim_start_matches("http://");
            if TcpStream::connect(addr).is_ok() && get(&server.url("/healthz")).status == 200 {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "credence serve did not start:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Issues a badge to `EMAIL` through the API.
    fn issue(&self, reference: &str) -> Issued {
        let mut completion = credence_testkit::completions::completion(0);
        completion["provider_reference"] = reference.into();
        completion["practitioner"]["email"] = EMAIL.into();
        completion["assessment"] =
            json!({"academic_assessor": "Dr A", "workplace_supervisor": "Dr B"});
        let reply = http(
            "POST",
            &self.url("/api/v1/completions"),
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("Content-Type", "application/json"),
            ],
            &serde_json::to_vec(&completion).unwrap(),
        );
        assert_eq!(reply.status, 201, "{}\n{}", reply.text(), self.log());
        let answer: Value = serde_json::from_slice(&reply.body).unwrap();
        let text = |k: &str| answer[k].as_str().unwrap().to_owned();
        let uuid = text("badge_id")
            .strip_prefix("urn:uuid:")
            .unwrap()
            .to_owned();
        let credential = admin_get(&text("credential_url")).ok("credential").body;
        Issued {
            uuid,
            claim_url: text("claim_url"),
            credential,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A badge the server issued.
struct Issued {
    uuid: String,
    claim_url: String,
    /// The signed credential, as the admin API serves it.
    credential: Vec<u8>,
}

/// The credential with one character of its `name` changed (still well-formed JSON).
fn tamper(credential: &[u8]) -> Vec<u8> {
    let key = br#""name":""#;
    let at = credential
        .windows(key.len())
        .position(|w| w == key)
        .expect("a name")
        + key.len();
    let mut out = credential.to_vec();
    out[at] = if out[at] == b'A' { b'B' } else { b'A' };
    out
}

/// The claim page's anti-forgery token.
fn form_token(claim_page: &str) -> String {
    let key = r#"name="form_token" value=""#;
    let start = claim_page
        .find(key)
        .expect("a form_token on the claim page")
        + key.len();
    let len = claim_page[start..].find('"').unwrap();
    claim_page[start..start + len].to_owned()
}

/// Downloads `file` from the claim page as its form would.
fn claim_download(server: &Server, badge: &Issued, token: &str, file: &str) -> Vec<u8> {
    let reply = http(
        "POST",
        &format!("{}/{file}", badge.claim_url),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", &server.base),
        ],
        format!("form_token={token}").as_bytes(),
    );
    let reply = reply.ok(file);
    assert!(
        reply
            .header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment;") && d.contains(file)),
        "{file}: {:?}",
        reply.headers
    );
    reply.body
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// The claim page over plain HTTP, its QR code, its baked images and the independent verifier.
#[test]
fn claim_downloads_decode_unbake_and_verify_independently() {
    let server = Server::start();
    let badge = server.issue("BROWSER-0001");
    let tmp = server.dir.path();

    let page = get(&badge.claim_url).ok("claim page");
    // Browsers send `Origin: null` with form posts under `no-referrer`, which the forms refuse.
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    assert_eq!(page.header("cache-control"), Some("no-store"));
    let token = form_token(&page.text());

    // The forms refuse another site's posts.
    let forged = http(
        "POST",
        &format!("{}/credential.json", badge.claim_url),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        format!("form_token={token}").as_bytes(),
    );
    assert_eq!(forged.status, 403, "{}", forged.text());

    // Sharing is off: the share page is a 404 page (HTML, not a JSON problem).
    let share_url = server.url(&format!("/badges/{}", badge.uuid));
    let off = get(&share_url);
    assert_eq!(off.status, 404);
    assert!(
        off.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        off.headers
    );

    let json = claim_download(&server, &badge, &token, "credential.json");
    assert_eq!(
        json, badge.credential,
        "credential.json is the signed credential"
    );

    // The baked images carry the signed credential byte for byte.
    for file in ["badge.png", "badge.svg"] {
        let path = tmp.join(file);
        std::fs::write(&path, claim_download(&server, &badge, &token, file)).unwrap();
        let out = credence(&["unbake", s(&path)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut expected = badge.credential.clone();
        expected.push(b'\n');
        assert!(
            out.stdout == expected,
            "{file} unbakes to something else than the credential:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    // The QR code reads back as the share link, exactly.
    let qr = tmp.join("qr.png");
    std::fs::write(&qr, claim_download(&server, &badge, &token, "qr.png")).unwrap();
    if required(
        runs("zbarimg", "--version"),
        "zbarimg",
        "apt-get install -y zbar-tools",
    ) {
        let out = Command::new("zbarimg")
            .args(["--raw", "-q"])
            .arg(&qr)
            .output()
            .unwrap();
        assert!(out.status.success(), "zbarimg found no QR code in qr.png");
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.strip_suffix('\n').unwrap_or(&text), share_url);
    }

    // The independent JavaScript verifier accepts the credential (its issuer's did:web document
    // served from the file this server publishes), and refuses it once a character changed.
    let interop = root().join("tests/interop");
    if required(
        runs("node", "--version") && interop.join("node_modules").is_dir(),
        "node or tests/interop/node_modules",
        "run `npm ci` in tests/interop",
    ) {
        let did = tmp.join("did.json");
        std::fs::write(
            &did,
            get(&server.url("/.well-known/did.json")).ok("did").body,
        )
        .unwrap();
        let signed = tmp.join("credential.json");
        std::fs::write(&signed, &badge.credential).unwrap();
        let tampered = tmp.join("tampered.json");
        std::fs::write(&tampered, tamper(&badge.credential)).unwrap();
        let mut args = vec!["--did-doc".to_owned(), s(&did).to_owned()];
        // The revocation and suspension lists the server publishes.
        let doc: Value = serde_json::from_slice(&badge.credential).unwrap();
        let entries = doc["credentialStatus"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(entries.len(), 2, "{doc:#}");
        for (i, entry) in entries.iter().enumerate() {
            let url = entry["statusListCredential"].as_str().unwrap();
            let reply = get(url);
            assert_eq!(reply.status, 200, "GET {url}: {}", reply.text());
            let file = tmp.join(format!("status-{i}.json"));
            std::fs::write(&file, &reply.body).unwrap();
            args.extend(["--status-list".to_owned(), format!("{url}={}", s(&file))]);
        }
        args.extend([s(&signed).to_owned(), s(&tampered).to_owned()]);
        let out = Command::new("node")
            .arg(interop.join("verify.mjs"))
            .args(&args)
            .current_dir(&interop)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "verify.mjs: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let results = report["results"].as_array().unwrap();
        assert_eq!(results[0]["verified"], true, "{report:#}");
        assert_eq!(results[1]["verified"], false, "{report:#}");
        assert_eq!(results[0]["status"], "clear", "{report:#}");
    }
}

/// Headless Chromium through the pages; see `tests/browser/browser.mjs` for the checks.
#[test]
fn the_pages_work_in_a_browser() {
    let dir = root().join("tests/browser");
    let ready = required(
        dir.join("node_modules").is_dir(),
        "tests/browser/node_modules",
        "run `npm ci` in tests/browser",
    ) && required(
        runs("node", "--version"),
        "node",
        "install Node.js 20 or later",
    ) && required(
        chromium().is_file(),
        "chromium",
        "apt-get install -y chromium, or set CREDENCE_CHROMIUM",
    );
    if !ready {
        return;
    }
    let server = Server::start();
    let badge = server.issue("BROWSER-0002");
    let revocable = server.issue("BROWSER-0003");
    let out_dir = server.dir.path().join("downloads");
    std::fs::create_dir(&out_dir).unwrap();
    let started = Instant::now();
    let out = Command::new("node")
        .arg(dir.join("browser.mjs"))
        .arg(&server.base)
        .args(["--token", TOKEN, "--claim", &badge.claim_url])
        .args(["--revocable-claim", &revocable.claim_url, "--email", EMAIL])
        .arg("--out")
        .arg(&out_dir)
        .arg("--chromium")
        .arg(chromium())
        .current_dir(&dir)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!(
        "{stdout}{stderr}(browser checks took {:.1?})",
        started.elapsed()
    );
    assert!(
        out.status.success(),
        "browser.mjs failed:\n{stdout}\n{stderr}\nserver log:\n{}",
        server.log()
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    // The credential the browser downloaded is the one the API serves.
    let name = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| s(p).ends_with("-credential.json"))
        .expect("the browser downloaded credential.json");
    assert_eq!(std::fs::read(name).unwrap(), badge.credential);
}

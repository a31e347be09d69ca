//! `POST /api/v1/verify`: reports for badges in every form, problem+json for anything that is not
//! a readable badge, and a per-address rate limit.

use axum::body::Body;
use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use credence_testkit::completions::completion;
use credence_testkit::TestApp;

/// Issues Amira's badge and returns (credential JSON text, JWT).
async fn issued(app: &TestApp) -> (String, String) {
    app.load_demo().await;
    let (id, credential) = app.issue(&completion(0)).await;
    let jwt = app.admin_get(&format!("/api/v1/badges/{id}/jwt")).await;
    assert_eq!(jwt.status, StatusCode::OK);
    (credential.text(), jwt.text())
}

async fn verify_raw(
    app: &TestApp,
    content_type: &str,
    body: impl Into<Body>,
) -> credence_testkit::Reply {
    app.post_body("/api/v1/verify", content_type, body).await
}

#[tokio::test]
async fn the_vc_jwt_is_stored_without_its_payload_and_served_whole() {
    for app in TestApp::all().await {
        let (credential, jwt) = issued(&app).await;
        let stored = app.raw.strings("SELECT jwt FROM badges").await;
        assert_eq!(stored.len(), 1);
        // `header..signature`: the payload is the credential again, so it is not stored twice.
        let (header, signature) = stored[0].split_once("..").expect("a detached token");
        assert!(jwt.starts_with(&format!("{header}.")), "{jwt}");
        assert!(jwt.ends_with(&format!(".{signature}")), "{jwt}");
        assert!(stored[0].len() < 300 && jwt.len() > credential.len());
        let report = verify_raw(&app, "application/jwt", jwt.clone())
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["verdict"], "valid", "{report}");
        // A database written before holds the whole token: it is served as it is.
        let id = jwt_path(&credential);
        app.raw
            .exec(&format!("UPDATE badges SET jwt = '{jwt}'"))
            .await;
        assert_eq!(app.admin_get(&id).await.text(), jwt);
        app.finish().await;
    }
}

/// The `/jwt` path of a badge, from its credential.
fn jwt_path(credential: &str) -> String {
    let doc: Value = serde_json::from_str(credential).unwrap();
    let uuid = doc["id"].as_str().unwrap().trim_start_matches("urn:uuid:");
    format!("/api/v1/badges/{uuid}/jwt")
}

#[tokio::test]
async fn reports_on_json_jwt_and_wrapped_input() {
    let app = TestApp::sqlite().await;
    let (credential, jwt) = issued(&app).await;

    let r = verify_raw(&app, "application/json", credential.clone()).await;
    let report = r.expect(StatusCode::OK);
    assert_eq!(report["verified"], true, "{report}");
    assert_eq!(report["verdict"], "valid");
    assert_eq!(report["format"], "json");
    assert!(report["checks"].as_array().unwrap().len() >= 6);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));

    let report = verify_raw(&app, "application/jwt", jwt.clone())
        .await
        .expect(StatusCode::OK);
    assert_eq!(
        (report["verdict"].as_str(), report["format"].as_str()),
        (Some("valid"), Some("jwt"))
    );

    // VC-API style wrapper with a recipient check, matching and not.
    let doc: Value = serde_json::from_str(&credential).unwrap();
    for (known, verdict, outcome) in [
        ("email:practitioner0@example.nhs.uk", "valid", "pass"),
        ("nmc:99A9001E", "valid", "pass"),
        (
            "email:someone.else@example.nhs.uk",
            "recipient_mismatch",
            "fail",
        ),
    ] {
        let body = json!({"verifiableCredential": doc, "options": {"knownIdentifier": known}});
        let report = app
            .send(Method::POST, "/api/v1/verify", None, Some(&body))
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["verdict"], verdict, "{known}: {report}");
        let recipient = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == "recipient")
            .unwrap();
        assert_eq!(recipient["outcome"], outcome, "{known}");
    }

    // The wrapper's string is a VC-JWT or nothing: the credential's JSON text is not a
    // credential (Data Integrity secures a map), so it is a problem, not a report.
    let body = json!({"verifiableCredential": jwt});
    let report = app
        .send(Method::POST, "/api/v1/verify", None, Some(&body))
        .await
        .expect(StatusCode::OK);
    assert_eq!(report["verdict"], "valid", "{report}");
    for text in [
        credential.clone(),
        format!("  {credential}"),
        "a.b".to_owned(),
    ] {
        let body = json!({"verifiableCredential": text});
        let p = app
            .send(Method::POST, "/api/v1/verify", None, Some(&body))
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert!(
            p["detail"].as_str().unwrap().contains("not a compact JWT"),
            "{p}"
        );
    }

    // A changed value: a report (200) saying the signature is invalid.
    let tampered = credential.replacen("University of Leeds", "University of Leedz", 1);
    assert_ne!(tampered, credential);
    let report = verify_raw(&app, "application/json", tampered)
        .await
        .expect(StatusCode::OK);
    assert_eq!(report["verified"], false);
    assert_eq!(report["verdict"], "invalid_signature");
    app.finish().await;
}

#[tokio::test]
async fn unreadable_input_is_a_problem() {
    let app = TestApp::sqlite().await;
    let (_, jwt) = issued(&app).await;

    let p = verify_raw(&app, "application/json", "{\"a\": ")
        .await
        .problem(StatusCode::BAD_REQUEST);
    assert_eq!(p["type"], "/problems/unreadable-badge");
    assert_eq!(p["report"]["verdict"], "malformed");

    let random: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    verify_raw(&app, "application/octet-stream", random)
        .await
        .problem(StatusCode::BAD_REQUEST);

    let p = verify_raw(&app, "application/json", vec![b' '; 20 * 1024 * 1024])
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(p["type"], "/problems/payload-too-large");

    // A PNG with no badge in it.
    let png = {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, 2, 2);
        enc.set_color(png::ColorType::Grayscale);
        enc.write_header()
            .unwrap()
            .write_image_data(&[0, 255, 255, 0])
            .unwrap();
        out
    };
    let p = verify_raw(&app, "image/png", png)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["report"]["format"], "png");

    // The same claims under `alg: none`, with no signature.
    let payload = jwt.split('.').nth(1).unwrap();
    let none = format!(
        "{}.{payload}.",
        base64_url(br#"{"alg":"none","typ":"JWT"}"#)
    );
    let p = verify_raw(&app, "application/jwt", none)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["report"]["verified"], false);

    verify_raw(&app, "application/json", "")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.finish().await;
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn multipart_upload_and_rate_limit() {
    let app = TestApp::sqlite().await;
    let (credential, _) = issued(&app).await;
    let boundary = "credence-test-boundary";
    let form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"badge.json\"\r\n\
         Content-Type: application/json\r\n\r\n{credential}\r\n--{boundary}\r\n\
         Content-Disposition: form-data; name=\"identifier\"\r\n\r\nemail:practitioner0@example.nhs.uk\r\n--{boundary}--\r\n"
    );
    let report = verify_raw(
        &app,
        &format!("multipart/form-data; boundary={boundary}"),
        form,
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(report["verdict"], "valid", "{report}");

    // The default burst is 60 per address: keep asking until refused.
    let mut refused = None;
    for _ in 0..200 {
        let r = verify_raw(&app, "application/json", "{}").await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(r);
            break;
        }
    }
    let r = refused.expect("the rate limit never answered 429");
    r.problem(StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry >= 1);
    app.finish().await;
}

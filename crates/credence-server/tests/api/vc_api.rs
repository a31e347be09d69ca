//! The W3C VC-API routes: `POST /credentials/verify` answers a verification result,
//! `{verified, checks, warnings, errors}`, 200 when the credential verified and 400 when not, and
//! a body that is not a VC-API request is a problem; `POST /credentials/issue` signs a conforming
//! credential in the Centre's name for an administrator only, and audits it.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use credence_testkit::completions::{completion, LEEDS};
use credence_testkit::TestApp;

const CRYPTO_ERROR: &str = "https://www.w3.org/TR/vc-data-model#CRYPTOGRAPHIC_SECURITY_ERROR";
const RANGE_ERROR: &str = "https://www.w3.org/TR/vc-data-model#RANGE_ERROR";

/// `POST /credentials/verify` of `credential`, answered with `status`; the result's body.
async fn verify(app: &TestApp, credential: &Value, status: StatusCode) -> Value {
    let body = json!({"verifiableCredential": credential, "options": {}});
    let reply = app
        .send(Method::POST, "/credentials/verify", None, Some(&body))
        .await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    reply.expect(status)
}

fn error_types(result: &Value) -> Vec<&str> {
    result["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn credentials_verify_answers_the_vc_api_result() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (id, credential) = app.issue(&completion(0)).await;
    let credential: Value = credential.json();
    let jwt = app
        .admin_get(&format!("/api/v1/badges/{id}/jwt"))
        .await
        .text();

    // A valid badge, as Data Integrity JSON, as a VC-JWT and as an enveloped VC-JWT.
    let enveloped = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": format!("data:application/vc+jwt,{jwt}"),
    });
    for input in [&credential, &json!(jwt), &enveloped] {
        let result = verify(&app, input, StatusCode::OK).await;
        assert_eq!(result["verified"], true, "{result}");
        assert_eq!(result["errors"], json!([]));
        assert_eq!(result["warnings"], json!([]));
        let checks = result["checks"].as_array().unwrap();
        for check in ["proof", "key_resolution", "validity_window", "status"] {
            assert!(checks.contains(&json!(check)), "{check}: {result}");
        }
        // Only the result's members: no report fields of the Credence API.
        let keys: Vec<&str> = result
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["verified", "checks", "warnings", "errors"]);
    }

    // A tampered badge: 400, a cryptographic security error.
    let mut tampered = credential.clone();
    tampered["name"] = json!("Something else");
    let result = verify(&app, &tampered, StatusCode::BAD_REQUEST).await;
    assert_eq!(result["verified"], false, "{result}");
    assert!(error_types(&result).contains(&CRYPTO_ERROR), "{result}");

    // A revoked badge verifies as a signature but not as a credential: 400, a range error.
    app.admin_post(
        &format!("/api/v1/badges/{id}/revoke"),
        &json!({"reason": "issued_in_error"}),
    )
    .await
    .expect(StatusCode::OK);
    let result = verify(&app, &credential, StatusCode::BAD_REQUEST).await;
    assert_eq!(result["verified"], false, "{result}");
    assert_eq!(error_types(&result), [RANGE_ERROR], "{result}");
    assert!(result["checks"]
        .as_array()
        .unwrap()
        .contains(&json!("proof")));

    // Not a credential at all: 400 with the result's shape, a parsing error.
    let result = verify(&app, &json!({"hello": "world"}), StatusCode::BAD_REQUEST).await;
    assert_eq!(result["verified"], false, "{result}");
    assert!(!result["errors"].as_array().unwrap().is_empty(), "{result}");
    app.finish().await;
}

#[tokio::test]
async fn a_body_that_is_not_a_vc_api_request_is_a_problem() {
    let app = TestApp::sqlite().await;
    for body in [
        json!({}),
        json!({"credential": {}}),
        json!({"verifiableCredential": {}, "extra": 1}),
        json!({"verifiableCredential": {}, "options": []}),
        json!({"verifiableCredential": "not a JWT"}),
        json!({"verifiableCredential": 7}),
        json!({"verifiableCredential": {"type": "EnvelopedVerifiableCredential", "id": "data:,x"}}),
    ] {
        let p = app
            .send(Method::POST, "/credentials/verify", None, Some(&body))
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert!(
            p["type"].as_str().unwrap().ends_with("/malformed-body"),
            "{body}: {p}"
        );
    }
    let p = app
        .post_body("/credentials/verify", "text/plain", "{}")
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(p["detail"].is_string(), "{p}");
    app.finish().await;
}

#[tokio::test]
async fn credentials_issue_signs_a_conforming_credential_for_an_administrator_only() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (_, badge) = app.issue(&completion(0)).await;
    // The Centre's own badge, unsigned again and with a new id: a conforming credential naming
    // the Centre as issuer.
    let mut credential: Value = badge.json();
    credential.as_object_mut().unwrap().remove("proof");
    credential["id"] = json!("urn:uuid:6f1d8a52-8e39-4d8b-9a0c-3b0c2f7d1e44");
    let request = json!({"credential": credential, "options": {}});

    // Anyone else: 401 without a token, 403 with a provider's.
    app.send(Method::POST, "/credentials/issue", None, Some(&request))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let provider = app.provider_token(LEEDS).await;
    app.post("/credentials/issue", &provider, &request)
        .await
        .problem(StatusCode::FORBIDDEN);
    let audited = || {
        app.raw
            .scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'credential.issue'")
    };
    assert_eq!(audited().await, 0);

    let answer = app
        .admin_post("/credentials/issue", &request)
        .await
        .expect(StatusCode::CREATED);
    let signed = &answer["verifiableCredential"];
    assert_eq!(
        signed["proof"]["cryptosuite"], "eddsa-rdfc-2022",
        "{answer}"
    );
    assert_eq!(signed["id"], credential["id"]);
    let result = verify(&app, signed, StatusCode::OK).await;
    assert_eq!(result["verified"], true, "{result}");
    assert_eq!(audited().await, 1);
    let subject = app
        .raw
        .strings("SELECT subject FROM audit_log WHERE action = 'credential.issue'")
        .await;
    assert_eq!(subject, [credential["id"].as_str().unwrap()]);

    // Refused before signing, and not audited: a broken data model rule, another issuer, a
    // credential that already carries a proof, something that is not a credential.
    let mut no_subject = credential.clone();
    no_subject
        .as_object_mut()
        .unwrap()
        .remove("credentialSubject");
    let mut other_issuer = credential.clone();
    other_issuer["issuer"]["id"] = json!("did:web:someone-else.example");
    for (body, says) in [
        (json!({"credential": no_subject}), "credentialSubject"),
        (json!({"credential": other_issuer}), "signs only as"),
        (json!({"credential": signed}), "already carries a proof"),
        (json!({"credential": "text"}), "JSON object"),
    ] {
        let p = app
            .admin_post("/credentials/issue", &body)
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert!(p["detail"].as_str().unwrap().contains(says), "{says}: {p}");
    }
    assert_eq!(audited().await, 1);
    app.finish().await;
}

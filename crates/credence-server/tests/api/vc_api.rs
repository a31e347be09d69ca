//! The W3C VC-API routes: `POST /credentials/verify` answers a verification result,
//! `{verified, checks, warnings, errors}`, 200 when the credential verified and 400 when not, and
//! a body that is not a VC-API request is a problem.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use credence_testkit::completions::completion;
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

//! The W3C VC-API routes: `POST /credentials/verify` answers a verification result,
//! `{verified, checks, warnings, errors}`, 200 when the credential verified and 400 when not, and
//! a body that is not a VC-API request is a problem; `POST /credentials/issue` signs a conforming
//! credential in the Centre's name for an administrator only, and audits it;
//! `POST /presentations/verify` checks a holder's presentation and each credential it holds.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use credence_testkit::completions::{completion, LEEDS};
use credence_testkit::TestApp;
use credence_vc::keys::{LocalSigner, SecretKey, Signer as _};
use credence_vc::proof::{DataIntegrity, ProofOptions};
use credence_vc::verify::PresentationOptions;

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

/// A holder's presentation of `credentials`, signed with a `did:key` answering `challenge` for
/// `verifier.example`.
fn presentation(credentials: &[Value], challenge: &str) -> Value {
    let key = SecretKey::from_seed(&[21; 32]);
    let public = key.public_key();
    let signer = LocalSigner::new(key, public.did_key_vm());
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": public.did_key(),
        "verifiableCredential": credentials,
    });
    let options = ProofOptions {
        verification_method: signer.verification_method().clone(),
        created: "2026-12-01T09:00:00Z".to_owned(),
    };
    let answer = PresentationOptions::new(challenge, Some("verifier.example"));
    let contexts = credence_core::contexts::pinned().unwrap();
    DataIntegrity::new(credence_ld::jsonld::JsonLd::new(contexts))
        .sign_presentation_rdfc(&vp, &options, &answer, &signer)
        .unwrap()
}

/// The service's badge as another issuer's (a `did:key`), without the achievement's name the OB
/// schema requires, signed by that issuer.
fn another_issuers_deviating_badge(badge: &Value) -> Value {
    let key = SecretKey::from_seed(&[22; 32]);
    let public = key.public_key();
    let signer = LocalSigner::new(key, public.did_key_vm());
    let mut unsigned = badge.clone();
    let doc = unsigned.as_object_mut().unwrap();
    doc.remove("proof");
    doc.remove("credentialStatus");
    unsigned["issuer"]["id"] = json!(public.did_key());
    unsigned["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let options = ProofOptions {
        verification_method: signer.verification_method().clone(),
        created: "2026-12-01T09:00:00Z".to_owned(),
    };
    let contexts = credence_core::contexts::pinned().unwrap();
    DataIntegrity::new(credence_ld::jsonld::JsonLd::new(contexts))
        .sign_rdfc(&unsigned, &options, &signer)
        .unwrap()
}

/// `POST /presentations/verify` of `vp` asking `challenge`, answered with `status`.
async fn verify_presentation(
    app: &TestApp,
    vp: &Value,
    challenge: &str,
    status: StatusCode,
) -> Value {
    let body = json!({
        "verifiablePresentation": vp,
        "options": {"challenge": challenge, "domain": "verifier.example"},
    });
    let reply = app
        .send(Method::POST, "/presentations/verify", None, Some(&body))
        .await;
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    reply.expect(status)
}

#[tokio::test]
async fn presentations_verify_checks_the_holders_proof_and_each_credential() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (first, badge) = app.issue(&completion(0)).await;
    let (_, other) = app.issue(&completion(1)).await;
    let (badge, other): (Value, Value) = (badge.json(), other.json());

    let vp = presentation(&[badge.clone(), other.clone()], "nonce-1");
    let result = verify_presentation(&app, &vp, "nonce-1", StatusCode::OK).await;
    assert_eq!(result["verified"], true, "{result}");
    assert_eq!(result["presentationResult"]["verified"], true, "{result}");
    assert_eq!(
        result["checks"],
        json!(["parsed", "data_model", "key_resolution", "proof"])
    );
    let credentials = result["credentialResults"].as_array().unwrap();
    assert_eq!(credentials.len(), 2);
    assert!(
        credentials.iter().all(|c| c["verified"] == true),
        "{result}"
    );

    // Replayed to another verifier's challenge: the holder's proof does not answer it.
    let result = verify_presentation(&app, &vp, "nonce-2", StatusCode::BAD_REQUEST).await;
    assert_eq!(result["verified"], false);
    assert_eq!(result["presentationResult"]["verified"], false);
    assert!(error_types(&result).contains(&CRYPTO_ERROR), "{result}");

    // A credential changed after the holder signed: both proofs fail.
    let mut changed = vp.clone();
    changed["verifiableCredential"][0]["name"] = json!("Something else");
    let result = verify_presentation(&app, &changed, "nonce-1", StatusCode::BAD_REQUEST).await;
    assert_eq!(result["presentationResult"]["verified"], false, "{result}");
    assert_eq!(
        result["credentialResults"][0]["verified"], false,
        "{result}"
    );
    assert_eq!(result["credentialResults"][1]["verified"], true, "{result}");

    // A genuine presentation of a badge revoked since: the presentation holds, the badge not.
    app.admin_post(
        &format!("/api/v1/badges/{first}/revoke"),
        &json!({"reason": "issued_in_error"}),
    )
    .await;
    let result = verify_presentation(&app, &vp, "nonce-1", StatusCode::BAD_REQUEST).await;
    assert_eq!(result["presentationResult"]["verified"], true, "{result}");
    assert_eq!(
        result["credentialResults"][0]["verified"], false,
        "{result}"
    );
    assert!(error_types(&result).contains(&RANGE_ERROR), "{result}");

    // Another issuer's badge that strays from the OB schema: a warning, beside its (unknown)
    // issuer's error, in its own result and in the presentation's answer.
    let foreign = another_issuers_deviating_badge(&badge);
    let result = verify(&app, &foreign, StatusCode::BAD_REQUEST).await;
    assert_eq!(result["warnings"].as_array().unwrap().len(), 1, "{result}");
    let vp = presentation(&[foreign], "nonce-1");
    let result = verify_presentation(&app, &vp, "nonce-1", StatusCode::BAD_REQUEST).await;
    assert_eq!(result["presentationResult"]["verified"], true, "{result}");
    assert_eq!(
        result["warnings"],
        result["credentialResults"][0]["warnings"]
    );
    assert_eq!(result["warnings"].as_array().unwrap().len(), 1, "{result}");

    // Not a presentation request at all.
    for body in [
        json!({"verifiablePresentation": "text"}),
        json!({"verifiablePresentation": vp, "extra": 1}),
        json!({}),
    ] {
        app.send(Method::POST, "/presentations/verify", None, Some(&body))
            .await
            .problem(StatusCode::BAD_REQUEST);
    }
    app.finish().await;
}

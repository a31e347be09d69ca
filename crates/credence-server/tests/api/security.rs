//! Regression tests of the critical security issue, through the service: forged issuers, facts
//! respelled out of the JSON keys, and registration numbers kept out of badges.

use axum::http::{Method, StatusCode};
use credence_core::bake;
use credence_ld::jsonld::JsonLd;
use credence_vc::jwt;
use credence_vc::keys::{LocalSigner, SecretKey, Signer as _};
use credence_vc::proof::{DataIntegrity, ProofOptions};
use serde_json::{json, Value};

use credence_testkit::completions::completion;
use credence_testkit::TestApp;

/// Issues completion `i` and returns (badge path id, credential JSON).
async fn issued(app: &TestApp, i: usize) -> (String, Value) {
    let (id, credential) = app.issue(&completion(i)).await;
    (id, serde_json::from_str(&credential.text()).unwrap())
}

async fn verdict_of(app: &TestApp, body: &Value) -> String {
    let report = app
        .send(Method::POST, "/api/v1/verify", None, Some(body))
        .await
        .expect(StatusCode::OK);
    report["verdict"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_badge_signed_by_a_did_key_in_the_centres_name_is_not_the_centres() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (_, genuine) = issued(&app, 0).await;
    let di = DataIntegrity::new(JsonLd::new(credence_core::contexts::pinned().unwrap()));
    let (mut unsigned, _) = di.split(&genuine).unwrap();
    let forger = LocalSigner::did_key(SecretKey::from_seed(&[66; 32]));
    unsigned["issuer"]["id"] = json!(forger.verification_method().controller());
    unsigned.as_object_mut().unwrap().remove("credentialStatus");
    let options = ProofOptions {
        verification_method: forger.verification_method().clone(),
        created: "2025-06-01T10:00:00Z".to_owned(),
    };
    let forged = di.sign_rdfc(&unsigned, &options, &forger).unwrap();
    let json_text = serde_json::to_string(&forged).unwrap();
    let inputs = [
        ("application/json", json_text.clone()),
        (
            "application/jwt",
            jwt::sign_ob3_jwt(&unsigned, &forger).unwrap(),
        ),
        (
            "application/jwt",
            jwt::sign_vc_jose(&unsigned, &forger).unwrap(),
        ),
    ];
    for (content_type, body) in &inputs {
        let report = app
            .post_body("/api/v1/verify", content_type, body.clone())
            .await
            .expect(StatusCode::OK);
        assert_eq!(report["verdict"], "unknown_issuer", "{report}");
    }
    // The forger's email hash does not make it a match either.
    let wrapped = json!({"verifiableCredential": forged,
        "options": {"knownIdentifier": "email:practitioner0@example.nhs.uk"}});
    assert_eq!(verdict_of(&app, &wrapped).await, "unknown_issuer");

    // The page says so, and nothing says "genuine".
    let page = app
        .post_body("/verify", "application/json", json_text)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Not issued by the Centre"), "{html}");
    assert!(!html.contains("genuine"), "{html}");
    app.finish().await;
}

#[tokio::test]
async fn a_respelled_status_entry_does_not_hide_a_revocation() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (id, credential) = issued(&app, 0).await;
    app.admin_post(
        &format!("/api/v1/badges/{id}/revoke"),
        &json!({"reason": "issued_in_error"}),
    )
    .await
    .expect(StatusCode::OK);
    assert_eq!(verdict_of(&app, &credential).await, "revoked");

    let cred = "https://www.w3.org/2018/credentials#credentialStatus";
    let mut moved = credential.clone();
    let status = moved
        .as_object_mut()
        .unwrap()
        .remove("credentialStatus")
        .unwrap();
    moved[cred] = status.clone();
    let mut aliased = credential.clone();
    aliased.as_object_mut().unwrap().remove("credentialStatus");
    aliased["@context"]
        .as_array_mut()
        .unwrap()
        .push(json!({"s": cred}));
    aliased["s"] = status.clone();
    let mut nested = credential.clone();
    nested.as_object_mut().unwrap().remove("credentialStatus");
    nested["@nest"] = json!({ "credentialStatus": status });
    for doc in [&moved, &aliased, &nested] {
        let verdict = verdict_of(&app, doc).await;
        assert!(
            matches!(verdict.as_str(), "revoked" | "malformed"),
            "{verdict}: {doc}"
        );
        // The same through a baked PNG.
        let png = bake::bake(
            include_bytes!("../../../../tests/fixtures/badge.png"),
            &serde_json::to_string(doc).unwrap(),
        )
        .unwrap();
        let report = app
            .post_body("/api/v1/verify", "image/png", png)
            .await
            .expect(StatusCode::OK);
        assert!(
            matches!(report["verdict"].as_str(), Some("revoked" | "malformed")),
            "{report}"
        );
    }
    app.finish().await;
}

#[tokio::test]
async fn registrations_stay_out_of_badges_and_are_checked_by_the_service_within_a_limit() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    // One practitioner of each regulator.
    let registrations = [
        ("NMC", "99A9001E", "nmc"),
        ("HCPC", "PH999002", "hcpc"),
        ("GPhC", "2999004", "gphc"),
    ];
    for (i, (regulator, number, alias)) in registrations.iter().enumerate() {
        let mut c = completion(i);
        c["practitioner"]["registration"] = json!({"regulator": regulator, "number": number});
        let text = app.issue(&c).await.1.text();
        assert!(!text.contains(number), "{text}");
        for kind in ["NMCPIN", "HCPCRegistrationNumber", "GPhCRegistrationNumber"] {
            assert!(!text.contains(kind), "{kind} in {text}");
        }
        let credential: Value = serde_json::from_str(&text).unwrap();
        let ask = |known: String| json!({"verifiableCredential": credential.clone(), "options": {"knownIdentifier": known}});
        assert_eq!(
            verdict_of(&app, &ask(format!("{alias}:{number}"))).await,
            "valid"
        );
        let wrong = match *alias {
            "nmc" => "99A9009E",
            "hcpc" => "PH999009",
            _ => "2999009",
        };
        assert_eq!(
            verdict_of(&app, &ask(format!("{alias}:{wrong}"))).await,
            "recipient_mismatch"
        );
    }

    // Per badge, whoever asks: the default allows 10 checks an hour (two were used above).
    let (_, credential) = issued(&app, 10).await;
    let ask =
        json!({"verifiableCredential": credential, "options": {"knownIdentifier": "nmc:99A9001E"}});
    for _ in 0..10 {
        app.send(Method::POST, "/api/v1/verify", None, Some(&ask))
            .await
            .expect(StatusCode::OK);
    }
    let refused = app
        .send(Method::POST, "/api/v1/verify", None, Some(&ask))
        .await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.header("retry-after").is_some());
    // An email check of the same badge is not a registration check: still answered.
    let email = json!({"verifiableCredential": credential, "options": {"knownIdentifier": "email:practitioner10@example.nhs.uk"}});
    assert_eq!(verdict_of(&app, &email).await, "valid");

    // Each check is in the audit log, without the number asked about.
    let audit = app
        .admin_get("/api/v1/audit?limit=1000")
        .await
        .expect(StatusCode::OK);
    let text = audit.to_string();
    assert!(text.contains("badge.recipient_check"), "{text}");
    assert!(!text.contains("99A9001E") && !text.contains("99A9009E"));
    app.finish().await;
}

#[tokio::test]
async fn verifications_stop_when_the_service_shuts_down() {
    let app = TestApp::sqlite().await;
    app.load_demo().await;
    let (_, credential) = issued(&app, 0).await;
    assert_eq!(verdict_of(&app, &credential).await, "valid");
    // What the graceful shutdown does first: no verification work runs after it.
    app.state.shutdown.cancel();
    let report = app
        .send(Method::POST, "/api/v1/verify", None, Some(&credential))
        .await
        .expect(StatusCode::OK);
    assert_eq!(report["verdict"], "malformed", "{report}");
    assert!(report.to_string().contains("cancelled"), "{report}");
    app.finish().await;
}

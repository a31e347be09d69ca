//! `POST /api/v1/completions` and `/batch` in process: the DOMAIN.md sample rows, who may submit,
//! and batches in JSON and CSV.

use std::collections::HashMap;

use axum::http::Method;
use credence_core::model::sample::{self, Expected};
use credence_core::verify::{Verifier, VerifyOptions};
use credence_ld::jsonld::JsonLd;
use credence_store::Actor;
use credence_vc::keys::DidDocument;
use credence_vc::proof::DataIntegrity;
use credence_vc::verify::{LocalKeys, LocalStatusLists, TrustedIssuers, Verdict};
use serde_json::{json, Value};

use credence_testkit::completions::{
    batch_rows, csv_batch, csv_record, json_batch, sample_case, synthetic, LEEDS, NOTTINGHAM,
};
use credence_testkit::{skipped_pg, TestApp, BASE_URL};

const SUBMIT: &str = "/api/v1/completions";
const BATCH: &str = "/api/v1/completions/batch";

/// The problem type of a refusal code, e.g. `/problems/provider-not-approved`.
fn refusal_type(code: &str) -> String {
    format!("/problems/{}", code.replace('_', "-"))
}

/// Verifies a stored credential with the core verifier against the service's own DID document
/// and status lists.
async fn verify_stored(app: &TestApp, token: &str, badge_id: &str) -> Value {
    let uuid = badge_id.trim_start_matches("urn:uuid:");
    let reply = app
        .get(&format!("/api/v1/badges/{uuid}/credential"), token)
        .await;
    reply.assert_status(200);
    assert_eq!(reply.content_type(), "application/vc+ld+json");
    let did = app
        .send(Method::GET, "/.well-known/did.json", None, None)
        .await;
    did.assert_status(200);
    let doc: DidDocument = serde_json::from_slice(&did.body).unwrap();
    let mut keys = LocalKeys::new();
    keys.add(doc);
    // The revocation and suspension lists the badge names, as the service publishes them.
    let credential: Value = serde_json::from_slice(&reply.body).unwrap();
    let entries = credential["credentialStatus"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(entries.len(), 2, "{credential:#}");
    let mut status = LocalStatusLists::new();
    for entry in entries {
        let url = entry["statusListCredential"].as_str().unwrap();
        let path = &url[url.find("/status/").unwrap()..];
        let list = app.send(Method::GET, path, None, None).await;
        list.assert_status(200);
        assert!(status.add(list.json()), "{url}");
    }
    let verifier = Verifier::new(DataIntegrity::new(JsonLd::new(
        credence_core::contexts::pinned().unwrap(),
    )));
    let report = verifier.verify_bytes(
        &reply.body,
        &VerifyOptions {
            at: sample::fixture_now(),
            keys: &keys,
            status: &status,
            trusted: &TrustedIssuers::any(),
            known_identifier: None,
            budget: None,
        },
    );
    assert_eq!(
        report.verdict,
        Verdict::Valid,
        "{}",
        serde_json::to_string_pretty(&report).unwrap()
    );
    reply.json()
}

/// Every sample row answered as DOMAIN.md expects, each by its own provider's client: 201 with
/// a badge that verifies, 422 with the refusal's problem type and code; then 200 with the same
/// badge for a resubmission, and 409 naming the first badge for the same reference with other data.
async fn sample_rows_through_the_api(app: &TestApp) {
    let mut tokens: HashMap<String, String> = HashMap::new();
    let mut issued = Vec::new();
    for case in sample::cases() {
        let token = match tokens.get(&case.raw.provider) {
            Some(t) => t.clone(),
            None => {
                let t = app.provider_token(&case.raw.provider).await;
                tokens.insert(case.raw.provider.clone(), t.clone());
                t
            }
        };
        let request = case.raw.clone();
        let reply = app.post_json(SUBMIT, Some(&token), &request).await;
        match case.expected {
            Expected::Issued => {
                reply.assert_status(201);
                let answer = reply.json();
                let badge_id = answer["badge_id"].as_str().unwrap().to_owned();
                let uuid = badge_id.strip_prefix("urn:uuid:").expect("a urn:uuid id");
                assert_eq!(answer["status"], "issued");
                assert_eq!(
                    answer["credential_url"],
                    format!("{BASE_URL}/api/v1/badges/{uuid}/credential")
                );
                assert_eq!(
                    reply.headers["location"].to_str().unwrap(),
                    format!("/api/v1/badges/{uuid}")
                );
                issued.push((case, request, badge_id, token));
            }
            Expected::Refused(code) => {
                let problem = reply.expect_problem(422, &refusal_type(code));
                assert_eq!(problem["code"], code, "{}", case.practitioner);
            }
        }
    }
    assert_eq!(issued.len(), 4, "four sample rows are issued");
    let after_first = app.raw.written().await;
    assert_eq!((after_first.badges, after_first.completions), (4, 4));

    for (case, request, badge_id, token) in &issued {
        let credential = verify_stored(app, token, badge_id).await;
        assert_eq!(credential["id"], badge_id.as_str());
        let source = &credential["credentialSubject"]["source"];
        assert!(
            source.to_string().contains(&case.raw.provider),
            "source names UKPRN {}: {source}",
            case.raw.provider
        );

        // The same completion again: the badge already issued, nothing new.
        let again = app.post_json(SUBMIT, Some(token), request).await;
        again.assert_status(200);
        assert_eq!(again.json()["badge_id"], badge_id.as_str());

        // The same reference for another completion date: refused, naming the first badge.
        let mut other = request.clone();
        other.completed_on = "2024-01-02".to_owned();
        let conflict = app.post_json(SUBMIT, Some(token), &other).await;
        let problem = conflict.expect_problem(409, "/problems/completion-conflict");
        assert_eq!(problem["badge_id"], badge_id.as_str());
    }
    let after_all = app.raw.written().await;
    assert_eq!(
        (after_all.badges, after_all.completions),
        (4, 4),
        "resubmissions and conflicts write no badge"
    );
}

#[tokio::test]
async fn sample_rows_get_the_answers_domain_md_expects_on_sqlite() {
    let app = TestApp::sqlite().await.with_demo().await;
    sample_rows_through_the_api(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn sample_rows_get_the_answers_domain_md_expects_on_postgres() {
    let Some(app) = TestApp::postgres().await else {
        skipped_pg("sample_rows_get_the_answers_domain_md_expects_on_postgres");
        return;
    };
    let app = app.with_demo().await;
    sample_rows_through_the_api(&app).await;
    app.finish().await;
}

#[tokio::test]
async fn refused_callers_get_the_right_status_and_write_nothing() {
    let app = TestApp::sqlite().await.with_demo().await;
    let leeds = app.provider_token(LEEDS).await;
    let nottingham = app.provider_token(NOTTINGHAM).await;
    let (revoked_id, revoked) = app
        .client(credence_store::Scope::Provider(LEEDS.try_into().unwrap()))
        .await;
    app.store()
        .revoke_api_client(&app.state.stamp(Actor::system()), revoked_id)
        .await
        .unwrap();
    let amira = sample_case("Amira Okafor");
    // Tomasz Reid: CS-CRH 1.0 at Leeds, which holds no approval for it.
    let tomasz = sample_case("Tomasz Reid");

    let before = app.raw.written().await;
    let cases: [(&str, Option<&str>, &_, u16, &str); 5] = [
        ("no token", None, &amira, 401, "/problems/unauthenticated"),
        (
            "an unknown token",
            Some("cred_0000000000000000000000000000000000000000000000000000000000000000"),
            &amira,
            401,
            "/problems/invalid-token",
        ),
        (
            "another provider's token",
            Some(&nottingham),
            &amira,
            403,
            "/problems/other-provider",
        ),
        (
            "a specification the provider is not approved for",
            Some(&leeds),
            &tomasz,
            422,
            "/problems/provider-not-approved",
        ),
        (
            "a revoked token",
            Some(&revoked),
            &amira,
            401,
            "/problems/invalid-token",
        ),
    ];
    for (what, token, body, status, kind) in cases {
        let reply = app.post_json(SUBMIT, token, body).await;
        assert_eq!(reply.status.as_u16(), status, "{what}: {:?}", reply.body);
        let problem = reply.expect_problem(status, kind);
        if status == 401 {
            assert_eq!(reply.headers["www-authenticate"], "Bearer", "{what}");
        }
        if status == 422 {
            assert_eq!(problem["code"], "provider_not_approved");
        }
        assert_eq!(app.raw.written().await, before, "{what} wrote something");

        // The batch endpoint: a caller that is not authenticated is refused whole; the others
        // are answered per row.
        let reply = app
            .post_json(BATCH, token, &json_batch(&[(*body).clone()]))
            .await;
        if status == 401 {
            reply.expect_problem(401, kind);
        } else {
            reply.assert_status(200);
            let row = &reply.json()["results"][0];
            assert_eq!(row["status"], status, "{what} (batch): {row}");
            assert_eq!(row["problem"]["type"], kind, "{what} (batch): {row}");
            assert!(row.get("badge_id").is_none());
        }
        assert_eq!(
            app.raw.written().await,
            before,
            "{what} (batch) wrote something"
        );
    }

    // The unrevoked Leeds client may submit Amira's completion: the refusals above were about
    // the caller, not the completion.
    app.post_json(SUBMIT, Some(&leeds), &amira)
        .await
        .assert_status(201);
    let after = app.raw.written().await;
    assert_eq!(after.badges, before.badges + 1);
    assert_eq!(after.completions, before.completions + 1);
    assert!(after.audit > before.audit, "an issuance is audited");
    app.finish().await;
}

/// The rows of the mixed batch (submitted by Leeds) and the status each must get.
fn mixed_rows() -> Vec<(Value, u16, Option<&'static str>)> {
    let amira = sample_case("Amira Okafor");
    let mut amira_other_date = amira.clone();
    amira_other_date.completed_on = "2024-07-13".to_owned();
    let mut bad_pin = synthetic("MIX", 2);
    bad_pin.practitioner.registration.number = "12345".to_owned();
    let mut future = synthetic("MIX", 3);
    future.completed_on = "2025-07-01".to_owned();
    let v = |r: &credence_core::model::RawCompletion| serde_json::to_value(r).unwrap();
    vec![
        (v(&amira), 201, None),
        (
            v(&sample_case("Tomasz Reid")),
            422,
            Some("/problems/provider-not-approved"),
        ),
        (v(&sample_case("Keira Mensah")), 201, None),
        (
            v(&sample_case("Hana Yusuf")),
            422,
            Some("/problems/specification-not-endorsed"),
        ),
        (
            v(&sample_case("Gwen Llewellyn")),
            403,
            Some("/problems/other-provider"),
        ),
        // The first row again, in the same batch: its badge.
        (v(&amira), 200, None),
        // The first row's reference with another date: a conflict.
        (
            v(&amira_other_date),
            409,
            Some("/problems/completion-conflict"),
        ),
        (v(&synthetic("MIX", 1)), 201, None),
        (v(&bad_pin), 422, Some("/problems/invalid-value")),
        (v(&future), 422, Some("/problems/completion-in-future")),
        (
            json!({"provider_reference": "LEEDS-HALF-ROW"}),
            400,
            Some("/problems/malformed-body"),
        ),
    ]
}

/// Checks a batch answer against the expected statuses and problem types; returns badge ids.
#[track_caller]
fn check_mixed(answer: &Value, expected: &[(u16, Option<&str>)]) -> Vec<Option<String>> {
    let rows = batch_rows(answer);
    assert_eq!(rows.len(), expected.len(), "{answer}");
    for (i, ((status, badge), (want, kind))) in rows.iter().zip(expected).enumerate() {
        let result = &answer["results"][i];
        assert_eq!(status, want, "row {}: {result}", i + 1);
        match kind {
            Some(kind) => {
                assert_eq!(result["problem"]["type"], *kind, "row {}: {result}", i + 1);
                assert!(badge.is_none());
            }
            None => assert!(badge.is_some(), "row {}: {result}", i + 1),
        }
    }
    // A row repeated in the batch gets the first row's badge; a conflict names it.
    assert_eq!(rows[5].1, rows[0].1);
    assert_eq!(
        answer["results"][6]["problem"]["badge_id"].as_str(),
        rows[0].1.as_deref()
    );
    rows.into_iter().map(|(_, b)| b).collect()
}

#[tokio::test]
async fn a_json_batch_is_answered_row_by_row_and_resubmitting_it_changes_nothing() {
    let app = TestApp::sqlite().await.with_demo().await;
    let leeds = app.provider_token(LEEDS).await;
    let rows = mixed_rows();
    let body = json!({ "completions": rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>() });
    let expected: Vec<_> = rows.iter().map(|r| (r.1, r.2)).collect();

    let first = app.post_json(BATCH, Some(&leeds), &body).await;
    first.assert_status(200);
    let ids = check_mixed(&first.json(), &expected);
    let written = app.raw.written().await;
    assert_eq!((written.badges, written.completions), (3, 3));

    // Again: every issued row is now 200 with the same badge; the rest fail the same way.
    let again_expected: Vec<_> = expected
        .iter()
        .map(|&(s, k)| (if s == 201 { 200 } else { s }, k))
        .collect();
    let again = app.post_json(BATCH, Some(&leeds), &body).await;
    again.assert_status(200);
    assert_eq!(check_mixed(&again.json(), &again_expected), ids);
    assert_eq!(app.raw.written().await.badges, 3);
    app.finish().await;
}

#[tokio::test]
async fn a_csv_batch_is_answered_row_by_row_and_resubmitting_it_changes_nothing() {
    let app = TestApp::sqlite().await.with_demo().await;
    let leeds = app.provider_token(LEEDS).await;
    // The same rows as CSV; the half row (one field) is a row that does not parse.
    let rows = mixed_rows();
    let mut body = csv_batch(&[]);
    for (value, _, _) in &rows {
        match serde_json::from_value::<credence_core::model::RawCompletion>(value.clone()) {
            Ok(r) => {
                let mut w = csv::Writer::from_writer(Vec::new());
                w.write_record(csv_record(&r)).unwrap();
                body.push_str(&String::from_utf8(w.into_inner().unwrap()).unwrap());
            }
            Err(_) => body.push_str("LEEDS-HALF-ROW\n"),
        }
    }
    let expected: Vec<_> = rows.iter().map(|r| (r.1, r.2)).collect();

    let first = app
        .post_as(BATCH, Some(&leeds), "text/csv", body.clone())
        .await;
    first.assert_status(200);
    let ids = check_mixed(&first.json(), &expected);
    assert_eq!(app.raw.written().await.badges, 3);

    let again = app
        .post_as(BATCH, Some(&leeds), "text/csv; charset=utf-8", body)
        .await;
    again.assert_status(200);
    let again_expected: Vec<_> = expected
        .iter()
        .map(|&(s, k)| (if s == 201 { 200 } else { s }, k))
        .collect();
    assert_eq!(check_mixed(&again.json(), &again_expected), ids);
    assert_eq!(app.raw.written().await.badges, 3);
    app.finish().await;
}

#[tokio::test]
async fn a_batch_of_more_than_10000_rows_is_refused_whole() {
    let app = TestApp::sqlite().await.with_demo().await;
    let leeds = app.provider_token(LEEDS).await;
    let rows: Vec<_> = (0..10_001).map(|i| synthetic("BIG", i)).collect();
    let before = app.raw.written().await;

    let reply = app.post_json(BATCH, Some(&leeds), &json_batch(&rows)).await;
    let problem = reply.expect_problem(413, "/problems/batch-too-large");
    assert!(
        problem["detail"].as_str().unwrap().contains("10001"),
        "{problem}"
    );
    let reply = app
        .post_as(BATCH, Some(&leeds), "text/csv", csv_batch(&rows))
        .await;
    reply.expect_problem(413, "/problems/batch-too-large");
    assert_eq!(app.raw.written().await, before);
    app.finish().await;
}

//! Revocation and suspension: the admin endpoints, the published status lists, and what every
//! verifier of the service says right after a change.

use std::collections::HashSet;
use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use credence_core::model::BadgeId;
use credence_core::status::StatusListId;
use credence_store::{Actor, StoreOptions};
use credence_vc::status::{ListCredential, StatusEntry, StatusList, StatusPurpose};
use serde_json::{json, Value};

use credence_testkit::completions::completion;
use credence_testkit::{send_to, TestApp, BASE_URL};

/// Issues badge `i` as the administrator and returns its id.
async fn issue(app: &TestApp, i: usize) -> String {
    let answer = app
        .admin_post("/api/v1/completions", &completion(i))
        .await
        .expect(StatusCode::CREATED);
    answer["badge_id"].as_str().unwrap().to_owned()
}

fn uuid(id: &str) -> &str {
    id.trim_start_matches("urn:uuid:")
}

async fn credential(app: &TestApp, id: &str) -> Vec<u8> {
    let reply = app
        .admin_get(&format!("/api/v1/badges/{}/credential", uuid(id)))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.body
}

/// What `POST /api/v1/verify` says of the badge.
async fn api_verdict(app: &TestApp, badge: &[u8]) -> String {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/verify")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(badge.to_vec()))
        .unwrap();
    let report = app.request(request).await.expect(StatusCode::OK);
    report["verdict"].as_str().unwrap().to_owned()
}

/// The verdict heading of an HTML page.
fn page_verdict(html: &str) -> String {
    let start = html.find("<h2 id=\"verdict\">").expect("a verdict heading") + 17;
    let end = start + html[start..].find("</h2>").unwrap();
    html[start..end].to_owned()
}

/// The verdicts of the verify API, the claim page and the share page.
async fn verdicts(app: &TestApp, id: &str, badge: &[u8]) -> (String, String, String) {
    let badge_id = BadgeId::try_from(id).unwrap();
    let token = app.state.claims.token_for(&badge_id);
    let claim = app
        .send(Method::GET, &format!("/claim/{token}"), None, None)
        .await;
    assert_eq!(claim.status, StatusCode::OK, "{}", claim.text());
    let share = app
        .send(Method::GET, &format!("/badges/{}", uuid(id)), None, None)
        .await;
    assert_eq!(share.status, StatusCode::OK, "{}", share.text());
    (
        api_verdict(app, badge).await,
        page_verdict(&claim.text()),
        page_verdict(&share.text()),
    )
}

fn said(api: &str, page: &str) -> (String, String, String) {
    (api.to_owned(), page.to_owned(), page.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_suspend_and_reinstate_change_every_verdict_at_once() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let id = issue(&app, 1).await;
        let badge_id = BadgeId::try_from(id.as_str()).unwrap();
        app.state
            .store
            .set_share(
                &app.state.stamp(Actor::practitioner(&badge_id)),
                &badge_id,
                true,
            )
            .await
            .unwrap();
        let badge = credential(&app, &id).await;
        let path = |action: &str| format!("/api/v1/badges/{}/{action}", uuid(&id));

        assert_eq!(
            verdicts(&app, &id, &badge).await,
            said("valid", "Valid"),
            "{}",
            app.backend
        );

        let status = app
            .admin_post(
                &path("suspend"),
                &json!({"reason": "under_investigation", "note": "complaint 42"}),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(status["status"], "suspended", "{status}");
        assert_eq!(status["suspension"]["reason"], "under_investigation");
        assert_eq!(status["suspension"]["note"], "complaint 42");
        assert!(status["since"].is_string(), "{status}");
        assert_eq!(
            verdicts(&app, &id, &badge).await,
            said("suspended", "Suspended")
        );

        let status = app
            .admin_post(&path("reinstate"), &json!({"note": "cleared"}))
            .await
            .expect(StatusCode::OK);
        assert_eq!(status["status"], "active", "{status}");
        assert_eq!(status["suspension"]["set"], false);
        assert_eq!(verdicts(&app, &id, &badge).await, said("valid", "Valid"));

        // Reinstating a badge that is not suspended is a conflict.
        let p = app
            .admin_post(&path("reinstate"), &json!({}))
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p["code"], "not_suspended", "{p}");
        assert_eq!(p["badge_id"], id.as_str());

        app.admin_post(&path("suspend"), &json!({"reason": "other"}))
            .await
            .expect(StatusCode::OK);
        let status = app
            .admin_post(
                &path("revoke"),
                &json!({"reason": "academic_misconduct", "note": "panel decision"}),
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(status["status"], "revoked", "{status}");
        assert_eq!(status["revocation"]["reason"], "academic_misconduct");
        assert_eq!(
            status["revocation"]["status_list_credential"]
                .as_str()
                .unwrap()
                .rsplit_once('/')
                .unwrap()
                .0,
            format!("{BASE_URL}/status")
        );
        assert_eq!(
            verdicts(&app, &id, &badge).await,
            said("revoked", "Revoked")
        );

        // Revocation is final.
        for (action, body) in [
            ("revoke", json!({"reason": "other"})),
            ("suspend", json!({"reason": "other"})),
            ("reinstate", json!({})),
        ] {
            let p = app
                .admin_post(&path(action), &body)
                .await
                .problem(StatusCode::CONFLICT);
            assert_eq!(p["code"], "already_revoked", "{action}: {p}");
        }
        let read = app.admin_get(&path("status")).await.expect(StatusCode::OK);
        assert_eq!(read["status"], "revoked");
        assert_eq!(read["suspension"]["set"], true);

        // The audit log has every change.
        let audit = app.admin_get("/api/v1/audit?limit=1000").await;
        let text = audit.text();
        for action in ["badge.suspend", "badge.reinstate", "badge.revoke"] {
            assert!(text.contains(action), "{action} not in the audit log");
        }
        app.finish().await;
    }
}

/// The list holding a badge's bit for `purpose`.
async fn list_of(app: &TestApp, id: &str, purpose: &str) -> StatusListId {
    let (path, _) = slot(app, id, purpose).await;
    StatusListId(path.strip_prefix("/status/").unwrap().parse().unwrap())
}

/// The version of the list's signed credential the store holds, if it is current.
async fn signed_version(app: &TestApp, list: StatusListId) -> Option<u64> {
    let current = app.state.store.current_signed_status_list(list).await;
    current.unwrap().map(|(version, _)| version)
}

/// Regression: the service's verifier resolved a badge's status lists before checking its
/// proof, so a forged badge in the Centre's name made the service sign and store the lists it
/// named. Now only a badge whose proof verifies asks for its lists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_badge_does_not_make_the_service_sign_a_status_list() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let id = issue(&app, 1).await;
        let badge = credential(&app, &id).await;
        let list = list_of(&app, &id, "revocation").await;
        assert_eq!(api_verdict(&app, &badge).await, "valid", "{}", app.backend);
        let before = signed_version(&app, list).await;
        assert!(before.is_some(), "verifying the badge signs its list");

        // The bit changes: the stored signed list is stale until something publishes it.
        app.admin_post(
            &format!("/api/v1/badges/{}/revoke", uuid(&id)),
            &json!({"reason": "issued_in_error"}),
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(signed_version(&app, list).await, None, "{}", app.backend);

        let mut tampered: Value = serde_json::from_slice(&badge).unwrap();
        tampered["credentialSubject"]["achievement"]["name"] = Value::from("Something else");
        let tampered = serde_json::to_vec(&tampered).unwrap();
        assert_eq!(api_verdict(&app, &tampered).await, "invalid_signature");
        assert_eq!(
            signed_version(&app, list).await,
            None,
            "{}: a forged badge made the service sign its status list",
            app.backend
        );

        // The genuine badge does resolve its list, which is signed anew at the new version.
        assert_eq!(api_verdict(&app, &badge).await, "revoked");
        let after = signed_version(&app, list).await;
        assert!(after > before, "{before:?} then {after:?}");
        app.finish().await;
    }
}

#[tokio::test]
async fn status_changes_are_for_administrators_and_checked() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let id = issue(&app, 1).await;
        let path = |action: &str| format!("/api/v1/badges/{}/{action}", uuid(&id));
        let new_client = |scope: &'static str| {
            let app = &app;
            async move {
                app.admin_post("/api/v1/clients", &json!({"name": scope, "scope": scope}))
                    .await
                    .expect(StatusCode::CREATED)["token"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            }
        };
        let leeds = new_client("provider:10007795").await;
        let other = new_client("provider:10007154").await;

        // Only administrators change a status; the owning provider may read it.
        for action in ["revoke", "suspend", "reinstate"] {
            let body = json!({"reason": "other"});
            app.post(&path(action), &leeds, &body)
                .await
                .problem(StatusCode::FORBIDDEN);
            app.send(Method::POST, &path(action), None, Some(&body))
                .await
                .problem(StatusCode::UNAUTHORIZED);
        }
        let read = app
            .get(&path("status"), &leeds)
            .await
            .expect(StatusCode::OK);
        assert_eq!(read["status"], "active", "{read}");
        assert_eq!(read["revocation"]["set"], false);
        assert_eq!(read["badge_id"], id.as_str());
        app.get(&path("status"), &other)
            .await
            .problem(StatusCode::NOT_FOUND);

        // Bodies: a known reason, no unknown fields, JSON.
        for bad in [
            json!({"reason": "bored"}),
            json!({"reason": "other", "extra": 1}),
            json!({"note": "no reason"}),
        ] {
            app.admin_post(&path("revoke"), &bad)
                .await
                .problem(StatusCode::BAD_REQUEST);
        }
        let p = app
            .admin_post(&path("reinstate"), &json!({"nope": true}))
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert!(p["detail"].as_str().unwrap().contains("nope"), "{p}");

        // An empty reinstatement body is allowed (and here a conflict).
        let request = Request::builder()
            .method(Method::POST)
            .uri(path("reinstate"))
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin_token))
            .body(Body::empty())
            .unwrap();
        app.request(request).await.problem(StatusCode::CONFLICT);

        // Unknown badges.
        let unknown = "/api/v1/badges/00000000-0000-4000-8000-000000000000";
        for (action, body) in [
            ("revoke", json!({"reason": "other"})),
            ("suspend", json!({"reason": "other"})),
            ("reinstate", json!({})),
        ] {
            app.admin_post(&format!("{unknown}/{action}"), &body)
                .await
                .problem(StatusCode::NOT_FOUND);
        }
        app.admin_get(&format!("{unknown}/status"))
            .await
            .problem(StatusCode::NOT_FOUND);
        app.admin_post(
            "/api/v1/badges/not-a-uuid/revoke",
            &json!({"reason": "other"}),
        )
        .await
        .problem(StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

/// `GET path` with headers, no token.
async fn fetch(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> credence_testkit::Reply {
    let mut builder = Request::builder().method(Method::GET).uri(path);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    app.request(builder.body(Body::empty()).unwrap()).await
}

/// The path of the status list holding a badge's bit for `purpose`, and the bit's index.
async fn slot(app: &TestApp, id: &str, purpose: &str) -> (String, u64) {
    let status = app
        .admin_get(&format!("/api/v1/badges/{}/status", uuid(id)))
        .await
        .expect(StatusCode::OK);
    let url = status[purpose]["status_list_credential"].as_str().unwrap();
    (
        url.strip_prefix(BASE_URL).unwrap().to_owned(),
        status[purpose]["status_list_index"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_lists_are_published_signed_and_cacheable() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let id = issue(&app, 1).await;
        let (list_path, index) = slot(&app, &id, "revocation").await;

        let first = fetch(&app, &list_path, &[("origin", "https://elsewhere.example")]).await;
        assert_eq!(first.status, StatusCode::OK, "{}", first.text());
        assert_eq!(first.header("content-type"), Some("application/vc+ld+json"));
        assert_eq!(first.header("access-control-allow-origin"), Some("*"));
        assert_eq!(first.header("cache-control"), Some("public, max-age=300"));
        let etag = first.header("etag").unwrap().to_owned();
        let list = first.json();
        assert_eq!(list["id"], format!("{BASE_URL}{list_path}"));
        assert_eq!(list["issuer"], app.state.issuer.did());
        assert_eq!(list["credentialSubject"]["ttl"], 300_000);
        assert_eq!(list["proof"]["cryptosuite"], "eddsa-rdfc-2022");
        assert_eq!(
            list["proof"]["verificationMethod"],
            app.state.issuer.verification_method().as_str()
        );
        let di = app.state.issuer.data_integrity();
        let proof = di.proof_of(&list).unwrap();
        di.verify_embedded(&list, &proof, app.state.issuer.public_key())
            .unwrap();
        let entry = StatusEntry::new(
            &format!("{BASE_URL}{list_path}"),
            StatusPurpose::Revocation,
            index,
        );
        let read = ListCredential::from_json(&list).unwrap();
        assert!(!read.status_of(&entry).unwrap());

        // Unchanged: the same bytes, 304 with the ETag.
        let again = fetch(&app, &list_path, &[]).await;
        assert_eq!(again.body, first.body);
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        let not_modified = fetch(&app, &list_path, &[("if-none-match", &etag)]).await;
        assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
        assert!(not_modified.body.is_empty());
        assert_eq!(not_modified.header("etag"), Some(etag.as_str()));

        // A revocation makes a new list, signed anew, with the bit set.
        app.admin_post(
            &format!("/api/v1/badges/{}/revoke", uuid(&id)),
            &json!({"reason": "issued_in_error"}),
        )
        .await
        .expect(StatusCode::OK);
        let changed = fetch(&app, &list_path, &[("if-none-match", &etag)]).await;
        assert_eq!(changed.status, StatusCode::OK);
        assert_ne!(changed.header("etag"), Some(etag.as_str()));
        let list = changed.json();
        let proof = di.proof_of(&list).unwrap();
        di.verify_embedded(&list, &proof, app.state.issuer.public_key())
            .unwrap();
        let read = ListCredential::from_json(&list).unwrap();
        assert!(read.status_of(&entry).unwrap());

        // Unknown lists.
        for missing in ["/status/999", "/status/abc", "/status/01", "/status/-1"] {
            fetch(&app, missing, &[])
                .await
                .problem(StatusCode::NOT_FOUND);
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn badges_roll_over_to_a_new_list_when_one_fills() {
    let options = StoreOptions::default().with_status_list_len(16).unwrap();
    for app in TestApp::all_with(options).await {
        app.load_demo().await;
        let rows: Vec<Value> = (0..20).map(completion).collect();
        let answer = app
            .admin_post("/api/v1/completions/batch", &json!({"completions": rows}))
            .await
            .expect(StatusCode::OK);
        let mut seen = HashSet::new();
        let mut lists = Vec::new();
        for row in answer["results"].as_array().unwrap() {
            assert_eq!(row["status"], 201, "{row}");
            let id = row["badge_id"].as_str().unwrap();
            for purpose in ["revocation", "suspension"] {
                let (list, index) = slot(&app, id, purpose).await;
                assert!(index < 16, "{index}");
                assert!(seen.insert((list.clone(), index)), "{list}#{index} twice");
                if !lists.contains(&list) {
                    lists.push(list);
                }
            }
        }
        // 20 badges: two revocation lists and two suspension lists of 16.
        assert_eq!(lists.len(), 4, "{lists:?}");
        for list in &lists {
            let reply = fetch(&app, list, &[]).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            let encoded = reply.json()["credentialSubject"]["encodedList"]
                .as_str()
                .unwrap()
                .to_owned();
            assert_eq!(StatusList::decode(&encoded).unwrap().len(), 16);
        }
        app.finish().await;
    }
}

/// Submits `n` completions from `from` in batches of `batch`, one after the other, and returns
/// the badge ids.
async fn submit_all(app: &TestApp, from: usize, n: usize, batch: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(n);
    for start in (from..from + n).step_by(batch) {
        let rows: Vec<Value> = (start..(start + batch).min(from + n))
            .map(completion)
            .collect();
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/completions/batch")
            .header(header::AUTHORIZATION, format!("Bearer {}", app.admin_token))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                serde_json::to_vec(&json!({ "completions": rows })).unwrap(),
            ))
            .unwrap();
        // Each replica's batches run on their own task, so the two replicas' overlap.
        let reply = tokio::spawn(send_to(app.router(), request)).await.unwrap();
        for row in reply.expect(StatusCode::OK)["results"].as_array().unwrap() {
            assert_eq!(row["status"], 201, "{row}");
            ids.push(row["badge_id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_on_one_database_hand_out_distinct_bits() {
    let Some(first) = TestApp::postgres().await else {
        credence_testkit::skipped_pg("two replicas on PostgreSQL");
        return;
    };
    first.load_demo().await;
    let second = first.replica(StoreOptions::default()).await;
    let per_replica = 5_000;
    let start = Instant::now();
    let (a, b) = tokio::join!(
        submit_all(&first, 0, per_replica, 250),
        submit_all(&second, per_replica, per_replica, 250)
    );
    eprintln!(
        "two replicas issued {} badges in {:.1} s",
        a.len() + b.len(),
        start.elapsed().as_secs_f64()
    );
    assert_eq!(a.len() + b.len(), 2 * per_replica);
    let mut seen = HashSet::new();
    for id in a.iter().chain(&b) {
        let id = BadgeId::try_from(id.as_str()).unwrap();
        let slots = first.state.store.status_slots(&id).await.unwrap().unwrap();
        for s in [slots.revocation, slots.suspension] {
            assert!(seen.insert((s.list, s.index)), "{s:?} handed out twice");
        }
    }
    assert_eq!(seen.len(), 4 * per_replica);
    drop(second);
    first.finish().await;
}

#[tokio::test]
async fn the_openapi_document_lists_the_status_endpoints() {
    let app = TestApp::sqlite().await;
    let api = app.admin_get("/openapi.json").await.expect(StatusCode::OK);
    for (method, path, secured) in [
        ("post", "/api/v1/badges/{id}/revoke", true),
        ("post", "/api/v1/badges/{id}/suspend", true),
        ("post", "/api/v1/badges/{id}/reinstate", true),
        ("get", "/api/v1/badges/{id}/status", true),
        ("get", "/status/{list}", false),
    ] {
        let op = &api["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is not documented");
        assert_eq!(op["security"].is_array(), secured, "{path}");
    }
    for schema in ["StatusChange", "Reinstatement", "BadgeStatusView"] {
        assert!(
            api["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
    app.finish().await;
}

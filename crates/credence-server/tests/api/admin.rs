//! The administrators' API: specifications, providers, approvals, API clients, keys and audit.

use axum::http::{Method, StatusCode};
use credence_core::model::sample;
use serde_json::{json, Value};

use credence_testkit::completions::completion;
use credence_testkit::TestApp;

/// Every administration endpoint, with a body for the writes.
fn endpoints() -> Vec<(Method, &'static str, Option<Value>)> {
    let spec = spec_json(0);
    let provider = provider_json(0);
    let approval = approval_json(0);
    vec![
        (Method::GET, "/api/v1/specifications", None),
        (Method::POST, "/api/v1/specifications", Some(spec)),
        (Method::GET, "/api/v1/specifications/CS-OPF/1.0", None),
        (Method::GET, "/api/v1/providers", None),
        (Method::POST, "/api/v1/providers", Some(provider.clone())),
        (Method::GET, "/api/v1/providers/10007795", None),
        (Method::PUT, "/api/v1/providers/10007795", Some(provider)),
        (Method::GET, "/api/v1/approvals", None),
        (Method::POST, "/api/v1/approvals", Some(approval)),
        (Method::GET, "/api/v1/approvals/AP-001", None),
        (
            Method::POST,
            "/api/v1/approvals/AP-001/changes",
            Some(json!({"status": "suspended", "effective": "2025-01-01"})),
        ),
        (Method::GET, "/api/v1/approvals/AP-001/history", None),
        (Method::GET, "/api/v1/clients", None),
        (
            Method::POST,
            "/api/v1/clients",
            Some(json!({"name": "x", "scope": "admin"})),
        ),
        (Method::POST, "/api/v1/clients/1/revoke", None),
        (Method::GET, "/api/v1/keys", None),
        (Method::GET, "/api/v1/audit", None),
        (Method::GET, "/api/v1/audit/verify", None),
    ]
}

fn spec_json(i: usize) -> Value {
    serde_json::to_value(&sample::specifications().unwrap()[i]).unwrap()
}

fn provider_json(i: usize) -> Value {
    serde_json::to_value(&sample::providers().unwrap()[i]).unwrap()
}

fn approval_json(i: usize) -> Value {
    serde_json::to_value(&sample::approvals().unwrap()[i]).unwrap()
}

/// Creates a client over the API and returns its answer (with the token).
async fn new_client(app: &TestApp, name: &str, scope: &str) -> Value {
    app.admin_post("/api/v1/clients", &json!({"name": name, "scope": scope}))
        .await
        .expect(StatusCode::CREATED)
}

#[tokio::test]
async fn administration_needs_an_admin_token() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let provider = new_client(&app, "Leeds registry", "provider:10007795").await;
        let provider_token = provider["token"].as_str().unwrap().to_owned();
        let before = app.state.store.audit_entries(0, 1000).await.unwrap().len();
        for (method, path, body) in endpoints() {
            let what = format!("{} {method} {path}", app.backend);
            let anonymous = app.send(method.clone(), path, None, body.as_ref()).await;
            let p = anonymous.problem(StatusCode::UNAUTHORIZED);
            assert_eq!(p["type"], "/problems/unauthenticated", "{what}");
            assert_eq!(
                anonymous.header("www-authenticate"),
                Some("Bearer"),
                "{what}"
            );
            let forged = app
                .send(method.clone(), path, Some("cred_0000"), body.as_ref())
                .await;
            forged.problem(StatusCode::UNAUTHORIZED);
            let provider = app
                .send(method.clone(), path, Some(&provider_token), body.as_ref())
                .await;
            let p = provider.problem(StatusCode::FORBIDDEN);
            assert_eq!(p["type"], "/problems/forbidden", "{what}");
        }
        // Nothing refused was written.
        let after = app.state.store.audit_entries(0, 1000).await.unwrap().len();
        assert_eq!(before, after, "{}", app.backend);
        app.finish().await;
    }
}

#[tokio::test]
async fn a_specification_version_is_added_once_and_then_fixed() {
    for app in TestApp::all().await {
        let spec = spec_json(0);
        let created = app.admin_post("/api/v1/specifications", &spec).await;
        assert_eq!(created.expect(StatusCode::CREATED), spec);
        assert_eq!(
            created.header("location"),
            Some("/api/v1/specifications/CS-OPF/1.0")
        );
        let got = app
            .admin_get("/api/v1/specifications/CS-OPF/1.0")
            .await
            .expect(StatusCode::OK);
        assert_eq!(got, spec);

        // The same document again writes nothing.
        let rows = app.state.store.audit_entries(0, 1000).await.unwrap().len();
        let again = app.admin_post("/api/v1/specifications", &got).await;
        assert_eq!(again.expect(StatusCode::OK), spec);
        let rows_after = app.state.store.audit_entries(0, 1000).await.unwrap().len();
        assert_eq!(rows, rows_after);

        // Another title for the same version is refused.
        let mut retitled = spec.clone();
        retitled["title"] = json!("Advanced Practice: Something Else");
        let p = app
            .admin_post("/api/v1/specifications", &retitled)
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p["type"], "/problems/conflict");

        // Extending the status history (retiring the version) is allowed.
        let mut retired = spec.clone();
        retired["history"]
            .as_array_mut()
            .unwrap()
            .push(json!({"status": "retired", "effective": "2026-01-01"}));
        app.admin_post("/api/v1/specifications", &retired)
            .await
            .expect(StatusCode::OK);
        let got = app
            .admin_get("/api/v1/specifications/CS-OPF/1.0")
            .await
            .expect(StatusCode::OK);
        assert_eq!(got, retired);
        // ...but not rewriting it.
        let p = app
            .admin_post("/api/v1/specifications", &spec)
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p["type"], "/problems/conflict");

        // Invalid values are 422; malformed JSON and unknown fields 400.
        let mut level6 = spec_json(1);
        level6["fheq_level"] = json!(6);
        let p = app
            .admin_post("/api/v1/specifications", &level6)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/invalid-value");
        let mut bad_code = spec_json(1);
        bad_code["id"] = json!("CS OPF!");
        app.admin_post("/api/v1/specifications", &bad_code)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        let mut extra = spec_json(1);
        extra["colour"] = json!("blue");
        let p = app
            .admin_post("/api/v1/specifications", &extra)
            .await
            .problem(StatusCode::BAD_REQUEST);
        assert_eq!(p["type"], "/problems/malformed-body");
        let malformed = app
            .request(
                axum::http::Request::post("/api/v1/specifications")
                    .header("authorization", format!("Bearer {}", app.admin_token))
                    .header("content-type", "application/json")
                    .body(axum::body::Body::from("{\"id\": "))
                    .unwrap(),
            )
            .await;
        malformed.problem(StatusCode::BAD_REQUEST);

        app.admin_post("/api/v1/specifications", &spec_json(4))
            .await
            .expect(StatusCode::CREATED);
        let list = app
            .admin_get("/api/v1/specifications")
            .await
            .expect(StatusCode::OK);
        let ids: Vec<(&str, &str)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].as_str().unwrap(), s["version"].as_str().unwrap()))
            .collect();
        assert_eq!(ids, [("CS-OPF", "1.0"), ("CS-PCC", "1.1")]);

        for missing in [
            "/api/v1/specifications/CS-OPF/9.9",
            "/api/v1/specifications/not%20a%20code/1.0",
        ] {
            let p = app.admin_get(missing).await.problem(StatusCode::NOT_FOUND);
            assert_eq!(p["type"], "/problems/not-found");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn providers_are_added_and_replaced_on_purpose() {
    for app in TestApp::all().await {
        let leeds = provider_json(0);
        let created = app.admin_post("/api/v1/providers", &leeds).await;
        assert_eq!(created.expect(StatusCode::CREATED), leeds);
        assert_eq!(
            created.header("location"),
            Some("/api/v1/providers/10007795")
        );
        app.admin_post("/api/v1/providers", &leeds)
            .await
            .expect(StatusCode::OK);
        let mut renamed = leeds.clone();
        renamed["name"] = json!("The University of Leeds");
        let p = app
            .admin_post("/api/v1/providers", &renamed)
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p["type"], "/problems/conflict");

        let put = |body: Value, path: &'static str| {
            let app = &app;
            async move {
                app.send(Method::PUT, path, Some(&app.admin_token), Some(&body))
                    .await
            }
        };
        assert_eq!(
            put(renamed.clone(), "/api/v1/providers/10007795")
                .await
                .expect(StatusCode::OK),
            renamed
        );
        put(renamed.clone(), "/api/v1/providers/10007154")
            .await
            .problem(StatusCode::BAD_REQUEST);
        put(provider_json(1), "/api/v1/providers/10007154")
            .await
            .expect(StatusCode::CREATED);
        let got = app
            .admin_get("/api/v1/providers/10007795")
            .await
            .expect(StatusCode::OK);
        assert_eq!(got["name"], "The University of Leeds");

        let mut bad = provider_json(2);
        bad["ukprn"] = json!("3645");
        let p = app
            .admin_post("/api/v1/providers", &bad)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/invalid-value");
        let mut bad_url = provider_json(2);
        bad_url["url"] = json!("ftp://kcl.example");
        app.admin_post("/api/v1/providers", &bad_url)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);

        let list = app
            .admin_get("/api/v1/providers")
            .await
            .expect(StatusCode::OK);
        let ukprns: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["ukprn"].as_str().unwrap())
            .collect();
        assert_eq!(ukprns, ["10007154", "10007795"]);
        app.admin_get("/api/v1/providers/10003645")
            .await
            .problem(StatusCode::NOT_FOUND);
        app.admin_get("/api/v1/providers/leeds")
            .await
            .problem(StatusCode::NOT_FOUND);
        app.finish().await;
    }
}

#[tokio::test]
async fn approvals_are_added_changed_and_their_history_kept() {
    for app in TestApp::all().await {
        let approval = approval_json(0); // AP-001: Leeds, CS-OPF 1.0.
        let p = app
            .admin_post("/api/v1/approvals", &approval)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/unknown-provider");
        app.admin_post("/api/v1/providers", &provider_json(0))
            .await
            .expect(StatusCode::CREATED);
        let p = app
            .admin_post("/api/v1/approvals", &approval)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/unknown-specification");
        app.admin_post("/api/v1/specifications", &spec_json(0))
            .await
            .expect(StatusCode::CREATED);

        let created = app.admin_post("/api/v1/approvals", &approval).await;
        assert_eq!(created.expect(StatusCode::CREATED), approval);
        assert_eq!(created.header("location"), Some("/api/v1/approvals/AP-001"));
        app.admin_post("/api/v1/approvals", &approval)
            .await
            .expect(StatusCode::OK);
        let mut moved = approval.clone();
        moved["next_review_due"] = json!("2026-09-01");
        let p = app
            .admin_post("/api/v1/approvals", &moved)
            .await
            .problem(StatusCode::CONFLICT);
        assert_eq!(p["type"], "/problems/conflict");
        let mut suspended_first = approval_json(5);
        suspended_first["provider"] = json!("10007795");
        suspended_first["history"][0]["status"] = json!("suspended");
        let p = app
            .admin_post("/api/v1/approvals", &suspended_first)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/invalid-value");

        // Suspend, then reinstate.
        let suspend = json!({"status": "suspended", "effective": "2025-02-01", "note": "annual review not returned"});
        let changed = app
            .admin_post("/api/v1/approvals/AP-001/changes", &suspend)
            .await;
        let body = changed.expect(StatusCode::CREATED);
        assert_eq!(body["history"].as_array().unwrap().len(), 2);
        assert_eq!(body["history"][1], suspend);
        // A change on or before the last one is refused.
        let p = app
            .admin_post(
                "/api/v1/approvals/AP-001/changes",
                &json!({"status": "approved", "effective": "2025-02-01"}),
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(p["type"], "/problems/invalid-value");
        app.admin_post(
            "/api/v1/approvals/AP-001/changes",
            &json!({"status": "paused", "effective": "2025-03-01"}),
        )
        .await
        .problem(StatusCode::BAD_REQUEST);
        app.admin_post(
            "/api/v1/approvals/AP-001/changes",
            &json!({"status": "approved", "effective": "2025-03-01"}),
        )
        .await
        .expect(StatusCode::CREATED);
        app.admin_post(
            "/api/v1/approvals/AP-404/changes",
            &json!({"status": "approved", "effective": "2025-03-01"}),
        )
        .await
        .problem(StatusCode::NOT_FOUND);

        let got = app
            .admin_get("/api/v1/approvals/AP-001")
            .await
            .expect(StatusCode::OK);
        let statuses: Vec<&str> = got["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["approved", "suspended", "approved"]);

        let history = app
            .admin_get("/api/v1/approvals/AP-001/history")
            .await
            .expect(StatusCode::OK);
        let items = history["items"].as_array().unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(items[1]["note"], "annual review not returned");
        let admin_id = app.state.store.list_api_clients().await.unwrap()[0].id;
        assert_eq!(items[1]["recorded_by"], format!("client:{admin_id}"));
        app.admin_get("/api/v1/approvals/AP-404/history")
            .await
            .problem(StatusCode::NOT_FOUND);
        app.admin_get("/api/v1/approvals/not%20an%20id")
            .await
            .problem(StatusCode::NOT_FOUND);

        // Filtered lists.
        app.admin_post("/api/v1/providers", &provider_json(4))
            .await
            .expect(StatusCode::CREATED);
        app.admin_post("/api/v1/approvals", &approval_json(5))
            .await
            .expect(StatusCode::CREATED);
        let ids = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let all = app
            .admin_get("/api/v1/approvals")
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(all), ["AP-001", "AP-006"]);
        let southampton = app
            .admin_get("/api/v1/approvals?provider=10007158")
            .await
            .expect(StatusCode::OK);
        assert_eq!(ids(southampton), ["AP-006"]);
        for bad in [
            "/api/v1/approvals?provider=leeds",
            "/api/v1/approvals?ukprn=1",
        ] {
            let p = app.admin_get(bad).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(p["type"], "/problems/invalid-query");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn a_client_token_is_shown_once_works_and_stops_when_revoked() {
    for app in TestApp::all().await {
        app.load_demo().await;
        let created = app
            .admin_post(
                "/api/v1/clients",
                &json!({"name": "Leeds registry", "scope": "provider:10007795"}),
            )
            .await;
        assert_eq!(created.header("cache-control"), Some("no-store"));
        let client = created.expect(StatusCode::CREATED);
        let token = client["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("cred_") && token.len() == 69, "{token}");
        assert_eq!(client["scope"], "provider:10007795");
        assert_eq!(client["name"], "Leeds registry");
        let id = client["id"].as_i64().unwrap();

        // Listed without the token; stored only as its hash.
        let list = app.admin_get("/api/v1/clients").await;
        assert!(!list.text().contains(&token));
        let listed = list.expect(StatusCode::OK);
        let mine = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap()
            .clone();
        assert_eq!(mine["scope"], "provider:10007795");
        assert!(mine.get("token").is_none() && mine.get("revoked_at").is_none());

        // The token submits a completion for its provider.
        let issued = app
            .post("/api/v1/completions", &token, &completion(0))
            .await;
        issued.expect(StatusCode::CREATED);

        let revoked = app
            .admin_post(&format!("/api/v1/clients/{id}/revoke"), &json!({}))
            .await
            .expect(StatusCode::OK);
        assert!(revoked["revoked_at"].is_string());
        let p = app
            .post("/api/v1/completions", &token, &completion(0))
            .await
            .problem(StatusCode::UNAUTHORIZED);
        assert_eq!(p["type"], "/problems/invalid-token");
        // Revoking again changes nothing; an unknown client is 404.
        let again = app
            .send(
                Method::POST,
                &format!("/api/v1/clients/{id}/revoke"),
                Some(&app.admin_token),
                None,
            )
            .await
            .expect(StatusCode::OK);
        assert_eq!(again["revoked_at"], revoked["revoked_at"]);
        for missing in ["/api/v1/clients/999/revoke", "/api/v1/clients/x/revoke"] {
            app.send(Method::POST, missing, Some(&app.admin_token), None)
                .await
                .problem(StatusCode::NOT_FOUND);
        }

        // A new admin client works as an administrator.
        let admin = new_client(&app, "second administrator", "admin").await;
        app.get("/api/v1/clients", admin["token"].as_str().unwrap())
            .await
            .expect(StatusCode::OK);

        // Invalid names and scopes, and scopes naming unknown providers, are 422.
        for (body, kind) in [
            (json!({"name": " ", "scope": "admin"}), "invalid-value"),
            (json!({"name": "x", "scope": "root"}), "invalid-value"),
            (
                json!({"name": "x", "scope": "provider:123"}),
                "invalid-value",
            ),
            (
                json!({"name": "x", "scope": "provider:10000000"}),
                "unknown-provider",
            ),
        ] {
            let p = app
                .admin_post("/api/v1/clients", &body)
                .await
                .problem(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(p["type"], format!("/problems/{kind}"), "{body}");
        }
        app.admin_post("/api/v1/clients", &json!({"name": "x"}))
            .await
            .problem(StatusCode::BAD_REQUEST);
        app.finish().await;
    }
}

#[tokio::test]
async fn keys_show_the_active_public_key() {
    for app in TestApp::all().await {
        let keys = app.admin_get("/api/v1/keys").await.expect(StatusCode::OK);
        let items = keys["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["state"], "active");
        let vm = items[0]["verification_method"].as_str().unwrap();
        assert!(vm.starts_with("did:web:badges.test.example#key-"), "{vm}");
        assert!(items[0]["public_key_multibase"]
            .as_str()
            .unwrap()
            .starts_with("z6Mk"));
        app.finish().await;
    }
}

#[tokio::test]
async fn the_audit_log_pages_names_the_actor_and_verifies() {
    for app in TestApp::all().await {
        app.admin_post("/api/v1/providers", &provider_json(0))
            .await
            .expect(StatusCode::CREATED);
        app.admin_post("/api/v1/specifications", &spec_json(0))
            .await
            .expect(StatusCode::CREATED);
        let total = app.state.store.audit_entries(0, 1000).await.unwrap().len();
        assert!(total >= 4, "bootstrap, key, provider, specification");

        let mut seen = Vec::new();
        let mut after = 0;
        loop {
            let page = app
                .admin_get(&format!("/api/v1/audit?after={after}&limit=2"))
                .await
                .expect(StatusCode::OK);
            for e in page["items"].as_array().unwrap() {
                seen.push(e.clone());
            }
            match page["next_after"].as_i64() {
                Some(n) => after = n,
                None => break,
            }
        }
        assert_eq!(seen.len(), total);
        let ids: Vec<i64> = seen.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, (1..=total as i64).collect::<Vec<_>>());
        let admin_id = app.state.store.list_api_clients().await.unwrap()[0].id;
        let provider_put = seen.iter().find(|e| e["action"] == "provider.put").unwrap();
        assert_eq!(provider_put["actor"], format!("client:{admin_id}"));
        assert_eq!(provider_put["subject"], "10007795");
        assert_eq!(
            provider_put["detail"]["provider"]["name"],
            "University of Leeds"
        );
        for w in seen.windows(2) {
            assert_eq!(w[1]["prev_hash"], w[0]["hash"]);
        }

        let report = app
            .admin_get("/api/v1/audit/verify")
            .await
            .expect(StatusCode::OK);
        assert_eq!(report, json!({"intact": true, "rows": total}));

        for bad in [
            "/api/v1/audit?limit=0",
            "/api/v1/audit?limit=1001",
            "/api/v1/audit?after=-1",
            "/api/v1/audit?after=x",
            "/api/v1/audit?since=1",
        ] {
            let p = app.admin_get(bad).await.problem(StatusCode::BAD_REQUEST);
            assert_eq!(p["type"], "/problems/invalid-query", "{bad}");
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_administration_endpoints() {
    let app = TestApp::sqlite().await;
    let api = app.admin_get("/openapi.json").await.expect(StatusCode::OK);
    for (method, path, _) in endpoints() {
        let template = path
            .replace("CS-OPF/1.0", "{code}/{version}")
            .replace("10007795", "{ukprn}")
            .replace("AP-001", "{id}")
            .replace("clients/1/", "clients/{id}/");
        let op = &api["paths"][&template][method.as_str().to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {template} is not documented");
        assert_eq!(op["security"][0]["bearer"], json!([]), "{template}");
    }
    for schema in [
        "SpecificationDoc",
        "ProviderDoc",
        "ApprovalDoc",
        "NewClientAnswer",
    ] {
        assert!(
            api["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
    // The document examples are the sample data, so they parse as the core types do.
    let example = api["components"]["schemas"]["SpecificationDoc"]["examples"][0].clone();
    assert_eq!(example, spec_json(0));
    app.finish().await;
}

//! The audit log after a run: its hash chain verifies, and a row altered in the database by hand is
//! reported by id.

use credence_store::{AuditBreak, BreakReason, ChainCheck};

use credence_testkit::completions::{json_batch, sample_case, synthetic, LEEDS};
use credence_testkit::{skipped_pg, TestApp};

/// Issues through the API (single and batch), checks the chain, alters one row's `detail` behind
/// the store's back, and expects the break at exactly that row.
async fn altered_row_is_found(app: TestApp) {
    let leeds = app.provider_token(LEEDS).await;
    let admin = app.admin_token.clone();
    for name in ["Amira Okafor", "Keira Mensah", "Tomasz Reid"] {
        app.post_json("/api/v1/completions", Some(&leeds), &sample_case(name))
            .await;
    }
    app.post_json(
        "/api/v1/completions",
        Some(&admin),
        &sample_case("Gwen Llewellyn"),
    )
    .await
    .assert_status(201);
    let rows: Vec<_> = (0..25).map(|i| synthetic("AUDIT", i)).collect();
    app.post_json(
        "/api/v1/completions/batch",
        Some(&leeds),
        &json_batch(&rows),
    )
    .await
    .assert_status(200);

    let count = app.raw.scalar("SELECT COUNT(*) FROM audit_log").await;
    assert!(count > 28, "every issuance is audited ({count} rows)");
    assert_eq!(
        app.store().verify_audit_chain().await.unwrap(),
        ChainCheck::Intact {
            rows: u64::try_from(count).unwrap()
        }
    );

    // An issuance row in the middle of the log.
    let ids = app
        .raw
        .strings("SELECT CAST(id AS TEXT) FROM audit_log ORDER BY id")
        .await;
    let target: i64 = ids[ids.len() / 2].parse().unwrap();
    let changed = app
        .raw
        .exec(&format!(
            "UPDATE audit_log SET detail = detail || ' (edited)' WHERE id = {target}"
        ))
        .await;
    assert_eq!(changed, 1);
    assert_eq!(
        app.store().verify_audit_chain().await.unwrap(),
        ChainCheck::Broken(AuditBreak {
            row_id: target,
            reason: BreakReason::HashMismatch,
        })
    );
    app.finish().await;
}

#[tokio::test]
async fn the_audit_chain_verifies_and_names_an_altered_row_on_sqlite() {
    altered_row_is_found(TestApp::sqlite().await.with_demo().await).await;
}

#[tokio::test]
async fn the_audit_chain_verifies_and_names_an_altered_row_on_postgres() {
    let Some(app) = TestApp::postgres().await else {
        skipped_pg("the_audit_chain_verifies_and_names_an_altered_row_on_postgres");
        return;
    };
    altered_row_is_found(app.with_demo().await).await;
}

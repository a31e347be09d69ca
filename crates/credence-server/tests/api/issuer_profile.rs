//! The issuer's profile comes from the configuration: `credence serve --issuer-name ...` shows it
//! at `/issuer` and signs new badges with it; a logo file is published at `/issuer/image`.

use credence_testkit::completions::synthetic;
use credence_testkit::{ServerProcess, ADMIN_TOKEN, BASE_URL};

const NAME: &str = "Centre for Advancing Practice (configured)";
const URL: &str = "https://advanced-practice.example";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_profile_is_published_and_signs_new_badges() {
    let dir = tempfile::tempdir().unwrap();
    // A 1x1 PNG as the logo file.
    let logo = dir.path().join("logo.png");
    std::fs::write(
        &logo,
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82",
    )
    .unwrap();
    let server = ServerProcess::start(
        &dir.path().join("data"),
        None,
        &[
            "--issuer-name",
            NAME,
            "--issuer-url",
            URL,
            "--issuer-email",
            "badges@advanced-practice.example",
            "--issuer-image",
            logo.to_str().unwrap(),
        ],
    );
    let mut http = server.connect().await;

    let profile = http.get("/issuer", None).await.unwrap();
    profile.assert_status(200);
    let profile = profile.json();
    assert_eq!(profile["name"], NAME);
    assert_eq!(profile["url"], URL);
    assert_eq!(profile["email"], "badges@advanced-practice.example");
    assert_eq!(profile["image"]["id"], format!("{BASE_URL}/issuer/image"));

    let image = http.get("/issuer/image", None).await.unwrap();
    image.assert_status(200);
    assert_eq!(image.content_type(), "image/png");
    assert_eq!(&image.body[..], &std::fs::read(&logo).unwrap()[..]);

    let badge = http.issue(&synthetic("PROFILE", 1)).await;
    assert_eq!(badge["issuer"]["name"], NAME);
    assert_eq!(badge["issuer"]["url"], URL);
    assert_eq!(badge["issuer"]["id"], profile["id"]);

    // The badge still verifies, issuer profile and all.
    let verdict = http
        .post_json(
            "/api/v1/verify",
            ADMIN_TOKEN,
            &serde_json::json!({ "verifiableCredential": badge }),
        )
        .await
        .unwrap();
    verdict.assert_status(200);
    assert_eq!(verdict.json()["verdict"], "valid", "{:?}", verdict.json());
    assert!(
        !server.log().contains("no issuer name is configured"),
        "{}",
        server.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_profile_stops_the_service_from_starting() {
    let dir = tempfile::tempdir().unwrap();
    let out = credence_testkit::credence(&[
        "serve".as_ref(),
        "--data-dir".as_ref(),
        dir.path().join("data").as_os_str(),
        "--issuer-name".as_ref(),
        "Centre".as_ref(),
        "--issuer-url".as_ref(),
        "ftp://centre.example".as_ref(),
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("issuer profile"), "{stderr}");
}

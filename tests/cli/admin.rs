//! `credence admin …` and `credence audit verify` on a temporary SQLite file.

use std::path::Path;
use std::process::{Command, Output};

use credence_core::model::sample;
use serde_json::Value;

/// A temporary database and the commands that act on it, as the local user `tester`.
struct Db {
    dir: tempfile::TempDir,
    url: String,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("data/credence.db").display());
        Db { dir, url }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_credence"))
            .args(args)
            .args(["--database-url", &self.url])
            .env_remove("CREDENCE_DATABASE_URL")
            .env("USER", "tester")
            .output()
            .expect("run credence")
    }

    /// Runs a command that must succeed and returns its standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Writes a JSON file into the temporary folder.
    fn file(&self, name: &str, value: &impl serde::Serialize) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(value).unwrap()).unwrap();
        path.display().to_string()
    }

    fn block_on<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// The audit log's actors, read through the store.
    fn audit_actors(&self) -> Vec<String> {
        self.block_on(async {
            let store = credence_store::connect(&self.url).await.unwrap();
            let rows = store.audit_entries(0, 1000).await.unwrap();
            rows.into_iter().map(|e| e.actor).collect()
        })
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn client_create_shows_the_token_once_and_audit_verify_finds_the_chain_intact() {
    let db = Db::new();
    // Reading a database that does not exist is refused rather than creating an empty one.
    let missing = db.run(&["audit", "verify"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    assert!(!Path::new(&db.dir.path().join("data/credence.db")).exists());

    let created: Value = serde_json::from_str(&db.ok(&[
        "admin", "client", "create", "--name", "ops", "--scope", "admin",
    ]))
    .unwrap();
    let token = created["token"].as_str().unwrap();
    assert!(token.starts_with("cred_") && token.len() == 69, "{token}");
    assert_eq!(created["scope"], "admin");
    let list = db.ok(&["admin", "client", "list"]);
    assert!(list.contains("\tadmin\tactive\tops"), "{list}");
    assert!(!list.contains(token));

    let verified = db.ok(&["audit", "verify"]);
    assert_eq!(verified.trim(), "audit log intact: 1 rows checked");
    assert_eq!(db.audit_actors(), ["cli:tester"]);

    // A provider scope must name a known provider.
    let unknown = db.run(&[
        "admin",
        "client",
        "create",
        "--name",
        "x",
        "--scope",
        "provider:10007795",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown provider 10007795"),
        "{}",
        stderr(&unknown)
    );
    let revoked = db.ok(&["admin", "client", "revoke", &created["id"].to_string()]);
    assert!(revoked.starts_with("revoked API client"), "{revoked}");
    assert!(db.ok(&["admin", "client", "list"]).contains("\trevoked "));
}

#[test]
fn specifications_providers_and_approvals_are_added_from_files_and_changed() {
    let db = Db::new();
    let specs = db.file("specs.json", &sample::specifications().unwrap());
    let providers = db.file("providers.json", &sample::providers().unwrap());
    let approvals = db.file("approvals.json", &sample::approvals().unwrap());

    // An approval before its provider and specification is refused.
    let early = db.run(&["admin", "approval", "add", &approvals]);
    assert_eq!(early.status.code(), Some(2), "{}", stderr(&early));
    let added = db.ok(&["admin", "spec", "add", &specs]);
    assert_eq!(added.lines().count(), 9);
    assert!(
        added.contains("created specification CS-PCC 1.1"),
        "{added}"
    );
    assert!(db
        .ok(&["admin", "spec", "add", &specs])
        .lines()
        .all(|l| l.starts_with("unchanged ")));
    db.ok(&["admin", "provider", "add", &providers]);
    db.ok(&["admin", "approval", "add", &approvals]);

    // A changed title for a stored version is refused; a renamed provider only with --replace.
    let mut spec = serde_json::to_value(&sample::specifications().unwrap()[0]).unwrap();
    spec["title"] = "Something else".into();
    let one = db.file("spec.json", &spec);
    let refused = db.run(&["admin", "spec", "add", &one]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("already exists with different content"));
    let mut leeds = serde_json::to_value(&sample::providers().unwrap()[0]).unwrap();
    leeds["name"] = "The University of Leeds".into();
    let renamed = db.file("leeds.json", &leeds);
    assert_eq!(
        db.run(&["admin", "provider", "add", &renamed])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        db.ok(&["admin", "provider", "add", "--replace", &renamed])
            .trim(),
        "updated provider 10007795"
    );
    assert!(db
        .ok(&["admin", "provider", "list"])
        .contains("10007795\tThe University of Leeds\t"));

    // AP-004 was suspended on 2024-10-01: reinstate it; an earlier date is refused.
    let changed = db.ok(&[
        "admin",
        "approval",
        "change",
        "AP-004",
        "--status",
        "approved",
        "--on",
        "2025-01-06",
        "--reason",
        "annual review returned",
    ]);
    assert!(changed.contains("3 changes recorded"), "{changed}");
    let backwards = db.run(&[
        "admin",
        "approval",
        "change",
        "AP-004",
        "--status",
        "withdrawn",
        "--on",
        "2024-01-01",
    ]);
    assert_eq!(backwards.status.code(), Some(2), "{}", stderr(&backwards));
    let bad_status = db.run(&[
        "admin",
        "approval",
        "change",
        "AP-004",
        "--status",
        "paused",
        "--on",
        "2025-02-01",
    ]);
    assert_eq!(bad_status.status.code(), Some(2));
    let kcl = db.ok(&["admin", "approval", "list", "--provider", "10003645"]);
    assert_eq!(kcl.trim(), "AP-004\t10003645\tCS-PCC\t1.1\tapproved");
    assert_eq!(db.ok(&["admin", "approval", "list"]).lines().count(), 6);

    // Loading the demo data over it adds nothing and keeps the administrators' changes.
    let rows = db.audit_actors().len();
    db.ok(&["admin", "demo"]);
    assert_eq!(db.audit_actors().len(), rows);
    assert!(db
        .ok(&["admin", "provider", "list"])
        .contains("10007795\tThe University of Leeds\t"));
    assert!(db.ok(&["audit", "verify"]).contains("intact"));
    assert!(db.audit_actors().iter().any(|a| a == "cli:tester"));
}

#[test]
fn audit_verify_exits_one_at_an_altered_row() {
    let db = Db::new();
    db.ok(&[
        "admin", "client", "create", "--name", "ops", "--scope", "admin",
    ]);
    db.ok(&[
        "admin", "client", "create", "--name", "ops 2", "--scope", "admin",
    ]);
    db.block_on(async {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'cli:mallory' WHERE id = 2")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let out = db.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("broken at row 2"), "{text}");
    assert!(text.contains("hash_mismatch"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_database_the_admin_command_creates_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let db = Db::new();
    db.ok(&["admin", "demo"]);
    let data = db.dir.path().join("data");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the directory");
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
}

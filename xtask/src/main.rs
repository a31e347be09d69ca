//! `cargo xtask test [CARGO TEST ARGS...]`: runs every test of the workspace on a machine of the
//! kind the project runs on, with nothing skipped.
//!
//! It sets up what the tests need when it is missing: starts the local PostgreSQL cluster (trust
//! auth on 127.0.0.1:5432, database `test`), installs Debian's Chromium, ChromeDriver and zbar
//! (as root, with apt-get), installs the exact-pinned Node packages of the interop and browser
//! tests (`npm ci`). Then it runs `cargo test --workspace --locked` with
//! `CREDENCE_REQUIRE_ALL=1`, under which a test that cannot reach one of these fails instead of
//! saying SKIPPED. Plain `cargo test` still works, and says what it skipped.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

/// The database the store and API tests use when none is named.
const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("test") => match test(args.collect()) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("xtask: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!("usage: cargo xtask test [CARGO TEST ARGS...]");
            ExitCode::from(2)
        }
    }
}

/// The workspace root: the parent of this package's directory, read when it runs (`cargo run`
/// sets `CARGO_MANIFEST_DIR`), not when it was built, so that a build reused from another clone
/// sharing the target directory does not point there.
fn root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest_dir
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_owned)
}

fn say(step: &str) {
    eprintln!("\n== xtask: {step}");
}

/// Runs a command to completion; an error names it.
fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed ({status})"))
    }
}

fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|o| o.status.success())
}

fn test(cargo_args: Vec<String>) -> Result<ExitCode, String> {
    let root = root();
    postgres()?;
    browser_tools()?;
    for dir in ["tests/interop", "tests/browser"] {
        say(&format!("npm ci in {dir} (exact-pinned)"));
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(root.join(dir)))?;
    }
    say("cargo test --workspace --locked (CREDENCE_REQUIRE_ALL=1: nothing is skipped)");
    let database_url =
        std::env::var("CREDENCE_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.into());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["test", "--workspace", "--locked"])
        .args(cargo_args)
        .current_dir(&root)
        .env("CREDENCE_TEST_DATABASE_URL", database_url)
        .env("CREDENCE_REQUIRE_ALL", "1")
        .status()
        .map_err(|e| format!("cargo test: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Starts the local PostgreSQL cluster when nothing answers on 127.0.0.1:5432 (and a database
/// URL is not given).
fn postgres() -> Result<(), String> {
    if std::env::var_os("CREDENCE_TEST_DATABASE_URL").is_some() {
        return Ok(());
    }
    let ready =
        || succeeds(Command::new("pg_isready").args(["-h", "127.0.0.1", "-p", "5432", "-q"]));
    if ready() {
        return Ok(());
    }
    say("starting PostgreSQL (pg_ctlcluster)");
    let version = std::fs::read_dir("/etc/postgresql")
        .map_err(|e| format!("no PostgreSQL installed (/etc/postgresql: {e})"))?
        .filter_map(Result::ok)
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .max()
        .ok_or("no PostgreSQL cluster in /etc/postgresql")?;
    run(Command::new("pg_ctlcluster").args([
        "--skip-systemctl-redirect",
        &version,
        "main",
        "start",
    ]))?;
    for _ in 0..30 {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    Err("PostgreSQL did not start on 127.0.0.1:5432".into())
}

/// Installs Chromium, ChromeDriver and zbarimg from Debian when one is missing.
fn browser_tools() -> Result<(), String> {
    let have = |p: &str| Path::new(p).exists();
    let zbar = succeeds(Command::new("zbarimg").arg("--version"));
    if have("/usr/bin/chromium") && have("/usr/bin/chromedriver") && zbar {
        return Ok(());
    }
    say("installing chromium, chromium-driver and zbar-tools (apt-get)");
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "-qq",
            "chromium",
            "chromium-driver",
            "zbar-tools",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

//! The `credence` binary of this build, and real `credence serve` processes.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::Duration;

use credence_server::setup;

use crate::{HttpClient, BASE_URL};

/// The administrator token real `credence serve` processes are started with.
pub const ADMIN_TOKEN: &str = "cred_test_admin_token_for_the_acceptance_tests";

/// The `credence` binary of this build: `CREDENCE_BIN` if set; otherwise cargo builds it (a no-op
/// when it is up to date) into the target directory this test binary runs from.
pub fn credence_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(bin) = std::env::var_os("CREDENCE_BIN") {
            return PathBuf::from(bin);
        }
        // This binary is TARGET/PROFILE/deps/api-HASH.
        let exe = std::env::current_exe().unwrap();
        let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_owned();
        let target_dir = profile_dir.parent().unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .current_dir(
                std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
            )
            .args([
                "build",
                "--quiet",
                "--locked",
                "-p",
                "credence-cli",
                "--bin",
                "credence",
            ])
            .env("CARGO_TARGET_DIR", target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build.status().expect("running cargo to build credence");
        assert!(status.success(), "cargo build -p credence-cli failed");
        let bin = profile_dir.join(format!("credence{}", std::env::consts::EXE_SUFFIX));
        assert!(bin.exists(), "{} was not built", bin.display());
        bin
    })
}

/// Runs `credence ARGS` to completion.
pub fn credence(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(credence_bin()).args(args).output().unwrap()
}

/// A memory figure of a process from `/proc/PID/status` (`VmRSS` now, `VmHWM` at its peak), in
/// bytes.
pub fn resident(pid: u32, field: &str) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: usize = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap();
    kb * 1024
}

/// A `credence serve --demo` process listening on a free port of 127.0.0.1.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl ServerProcess {
    /// Starts `credence serve --demo` under [`BASE_URL`] with `data_dir` (and the database URL,
    /// if given, else the SQLite default in `data_dir`), administrator token [`ADMIN_TOKEN`], and
    /// any extra arguments; returns once it listens.
    pub fn start(data_dir: &Path, database_url: Option<&str>, extra: &[&str]) -> ServerProcess {
        let mut command = Command::new(credence_bin());
        command
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--base-url",
                BASE_URL,
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra)
            .env(setup::BOOTSTRAP_TOKEN_ENV, ADMIN_TOKEN)
            .env("RUST_LOG", "warn")
            .env_remove("CREDENCE_CONFIG")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(url) = database_url {
            command.arg("--database-url").arg(url);
        }
        let mut child = command.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if let Some(rest) = line.split_once("listening on http://").map(|(_, r)| r) {
                    let addr = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(addr.parse::<SocketAddr>());
                }
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let addr = match rx.recv_timeout(Duration::from_secs(120)) {
            Ok(Ok(addr)) => addr,
            other => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "credence serve did not start ({other:?}); its log:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        ServerProcess { child, addr, log }
    }

    /// A new connection to it.
    pub async fn connect(&self) -> HttpClient {
        HttpClient::connect(self.addr).await.unwrap()
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it with SIGKILL and reaps it.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What it has printed on standard error so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill9();
    }
}

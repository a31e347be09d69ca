//! The `credence` command: serve, issue, admin, audit, keys, sign, verify, bake, unbake, bench.
//!
//! Exit codes: 0 success (for `verify`, a valid verdict; for `audit verify`, an intact chain; for
//! `issue`, every row issued or already issued),
//! 1 a verdict other than valid (or a broken audit chain, or a row `issue` did not issue),
//! 2 unreadable input or wrong usage.

/// `println!` that returns the write's error instead of panicking, so that `credence verify
/// badge.json | head` ends quietly when `head` stops reading (see [`quiet_broken_pipe`]).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout(), $($arg)*)
    }};
}

mod cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: signing and verifying a badge allocate thousands of
/// small strings and maps, and glibc's malloc and free were a fifth of the work (`credence bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Issue and verify Open Badges 3.0 badges.
#[derive(Debug, Parser)]
#[command(name = "credence", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the issuing service (HTTP API, public documents) on the embedded SQLite default.
    Serve(credence_server::ServeArgs),
    /// Issue badges for the completions in a CSV or JSON file (the batch API's rows), with the
    /// configuration of `serve`; one JSON result per row.
    Issue(cmd::issue::IssueArgs),
    /// The Centre's administration on the database: API clients, specifications, providers,
    /// approvals, demo data.
    Admin(cmd::admin::AdminArgs),
    /// The audit log: check its hash chain.
    Audit(cmd::admin::AuditArgs),
    /// Key management.
    #[command(subcommand)]
    Keys(cmd::keys::KeysCommand),
    /// Sign a VC 2.0 credential (eddsa-rdfc-2022 Data Integrity, or VC-JWT).
    Sign(cmd::sign::SignArgs),
    /// Verify a badge: JSON, compact JWT, or a baked PNG/SVG.
    Verify(cmd::verify::VerifyArgs),
    /// Bake a signed credential into a PNG or SVG image.
    Bake(cmd::bake::BakeArgs),
    /// Print the credential baked into a PNG or SVG image.
    Unbake(cmd::bake::UnbakeArgs),
    /// Sign and verify the standard fixture badge N times and print badges/second.
    Bench(cmd::bench::BenchArgs),
    /// Make and sign a Bitstring Status List credential.
    StatusList(cmd::status_list::StatusListArgs),
    /// Print the unsigned standard fixture badge of the sample data.
    Sample(cmd::sample::SampleArgs),
    /// Print the RDFC-1.0 canonical N-Quads of a JSON-LD document.
    Canonicalize(cmd::sample::CanonicalizeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(a) => cmd::serve::run(a),
        Command::Issue(a) => cmd::issue::run(a),
        Command::Admin(a) => cmd::admin::run(a),
        Command::Audit(a) => cmd::admin::run_audit(a),
        Command::Keys(c) => cmd::keys::run(c),
        Command::Sign(a) => cmd::sign::run(a),
        Command::Verify(a) => cmd::verify::run(a),
        Command::Bake(a) => cmd::bake::run_bake(a),
        Command::Unbake(a) => cmd::bake::run_unbake(a),
        Command::Bench(a) => cmd::bench::run(a),
        Command::StatusList(a) => cmd::status_list::run(a),
        Command::Sample(a) => cmd::sample::run_sample(a),
        Command::Canonicalize(a) => cmd::sample::run_canonicalize(a),
    };
    match result {
        Ok(code) => code,
        Err(e) if quiet_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("credence: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Whether `e` is standard output closed by its reader (a pipe into `head`, say): not a failure
/// of the command, so it ends without a message, as Unix tools do.
fn quiet_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

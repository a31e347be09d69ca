//! `credence bench`: sign and verify the standard fixture badge in-process, beside raw Ed25519;
//! `credence bench http`: the whole service over HTTP (in [`super::bench_http`]).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::bail;
use clap::{Args, Subcommand};
use credence_core::fixture::SignedFixture;
use credence_vc::keys::{LocalSigner, Signer};
use serde::Serialize;

/// Arguments of `credence bench`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// Another benchmark than signing and verifying.
    #[command(subcommand)]
    command: Option<BenchCommand>,
    /// How many badges to sign and to verify.
    #[arg(long, default_value_t = 2000)]
    n: u32,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
}

/// The other benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Push N synthetic completions through the HTTP API of an in-process service over a real
    /// socket and print completions/second.
    Http(super::bench_http::HttpArgs),
}

/// What `credence bench --json` prints.
#[derive(Debug, Serialize)]
struct Figures {
    n: u32,
    sign_per_s: f64,
    verify_per_s: f64,
    ed25519_sign_per_s: f64,
    ed25519_verify_per_s: f64,
    badge_bytes: usize,
}

/// Runs `credence bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    if let Some(BenchCommand::Http(http)) = args.command {
        return super::bench_http::run(http);
    }
    if args.n == 0 {
        bail!("--n must be at least 1");
    }
    let fixture = SignedFixture::new()?;
    let report = fixture
        .verifier
        .verify_json(&fixture.signed, &fixture.verify_options());
    if !report.verified {
        bail!(
            "the fixture badge does not verify: {}",
            serde_json::to_string(&report)?
        );
    }
    let SignedFixture {
        verifier,
        signer,
        options,
        unsigned,
        signed,
        ..
    } = &fixture;
    let verify_options = fixture.verify_options();

    let n = args.n;
    let di = verifier.data_integrity();
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(di.sign_rdfc(unsigned, options, signer)?);
    }
    let sign_per_s = f64::from(n) / start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..n {
        let report = verifier.verify_json(std::hint::black_box(signed), &verify_options);
        if !report.verified {
            bail!("verification failed during the benchmark");
        }
    }
    let verify_per_s = f64::from(n) / start.elapsed().as_secs_f64();

    let (ed25519_sign_per_s, ed25519_verify_per_s) = raw_ed25519(signer, n.saturating_mul(10))?;
    let figures = Figures {
        n,
        sign_per_s,
        verify_per_s,
        ed25519_sign_per_s,
        ed25519_verify_per_s,
        badge_bytes: serde_json::to_vec(signed)?.len(),
    };
    if args.json {
        say!("{}", serde_json::to_string(&figures)?)?;
    } else {
        say!(
            "standard fixture badge ({} bytes signed), {n} iterations, one core",
            figures.badge_bytes
        )?;
        say!(
            "  eddsa-rdfc-2022 sign    {:>10.0} badges/s",
            figures.sign_per_s
        )?;
        say!(
            "  full verify             {:>10.0} badges/s",
            figures.verify_per_s
        )?;
        say!(
            "  raw Ed25519 sign        {:>10.0} /s",
            figures.ed25519_sign_per_s
        )?;
        say!(
            "  raw Ed25519 verify      {:>10.0} /s",
            figures.ed25519_verify_per_s
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Raw Ed25519 over a 64-byte message (the size of Data Integrity hash data), for reference.
fn raw_ed25519(signer: &LocalSigner, n: u32) -> anyhow::Result<(f64, f64)> {
    let msg = [42u8; 64];
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(signer.sign(std::hint::black_box(&msg))?);
    }
    let sign = f64::from(n) / start.elapsed().as_secs_f64();
    let signature = signer.sign(&msg)?;
    let public = signer.public_key();
    let start = Instant::now();
    for _ in 0..n {
        credence_vc::keys::verify_signature(&public, std::hint::black_box(&msg), &signature)?;
    }
    let verify = f64::from(n) / start.elapsed().as_secs_f64();
    Ok((sign, verify))
}

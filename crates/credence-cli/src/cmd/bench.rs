//! `credence bench`: sign and verify the standard fixture badge in-process, beside raw Ed25519.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context as _};
use clap::Args;
use credence_core::contexts::ContextStore;
use credence_core::jsonld::JsonLd;
use credence_core::keys::{DidDocument, LocalSigner, SecretKey, Signer, VerificationMethodId};
use credence_core::model::sample;
use credence_core::model::BaseUrl;
use credence_core::proof::{DataIntegrity, ProofOptions};
use credence_core::status::{self, StatusEntry, StatusList};
use credence_core::verify::{LocalKeys, LocalStatusLists, Verifier, VerifyOptions};
use serde::Serialize;
use serde_json::Value;

/// Arguments of `credence bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// How many badges to sign and to verify.
    #[arg(long, default_value_t = 2000)]
    n: u32,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
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
    if args.n == 0 {
        bail!("--n must be at least 1");
    }
    let base = BaseUrl::try_from("https://badges.example.org").context("base URL")?;
    let unsigned = sample::standard_badge(&base)?.into_json();
    let issuer = unsigned
        .pointer("/issuer/id")
        .and_then(Value::as_str)
        .context("the fixture badge has no issuer id")?
        .to_owned();
    // A fixed, well-known seed: this key signs nothing outside the benchmark.
    let key = SecretKey::from_seed(&[7; 32]);
    let public = key.public_key();
    let vm = VerificationMethodId::new(format!("{issuer}#key-1"))?;
    let signer = LocalSigner::new(key, vm.clone());
    let di = DataIntegrity::new(JsonLd::new(ContextStore::pinned()?));
    let options = ProofOptions {
        verification_method: vm.clone(),
        created: "2024-07-12T09:00:00Z".to_owned(),
    };

    // The status lists the badge points at, signed by the same issuer.
    let mut lists = LocalStatusLists::new();
    for entry in StatusEntry::all_in(&unsigned)? {
        let list = status::list_credential(
            &entry.list_url,
            &issuer,
            entry.purpose,
            &StatusList::new(status::MIN_LIST_LEN)?,
            "2024-01-01T00:00:00Z",
            None,
        );
        lists.add(di.sign_rdfc(&list, &options, &signer)?);
    }
    let mut keys = LocalKeys::new();
    keys.add(DidDocument::from_keys(issuer, [(&vm, &public)])?);

    let signed = di.sign_rdfc(&unsigned, &options, &signer)?;
    let verifier = Verifier::new(di);
    let verify_options = VerifyOptions {
        at: sample::fixture_now(),
        keys: &keys,
        status: &lists,
        known_identifier: None,
    };
    let report = verifier.verify_json(&signed, &verify_options);
    if !report.verified {
        bail!(
            "the fixture badge does not verify: {}",
            serde_json::to_string(&report)?
        );
    }

    let n = args.n;
    let di = verifier.data_integrity();
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(di.sign_rdfc(&unsigned, &options, &signer)?);
    }
    let sign_per_s = f64::from(n) / start.elapsed().as_secs_f64();

    let start = Instant::now();
    for _ in 0..n {
        let report = verifier.verify_json(std::hint::black_box(&signed), &verify_options);
        if !report.verified {
            bail!("verification failed during the benchmark");
        }
    }
    let verify_per_s = f64::from(n) / start.elapsed().as_secs_f64();

    let (ed25519_sign_per_s, ed25519_verify_per_s) = raw_ed25519(&signer, n.saturating_mul(10))?;
    let figures = Figures {
        n,
        sign_per_s,
        verify_per_s,
        ed25519_sign_per_s,
        ed25519_verify_per_s,
        badge_bytes: serde_json::to_vec(&signed)?.len(),
    };
    if args.json {
        println!("{}", serde_json::to_string(&figures)?);
    } else {
        println!(
            "standard fixture badge ({} bytes signed), {n} iterations, one core",
            figures.badge_bytes
        );
        println!(
            "  eddsa-rdfc-2022 sign    {:>10.0} badges/s",
            figures.sign_per_s
        );
        println!(
            "  full verify             {:>10.0} badges/s",
            figures.verify_per_s
        );
        println!(
            "  raw Ed25519 sign        {:>10.0} /s",
            figures.ed25519_sign_per_s
        );
        println!(
            "  raw Ed25519 verify      {:>10.0} /s",
            figures.ed25519_verify_per_s
        );
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
        credence_core::keys::verify_signature(&public, std::hint::black_box(&msg), &signature)?;
    }
    let verify = f64::from(n) / start.elapsed().as_secs_f64();
    Ok((sign, verify))
}

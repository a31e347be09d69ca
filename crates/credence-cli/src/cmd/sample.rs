//! `credence sample` and `credence canonicalize`: fixtures and a look inside the proof pipeline.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use credence_core::model::{sample, BaseUrl};

use super::{data_integrity, read_json, ExtraContext};

/// Arguments of `credence sample`.
#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The issuer's public base URL; the issuer is its `did:web`.
    #[arg(long, default_value = "https://badges.example.org")]
    base_url: String,
}

/// Arguments of `credence canonicalize`.
#[derive(Debug, Args)]
pub struct CanonicalizeArgs {
    /// Allow one more JSON-LD context for this run: URL=FILE (repeatable).
    #[arg(long = "context", value_name = "URL=FILE")]
    contexts: Vec<ExtraContext>,
    /// The JSON-LD document; `-` for standard input.
    input: PathBuf,
}

/// Prints the unsigned standard fixture badge (Amira Okafor's CS-OPF badge from the sample data).
pub fn run_sample(args: SampleArgs) -> anyhow::Result<ExitCode> {
    let base = BaseUrl::try_from(args.base_url.as_str()).context("--base-url")?;
    let badge = sample::standard_badge(&base)?;
    say!("{}", serde_json::to_string_pretty(badge.as_json())?)?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the RDFC-1.0 canonical N-Quads of a JSON-LD document (the `transform` stage).
pub fn run_canonicalize(args: CanonicalizeArgs) -> anyhow::Result<ExitCode> {
    let doc = read_json(&args.input)?;
    let nquads = data_integrity(&args.contexts)?
        .transform_rdfc(&doc)
        .context("canonicalizing")?;
    print!("{nquads}");
    Ok(ExitCode::SUCCESS)
}

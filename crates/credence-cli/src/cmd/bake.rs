//! `credence bake` and `credence unbake`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use credence_core::bake::{self, Baked};

use super::{read_bytes, read_text};

/// Arguments of `credence bake`.
#[derive(Debug, Args)]
pub struct BakeArgs {
    /// The badge image, PNG or SVG.
    #[arg(long)]
    image: PathBuf,
    /// The signed credential: JSON or compact JWT.
    #[arg(long)]
    credential: PathBuf,
    /// Where to write the baked image.
    #[arg(long)]
    out: PathBuf,
}

/// Arguments of `credence unbake`.
#[derive(Debug, Args)]
pub struct UnbakeArgs {
    /// The baked image, PNG or SVG.
    input: PathBuf,
}

/// Runs `credence bake`.
pub fn run_bake(args: BakeArgs) -> anyhow::Result<ExitCode> {
    let image = read_bytes(&args.image)?;
    let credential = read_text(&args.credential)?;
    let baked = bake::bake(&image, credential.trim_end()).context("baking")?;
    std::fs::write(&args.out, baked).with_context(|| format!("writing {}", args.out.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `credence unbake`.
pub fn run_unbake(args: UnbakeArgs) -> anyhow::Result<ExitCode> {
    let image = read_bytes(&args.input)?;
    match bake::unbake(&image).context("unbaking")? {
        Baked::Json(text) | Baked::Jwt(text) => say!("{text}")?,
    }
    Ok(ExitCode::SUCCESS)
}

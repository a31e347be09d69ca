//! `credence serve`: runs the issuing service.

use std::process::ExitCode;

use anyhow::Context as _;
use credence_server::{Config, ServeArgs};

/// Resolves the configuration and serves until SIGINT/SIGTERM.
pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = Config::resolve(&args).context("reading the configuration")?;
    super::runtime()?.block_on(credence_server::serve(config))?;
    Ok(ExitCode::SUCCESS)
}

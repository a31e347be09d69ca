//! `credence issue FILE`: issues badges for the completions in a CSV or JSON file, through the
//! same use case and with the same configuration as `credence serve` and its batch API.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use credence_app::Acting;
use credence_server::routes::completions::{batch_answer, submit};
use credence_server::wire::{parse_csv_batch, parse_json_batch};
use credence_server::{Config, ServeArgs};

/// Arguments of `credence issue`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// The completions: a CSV file with a header row (the batch API's columns), or a JSON file
    /// `{"completions": [...]}`; `.json` files are read as JSON, anything else as CSV.
    pub file: PathBuf,
    /// The service's configuration (database, data directory, base URL, issuer profile), as for
    /// `credence serve`.
    #[command(flatten)]
    pub config: ServeArgs,
}

/// Issues a badge for each row and prints one JSON result per row, in order (the batch API's
/// results). Exit 0 when every row was issued or already issued, 1 when any was refused.
pub fn run(args: IssueArgs) -> anyhow::Result<ExitCode> {
    let config = Config::resolve(&args.config).context("reading the configuration")?;
    // The batch API's body limit: a file the API would refuse is refused here too, before it is
    // read into memory or the database is opened.
    let limit = config.max_batch_body_bytes();
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("reading {}", args.file.display()))?
        .len();
    if usize::try_from(size).map_or(true, |size| size > limit) {
        anyhow::bail!(
            "{} has {size} bytes, more than the {limit} a batch may have (split the file)",
            args.file.display()
        );
    }
    let body =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let is_json = args
        .file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let rows = if is_json {
        parse_json_batch(&body)
    } else {
        parse_csv_batch(&body)
    }
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    if rows.len() > config.max_batch_rows {
        anyhow::bail!(
            "{} has {} rows; at most {} are issued at once",
            args.file.display(),
            rows.len(),
            config.max_batch_rows
        );
    }
    let answer = super::runtime()?.block_on(async {
        let (state, _) = credence_server::setup::open(config).await?;
        let acting = Acting {
            actor: super::admin::actor(),
            provider: None,
        };
        let outcomes = submit(&state, &acting, rows)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        anyhow::Ok(batch_answer(&state, outcomes))
    })?;
    let mut all_issued = true;
    for row in &answer.results {
        all_issued &= row.status == 200 || row.status == 201;
        say!("{}", serde_json::to_string(row)?)?;
    }
    Ok(if all_issued {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

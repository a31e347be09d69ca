//! `credence sign`: sign any VC 2.0 credential with eddsa-rdfc-2022, or as a VC-JWT.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use credence_vc::jwt;
use credence_vc::keys::Signer as _;
use credence_vc::model::RelatedResources;
use credence_vc::proof::ProofOptions;

use super::{data_integrity, parse_time, read_json, ExtraContext, SignerArgs};

/// The secured form to produce.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// A Data Integrity `eddsa-rdfc-2022` proof embedded in the JSON.
    Di,
    /// An Open Badges 3.0 VC-JWT (claims `vc`, `iss`, `jti`, `sub`, `nbf`, `exp`).
    Jwt,
    /// A W3C VC-JOSE-COSE JWT (`typ` `vc+jwt`, the credential as payload).
    VcJose,
}

/// Arguments of `credence sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    signer: SignerArgs,
    /// The proof's `created` time (RFC 3339); the current time when absent.
    #[arg(long, value_parser = parse_time)]
    created: Option<chrono::DateTime<chrono::Utc>>,
    /// The output form.
    #[arg(long, value_enum, default_value = "di")]
    format: Format,
    /// Allow one more JSON-LD context for this run: URL=FILE (repeatable).
    #[arg(long = "context", value_name = "URL=FILE")]
    contexts: Vec<ExtraContext>,
    /// The unsigned credential (JSON); `-` for standard input.
    input: PathBuf,
}

/// Runs `credence sign`.
pub fn run(args: SignArgs) -> anyhow::Result<ExitCode> {
    let signer = args.signer.signer()?;
    let vm = signer.verification_method().clone();
    let credential = read_json(&args.input)?;
    let di = data_integrity(&args.contexts)?;
    // The same data model rules for every form; `sign_rdfc` checks them itself, the JWT forms
    // have no JSON-LD processor of their own.
    credence_vc::model::check(di.jsonld(), &credential, &RelatedResources::new())
        .context("not signed")?;
    let out = match args.format {
        Format::Di => {
            let created = args.created.unwrap_or_else(chrono::Utc::now);
            let options = ProofOptions {
                verification_method: vm,
                created: created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            };
            let signed = di
                .sign_rdfc(&credential, &options, &signer)
                .context("signing")?;
            serde_json::to_string_pretty(&signed)?
        }
        Format::Jwt => jwt::sign_ob3_jwt(&credential, &signer).context("signing")?,
        Format::VcJose => jwt::sign_vc_jose(&credential, &signer).context("signing")?,
    };
    say!("{out}")?;
    Ok(ExitCode::SUCCESS)
}

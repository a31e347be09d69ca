//! `credence status-list`: make and sign a Bitstring Status List credential.

use std::process::ExitCode;

use clap::Args;
use credence_vc::keys::Signer as _;
use credence_vc::proof::ProofOptions;
use credence_vc::status::{self, StatusList, StatusPurpose};

use super::{data_integrity, parse_time, SignerArgs};

/// Arguments of `credence status-list`.
#[derive(Debug, Args)]
pub struct StatusListArgs {
    /// The URL the list is published at (the badges' `statusListCredential`).
    #[arg(long)]
    url: String,
    /// The issuer id (must be the controller of the verification method).
    #[arg(long)]
    issuer: String,
    /// What a set bit means: `revocation` or `suspension`.
    #[arg(long, value_parser = parse_purpose, default_value = "revocation")]
    purpose: StatusPurpose,
    /// The number of entries (a multiple of 8; at least 131,072 for herd privacy).
    #[arg(long, default_value_t = status::MIN_LIST_LEN)]
    size: usize,
    /// An index whose bit is set (repeatable).
    #[arg(long = "set", value_name = "INDEX")]
    set: Vec<u64>,
    #[command(flatten)]
    signer: SignerArgs,
    /// `validFrom` and the proof's `created` (RFC 3339); the current time when absent.
    #[arg(long, value_parser = parse_time)]
    created: Option<chrono::DateTime<chrono::Utc>>,
}

fn parse_purpose(s: &str) -> Result<StatusPurpose, String> {
    StatusPurpose::parse(s).map_err(|e| e.to_string())
}

/// Runs `credence status-list`.
pub fn run(args: StatusListArgs) -> anyhow::Result<ExitCode> {
    let signer = args.signer.signer()?;
    let vm = signer.verification_method().clone();
    let mut list = StatusList::new(args.size)?;
    for index in args.set {
        list.set(index, true)?;
    }
    let created = args
        .created
        .unwrap_or_else(chrono::Utc::now)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let unsigned =
        status::list_credential(&args.url, &args.issuer, args.purpose, &list, &created, None);
    let options = ProofOptions {
        verification_method: vm,
        created,
    };
    let signed = data_integrity(&[])?.sign_rdfc(&unsigned, &options, &signer)?;
    say!("{}", serde_json::to_string_pretty(&signed)?)?;
    Ok(ExitCode::SUCCESS)
}

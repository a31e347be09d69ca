//! `credence verify`: verify a badge, or a presentation and each credential it holds, and print
//! the report.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context as _;
use clap::Args;
use credence_app::{JudgeAt, LocalResolver, PresentationRequest, VerifyRequest, Verifying};
use credence_core::badge::KnownIdentifier;
use credence_core::verify::Verifier;
use credence_ld::budget::Budget;
use credence_vc::keys::DidDocument;
use credence_vc::verify::{
    Check, CheckName, LocalKeys, LocalStatusLists, Outcome, PresentationOptions, TrustedIssuers,
};
use serde_json::Value;

use super::{data_integrity, parse_time, read_bytes, read_json, read_text, ExtraContext};

/// Arguments of `credence verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The badge: JSON, compact JWT, PNG or SVG; `-` for standard input.
    input: PathBuf,
    /// Print the whole report as JSON.
    #[arg(long)]
    json: bool,
    /// Judge validity at this time (RFC 3339) instead of now.
    #[arg(long, value_parser = parse_time)]
    at: Option<chrono::DateTime<chrono::Utc>>,
    /// A controller (DID) document of an issuer (repeatable); did:key needs none.
    #[arg(long = "did-doc", value_name = "FILE")]
    did_docs: Vec<PathBuf>,
    /// A status list credential (repeatable), found by its id.
    #[arg(long = "status-list", value_name = "FILE")]
    status_lists: Vec<PathBuf>,
    /// An identifier the recipient should match, e.g. `emailAddress:a@b.example` or `ext:NMCPIN:99A9001E`.
    #[arg(long, value_name = "TYPE:VALUE")]
    known_identifier: Option<String>,
    /// Accept only badges issued by this issuer id (repeatable); without it any issuer whose
    /// key resolves is accepted, and the report names the issuer for you to judge.
    #[arg(long = "trust", value_name = "ISSUER")]
    trust: Vec<String>,
    /// Hold this issuer's badges to the Open Badges 3.0 JSON Schema (repeatable): a deviation is
    /// `malformed`. Any other issuer's deviation is reported as a warning.
    #[arg(long = "strict-schema", value_name = "ISSUER")]
    strict_schema: Vec<String>,
    /// Allow one more JSON-LD context for this run: URL=FILE (repeatable).
    #[arg(long = "context", value_name = "URL=FILE")]
    contexts: Vec<ExtraContext>,
    /// For a presentation: the challenge its holder's proof must answer.
    #[arg(long)]
    challenge: Option<String>,
    /// For a presentation: the domain its holder's proof must name.
    #[arg(long)]
    domain: Option<String>,
}

/// The input as a presentation, when it is a JSON object whose `type` names
/// `VerifiablePresentation` (only to choose what to verify; the verifier reads the signed RDF).
fn as_presentation(input: &[u8]) -> Option<Value> {
    let value: Value = serde_json::from_slice(input).ok()?;
    let is_vp = match value.get("type") {
        Some(Value::String(t)) => t == "VerifiablePresentation",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "VerifiablePresentation"),
        _ => false,
    };
    is_vp.then_some(value)
}

/// Runs `credence verify`.
pub fn run(args: VerifyArgs) -> anyhow::Result<ExitCode> {
    let input = read_bytes(&args.input)?;
    let mut keys = LocalKeys::new();
    for path in &args.did_docs {
        let doc: DidDocument = serde_json::from_str(&read_text(path)?)
            .with_context(|| format!("{} is not a DID document", path.display()))?;
        keys.add(doc);
    }
    let mut lists = LocalStatusLists::new();
    for path in &args.status_lists {
        if !lists.add(read_json(path)?) {
            anyhow::bail!("{} has no id", path.display());
        }
    }
    let known = args
        .known_identifier
        .as_deref()
        .map(str::parse::<KnownIdentifier>)
        .transpose()
        .context("--known-identifier")?;
    let trusted = if args.trust.is_empty() {
        TrustedIssuers::any()
    } else {
        TrustedIssuers::only(args.trust.iter().cloned())
    };
    let verifying = Verifying {
        verifier: Arc::new(
            Verifier::new(data_integrity(&args.contexts)?)
                .with_strict_schema(TrustedIssuers::only(args.strict_schema.iter().cloned())),
        ),
        trusted,
    };
    let request = VerifyRequest {
        input,
        at: JudgeAt::Time(args.at.unwrap_or_else(chrono::Utc::now)),
        known_identifier: known,
        budget: Budget::default(),
    };
    let resolver = LocalResolver { keys, lists };
    if let Some(presentation) = as_presentation(&request.input) {
        let expected = PresentationOptions::from_parts(args.challenge, args.domain);
        return verify_presentation(
            &verifying,
            presentation,
            expected,
            &request,
            &resolver,
            args.json,
        );
    }
    // The command's one entry into async code: the use case runs its CPU steps on the runtime's
    // blocking pool and resolves from the files given.
    let report = super::runtime()?.block_on(verifying.verify(request, &resolver))?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        let verdict = serde_json::to_value(report.verdict)?;
        say!("verdict: {}", verdict.as_str().unwrap_or("?"))?;
        if let Some(issuer) = &report.credential.issuer {
            // The issuer is its id; the name is only what the credential says of itself.
            match &report.credential.issuer_name {
                Some(name) => say!("issuer:  {issuer} (calls itself {name:?})")?,
                None => say!("issuer:  {issuer}")?,
            }
        }
        print_checks(&report.checks)?;
    }
    Ok(if report.verified {
        ExitCode::SUCCESS
    } else if report.outcome(CheckName::Parsed) == Outcome::Fail {
        // The input is not a badge at all: "cannot be read", not "invalid".
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    })
}

/// Prints one line per check.
fn print_checks(checks: &[Check]) -> anyhow::Result<()> {
    for c in checks {
        let mark = match c.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "FAIL",
            Outcome::Warning => "warn",
            _ => "  - ",
        };
        let name = serde_json::to_value(c.check)?;
        say!(
            "  [{mark}] {:<15} {}",
            name.as_str().unwrap_or("?"),
            c.reason
        )?;
    }
    Ok(())
}

/// Verifies a presentation's proof, then each credential it holds as `request` would verify a
/// badge. Exit 0 when all verified, 1 when any did not.
fn verify_presentation(
    verifying: &Verifying,
    presentation: Value,
    expected: PresentationOptions,
    request: &VerifyRequest,
    resolver: &LocalResolver,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let runtime = super::runtime()?;
    let asked = PresentationRequest {
        presentation,
        expected,
        budget: request.budget.clone(),
    };
    let report = runtime.block_on(verifying.verify_presentation(asked, resolver))?;
    let mut credentials = Vec::with_capacity(report.credentials.len());
    for credential in &report.credentials {
        // An enveloped credential is verified as the VC-JWT it carries.
        let input = match credence_vc::jwt::enveloped(credential).flatten() {
            Some(jwt) => jwt.as_bytes().to_vec(),
            None => serde_json::to_vec(credential)?,
        };
        let one = VerifyRequest {
            input,
            at: request.at.clone(),
            known_identifier: request.known_identifier.clone(),
            budget: request.budget.clone(),
        };
        credentials.push(runtime.block_on(verifying.verify(one, resolver))?);
    }
    let verified = report.verified && credentials.iter().all(|c| c.verified);
    if json {
        let out = serde_json::json!({
            "verified": verified,
            "presentation": report,
            "credentials": credentials,
        });
        say!("{}", serde_json::to_string_pretty(&out)?)?;
    } else {
        say!(
            "presentation: {}",
            if report.verified {
                "verified"
            } else {
                "NOT verified"
            }
        )?;
        if let Some(holder) = &report.holder {
            say!("holder:  {holder}")?;
        }
        print_checks(&report.checks)?;
        for (i, c) in credentials.iter().enumerate() {
            let verdict = serde_json::to_value(c.verdict)?;
            say!("credential {}: {}", i + 1, verdict.as_str().unwrap_or("?"))?;
            print_checks(&c.checks)?;
        }
    }
    Ok(if verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

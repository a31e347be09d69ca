//! `credence admin …` and `credence audit verify`: the Centre's administration, acting on the
//! database directly through the same rules as the HTTP API ([`credence_app::admin`]), audited
//! as `cli:<user>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use credence_app::admin;
use credence_app::status::{change_status, StatusChange};
use credence_core::admin::Added;
use credence_core::model::{ApprovalChange, ApprovalId, ApprovalStatus, BadgeId, ProviderId};
use credence_core::status::StatusReason;
use credence_store::{
    Actor, ApiClientId, BadgeFilter, BadgeStatus, ChainCheck, SlotStatus, Stamp, Store,
};
use serde::de::DeserializeOwned;

/// The database `credence serve` uses with its default data directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://credence-data/credence.db";

/// `--database-url`: the database to act on.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://FILE` or `postgres://...`: the database `credence serve` uses.
    #[arg(long, env = "CREDENCE_DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
}

/// Arguments of `credence admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// API clients and their bearer tokens.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Credential specification versions.
    #[command(subcommand)]
    Spec(SpecCommand),
    /// Education providers.
    #[command(subcommand)]
    Provider(ProviderCommand),
    /// Providers' approvals and their status changes.
    #[command(subcommand)]
    Approval(ApprovalCommand),
    /// Issued badges and their status: list, show, revoke, suspend, reinstate.
    #[command(subcommand)]
    Badge(BadgeCommand),
    /// Load the sample specifications, providers and approvals of DOMAIN.md (idempotent).
    Demo,
}

#[derive(Debug, Subcommand)]
enum BadgeCommand {
    /// List badges, oldest first: id, provider, reference, specification, version, issued at.
    List {
        /// Only this provider's (UKPRN).
        #[arg(long)]
        provider: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Show one badge's record and status as JSON (not its credential).
    Show {
        /// The badge id (`urn:uuid:...` or the bare UUID).
        id: String,
    },
    /// Revoke a badge, for good: every verifier reports it revoked from now on.
    Revoke(StatusArgs),
    /// Suspend a badge until it is reinstated.
    Suspend(StatusArgs),
    /// Lift a badge's suspension.
    Reinstate {
        /// The badge id.
        id: String,
        /// A note for the record.
        #[arg(long)]
        note: Option<String>,
    },
}

/// A badge and why its status changes.
#[derive(Debug, Args)]
struct StatusArgs {
    /// The badge id (`urn:uuid:...` or the bare UUID).
    id: String,
    /// Why: issued_in_error, completion_withdrawn, academic_misconduct, under_investigation or
    /// other.
    #[arg(long)]
    reason: StatusReason,
    /// A note for the record.
    #[arg(long)]
    note: Option<String>,
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Create an API client and print it as JSON with its token (shown once; only its hash is kept).
    Create {
        /// A label, e.g. "University of Leeds registry".
        #[arg(long)]
        name: String,
        /// `admin`, or `provider:<UKPRN>` for a known provider.
        #[arg(long)]
        scope: String,
    },
    /// List API clients: id, scope, state, name.
    List,
    /// Revoke an API client: its token stops working at once.
    Revoke {
        /// The client id.
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum SpecCommand {
    /// Add specification versions from a JSON file (one document or an array); a stored version
    /// may only have its status history extended.
    Add {
        /// The JSON file (`-` for standard input).
        file: PathBuf,
    },
    /// List specification versions: code, version, status today, title.
    List,
}

#[derive(Debug, Subcommand)]
enum ProviderCommand {
    /// Add providers from a JSON file (one document or an array).
    Add {
        /// The JSON file (`-` for standard input).
        file: PathBuf,
        /// Replace a stored provider with the same UKPRN (its name or website changed).
        #[arg(long)]
        replace: bool,
    },
    /// List providers: UKPRN, name, website.
    List,
}

#[derive(Debug, Subcommand)]
enum ApprovalCommand {
    /// Add approvals from a JSON file (one document or an array).
    Add {
        /// The JSON file (`-` for standard input).
        file: PathBuf,
    },
    /// Record a status change of an approval (e.g. suspended, approved to reinstate, withdrawn).
    Change {
        /// The approval id, e.g. AP-004.
        id: String,
        /// approved, approved_with_conditions, suspended, withdrawn or expired.
        #[arg(long, value_parser = parse_status)]
        status: ApprovalStatus,
        /// The first day the change applies (YYYY-MM-DD), after the last recorded change.
        #[arg(long)]
        on: NaiveDate,
        /// Why, in words.
        #[arg(long)]
        reason: Option<String>,
    },
    /// List approvals: id, provider, specification, version, status today.
    List {
        /// Only this provider's approvals (UKPRN).
        #[arg(long)]
        provider: Option<String>,
    },
}

/// Arguments of `credence audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    db: DatabaseArgs,
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain: exit 0 if intact, 1 at the first altered or deleted row.
    Verify,
}

fn parse_status(s: &str) -> Result<ApprovalStatus, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
        "expected approved, approved_with_conditions, suspended, withdrawn or expired".to_owned()
    })
}

/// How the audit log names this operator: `cli:$USER`, or `cli:operator`.
pub(crate) fn actor() -> Actor {
    let user = std::env::var("USER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "operator".to_owned());
    Actor::cli(&user)
}

/// Opens the store. A missing SQLite file is created only for commands that write.
async fn open(db: &DatabaseArgs, create: bool) -> anyhow::Result<Arc<dyn Store>> {
    let url = db.database_url.as_str();
    // The database holds revocation reasons and registration digests: private, as `serve` keeps it.
    credence_server::setup::private_umask();
    if let Some(path) = sqlite_path(url) {
        if !path.exists() {
            if !create {
                bail!(
                    "no database at {} (pass --database-url, or set CREDENCE_DATABASE_URL)",
                    path.display()
                );
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
    }
    credence_server::setup::private_sqlite_files(url)?;
    credence_store::connect(url)
        .await
        .context("opening the database")
}

/// The file of a `sqlite://FILE` URL (not for in-memory databases).
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let file = rest.split('?').next().unwrap_or("");
    (!file.is_empty() && !file.contains(":memory:")).then(|| PathBuf::from(file))
}

/// Reads one JSON document, or an array of them.
fn documents<T: DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let value = super::read_json(path)?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            serde_json::from_value(v)
                .with_context(|| format!("{} (document {})", path.display(), i + 1))
        })
        .collect()
}

fn report(added: Added, what: &str) -> std::io::Result<()> {
    say!("{} {what}", added.as_str())
}

/// Runs `credence admin …`.
pub fn run(args: AdminArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(admin_command(args))
}

async fn admin_command(args: AdminArgs) -> anyhow::Result<ExitCode> {
    let writes = !matches!(
        args.command,
        AdminCommand::Client(ClientCommand::List)
            | AdminCommand::Spec(SpecCommand::List)
            | AdminCommand::Provider(ProviderCommand::List)
            | AdminCommand::Approval(ApprovalCommand::List { .. })
            | AdminCommand::Badge(BadgeCommand::List { .. } | BadgeCommand::Show { .. })
    );
    let store = open(&args.db, writes).await?;
    let store = store.as_ref();
    let stamp = Stamp::new(actor(), chrono::Utc::now());
    match args.command {
        AdminCommand::Client(c) => client(store, &stamp, c).await?,
        AdminCommand::Spec(SpecCommand::Add { file }) => {
            for raw in documents(&file)? {
                let (spec, added) = admin::add_specification(store, &stamp, raw).await?;
                report(
                    added,
                    &format!("specification {} {}", spec.id(), spec.version()),
                )?;
            }
        }
        AdminCommand::Spec(SpecCommand::List) => {
            let today = chrono::Utc::now().date_naive();
            for s in store.list_specifications().await? {
                let status = s.status_on(today).map_or("-", |s| s.as_str());
                say!("{}\t{}\t{status}\t{}", s.id(), s.version(), s.title())?;
            }
        }
        AdminCommand::Provider(ProviderCommand::Add { file, replace }) => {
            for raw in documents(&file)? {
                let (provider, added) = if replace {
                    admin::replace_provider(store, &stamp, raw).await?
                } else {
                    admin::add_provider(store, &stamp, raw).await?
                };
                report(added, &format!("provider {}", provider.ukprn()))?;
            }
        }
        AdminCommand::Provider(ProviderCommand::List) => {
            for p in store.list_providers().await? {
                let url = p.url().map_or("-", |u| u.as_str());
                say!("{}\t{}\t{url}", p.ukprn(), p.name())?;
            }
        }
        AdminCommand::Approval(c) => approval(store, &stamp, c).await?,
        AdminCommand::Badge(c) => badge(store, &stamp, c).await?,
        AdminCommand::Demo => {
            credence_server::setup::load_demo(store, &stamp).await?;
            say!("loaded the sample specifications, providers and approvals")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A badge id as given: `urn:uuid:...` or the bare UUID.
fn badge_id(id: &str) -> anyhow::Result<BadgeId> {
    let id = id.trim();
    let full = if id.starts_with("urn:uuid:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    };
    Ok(BadgeId::try_from(full.as_str())?)
}

/// A badge's status as JSON: each bit, with its last change.
fn status_json(status: &BadgeStatus) -> serde_json::Value {
    let slot = |s: &SlotStatus| {
        serde_json::json!({
            "set": s.set,
            "reason": s.reason.map(|r| r.as_str()),
            "note": s.note,
            "changed_at": s.changed_at,
            "changed_by": s.changed_by,
        })
    };
    serde_json::json!({
        "badge_id": status.badge.as_str(),
        "revoked": status.is_revoked(),
        "suspended": status.is_suspended(),
        "revocation": slot(&status.revocation),
        "suspension": slot(&status.suspension),
    })
}

async fn badge(store: &dyn Store, stamp: &Stamp, command: BadgeCommand) -> anyhow::Result<()> {
    let change = match command {
        BadgeCommand::List { provider, limit } => {
            let filter = BadgeFilter {
                provider: provider.as_deref().map(ProviderId::try_from).transpose()?,
                ..BadgeFilter::default()
            };
            let page = store
                .list_badges(&filter, None, limit.clamp(1, 1000))
                .await?;
            for b in page.items {
                say!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    b.id,
                    b.provider,
                    b.provider_reference,
                    b.specification,
                    b.version,
                    b.issued_at.to_rfc3339()
                )?;
            }
            return Ok(());
        }
        BadgeCommand::Show { id } => {
            let id = badge_id(&id)?;
            let b = store
                .badge(&id)
                .await?
                .with_context(|| format!("no badge {id}"))?;
            let status = store.badge_status(&id).await?;
            let answer = serde_json::json!({
                "badge_id": b.id.as_str(),
                "provider": b.provider.as_str(),
                "provider_reference": b.provider_reference.as_str(),
                "specification": b.specification.as_str(),
                "version": b.version.as_str(),
                "completed_on": b.completed_on,
                "issued_at": b.issued_at,
                "verification_method": b.verification_method.as_str(),
                "status": status.as_ref().map(status_json),
            });
            say!("{}", serde_json::to_string_pretty(&answer)?)?;
            return Ok(());
        }
        BadgeCommand::Revoke(a) => (
            a.id,
            StatusChange::Revoke {
                reason: a.reason,
                note: a.note,
            },
        ),
        BadgeCommand::Suspend(a) => (
            a.id,
            StatusChange::Suspend {
                reason: a.reason,
                note: a.note,
            },
        ),
        BadgeCommand::Reinstate { id, note } => (id, StatusChange::Reinstate { note }),
    };
    let (id, change) = change;
    let status = change_status(store, stamp, &badge_id(&id)?, &change).await?;
    say!("{}", serde_json::to_string_pretty(&status_json(&status))?)?;
    Ok(())
}

async fn client(store: &dyn Store, stamp: &Stamp, command: ClientCommand) -> anyhow::Result<()> {
    match command {
        ClientCommand::Create { name, scope } => {
            let (client, token) = admin::create_client(store, stamp, &name, &scope).await?;
            let answer = serde_json::json!({
                "id": client.id.0,
                "name": client.name,
                "scope": client.scope.to_string(),
                "created_at": client.created_at,
                "token": token,
            });
            say!("{}", serde_json::to_string_pretty(&answer)?)?;
            eprintln!("credence: the token is shown only this once; keep it safe");
        }
        ClientCommand::List => {
            for c in store.list_api_clients().await? {
                let state = match c.revoked_at {
                    Some(at) => format!("revoked {}", at.to_rfc3339()),
                    None => "active".to_owned(),
                };
                say!("{}\t{}\t{state}\t{}", c.id, c.scope, c.name)?;
            }
        }
        ClientCommand::Revoke { id } => {
            let c = admin::revoke_client(store, stamp, ApiClientId(id)).await?;
            say!("revoked API client {} ({})", c.id, c.name)?;
        }
    }
    Ok(())
}

async fn approval(
    store: &dyn Store,
    stamp: &Stamp,
    command: ApprovalCommand,
) -> anyhow::Result<()> {
    match command {
        ApprovalCommand::Add { file } => {
            for raw in documents(&file)? {
                let (a, added) = admin::add_approval(store, stamp, raw).await?;
                report(added, &format!("approval {}", a.id()))?;
            }
        }
        ApprovalCommand::Change {
            id,
            status,
            on,
            reason,
        } => {
            let id = ApprovalId::try_from(id.as_str())?;
            let change = ApprovalChange {
                status,
                effective: on,
                note: reason,
            };
            let a = admin::change_approval(store, stamp, &id, change).await?;
            say!(
                "approval {}: {} from {on} ({} changes recorded)",
                a.id(),
                status.as_str(),
                a.history().len()
            )?;
        }
        ApprovalCommand::List { provider } => {
            let provider = provider
                .as_deref()
                .map(ProviderId::try_from)
                .transpose()
                .context("--provider")?;
            let today = chrono::Utc::now().date_naive();
            for a in store.list_approvals(provider.as_ref()).await? {
                let status = a.status_on(today).map_or("-", |s| s.as_str());
                say!(
                    "{}\t{}\t{}\t{}\t{status}",
                    a.id(),
                    a.provider(),
                    a.specification(),
                    a.version()
                )?;
            }
        }
    }
    Ok(())
}

/// Runs `credence audit …`: exit 0 when the chain is intact, 1 when it is broken.
pub fn run_audit(args: AuditArgs) -> anyhow::Result<ExitCode> {
    super::runtime()?.block_on(async {
        let store = open(&args.db, false).await?;
        match args.command {
            AuditCommand::Verify => match store.verify_audit_chain().await? {
                ChainCheck::Intact { rows } => {
                    say!("audit log intact: {rows} rows checked")?;
                    Ok(ExitCode::SUCCESS)
                }
                ChainCheck::Broken(b) => {
                    say!(
                        "audit log broken at row {}: {} ({})",
                        b.row_id,
                        b.reason,
                        b.reason.code()
                    )?;
                    Ok(ExitCode::from(1))
                }
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://credence-data/credence.db"),
            Some(PathBuf::from("credence-data/credence.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:///var/lib/c.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/c.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://db/credence"), None);
    }

    #[test]
    fn statuses() {
        assert_eq!(parse_status("suspended"), Ok(ApprovalStatus::Suspended));
        assert!(parse_status("Suspended").is_err());
    }
}

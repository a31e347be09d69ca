//! Start-up: the data directory (0700, its files 0600), the issuer key (generated on first start),
//! the store, the first administrator token, and the demo data.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use credence_core::badge::RegistrationKey;
use credence_core::model::{sample, BaseUrl};
use credence_core::verify::Verifier;
use credence_ld::budget::Cancel;
use credence_ld::jsonld::JsonLd;
use credence_store::{Actor, NewApiClient, Scope, Stamp, Store, StoreError, TokenHash};
use credence_vc::keys::{LocalSigner, PublicKey, SecretKey, VerificationMethodId};
use credence_vc::proof::DataIntegrity;
use credence_vc::verify::TrustedIssuers;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::metrics::Metrics;
use crate::ratelimit::{KeyedLimiter, Rate};
use crate::state::AppState;
use credence_app::admin::new_token;
use credence_app::claims::{ClaimKeys, CLAIM_SECRET_FILE, REGISTRATION_SECRET_FILE};
use credence_app::clock::{Clock, SystemClock};
use credence_app::Issuer;

/// The issuer key file in the data directory.
pub const KEY_FILE: &str = "issuer-key.pem";

/// Environment variable holding the first administrator token.
pub const BOOTSTRAP_TOKEN_ENV: &str = "CREDENCE_BOOTSTRAP_TOKEN";

/// What start-up did that the operator should hear about.
#[derive(Debug, Default)]
pub struct Startup {
    /// The key file was generated now.
    pub generated_key: Option<PathBuf>,
    /// A first administrator token was generated now (print it once).
    pub generated_token: Option<String>,
    /// The demo data was loaded.
    pub demo_loaded: bool,
    /// [`BOOTSTRAP_TOKEN_ENV`] names a revoked client (left revoked; warn the operator).
    pub bootstrap_revoked: bool,
}

/// The verification method id of `key` under `did`: `{did}#key-` and 16 hex digits of the key's
/// SHA-256, so a rotated key gets a new id and old badges keep naming theirs.
pub fn verification_method_for(did: &str, key: &PublicKey) -> anyhow::Result<VerificationMethodId> {
    let mut digest = hex::encode(Sha256::digest(key.to_bytes()));
    digest.truncate(16);
    Ok(VerificationMethodId::new(format!("{did}#key-{digest}"))?)
}

/// Reads the issuer key from `data_dir`, generating it (mode 0600) if there is none.
pub fn load_or_generate_key(data_dir: &Path) -> anyhow::Result<(SecretKey, Option<PathBuf>)> {
    create_data_dir(data_dir)?;
    let path = data_dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok((
            SecretKey::from_any_text(&text)
                .with_context(|| format!("reading the issuer key {}", path.display()))?,
            None,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::generate(&mut rand::rngs::OsRng);
            write_secret(&path, key.to_pkcs8_pem()?.as_bytes())?;
            Ok((key, Some(path)))
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Reads a 32-byte secret (hex) from `data_dir/name`, generating it (mode 0600) if there is none.
pub fn load_or_generate_secret(data_dir: &Path, name: &str) -> anyhow::Result<[u8; 32]> {
    create_data_dir(data_dir)?;
    let path = data_dir.join(name);
    let parse = |text: &str| -> anyhow::Result<[u8; 32]> {
        let bytes = hex::decode(text.trim()).context("not hex")?;
        bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("expected 32 bytes"))
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse(&text).with_context(|| format!("reading {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut secret = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
            match write_secret(&path, hex::encode(secret).as_bytes()) {
                Ok(()) => Ok(secret),
                // Another replica sharing the directory wrote it first: use theirs.
                Err(_) if path.exists() => parse(&std::fs::read_to_string(&path)?),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// The mode of every file the service writes in its data directory.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// The mode of the data directory (when the service creates it).
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Makes every file and directory this process creates from now on private to its user (umask
/// 0077), so nothing the service writes (the SQLite database and the `-wal`, `-shm` and
/// `-journal` files SQLite makes beside it, keys, secrets) is readable by other users, whoever
/// creates it. Process-wide; `credence serve` calls it first thing. A no-op off Unix.
pub fn private_umask() {
    #[cfg(unix)]
    {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    }
}

/// Creates the data directory (and missing parents) with mode 0700.
pub fn create_data_dir(data_dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(PRIVATE_DIR_MODE);
    }
    builder
        .create(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))
}

/// The file of a `sqlite:` database URL (`None` for other databases and in-memory ones).
pub fn sqlite_file(database_url: &str) -> Option<PathBuf> {
    let rest = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))?;
    let path = rest.split(['?', '#']).next().unwrap_or("");
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

/// Makes the files of a SQLite database private before it is opened: creates the database file
/// empty with mode 0600 if it does not exist (SQLite gives its `-wal`, `-shm` and `-journal`
/// files the database file's mode), and takes group and other access away from those that exist
/// (a database made by an older version, 0644).
pub fn private_sqlite_files(database_url: &str) -> anyhow::Result<()> {
    let Some(db) = sqlite_file(database_url) else {
        return Ok(());
    };
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            create_data_dir(dir)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(PRIVATE_FILE_MODE);
    }
    match options.open(&db) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e).with_context(|| format!("creating {}", db.display())),
    }
    let name = db.file_name().map(|n| n.to_string_lossy().into_owned());
    let mut files = vec![db.clone()];
    for suffix in ["-wal", "-shm", "-journal"] {
        if let Some(name) = &name {
            files.push(db.with_file_name(format!("{name}{suffix}")));
        }
    }
    for file in files {
        restrict(&file)?;
    }
    Ok(())
}

/// Takes group and other access away from `path`, if it exists.
fn restrict(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))
                .with_context(|| format!("making {} private", path.display()))?;
            tracing::warn!(
                path = %path.display(),
                "made a data file private (it was readable by other users)"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

fn write_secret(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", path.display()))
}

/// What [`bootstrap_admin`] found or did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bootstrap {
    /// An administrator client exists; nothing was done.
    Existing,
    /// The token in [`BOOTSTRAP_TOKEN_ENV`] was registered now, or was already.
    Registered,
    /// The token in [`BOOTSTRAP_TOKEN_ENV`] belongs to a client that was revoked: it stays
    /// revoked (the operator should unset the variable).
    Revoked,
    /// No administrator existed: this first administrator token was generated (show it once).
    Generated(String),
}

impl Bootstrap {
    /// The generated token, if one was.
    pub fn generated_token(self) -> Option<String> {
        match self {
            Bootstrap::Generated(token) => Some(token),
            _ => None,
        }
    }
}

/// Makes sure an administrator can sign in: the token in [`BOOTSTRAP_TOKEN_ENV`] is registered if
/// given (unless its client was revoked: a revoked client stays revoked); otherwise, if no
/// administrator client exists, one is generated and returned (once).
pub async fn bootstrap_admin(
    store: &dyn Store,
    stamp: &Stamp,
    env_token: Option<&str>,
) -> anyhow::Result<Bootstrap> {
    if let Some(token) = env_token.filter(|t| !t.trim().is_empty()) {
        let hash = TokenHash::of_token(token.trim());
        if store.client_by_token_hash(&hash).await?.is_some() {
            return Ok(Bootstrap::Registered);
        }
        let created = store
            .create_api_client(
                stamp,
                &NewApiClient {
                    name: "bootstrap administrator (from CREDENCE_BOOTSTRAP_TOKEN)".to_owned(),
                    token_hash: hash.clone(),
                    scope: Scope::Admin,
                },
            )
            .await;
        return match created {
            Ok(_) => Ok(Bootstrap::Registered),
            // The token's hash is taken, yet no live client has it: it was revoked (or another
            // replica registered it a moment ago, and then it is live now).
            Err(StoreError::AlreadyExists { .. }) => {
                if store.client_by_token_hash(&hash).await?.is_some() {
                    Ok(Bootstrap::Registered)
                } else {
                    Ok(Bootstrap::Revoked)
                }
            }
            Err(e) => Err(e.into()),
        };
    }
    let clients = store.list_api_clients().await?;
    if clients
        .iter()
        .any(|c| c.scope == Scope::Admin && c.revoked_at.is_none())
    {
        return Ok(Bootstrap::Existing);
    }
    let token = new_token();
    store
        .create_api_client(
            stamp,
            &NewApiClient {
                name: "bootstrap administrator".to_owned(),
                token_hash: TokenHash::of_token(&token),
                scope: Scope::Admin,
            },
        )
        .await?;
    Ok(Bootstrap::Generated(token))
}

/// Loads DOMAIN.md's sample specifications, providers and approvals. Only missing records are
/// added: loading again writes nothing, and records an administrator has since changed (a
/// provider renamed, an approval suspended) are left as they are.
pub async fn load_demo(store: &dyn Store, stamp: &Stamp) -> anyhow::Result<()> {
    for spec in sample::specifications()? {
        if store
            .specification(spec.id(), spec.version())
            .await?
            .is_none()
        {
            store.put_specification(stamp, &spec, None).await?;
        }
    }
    for provider in sample::providers()? {
        if store.provider(provider.ukprn()).await?.is_none() {
            store.put_provider(stamp, &provider, None).await?;
        }
    }
    for approval in sample::approvals()? {
        if store.approval(approval.id()).await?.is_none() {
            store.put_approval(stamp, &approval, None).await?;
        }
    }
    Ok(())
}

/// Builds the state of a service: store, issuer (its key active in the store), clock, metrics.
pub async fn state_with(
    config: Config,
    store: Arc<dyn Store>,
    key: SecretKey,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<AppState> {
    let base_url = BaseUrl::try_from(config.base_url.as_str())
        .with_context(|| format!("--base-url {}", config.base_url))?;
    let public_key = key.public_key();
    let vm = verification_method_for(&base_url.did_web(), &public_key)?;
    let active = store.active_signing_key().await?;
    if active.as_ref().map(|k| &k.verification_method) != Some(&vm) {
        store
            .activate_signing_key(&Stamp::new(Actor::system(), clock.now()), &vm, &public_key)
            .await?;
    }
    let signer = Arc::new(LocalSigner::new(key, vm));
    if config.issuer.is_development() {
        tracing::warn!(
            issuer = config.issuer.name(),
            "no issuer name is configured (--issuer-name, CREDENCE_ISSUER_NAME or [issuer] name): \
             badges are signed by a development profile that says so"
        );
    }
    let issuer = Issuer::new(signer, public_key, base_url, &config.issuer)?;
    let did = issuer.did().to_owned();
    let claims = Arc::new(ClaimKeys::new(load_or_generate_secret(
        &config.data_dir,
        CLAIM_SECRET_FILE,
    )?));
    let registrations = Arc::new(RegistrationKey::new(load_or_generate_secret(
        &config.data_dir,
        REGISTRATION_SECRET_FILE,
    )?));
    let rate = Rate::new(config.verify_rate_per_second, config.verify_burst)
        .context("the verification rate limit (verify_rate_per_second, verify_burst)")?;
    let verify_limiter = Arc::new(KeyedLimiter::new(rate));
    let per_hour = config.recipient_checks_per_badge_per_hour;
    let recipient_limiter = Arc::new(KeyedLimiter::new(
        Rate::new(per_hour / 3600.0, per_hour.max(1.0).floor())
            .context("recipient_checks_per_badge_per_hour")?,
    ));
    Ok(AppState {
        artwork: Arc::default(),
        claims,
        verify_limiter,
        registrations,
        recipient_limiter,
        shutdown: Cancel::new(),
        store,
        issuer: Arc::new(issuer),
        clock,
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
        verifier: Arc::new(
            Verifier::new(DataIntegrity::new(JsonLd::new(
                credence_core::contexts::pinned()?,
            )))
            // The Centre's own badges must conform to the OB schema; others' deviations warn.
            .with_strict_schema(TrustedIssuers::only([did])),
        ),
    })
}

/// A service on `config`'s database with the demo data, a new issuer key and a first
/// administrator token (returned): what benchmarks and embedding tests start from.
pub async fn demo_service(
    config: Config,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<(AppState, String)> {
    let store = credence_store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    let stamp = Stamp::new(Actor::system(), clock.now());
    let token = bootstrap_admin(store.as_ref(), &stamp, None)
        .await?
        .generated_token()
        .context("the database already has an administrator")?;
    load_demo(store.as_ref(), &stamp).await?;
    let key = SecretKey::generate(&mut rand::rngs::OsRng);
    Ok((state_with(config, store, key, clock).await?, token))
}

/// Start-up as `credence serve` does it: the umask first ([`private_umask`]), then the data
/// directory, key, database, demo data and first administrator.
pub async fn start(config: Config) -> anyhow::Result<(AppState, Startup)> {
    let mut startup = Startup::default();
    let (key, store) = open_parts(&config, &mut startup).await?;
    let env_token = std::env::var(BOOTSTRAP_TOKEN_ENV).ok();
    let stamp = Stamp::new(Actor::system(), SystemClock.now());
    match bootstrap_admin(store.as_ref(), &stamp, env_token.as_deref()).await? {
        Bootstrap::Generated(token) => startup.generated_token = Some(token),
        Bootstrap::Revoked => startup.bootstrap_revoked = true,
        _ => {}
    }
    let state = state_with(config, store, key, Arc::new(SystemClock)).await?;
    Ok((state, startup))
}

/// The service's state for a one-shot command (`credence issue`): the same key, database and
/// demo data as [`start`], without the first administrator.
pub async fn open(config: Config) -> anyhow::Result<(AppState, Startup)> {
    let mut startup = Startup::default();
    let (key, store) = open_parts(&config, &mut startup).await?;
    let state = state_with(config, store, key, Arc::new(SystemClock)).await?;
    Ok((state, startup))
}

/// The umask, the key (generated on first use), private data files, the database and the demo
/// data.
async fn open_parts(
    config: &Config,
    startup: &mut Startup,
) -> anyhow::Result<(SecretKey, Arc<dyn Store>)> {
    private_umask();
    let (key, generated) = load_or_generate_key(&config.data_dir)?;
    startup.generated_key = generated;
    for name in [KEY_FILE, CLAIM_SECRET_FILE, REGISTRATION_SECRET_FILE] {
        restrict(&config.data_dir.join(name))?;
    }
    private_sqlite_files(&config.database_url)?;
    let store = credence_store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    if config.demo {
        load_demo(
            store.as_ref(),
            &Stamp::new(Actor::system(), SystemClock.now()),
        )
        .await?;
        startup.demo_loaded = true;
    }
    Ok((key, store))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_files_of_database_urls() {
        assert_eq!(
            sqlite_file("sqlite://credence-data/credence.db"),
            Some(PathBuf::from("credence-data/credence.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/credence/c.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/credence/c.db"))
        );
        assert_eq!(sqlite_file("sqlite:c.db"), Some(PathBuf::from("c.db")));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://"), None);
        assert_eq!(sqlite_file("postgres://localhost/credence"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_database_is_created_private_and_an_old_one_made_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new").join("credence.db");
        let url = format!("sqlite://{}", db.display());
        private_sqlite_files(&url).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(db.parent().unwrap()), 0o700);
        let wal = dir.path().join("new").join("credence.db-wal");
        std::fs::write(&wal, b"").unwrap();
        for p in [&db, &wal] {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        private_sqlite_files(&url).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }
}

//! Start-up: the data directory, the issuer key (generated on first start, mode 0600), the store,
//! the first administrator token, and the demo data.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use credence_core::contexts::ContextStore;
use credence_core::jsonld::JsonLd;
use credence_core::keys::{LocalSigner, PublicKey, SecretKey, VerificationMethodId};
use credence_core::model::{sample, BaseUrl};
use credence_core::proof::DataIntegrity;
use credence_core::verify::Verifier;
use credence_store::{Actor, NewApiClient, Scope, Store, TokenHash};
use sha2::{Digest, Sha256};

use crate::auth::new_token;
use crate::claims::{ClaimKeys, CLAIM_SECRET_FILE};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::issuer::Issuer;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::state::AppState;

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
}

/// The verification method id of `key` under `did`: `{did}#key-` and 16 hex digits of the key's
/// SHA-256, so a rotated key gets a new id and old badges keep naming theirs.
pub fn verification_method_for(did: &str, key: &PublicKey) -> anyhow::Result<VerificationMethodId> {
    let digest = Sha256::digest(key.to_bytes());
    Ok(VerificationMethodId::new(format!(
        "{did}#key-{}",
        &hex::encode(digest)[..16]
    ))?)
}

/// Reads the issuer key from `data_dir`, generating it (mode 0600) if there is none.
pub fn load_or_generate_key(data_dir: &Path) -> anyhow::Result<(SecretKey, Option<PathBuf>)> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
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
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
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

/// Makes sure an administrator can sign in: the token in [`BOOTSTRAP_TOKEN_ENV`] is registered if
/// given; otherwise, if no administrator client exists, one is generated and returned (once).
pub async fn bootstrap_admin(
    store: &dyn Store,
    env_token: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if let Some(token) = env_token.filter(|t| !t.trim().is_empty()) {
        let hash = TokenHash::of_token(token.trim());
        if store.client_by_token_hash(&hash).await?.is_none() {
            store
                .create_api_client(
                    &Actor::system(),
                    &NewApiClient {
                        name: "bootstrap administrator (from CREDENCE_BOOTSTRAP_TOKEN)".to_owned(),
                        token_hash: hash,
                        scope: Scope::Admin,
                    },
                )
                .await?;
        }
        return Ok(None);
    }
    let clients = store.list_api_clients().await?;
    if clients
        .iter()
        .any(|c| c.scope == Scope::Admin && c.revoked_at.is_none())
    {
        return Ok(None);
    }
    let token = new_token();
    store
        .create_api_client(
            &Actor::system(),
            &NewApiClient {
                name: "bootstrap administrator".to_owned(),
                token_hash: TokenHash::of_token(&token),
                scope: Scope::Admin,
            },
        )
        .await?;
    Ok(Some(token))
}

/// Loads DOMAIN.md's sample specifications, providers and approvals. Only missing records are
/// added: loading again writes nothing, and records an administrator has since changed (a
/// provider renamed, an approval suspended) are left as they are.
pub async fn load_demo(store: &dyn Store) -> anyhow::Result<()> {
    let actor = Actor::system();
    for spec in sample::specifications()? {
        if store
            .specification(spec.id(), spec.version())
            .await?
            .is_none()
        {
            store.put_specification(&actor, &spec).await?;
        }
    }
    for provider in sample::providers()? {
        if store.provider(provider.ukprn()).await?.is_none() {
            store.put_provider(&actor, &provider).await?;
        }
    }
    for approval in sample::approvals()? {
        if store.approval(approval.id()).await?.is_none() {
            store.put_approval(&actor, &approval).await?;
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
            .activate_signing_key(&Actor::system(), &vm, &public_key)
            .await?;
    }
    let signer = Arc::new(LocalSigner::new(key, vm));
    let issuer = Issuer::new(signer, public_key, base_url)?;
    let claims = Arc::new(ClaimKeys::new(load_or_generate_secret(
        &config.data_dir,
        CLAIM_SECRET_FILE,
    )?));
    let verify_limiter = Arc::new(RateLimiter::new(
        config.verify_rate_per_second,
        config.verify_burst,
    ));
    Ok(AppState {
        artwork: Arc::default(),
        claims,
        verify_limiter,
        store,
        issuer: Arc::new(issuer),
        clock,
        config: Arc::new(config),
        metrics: Arc::new(Metrics::default()),
        verifier: Arc::new(Verifier::new(DataIntegrity::new(JsonLd::new(
            ContextStore::pinned()?,
        )))),
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
    let token = bootstrap_admin(store.as_ref(), None)
        .await?
        .context("the database already has an administrator")?;
    load_demo(store.as_ref()).await?;
    let key = SecretKey::generate(&mut rand::rngs::OsRng);
    Ok((state_with(config, store, key, clock).await?, token))
}

/// Start-up as `credence serve` does it.
pub async fn start(config: Config) -> anyhow::Result<(AppState, Startup)> {
    let mut startup = Startup::default();
    let (key, generated) = load_or_generate_key(&config.data_dir)?;
    startup.generated_key = generated;
    if config.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)?;
    }
    let store = credence_store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    if config.demo {
        load_demo(store.as_ref()).await?;
        startup.demo_loaded = true;
    }
    let env_token = std::env::var(BOOTSTRAP_TOKEN_ENV).ok();
    startup.generated_token = bootstrap_admin(store.as_ref(), env_token.as_deref()).await?;
    let state = state_with(config, store, key, Arc::new(SystemClock)).await?;
    Ok((state, startup))
}

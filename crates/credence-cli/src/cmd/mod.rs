//! One module per subcommand, and the helpers they share.

pub mod admin;
pub mod bake;
pub mod bench;
pub mod bench_http;
pub mod issue;
pub mod keys;
pub mod sample;
pub mod serve;
pub mod sign;
pub mod status_list;
pub mod verify;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use credence_ld::jsonld::JsonLd;
use credence_vc::keys::{LocalSigner, SecretKey, VerificationMethodId};
use credence_vc::proof::DataIntegrity;

/// `--key FILE --verification-method URL`: who signs.
#[derive(Debug, clap::Args)]
pub struct SignerArgs {
    /// The secret key: PKCS#8 PEM, JWK, or a W3C Multikey key-pair JSON.
    #[arg(long)]
    key: PathBuf,
    /// The verification method the proof names (its controller should be the issuer).
    #[arg(long)]
    verification_method: String,
}

impl SignerArgs {
    /// Reads the key and pairs it with the verification method.
    pub fn signer(&self) -> anyhow::Result<LocalSigner> {
        let key = SecretKey::from_any_text(&read_text(&self.key)?)
            .with_context(|| format!("reading the key in {}", self.key.display()))?;
        let vm = VerificationMethodId::new(self.verification_method.clone())?;
        Ok(LocalSigner::new(key, vm))
    }
}

/// `--context URL=FILE`: one more JSON-LD context allowed for this run.
#[derive(Debug, Clone)]
pub struct ExtraContext {
    url: String,
    file: PathBuf,
}

impl std::str::FromStr for ExtraContext {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (url, file) = s
            .split_once('=')
            .ok_or_else(|| format!("expected URL=FILE, got {s:?}"))?;
        Ok(Self {
            url: url.to_owned(),
            file: PathBuf::from(file),
        })
    }
}

/// The Data Integrity engine over the pinned contexts plus any `--context` given.
pub fn data_integrity(extra: &[ExtraContext]) -> anyhow::Result<DataIntegrity> {
    let mut store = credence_core::contexts::pinned().context("loading the pinned contexts")?;
    for e in extra {
        let text = read_text(&e.file)?;
        store = store
            .with_extra(&e.url, &text)
            .with_context(|| format!("--context {}", e.url))?;
    }
    Ok(DataIntegrity::new(JsonLd::new(store)))
}

/// Reads a file, or standard input for `-`.
pub fn read_bytes(path: &Path) -> anyhow::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).context("reading stdin")?;
        return Ok(buf);
    }
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Reads a UTF-8 text file, or standard input for `-`.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    String::from_utf8(read_bytes(path)?)
        .map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))
}

/// Reads a JSON file.
pub fn read_json(path: &Path) -> anyhow::Result<serde_json::Value> {
    serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{} is not JSON", path.display()))
}

/// The async runtime for the commands that serve or use the database.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Parses an RFC 3339 date-time argument.
pub fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&chrono::Utc))
        .map_err(|e| format!("not an RFC 3339 date-time: {e}"))
}

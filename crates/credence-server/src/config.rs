//! The service's configuration: one documented struct, read from flags, environment variables and
//! an optional TOML file, in that order of precedence.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::HeaderName;
use credence_core::model::{IssuerProfile, ModelError, RawIssuerProfile};
use ipnet::IpNet;
use serde::Deserialize;

use crate::ratelimit::TrustedProxy;

/// Where a setting may come from, before defaults: `credence serve` flags and environment variables.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// A TOML file with any of the settings below (flags and environment variables win).
    #[arg(long, env = "CREDENCE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "CREDENCE_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// The public base URL, which fixes the issuer's did:web identifier [default: http://LISTEN].
    #[arg(long, env = "CREDENCE_BASE_URL")]
    pub base_url: Option<String>,
    /// `sqlite://FILE` or `postgres://...` [default: sqlite://DATA_DIR/credence.db].
    #[arg(long, env = "CREDENCE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Directory for the issuer key and the default SQLite file [default: ./credence-data].
    #[arg(long, env = "CREDENCE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log format: `text` or `json` [default: text].
    #[arg(long, env = "CREDENCE_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Verifications per second allowed per client address on the public verify endpoints
    /// [default: 20].
    #[arg(long, env = "CREDENCE_VERIFY_RATE")]
    pub verify_rate: Option<f64>,
    /// A header naming the client's address, set by a reverse proxy in front of the service
    /// (e.g. `X-Forwarded-For`); believed only on requests from a `--trusted-proxy` address.
    /// Without it, clients are told apart by their socket address.
    #[arg(long, env = "CREDENCE_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<String>,
    /// The address (or network, `10.0.0.0/8`) of a proxy trusted to set
    /// `--trusted-proxy-header`; repeat it, or separate addresses with commas.
    #[arg(
        long = "trusted-proxy",
        env = "CREDENCE_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Also load the sample specifications, providers and approvals of DOMAIN.md (and, unless
    /// an issuer name is configured, issue as the sample's Centre).
    #[arg(long)]
    pub demo: bool,
    /// The issuer's name, in `/issuer` and every new badge. Without one the service signs as a
    /// clearly marked development issuer and logs a warning.
    #[arg(long, env = "CREDENCE_ISSUER_NAME")]
    pub issuer_name: Option<String>,
    /// The issuer's website [default: the base URL].
    #[arg(long, env = "CREDENCE_ISSUER_URL")]
    pub issuer_url: Option<String>,
    /// The issuer's contact email.
    #[arg(long, env = "CREDENCE_ISSUER_EMAIL")]
    pub issuer_email: Option<String>,
    /// A sentence or two on who the issuer is.
    #[arg(long, env = "CREDENCE_ISSUER_DESCRIPTION")]
    pub issuer_description: Option<String>,
    /// The issuer's logo: an `https://` URL, or a PNG or SVG file (at most 1 MiB) that the
    /// service publishes at `/issuer/image`.
    #[arg(long, env = "CREDENCE_ISSUER_IMAGE")]
    pub issuer_image: Option<String>,
}

/// The issuer's logo, read from a file and published at `/issuer/image`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerImage {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// `image/png` or `image/svg+xml`.
    pub media_type: &'static str,
}

/// Largest issuer logo file.
pub const MAX_ISSUER_IMAGE_BYTES: usize = 1024 * 1024;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The TOML file: the same settings, all optional, plus the limits.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    base_url: Option<String>,
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    log_format: Option<LogFormat>,
    demo: Option<bool>,
    #[serde(with = "humantime_serde")]
    request_timeout: Option<Duration>,
    #[serde(with = "humantime_serde")]
    batch_timeout: Option<Duration>,
    max_body_bytes: Option<usize>,
    max_batch_rows: Option<usize>,
    verify_rate_per_second: Option<f64>,
    verify_burst: Option<f64>,
    recipient_checks_per_badge_per_hour: Option<f64>,
    trusted_proxy_header: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    issuer: Option<RawIssuerProfile>,
}

/// The resolved configuration of a running service.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Public base URL (no trailing slash); the issuer is its did:web.
    pub base_url: String,
    /// Database URL.
    pub database_url: String,
    /// Directory holding the issuer key (and the default SQLite file).
    pub data_dir: PathBuf,
    /// Log format.
    pub log_format: LogFormat,
    /// Load the sample data at start-up.
    pub demo: bool,
    /// Longest time a request may take before it is answered 503.
    pub request_timeout: Duration,
    /// Longest time a batch submission may take (rows recorded before it are kept).
    pub batch_timeout: Duration,
    /// Largest request body accepted for single requests.
    pub max_body_bytes: usize,
    /// Most rows in one batch.
    pub max_batch_rows: usize,
    /// Verifications per second allowed per client address on the public endpoints.
    pub verify_rate_per_second: f64,
    /// Burst of verifications allowed per client address.
    pub verify_burst: f64,
    /// "Does this badge belong to registration X?" checks allowed per badge per hour (also the
    /// burst), whoever asks: with the per-client limit, a search of a regulator's register through
    /// the service is out of reach.
    pub recipient_checks_per_badge_per_hour: f64,
    /// The reverse proxies trusted to name the client's address in a header (none: the socket
    /// address is the client's).
    pub trusted_proxy: Option<TrustedProxy>,
    /// The issuer's profile.
    pub issuer: IssuerProfile,
    /// The issuer's logo, when it is a file the service publishes.
    pub issuer_image: Option<IssuerImage>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML file could not be read.
    #[error("reading {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TOML file is not valid.
    #[error("parsing {path}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: toml::de::Error,
    },
    /// `trusted_proxy_header` is not a valid header name.
    #[error("trusted proxy header {0:?} is not a valid HTTP header name")]
    ProxyHeader(String),
    /// A trusted proxy is not an IP address or network.
    #[error("trusted proxy {0:?} is not an IP address or network (like 10.0.0.1 or 10.0.0.0/8)")]
    ProxyAddress(String),
    /// A trusted proxy header without proxies, or proxies without a header.
    #[error("a trusted proxy header needs the addresses of the proxies that set it, and they need the header")]
    ProxyIncomplete,
    /// The issuer profile is not valid.
    #[error("the issuer profile")]
    Issuer(#[source] ModelError),
    /// The issuer logo file cannot be used.
    #[error("issuer image {path}: {reason}")]
    IssuerImage {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default data directory.
pub const DEFAULT_DATA_DIR: &str = "credence-data";
/// Default time limit of a request.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time limit of a batch submission.
pub const DEFAULT_BATCH_TIMEOUT: Duration = Duration::from_secs(600);
/// Default request body limit for single requests (1 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default and largest batch size.
pub const DEFAULT_MAX_BATCH_ROWS: usize = 10_000;
/// Default verifications per second per client address.
pub const DEFAULT_VERIFY_RATE: f64 = 20.0;
/// Default verification burst per client address.
pub const DEFAULT_VERIFY_BURST: f64 = 60.0;
/// Default registration checks per badge per hour.
pub const DEFAULT_RECIPIENT_CHECKS_PER_BADGE_PER_HOUR: f64 = 10.0;
/// Bytes allowed per batch row when sizing the batch body limit.
pub const BATCH_BYTES_PER_ROW: usize = 2048;

impl Config {
    /// Resolves flags and environment (already in `args`) over the TOML file over defaults.
    pub fn resolve(args: &ServeArgs) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let listen = args
            .listen
            .or(file.listen)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let base_url = args
            .base_url
            .clone()
            .or(file.base_url)
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_owned();
        let database_url = args
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| default_database_url(&data_dir));
        let demo = args.demo || file.demo.unwrap_or(false);
        let (issuer, issuer_image) =
            issuer(args, file.issuer.unwrap_or_default(), demo, &base_url)?;
        Ok(Config {
            listen,
            base_url,
            database_url,
            data_dir,
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            demo,
            request_timeout: file.request_timeout.unwrap_or(DEFAULT_REQUEST_TIMEOUT),
            batch_timeout: file.batch_timeout.unwrap_or(DEFAULT_BATCH_TIMEOUT),
            max_body_bytes: file.max_body_bytes.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            max_batch_rows: file
                .max_batch_rows
                .unwrap_or(DEFAULT_MAX_BATCH_ROWS)
                .clamp(1, DEFAULT_MAX_BATCH_ROWS),
            verify_rate_per_second: args
                .verify_rate
                .or(file.verify_rate_per_second)
                .unwrap_or(DEFAULT_VERIFY_RATE),
            verify_burst: file.verify_burst.unwrap_or(DEFAULT_VERIFY_BURST),
            recipient_checks_per_badge_per_hour: file
                .recipient_checks_per_badge_per_hour
                .unwrap_or(DEFAULT_RECIPIENT_CHECKS_PER_BADGE_PER_HOUR),
            trusted_proxy: trusted_proxy(
                args.trusted_proxy_header
                    .clone()
                    .or(file.trusted_proxy_header),
                if args.trusted_proxies.is_empty() {
                    file.trusted_proxies.unwrap_or_default()
                } else {
                    args.trusted_proxies.clone()
                },
            )?,
            issuer,
            issuer_image,
        })
    }

    /// A configuration for tests and embedding: defaults, with this base URL and database.
    pub fn for_tests(base_url: &str, database_url: &str, data_dir: &Path) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            base_url: base_url.trim_end_matches('/').to_owned(),
            database_url: database_url.to_owned(),
            data_dir: data_dir.to_owned(),
            log_format: LogFormat::Text,
            demo: false,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            batch_timeout: DEFAULT_BATCH_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_batch_rows: DEFAULT_MAX_BATCH_ROWS,
            verify_rate_per_second: DEFAULT_VERIFY_RATE,
            verify_burst: DEFAULT_VERIFY_BURST,
            recipient_checks_per_badge_per_hour: DEFAULT_RECIPIENT_CHECKS_PER_BADGE_PER_HOUR,
            trusted_proxy: None,
            issuer: IssuerProfile::named(credence_core::model::sample::CENTRE_NAME)
                .unwrap_or_else(|_| IssuerProfile::development()),
            issuer_image: None,
        }
    }

    /// The largest batch request body.
    pub fn max_batch_body_bytes(&self) -> usize {
        self.max_batch_rows * BATCH_BYTES_PER_ROW
    }
}

/// The issuer's profile: flags and environment over the TOML file's `[issuer]` table. With no
/// name configured, `--demo` issues as the sample's Centre, anything else as the development
/// issuer. A logo that is not a URL is a file, published at `{base}/issuer/image`.
fn issuer(
    args: &ServeArgs,
    file: RawIssuerProfile,
    demo: bool,
    base_url: &str,
) -> Result<(IssuerProfile, Option<IssuerImage>), ConfigError> {
    let pick = |arg: &Option<String>, file: Option<String>| arg.clone().or(file);
    let mut raw = RawIssuerProfile {
        name: pick(&args.issuer_name, file.name),
        url: pick(&args.issuer_url, file.url),
        email: pick(&args.issuer_email, file.email),
        description: pick(&args.issuer_description, file.description),
        image: pick(&args.issuer_image, file.image),
    };
    let image = match raw.image.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() && !v.starts_with("https://") && !v.starts_with("http://") => {
            let image = read_issuer_image(Path::new(v))?;
            raw.image = Some(format!("{base_url}/issuer/image"));
            Some(image)
        }
        _ => None,
    };
    if raw.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
        if demo {
            raw.name = Some(credence_core::model::sample::CENTRE_NAME.to_owned());
        } else if raw == RawIssuerProfile::default() {
            return Ok((IssuerProfile::development(), None));
        }
    }
    let profile = IssuerProfile::try_from(raw).map_err(ConfigError::Issuer)?;
    Ok((profile, image))
}

/// Reads a logo file: PNG or SVG, at most [`MAX_ISSUER_IMAGE_BYTES`].
fn read_issuer_image(path: &Path) -> Result<IssuerImage, ConfigError> {
    let fail = |reason: String| ConfigError::IssuerImage {
        path: path.to_owned(),
        reason,
    };
    // Read at most one byte more than allowed, so a huge file is refused without being loaded.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, MAX_ISSUER_IMAGE_BYTES as u64 + 1),
                &mut bytes,
            )
        })
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() > MAX_ISSUER_IMAGE_BYTES {
        return Err(fail(format!("larger than {MAX_ISSUER_IMAGE_BYTES} bytes")));
    }
    let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if std::str::from_utf8(&bytes).is_ok_and(|t| t.contains("<svg")) {
        "image/svg+xml"
    } else {
        return Err(fail("neither a PNG nor an SVG image".to_owned()));
    };
    Ok(IssuerImage { bytes, media_type })
}

/// The trusted proxy configuration: both a header and at least one proxy, or neither.
fn trusted_proxy(
    header: Option<String>,
    proxies: Vec<String>,
) -> Result<Option<TrustedProxy>, ConfigError> {
    let proxies: Vec<&str> = proxies
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let header = header.filter(|h| !h.trim().is_empty());
    let Some(header) = header else {
        return if proxies.is_empty() {
            Ok(None)
        } else {
            Err(ConfigError::ProxyIncomplete)
        };
    };
    if proxies.is_empty() {
        return Err(ConfigError::ProxyIncomplete);
    }
    let name = HeaderName::from_bytes(header.trim().as_bytes())
        .map_err(|_| ConfigError::ProxyHeader(header.clone()))?;
    let proxies = proxies
        .into_iter()
        .map(|p| {
            p.parse::<IpNet>()
                .or_else(|_| p.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| ConfigError::ProxyAddress(p.to_owned()))
        })
        .collect::<Result<_, _>>()?;
    Ok(Some(TrustedProxy {
        header: name,
        proxies,
    }))
}

fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("credence.db").display())
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issuer_profile_comes_from_flags_over_the_file() {
        // Nothing configured: the development profile.
        let c = Config::resolve(&ServeArgs::default()).unwrap();
        assert!(c.issuer.is_development());
        // --demo: the sample's Centre.
        let demo = ServeArgs {
            demo: true,
            ..ServeArgs::default()
        };
        let c = Config::resolve(&demo).unwrap();
        assert!(!c.issuer.is_development());
        assert_eq!(c.issuer.name(), credence_core::model::sample::CENTRE_NAME);
        // The file's [issuer] table, with a flag over one of its fields.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credence.toml");
        std::fs::write(
            &path,
            "[issuer]\nname = \"Centre from the file\"\nurl = \"https://centre.example\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            issuer_name: Some("Centre from a flag".into()),
            ..ServeArgs::default()
        };
        let c = Config::resolve(&args).unwrap();
        let base = credence_core::model::BaseUrl::try_from(c.base_url.as_str()).unwrap();
        let profile = c.issuer.profile(&base);
        assert_eq!(profile.name.as_deref(), Some("Centre from a flag"));
        assert_eq!(profile.url.as_deref(), Some("https://centre.example"));
        // Some fields but no name: refused, not silently a development profile.
        let args = ServeArgs {
            issuer_url: Some("https://centre.example".into()),
            ..ServeArgs::default()
        };
        assert!(matches!(
            Config::resolve(&args),
            Err(ConfigError::Issuer(_))
        ));
        // A logo file that is not an image.
        let not_image = dir.path().join("logo.txt");
        std::fs::write(&not_image, "hello").unwrap();
        let args = ServeArgs {
            issuer_name: Some("Centre".into()),
            issuer_image: Some(not_image.display().to_string()),
            ..ServeArgs::default()
        };
        assert!(matches!(
            Config::resolve(&args),
            Err(ConfigError::IssuerImage { .. })
        ));
        // A logo over the size bound, even one that starts as a PNG, is refused.
        let big = dir.path().join("big.png");
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(MAX_ISSUER_IMAGE_BYTES + 1, 0);
        std::fs::write(&big, bytes).unwrap();
        let args = ServeArgs {
            issuer_name: Some("Centre".into()),
            issuer_image: Some(big.display().to_string()),
            ..ServeArgs::default()
        };
        assert!(matches!(
            Config::resolve(&args),
            Err(ConfigError::IssuerImage { .. })
        ));
    }

    #[test]
    fn defaults() {
        let c = Config::resolve(&ServeArgs::default()).unwrap();
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.base_url, "http://127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://credence-data/credence.db");
        assert_eq!(c.max_batch_rows, 10_000);
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credence.toml");
        std::fs::write(
            &path,
            "listen = \"0.0.0.0:9000\"\nbase_url = \"https://badges.example.org/\"\nrequest_timeout = \"5s\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(path.clone()),
            listen: Some("127.0.0.1:9999".parse().unwrap()),
            ..ServeArgs::default()
        };
        let c = Config::resolve(&args).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9999");
        assert_eq!(c.base_url, "https://badges.example.org");
        assert_eq!(c.request_timeout, Duration::from_secs(5));
        std::fs::write(&path, "listne = \"x\"\n").unwrap();
        assert!(matches!(
            Config::resolve(&args),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn trusted_proxies_from_flags_or_file() {
        assert_eq!(
            Config::resolve(&ServeArgs::default())
                .unwrap()
                .trusted_proxy,
            None
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credence.toml");
        std::fs::write(
            &path,
            "trusted_proxy_header = \"X-Forwarded-For\"\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n",
        )
        .unwrap();
        let mut args = ServeArgs {
            config: Some(path.clone()),
            ..ServeArgs::default()
        };
        let proxy = Config::resolve(&args).unwrap().trusted_proxy.unwrap();
        assert_eq!(proxy.header, "x-forwarded-for");
        assert_eq!(
            proxy.proxies,
            vec![
                "10.0.0.0/8".parse::<IpNet>().unwrap(),
                "::1/128".parse().unwrap()
            ]
        );
        // Flags win over the file.
        args.trusted_proxy_header = Some("X-Real-IP".into());
        args.trusted_proxies = vec!["192.0.2.1".into()];
        let proxy = Config::resolve(&args).unwrap().trusted_proxy.unwrap();
        assert_eq!(proxy.header, "x-real-ip");
        assert_eq!(
            proxy.proxies,
            vec!["192.0.2.1/32".parse::<IpNet>().unwrap()]
        );

        for (header, proxies) in [
            (Some("X-Forwarded-For"), vec![]),
            (None, vec!["10.0.0.1"]),
            (Some("bad header"), vec!["10.0.0.1"]),
            (Some("X-Forwarded-For"), vec!["10.0.0.300"]),
        ] {
            let args = ServeArgs {
                trusted_proxy_header: header.map(str::to_owned),
                trusted_proxies: proxies.into_iter().map(str::to_owned).collect(),
                ..ServeArgs::default()
            };
            assert!(Config::resolve(&args).is_err(), "{header:?}");
        }
    }
}

//! `credence keys`: generate an Ed25519 key pair in every format Credence reads.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use credence_vc::keys::{DidDocument, SecretKey, VerificationMethodId};

/// `credence keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key pair: PKCS#8 PEM, JWK and Multikey files (mode 0600), plus public forms.
    Generate(GenerateArgs),
}

/// Arguments of `credence keys generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The folder to write into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The controller (a `did:web` DID) to name the key under; its did:key when absent.
    #[arg(long)]
    controller: Option<String>,
    /// The key's fragment under the controller.
    #[arg(long, default_value = "key-1")]
    fragment: String,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
}

/// Runs `credence keys …`.
pub fn run(command: KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::Generate(args) => generate(args),
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let key = SecretKey::generate(&mut rand::rngs::OsRng);
    let public = key.public_key();
    let (controller, vm) = match &args.controller {
        Some(c) => (
            c.clone(),
            VerificationMethodId::new(format!("{c}#{}", args.fragment))?,
        ),
        None => (public.did_key(), public.did_key_vm()),
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let kid = Some(vm.as_str());
    let keypair = key.to_keypair_file(Some(vm.to_string()), Some(controller.clone()));
    let did_doc = DidDocument::from_keys(controller.clone(), [(&vm, &public)])?;
    let files: [(&str, String); 6] = [
        ("key.pem", key.to_pkcs8_pem()?.to_string()),
        ("key.jwk", key.to_jwk_json(kid)?.to_string()),
        ("key.multikey.json", keypair.to_json()?.to_string()),
        ("public.pem", public.to_spki_pem()?),
        (
            "public.jwk",
            serde_json::to_string_pretty(&public.to_jwk(kid))?,
        ),
        ("did.json", serde_json::to_string_pretty(&did_doc)?),
    ];
    for (name, text) in &files {
        write_private(&args.out.join(name), text.as_bytes(), args.force)?;
    }
    say!("{vm}")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a file readable by its owner only (0600), refusing to overwrite unless asked.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> anyhow::Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true);
    if force {
        open.create(true).truncate(true);
    } else {
        open.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        open.mode(0o600);
    }
    let mut file = open
        .open(path)
        .with_context(|| format!("writing {} (use --force to replace)", path.display()))?;
    file.write_all(bytes)?;
    file.write_all(b"\n")?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

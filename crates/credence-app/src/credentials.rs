//! Signing a credential the Centre's staff hand the service, as the VC-API's
//! `POST /credentials/issue` asks: checked against the VC data model before signing, issued only
//! in the Centre's own name, signed with an `eddsa-rdfc-2022` proof by the active key, and
//! recorded in the audit log. Badges are not issued this way: a completion goes through
//! [`Issuing::issue`](crate::Issuing::issue) and the Centre's rules.

use credence_store::{Stamp, StoreError};
use credence_vc::model::{self, CheckError, RelatedResources};
use credence_vc::verify::Claims;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::{Issuing, SignError};

/// Why a credential was not signed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialIssueError {
    /// Not a JSON object, or it already carries a proof.
    #[error("{0}")]
    NotACredential(&'static str),
    /// Not readable JSON-LD, or it breaks a rule of the VC data model.
    #[error("not a conforming verifiable credential: {0}")]
    NotConforming(#[from] CheckError),
    /// It names another issuer than the Centre: the service signs only in its own name.
    #[error("the credential's issuer is {issuer}; this service signs only as {ours}")]
    NotOurIssuer {
        /// The issuer the credential names.
        issuer: String,
        /// The Centre's DID.
        ours: String,
    },
    /// Signing failed (a defect, or the key).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The audit row could not be written: nothing is returned.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Signs `credential` for `stamp`'s actor at `stamp`'s time and returns the secured credential.
/// It must conform to the VC data model ([`credence_vc::model`]) and name the Centre as issuer
/// (read from its RDF, as a verifier reads it); the signing is audited (action
/// `credential.issue`, the credential's id and the SHA-256 of the signed JSON) before the
/// credential is returned.
pub async fn issue_credential(
    issuing: &Issuing,
    stamp: &Stamp,
    credential: &Value,
) -> Result<Value, CredentialIssueError> {
    let Some(object) = credential.as_object() else {
        return Err(CredentialIssueError::NotACredential(
            "a credential is a JSON object",
        ));
    };
    if object.contains_key("proof") {
        return Err(CredentialIssueError::NotACredential(
            "the credential already carries a proof: send it unsigned",
        ));
    }
    let issuer = &issuing.issuer;
    let jsonld = issuer.data_integrity().jsonld();
    let quads = jsonld
        .credential_rdf(credential, None)
        .map_err(|e| CheckError::Unreadable(e.into()))?;
    model::check_rdf(credential, &quads, &RelatedResources::new()).map_err(CheckError::Model)?;
    // The model check has read one credential with an issuer, so this reads too.
    let named = Claims::read(&quads).map_or_else(|_| String::new(), |c| c.issuer);
    if named != issuer.did() {
        return Err(CredentialIssueError::NotOurIssuer {
            issuer: named,
            ours: issuer.did().to_owned(),
        });
    }
    let signed = issuer.sign_credential(credential, stamp.at())?;
    let text = serde_json::to_vec(&signed).map_err(SignError::from)?;
    let digest = hex::encode(Sha256::digest(&text));
    let subject = object
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| format!("urn:sha256:{digest}"), str::to_owned);
    issuing
        .store
        .record_credential_signed(stamp, &subject, &digest)
        .await?;
    Ok(signed)
}

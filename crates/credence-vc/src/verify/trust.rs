//! Which issuers a verification accepts: always the caller's decision, never the credential's.
//!
//! A credential names its issuer and is signed by a key; the verifier checks that the key is an
//! assertion key of the issuer's controller document. Whether that issuer is one to rely on is
//! for the caller: the Centre's service trusts only its own `did:web`, a general-purpose tool may
//! accept any issuer and report who it is. A name the credential gives its issuer is never a
//! reason to trust it.

use std::collections::BTreeSet;

/// The issuers a verification accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedIssuers {
    only: Option<BTreeSet<String>>,
}

impl TrustedIssuers {
    /// Any issuer whose key the resolvers find: the report names the issuer (its id), and the
    /// caller decides what it is worth.
    pub fn any() -> Self {
        Self { only: None }
    }

    /// Only these issuer ids; a credential from anyone else is
    /// [`Verdict::UnknownIssuer`](super::Verdict::UnknownIssuer), and its keys are not resolved.
    pub fn only<I, S>(issuers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            only: Some(issuers.into_iter().map(Into::into).collect()),
        }
    }

    /// Whether a credential issued by `issuer` is accepted.
    pub fn trusts(&self, issuer: &str) -> bool {
        self.only.as_ref().is_none_or(|set| set.contains(issuer))
    }

    /// Whether only a fixed set of issuers is accepted.
    pub fn is_restricted(&self) -> bool {
        self.only.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_trusts_everyone_and_only_its_set() {
        assert!(TrustedIssuers::any().trusts("did:key:z6Mk"));
        let centre = TrustedIssuers::only(["did:web:badges.example.org"]);
        assert!(centre.trusts("did:web:badges.example.org"));
        assert!(!centre.trusts("did:key:z6Mk"));
        assert!(!centre.trusts("did:web:badges.example.org:evil"));
        assert!(centre.is_restricted() && !TrustedIssuers::any().is_restricted());
    }
}

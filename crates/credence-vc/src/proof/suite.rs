//! The proof suites Credence knows, and which of them it signs with.

/// A Data Integrity proof suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Suite {
    /// `DataIntegrityProof` with cryptosuite `eddsa-rdfc-2022`: signed and verified.
    EddsaRdfc2022,
    /// `DataIntegrityProof` with cryptosuite `eddsa-jcs-2022`: verified only.
    EddsaJcs2022,
    /// The legacy `Ed25519Signature2020` suite: verified only.
    Ed25519Signature2020,
}

impl Suite {
    /// The suite named by a proof's `type` and `cryptosuite`.
    pub fn from_names(proof_type: &str, cryptosuite: Option<&str>) -> Option<Self> {
        match (proof_type, cryptosuite) {
            ("DataIntegrityProof", Some("eddsa-rdfc-2022")) => Some(Self::EddsaRdfc2022),
            ("DataIntegrityProof", Some("eddsa-jcs-2022")) => Some(Self::EddsaJcs2022),
            ("Ed25519Signature2020", None) => Some(Self::Ed25519Signature2020),
            _ => None,
        }
    }

    /// The proof `type` this suite writes.
    pub fn proof_type(self) -> &'static str {
        match self {
            Self::EddsaRdfc2022 | Self::EddsaJcs2022 => "DataIntegrityProof",
            Self::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }

    /// The name used in reports: the cryptosuite, or the legacy proof type.
    pub fn name(self) -> &'static str {
        match self {
            Self::EddsaRdfc2022 => "eddsa-rdfc-2022",
            Self::EddsaJcs2022 => "eddsa-jcs-2022",
            Self::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }
}

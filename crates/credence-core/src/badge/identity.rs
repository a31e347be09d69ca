//! Salted identity hashes for `credentialSubject.identifier`, the recipient check a verifier (an
//! employer who knows the practitioner's email) performs, and the keyed registration digest
//! ([`RegistrationKey`]) the Centre keeps instead of putting a registration number in a badge.

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::document::IdentityObject;
use crate::model::{Email, GphcNumber, HcpcNumber, ModelError, NmcPin, Registration};

/// An identity type Credence hashes into badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdentityType {
    /// `emailAddress`.
    EmailAddress,
    /// `ext:NMCPIN`.
    NmcPin,
    /// `ext:HCPCRegistrationNumber`.
    HcpcRegistrationNumber,
    /// `ext:GPhCRegistrationNumber`.
    GphcRegistrationNumber,
}

impl IdentityType {
    /// The `identityType` string.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityType::EmailAddress => "emailAddress",
            IdentityType::NmcPin => "ext:NMCPIN",
            IdentityType::HcpcRegistrationNumber => "ext:HCPCRegistrationNumber",
            IdentityType::GphcRegistrationNumber => "ext:GPhCRegistrationNumber",
        }
    }

    /// Parses an `identityType` string (exact match).
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        match value {
            "emailAddress" => Ok(IdentityType::EmailAddress),
            "ext:NMCPIN" => Ok(IdentityType::NmcPin),
            "ext:HCPCRegistrationNumber" => Ok(IdentityType::HcpcRegistrationNumber),
            "ext:GPhCRegistrationNumber" => Ok(IdentityType::GphcRegistrationNumber),
            _ => Err(ModelError::UnknownIdentityType {
                value: value.to_owned(),
            }),
        }
    }

    /// Normalises a value of this type the way badges hash it (emails lower case; registrations
    /// upper case without spaces), checking its format.
    pub fn normalise(self, value: &str) -> Result<String, ModelError> {
        Ok(match self {
            IdentityType::EmailAddress => Email::try_from(value)?.as_str().to_owned(),
            IdentityType::NmcPin => NmcPin::parse(value)?.as_str().to_owned(),
            IdentityType::HcpcRegistrationNumber => HcpcNumber::parse(value)?.as_str().to_owned(),
            IdentityType::GphcRegistrationNumber => GphcNumber::parse(value)?.as_str().to_owned(),
        })
    }

    /// The identity type of a registration.
    pub fn of_registration(r: &Registration) -> Self {
        match r {
            Registration::Nmc(_) => IdentityType::NmcPin,
            Registration::Hcpc(_) => IdentityType::HcpcRegistrationNumber,
            Registration::Gphc(_) => IdentityType::GphcRegistrationNumber,
        }
    }
}

/// A known identifier, normalised: what a verifier holds to check a badge is someone's.
/// Personal data: `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct KnownIdentifier {
    kind: IdentityType,
    value: String,
}

impl fmt::Debug for KnownIdentifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KnownIdentifier({}:<redacted>)", self.kind.as_str())
    }
}

impl KnownIdentifier {
    /// Validates and normalises `value` as a `kind`.
    pub fn new(kind: IdentityType, value: &str) -> Result<Self, ModelError> {
        Ok(KnownIdentifier {
            kind,
            value: kind.normalise(value)?,
        })
    }
    /// The type.
    pub fn kind(&self) -> IdentityType {
        self.kind
    }
    /// The normalised value.
    pub fn value(&self) -> &str {
        &self.value
    }
    /// Whether this identifier is the one in `identity` (hashed or plain).
    pub fn matches(&self, identity: &IdentityObject) -> bool {
        if identity.kind != "IdentityObject" || identity.identity_type != self.kind.as_str() {
            return false;
        }
        if !identity.hashed {
            return self
                .kind
                .normalise(&identity.identity_hash)
                .is_ok_and(|v| v == self.value);
        }
        let Some(hex_digest) = identity.identity_hash.strip_prefix("sha256$") else {
            return false; // md5 and other algorithms are not accepted
        };
        let expected = hash_hex(&self.value, identity.salt.as_deref().unwrap_or(""));
        hex_digest.len() == 64 && hex_digest.eq_ignore_ascii_case(&expected)
    }
}

impl IdentityType {
    /// Whether this is a regulator registration (kept out of badges: see [`RegistrationKey`]).
    pub fn is_registration(self) -> bool {
        !matches!(self, IdentityType::EmailAddress)
    }
}

/// The Centre's secret for registration digests: HMAC-SHA-256 of a registration's identity type
/// and normalised number. A registration number has so few possible values (NMC ~676 million,
/// GPhC ~2 million) that a salted hash published beside its salt is recovered in minutes; a keyed
/// hash under a secret only the service holds cannot be searched without the service, which
/// answers one question ("is this badge that registration's?") at a rate it limits.
pub struct RegistrationKey(Zeroizing<[u8; 32]>);

impl fmt::Debug for RegistrationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistrationKey(<redacted>)")
    }
}

impl RegistrationKey {
    /// A key from a 32-byte secret (the caller draws it from a CSPRNG and keeps it).
    pub fn new(secret: [u8; 32]) -> Self {
        RegistrationKey(Zeroizing::new(secret))
    }

    /// The digest of an identifier of a registration type (normalised as badges normalise it).
    pub fn digest(&self, known: &KnownIdentifier) -> RegistrationDigest {
        self.digest_of(known.kind(), known.value())
    }

    /// The digest of a practitioner's registration.
    pub fn digest_registration(&self, registration: &Registration) -> RegistrationDigest {
        self.digest_of(
            IdentityType::of_registration(registration),
            registration.number(),
        )
    }

    fn digest_of(&self, kind: IdentityType, normalised: &str) -> RegistrationDigest {
        // HMAC takes keys of any length: 32 bytes cannot be refused.
        let mut mac = match Hmac::<Sha256>::new_from_slice(self.0.as_slice()) {
            Ok(mac) => mac,
            Err(_) => return RegistrationDigest(String::new()),
        };
        for part in [
            b"registration-v1".as_slice(),
            kind.as_str().as_bytes(),
            normalised.as_bytes(),
        ] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        RegistrationDigest(hex::encode(mac.finalize().into_bytes()))
    }
}

/// A registration's keyed digest ([`RegistrationKey`]), lower-case hex; compared in constant time.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrationDigest(String);

impl fmt::Debug for RegistrationDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RegistrationDigest(..)")
    }
}

impl RegistrationDigest {
    /// A stored digest: 64 lower-case hex digits.
    pub fn parse(hex_text: &str) -> Result<Self, ModelError> {
        if hex_text.len() == 64
            && hex_text
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            Ok(RegistrationDigest(hex_text.to_owned()))
        } else {
            Err(ModelError::RegistrationDigest)
        }
    }

    /// The hex text, for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two digests are equal, in time independent of where they differ.
    pub fn matches(&self, other: &RegistrationDigest) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .bytes()
                .zip(other.0.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

impl IdentityType {
    /// The type a person names in short: `email`, `nmc`, `hcpc` or `gphc` (any case).
    fn from_alias(alias: &str) -> Option<Self> {
        match alias.trim().to_ascii_lowercase().as_str() {
            "email" => Some(IdentityType::EmailAddress),
            "nmc" => Some(IdentityType::NmcPin),
            "hcpc" => Some(IdentityType::HcpcRegistrationNumber),
            "gphc" => Some(IdentityType::GphcRegistrationNumber),
            _ => None,
        }
    }
}

/// Parses `TYPE:VALUE`: the badge's own type names (`emailAddress:a@b.co`,
/// `ext:NMCPIN:99A9001E`) or their short forms (`email:a@b.co`, `nmc:99A9001E`, `hcpc:...`,
/// `gphc:...`). The one parser of the CLI, the API and the pages.
impl FromStr for KnownIdentifier {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, ModelError> {
        let s = s.trim();
        let split = if s.starts_with("ext:") {
            s.get(4..).and_then(|r| r.find(':')).map(|i| i + 4)
        } else {
            s.find(':')
        };
        let Some(i) = split else {
            return Err(ModelError::UnknownIdentityType {
                value: s.to_owned(),
            });
        };
        let (kind, value) = (s.get(..i).unwrap_or(""), s.get(i + 1..).unwrap_or(""));
        let kind = match IdentityType::from_alias(kind) {
            Some(kind) => kind,
            None => IdentityType::parse(kind)?,
        };
        KnownIdentifier::new(kind, value.trim())
    }
}

fn hash_hex(normalised: &str, salt: &str) -> String {
    let mut h = Sha256::new();
    h.update(normalised.as_bytes());
    h.update(salt.as_bytes());
    hex::encode(h.finalize())
}

/// `sha256$` + lower-case hex SHA-256 of (normalised identifier + salt), both UTF-8.
pub fn identity_hash(normalised: &str, salt: &str) -> String {
    format!("sha256${}", hash_hex(normalised, salt))
}

/// A hashed, salted identity object for an already-normalised value.
pub fn hashed_identity(kind: IdentityType, normalised: &str, salt: &str) -> IdentityObject {
    IdentityObject {
        kind: "IdentityObject".to_owned(),
        hashed: true,
        identity_hash: identity_hash(normalised, salt),
        identity_type: kind.as_str().to_owned(),
        salt: Some(salt.to_owned()),
    }
}

/// A plain-text `name` identity object (only where the practitioner opted in).
pub fn plain_name_identity(name: &str) -> IdentityObject {
    IdentityObject {
        kind: "IdentityObject".to_owned(),
        hashed: false,
        identity_hash: name.to_owned(),
        identity_type: "name".to_owned(),
        salt: None,
    }
}

/// Whether `identity` holds the identifier `known_value` of type `known_type` (e.g. `emailAddress`,
/// `ext:NMCPIN`); the known value is normalised first. Unknown types and malformed values never match.
pub fn identity_matches(identity: &IdentityObject, known_type: &str, known_value: &str) -> bool {
    IdentityType::parse(known_type)
        .and_then(|k| KnownIdentifier::new(k, known_value))
        .is_ok_and(|known| known.matches(identity))
}

/// [`identity_matches`] on an identity object still in JSON form (false if it is not one).
pub fn identity_matches_json(
    identity: &serde_json::Value,
    known_type: &str,
    known_value: &str,
) -> bool {
    serde_json::from_value::<IdentityObject>(identity.clone())
        .is_ok_and(|io| identity_matches(&io, known_type, known_value))
}

/// Whether any identity object in a credential's `credentialSubject.identifier` (object or array)
/// matches the known identifier.
pub fn credential_identifies(credential: &serde_json::Value, known: &KnownIdentifier) -> bool {
    let ids = &credential["credentialSubject"]["identifier"];
    let one = |v: &serde_json::Value| {
        serde_json::from_value::<IdentityObject>(v.clone()).is_ok_and(|io| known.matches(&io))
    };
    match ids {
        serde_json::Value::Array(items) => items.iter().any(one),
        serde_json::Value::Object(_) => one(ids),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKED: &str = "sha256$fd295bc0af2106f57f767c63b77e7966e4ee87a82113ca4c373ff1a51fd37d22";

    #[test]
    fn registration_digests_are_keyed_typed_and_normalised() {
        let key = RegistrationKey::new([5; 32]);
        let pin: KnownIdentifier = "ext:NMCPIN:99a 9001e".parse().unwrap();
        let same: KnownIdentifier = "ext:NMCPIN:99A9001E".parse().unwrap();
        let other: KnownIdentifier = "ext:NMCPIN:99A9002E".parse().unwrap();
        assert!(key.digest(&pin).matches(&key.digest(&same)));
        assert!(!key.digest(&pin).matches(&key.digest(&other)));
        assert!(!key
            .digest(&pin)
            .matches(&RegistrationKey::new([6; 32]).digest(&pin)));
        // The same characters under another regulator's type are another digest.
        let hcpc: KnownIdentifier = "ext:HCPCRegistrationNumber:PA999003".parse().unwrap();
        let gphc: KnownIdentifier = "ext:GPhCRegistrationNumber:2999004".parse().unwrap();
        assert!(!key.digest(&hcpc).matches(&key.digest(&gphc)));
        let d = key.digest(&pin);
        assert_eq!(RegistrationDigest::parse(d.as_str()).unwrap(), d);
        assert!(RegistrationDigest::parse("xyz").is_err());
        assert!(!format!("{key:?}{d:?}").contains(d.as_str()));
        // Without the key the digest is not the public salted hash.
        assert!(!d
            .as_str()
            .contains("fd295bc0af2106f57f767c63b77e7966e4ee87a82113ca4c373ff1a51fd37d22"));
    }

    #[test]
    fn domain_worked_example() {
        assert_eq!(identity_hash("99A9001E", "fixtureSalt-01"), WORKED);
    }

    #[test]
    fn ob_spec_example() {
        // From the OB 3.0 IdentityHash definition: 'a@example.com' salted with 'Kosher'.
        assert_eq!(
            identity_hash("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
    }

    #[test]
    fn matching_normalises_the_known_value() {
        let io = hashed_identity(IdentityType::NmcPin, "99A9001E", "fixtureSalt-01");
        assert_eq!(io.identity_hash, WORKED);
        assert!(identity_matches(&io, "ext:NMCPIN", "99a 9001e"));
        assert!(!identity_matches(&io, "ext:NMCPIN", "99A9001F"));
        assert!(!identity_matches(
            &io,
            "ext:HCPCRegistrationNumber",
            "99A9001E"
        ));
        assert!(!identity_matches(&io, "ext:Unknown", "99A9001E"));
        let upper = IdentityObject {
            identity_hash: WORKED.to_uppercase().replace("SHA256$", "sha256$"),
            ..io.clone()
        };
        assert!(identity_matches(&upper, "ext:NMCPIN", "99A9001E"));
        let md5 = IdentityObject {
            identity_hash: WORKED.replace("sha256$", "md5$"),
            ..io.clone()
        };
        assert!(!identity_matches(&md5, "ext:NMCPIN", "99A9001E"));
        let json = serde_json::to_value(&io).unwrap();
        assert!(identity_matches_json(&json, "ext:NMCPIN", "99A9001E"));
        assert!(!identity_matches_json(
            &serde_json::json!({"type": "IdentityObject"}),
            "ext:NMCPIN",
            "99A9001E"
        ));
    }

    #[test]
    fn email_matching_is_case_insensitive() {
        let io = hashed_identity(
            IdentityType::EmailAddress,
            "amira.okafor@example.nhs.uk",
            "s",
        );
        assert!(identity_matches(
            &io,
            "emailAddress",
            "Amira.Okafor@Example.NHS.uk"
        ));
        assert!(!identity_matches(
            &io,
            "emailAddress",
            "amira@example.nhs.uk"
        ));
    }

    #[test]
    fn known_identifier_strings() {
        let k: KnownIdentifier = "ext:NMCPIN:99a9001e".parse().unwrap();
        assert_eq!((k.kind(), k.value()), (IdentityType::NmcPin, "99A9001E"));
        let e: KnownIdentifier = "emailAddress:A@B.co".parse().unwrap();
        assert_eq!(
            (e.kind(), e.value()),
            (IdentityType::EmailAddress, "a@b.co")
        );
        let g: KnownIdentifier = "ext:GPhCRegistrationNumber:2999004".parse().unwrap();
        assert_eq!(g.kind(), IdentityType::GphcRegistrationNumber);
        // The short forms name the same types.
        for (short, long) in [
            ("email:A@B.co", "emailAddress:a@b.co"),
            ("NMC: 99a9001e", "ext:NMCPIN:99A9001E"),
            ("gphc:2999004", "ext:GPhCRegistrationNumber:2999004"),
        ] {
            let (a, b): (KnownIdentifier, KnownIdentifier) =
                (short.parse().unwrap(), long.parse().unwrap());
            assert_eq!((a.kind(), a.value()), (b.kind(), b.value()), "{short}");
        }
        for bad in [
            "",
            "ext:",
            "ext:NMCPIN",
            "nope:x",
            "emailAddress:",
            "ext:NMCPIN:12",
            ":x",
            "nmc:",
            "ext:nmc:99A9001E",
        ] {
            assert!(bad.parse::<KnownIdentifier>().is_err(), "{bad}");
        }
        assert!(!format!("{k:?}").contains("99A9001E"));
    }
}

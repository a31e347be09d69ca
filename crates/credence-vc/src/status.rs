//! W3C Bitstring Status List: status entries in credentials, the compressed bitstring, and list
//! credentials.
//!
//! Index 0 is the left-most (most significant) bit of the first byte, as the spec requires.
//! [`list_credential_with_set`] writes a list's unsigned credential from its set bits.

use std::io::{Read, Write};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use serde::{Deserialize, Serialize};

/// The smallest list the spec allows for herd privacy: 16 KiB of bits.
pub const MIN_LIST_LEN: usize = 131_072;
/// The largest decompressed list Credence accepts (a bound against compression bombs).
pub const MAX_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Why a status entry or list could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// The `credentialStatus` entry is missing a field or has one of the wrong type.
    #[error("credentialStatus entry: {0:?} is missing or malformed")]
    MalformedEntry(&'static str),
    /// The entry's type is not `BitstringStatusListEntry`.
    #[error("unsupported credentialStatus type {0:?}")]
    UnsupportedType(String),
    /// The status purpose is not one Credence understands.
    #[error("unsupported status purpose {0:?}")]
    UnsupportedPurpose(String),
    /// The list length is not a positive multiple of 8.
    #[error("a status list length must be a positive multiple of 8, not {0}")]
    BadLength(usize),
    /// The index lies outside the list.
    #[error("status index {index} is outside a list of {len} entries")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The number of entries in the list.
        len: usize,
    },
    /// The `encodedList` is not multibase base64url of GZIP data.
    #[error("the encodedList is not multibase base64url GZIP data")]
    BadEncoding,
    /// The decompressed list is larger than [`MAX_LIST_BYTES`].
    #[error("the status list is larger than {MAX_LIST_BYTES} bytes")]
    TooLarge,
    /// The list is shorter than the spec's minimum of [`MIN_LIST_LEN`] entries.
    #[error("the status list has {0} entries, fewer than the minimum of {MIN_LIST_LEN}")]
    TooShort(usize),
    /// The status list credential is not of the expected shape.
    #[error("status list credential: {0:?} is missing or malformed")]
    MalformedListCredential(&'static str),
    /// The list's purpose differs from the entry's.
    #[error("the list's purpose {list:?} differs from the entry's {entry:?}")]
    PurposeMismatch {
        /// The purpose named by the entry.
        entry: String,
        /// The purpose named by the list.
        list: String,
    },
}

/// What a status bit means.
///
/// Exhaustive on purpose: the purposes this crate understands (others are refused with
/// [`StatusError::UnsupportedPurpose`]), so that a caller mapping each one to a bit must be
/// revisited when one is added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    /// A set bit means the credential is revoked, for good.
    Revocation,
    /// A set bit means the badge is suspended, which can be undone.
    Suspension,
}

impl StatusPurpose {
    /// The spec's name: `revocation` or `suspension`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
        }
    }

    /// Parses the spec's name.
    pub fn parse(s: &str) -> Result<Self, StatusError> {
        match s {
            "revocation" => Ok(Self::Revocation),
            "suspension" => Ok(Self::Suspension),
            other => Err(StatusError::UnsupportedPurpose(other.to_owned())),
        }
    }
}

/// Checks a list length: a positive multiple of 8, at most [`MAX_LIST_BYTES`] bytes of bits.
///
/// The spec's minimum ([`MIN_LIST_LEN`]) is not checked here: verifiers refuse shorter lists
/// ([`ListCredential::from_json`]), and only tests make them.
pub fn check_list_len(len: usize) -> Result<(), StatusError> {
    if len == 0 || !len.is_multiple_of(8) || len / 8 > MAX_LIST_BYTES {
        return Err(StatusError::BadLength(len));
    }
    Ok(())
}

/// A `BitstringStatusListEntry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialStatus {
    /// `{statusListCredential}#{index}`.
    pub id: String,
    /// `BitstringStatusListEntry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Revocation or suspension.
    pub status_purpose: StatusPurpose,
    /// Index in the list, as a decimal string.
    pub status_list_index: String,
    /// URL of the status list credential.
    pub status_list_credential: String,
}

impl CredentialStatus {
    /// An entry at `index` in the list published at `list_url`.
    pub fn bitstring(list_url: &str, index: u64, purpose: StatusPurpose) -> Self {
        CredentialStatus {
            id: format!("{list_url}#{index}"),
            kind: "BitstringStatusListEntry".to_owned(),
            status_purpose: purpose,
            status_list_index: index.to_string(),
            status_list_credential: list_url.to_owned(),
        }
    }
}

/// A `BitstringStatusListEntry` in a badge's `credentialStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    /// The entry's own id, e.g. `https://badges.example/status/1#94567`.
    pub id: String,
    /// What a set bit means.
    pub purpose: StatusPurpose,
    /// The bit's index in the list.
    pub index: u64,
    /// The URL of the `BitstringStatusListCredential`.
    pub list_url: String,
}

impl StatusEntry {
    /// An entry for `index` in the list at `list_url`; its id is `list_url#index`.
    pub fn new(list_url: &str, purpose: StatusPurpose, index: u64) -> Self {
        Self {
            id: format!("{list_url}#{index}"),
            purpose,
            index,
            list_url: list_url.to_owned(),
        }
    }

    /// Parses one `credentialStatus` entry.
    pub fn from_json(value: &Value) -> Result<Self, StatusError> {
        let field = |k: &'static str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .ok_or(StatusError::MalformedEntry(k))
        };
        let kind = field("type")?;
        if kind != "BitstringStatusListEntry" {
            return Err(StatusError::UnsupportedType(kind.to_owned()));
        }
        let index = field("statusListIndex")?
            .parse::<u64>()
            .map_err(|_| StatusError::MalformedEntry("statusListIndex"))?;
        Ok(Self {
            id: value
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            purpose: StatusPurpose::parse(field("statusPurpose")?)?,
            index,
            list_url: field("statusListCredential")?.to_owned(),
        })
    }

    /// All entries of a credential's `credentialStatus` (absent, one object, or an array).
    pub fn all_in(credential: &Value) -> Result<Vec<Self>, StatusError> {
        match credential.get("credentialStatus") {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().map(Self::from_json).collect(),
            Some(one) => Ok(vec![Self::from_json(one)?]),
        }
    }

    /// The entry as JSON, for a badge's `credentialStatus`.
    pub fn to_json(&self) -> Value {
        let entry = CredentialStatus::bitstring(&self.list_url, self.index, self.purpose);
        serde_json::to_value(entry).unwrap_or(Value::Null)
    }
}

/// A bitstring of statuses.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bytes: Vec<u8>,
}

impl std::fmt::Debug for StatusList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusList")
            .field("len", &self.len())
            .finish()
    }
}

impl StatusList {
    /// A list of `len` entries, all clear. `len` must be a positive multiple of 8.
    pub fn new(len: usize) -> Result<Self, StatusError> {
        check_list_len(len)?;
        Ok(Self {
            bytes: vec![0; len / 8],
        })
    }

    /// A list of `len` entries with the bits at `set` set and all others clear.
    pub fn with_set(len: usize, set: impl IntoIterator<Item = u64>) -> Result<Self, StatusError> {
        let mut list = Self::new(len)?;
        for index in set {
            list.set(index, true)?;
        }
        Ok(list)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    /// Whether the list has no entries (never true for a constructed list).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The bit at `index`.
    pub fn get(&self, index: u64) -> Result<bool, StatusError> {
        let (byte, mask) = self.locate(index)?;
        Ok(self.bytes[byte] & mask != 0)
    }

    /// Sets or clears the bit at `index`.
    pub fn set(&mut self, index: u64, value: bool) -> Result<(), StatusError> {
        let (byte, mask) = self.locate(index)?;
        if value {
            self.bytes[byte] |= mask;
        } else {
            self.bytes[byte] &= !mask;
        }
        Ok(())
    }

    fn locate(&self, index: u64) -> Result<(usize, u8), StatusError> {
        let len = self.len();
        match usize::try_from(index) {
            Ok(i) if i < len => Ok((i / 8, 0x80 >> (i % 8))),
            _ => Err(StatusError::IndexOutOfRange { index, len }),
        }
    }

    /// The `encodedList`: multibase (`u`) base64url without padding, of the GZIP-compressed bits.
    pub fn encode(&self) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing to a Vec cannot fail.
        let compressed = gz
            .write_all(&self.bytes)
            .and_then(|()| gz.finish())
            .unwrap_or_default();
        format!("u{}", URL_SAFE_NO_PAD.encode(compressed))
    }

    /// Decodes an `encodedList`, refusing lists over [`MAX_LIST_BYTES`].
    pub fn decode(encoded: &str) -> Result<Self, StatusError> {
        let b64 = encoded.strip_prefix('u').ok_or(StatusError::BadEncoding)?;
        Self::decode_base64url(b64)
    }

    /// Decodes a StatusList2021 `encodedList`: base64url of the GZIP-compressed bits, without
    /// the multibase prefix the Bitstring Status List adds.
    pub fn decode_status_list_2021(encoded: &str) -> Result<Self, StatusError> {
        Self::decode_base64url(encoded)
    }

    fn decode_base64url(b64: &str) -> Result<Self, StatusError> {
        let compressed = URL_SAFE_NO_PAD
            .decode(b64.trim_end_matches('='))
            .map_err(|_| StatusError::BadEncoding)?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(compressed.as_slice())
            .take(MAX_LIST_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| StatusError::BadEncoding)?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusError::TooLarge);
        }
        if bytes.is_empty() {
            return Err(StatusError::BadEncoding);
        }
        Ok(Self { bytes })
    }
}

/// The parts of a `BitstringStatusListCredential` a verifier needs.
#[derive(Debug, Clone)]
pub struct ListCredential {
    /// The list credential's issuer id.
    pub issuer: String,
    /// What its bits mean.
    pub purpose: StatusPurpose,
    /// The bits.
    pub list: StatusList,
}

impl ListCredential {
    /// A list credential's parts; the list must have at least [`MIN_LIST_LEN`] entries.
    pub fn new(
        issuer: String,
        purpose: StatusPurpose,
        list: StatusList,
    ) -> Result<Self, StatusError> {
        if list.len() < MIN_LIST_LEN {
            return Err(StatusError::TooShort(list.len()));
        }
        Ok(Self {
            issuer,
            purpose,
            list,
        })
    }

    /// Reads the JSON of a status list credential this service made (its own lists, in tests and
    /// tools). The verifier reads lists from their signed RDF instead.
    pub fn from_json(credential: &Value) -> Result<Self, StatusError> {
        let types = credential.get("type");
        let is_list = match types {
            Some(Value::Array(t)) => t
                .iter()
                .any(|v| v.as_str() == Some("BitstringStatusListCredential")),
            Some(Value::String(t)) => t == "BitstringStatusListCredential",
            _ => false,
        };
        if !is_list {
            return Err(StatusError::MalformedListCredential("type"));
        }
        let issuer = match credential.get("issuer") {
            Some(Value::String(s)) => s.clone(),
            Some(obj) => obj
                .get("id")
                .and_then(Value::as_str)
                .ok_or(StatusError::MalformedListCredential("issuer"))?
                .to_owned(),
            None => return Err(StatusError::MalformedListCredential("issuer")),
        };
        let subject = credential
            .get("credentialSubject")
            .ok_or(StatusError::MalformedListCredential("credentialSubject"))?;
        if subject.get("type").and_then(Value::as_str) != Some("BitstringStatusList") {
            return Err(StatusError::MalformedListCredential(
                "credentialSubject.type",
            ));
        }
        let purpose = subject
            .get("statusPurpose")
            .and_then(Value::as_str)
            .ok_or(StatusError::MalformedListCredential("statusPurpose"))?;
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or(StatusError::MalformedListCredential("encodedList"))?;
        let list = StatusList::decode(encoded)?;
        if list.len() < MIN_LIST_LEN {
            return Err(StatusError::TooShort(list.len()));
        }
        Ok(Self {
            issuer,
            purpose: StatusPurpose::parse(purpose)?,
            list,
        })
    }

    /// The status bit for `entry`, after checking the purposes agree.
    pub fn status_of(&self, entry: &StatusEntry) -> Result<bool, StatusError> {
        if self.purpose != entry.purpose {
            return Err(StatusError::PurposeMismatch {
                entry: entry.purpose.as_str().to_owned(),
                list: self.purpose.as_str().to_owned(),
            });
        }
        self.list.get(entry.index)
    }
}

/// An unsigned `BitstringStatusListCredential` for `list`, ready for a proof.
pub fn list_credential(
    url: &str,
    issuer: &str,
    purpose: StatusPurpose,
    list: &StatusList,
    valid_from: &str,
    ttl_ms: Option<u64>,
) -> Value {
    let mut subject = json!({
        "id": format!("{url}#list"),
        "type": "BitstringStatusList",
        "statusPurpose": purpose.as_str(),
        "encodedList": list.encode(),
    });
    if let (Some(ttl), Value::Object(map)) = (ttl_ms, &mut subject) {
        map.insert("ttl".into(), Value::from(ttl));
    }
    json!({
        "@context": [crate::contexts::CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": subject,
    })
}

/// An unsigned `BitstringStatusListCredential` for the list at `url` of `len` entries whose set
/// bits are `set` (e.g. as a store records them), ready for a proof.
pub fn list_credential_with_set(
    url: &str,
    issuer: &str,
    purpose: StatusPurpose,
    len: usize,
    set: impl IntoIterator<Item = u64>,
    valid_from: &str,
    ttl_ms: Option<u64>,
) -> Result<Value, StatusError> {
    let list = StatusList::with_set(len, set)?;
    Ok(list_credential(
        url, issuer, purpose, &list, valid_from, ttl_ms,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_zero_is_the_leftmost_bit() {
        let mut list = StatusList::new(16).unwrap();
        list.set(0, true).unwrap();
        list.set(9, true).unwrap();
        assert_eq!(list.bytes, vec![0x80, 0x40]);
        assert!(list.get(0).unwrap());
        assert!(!list.get(1).unwrap());
        assert!(matches!(
            list.get(16),
            Err(StatusError::IndexOutOfRange { .. })
        ));
        list.set(0, false).unwrap();
        assert!(!list.get(0).unwrap());
    }

    #[test]
    fn encode_decode_round_trips() {
        let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
        list.set(94_567, true).unwrap();
        let encoded = list.encode();
        assert!(encoded.starts_with('u'));
        let back = StatusList::decode(&encoded).unwrap();
        assert_eq!(back, list);
        assert!(back.get(94_567).unwrap());
    }

    #[test]
    fn a_status_list_2021_encoded_list_has_no_multibase_prefix() {
        let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
        list.set(5, true).unwrap();
        let encoded = list.encode();
        let bare = encoded.strip_prefix('u').unwrap();
        assert_eq!(StatusList::decode_status_list_2021(bare).unwrap(), list);
        // Each scheme refuses the other's form.
        assert!(StatusList::decode(bare).is_err());
        assert!(StatusList::decode_status_list_2021(&encoded).is_err());
    }

    #[test]
    fn decodes_the_spec_example_empty_list() {
        // The Bitstring Status List spec's example encodedList of 131,072 clear bits.
        let list = StatusList::decode(
            "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        )
        .unwrap();
        assert_eq!(list.len(), MIN_LIST_LEN);
        assert!(!list.get(0).unwrap());
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(StatusList::decode("").is_err());
        assert!(StatusList::decode("xabc").is_err());
        assert!(StatusList::decode("u!!!").is_err());
        assert!(StatusList::new(7).is_err());
        assert!(StatusEntry::from_json(&json!({"type": "BitstringStatusListEntry"})).is_err());
    }

    #[test]
    fn list_credential_reads_back() {
        let mut list = StatusList::new(MIN_LIST_LEN).unwrap();
        list.set(5, true).unwrap();
        let vc = list_credential(
            "https://b.example/status/1",
            "did:web:b.example",
            StatusPurpose::Revocation,
            &list,
            "2024-01-01T00:00:00Z",
            Some(300_000),
        );
        let read = ListCredential::from_json(&vc).unwrap();
        let entry = StatusEntry::new("https://b.example/status/1", StatusPurpose::Revocation, 5);
        assert!(read.status_of(&entry).unwrap());
        let suspension =
            StatusEntry::new("https://b.example/status/1", StatusPurpose::Suspension, 5);
        assert!(read.status_of(&suspension).is_err());
        assert_eq!(StatusEntry::from_json(&entry.to_json()).unwrap(), entry);
    }

    #[test]
    fn a_list_credential_from_set_indexes() {
        let url = "https://b.example/status/3";
        let vc = list_credential_with_set(
            url,
            "did:web:b.example",
            StatusPurpose::Suspension,
            MIN_LIST_LEN,
            [3, 131_071],
            "2024-01-01T00:00:00Z",
            None,
        )
        .unwrap();
        let read = ListCredential::from_json(&vc).unwrap();
        assert_eq!(read.purpose, StatusPurpose::Suspension);
        for (index, set) in [(0, false), (3, true), (4, false), (131_071, true)] {
            let entry = StatusEntry::new(url, StatusPurpose::Suspension, index);
            assert_eq!(read.status_of(&entry).unwrap(), set, "{index}");
        }
        assert!(matches!(
            list_credential_with_set(
                url,
                "did:web:b.example",
                StatusPurpose::Revocation,
                MIN_LIST_LEN,
                [MIN_LIST_LEN as u64],
                "2024-01-01T00:00:00Z",
                None,
            ),
            Err(StatusError::IndexOutOfRange { .. })
        ));
        assert!(StatusList::with_set(12, []).is_err());
    }
}

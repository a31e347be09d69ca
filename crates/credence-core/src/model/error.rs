//! Errors raised while parsing raw input into validated domain values.
//!
//! Messages never echo an email address or a registration number: they are personal data.

use thiserror::Error;

use super::practitioner::Regulator;

/// Why an input could not become a validated domain value.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A specification code is not like `CS-OPF`.
    #[error("invalid specification code {value:?}: expected upper-case letters, digits and hyphens, like CS-OPF")]
    InvalidSpecId {
        /// The value given.
        value: String,
    },
    /// A specification version is not like `1.0`.
    #[error("invalid specification version {value:?}: expected MAJOR.MINOR, like 1.0")]
    InvalidSpecVersion {
        /// The value given.
        value: String,
    },
    /// A provider id is not a UKPRN (8 digits starting with 1).
    #[error("invalid UKPRN {value:?}: expected 8 digits starting with 1")]
    InvalidProviderId {
        /// The value given.
        value: String,
    },
    /// An approval id is not like `AP-001`.
    #[error(
        "invalid approval id {value:?}: expected 1 to 32 upper-case letters, digits or hyphens"
    )]
    InvalidApprovalId {
        /// The value given.
        value: String,
    },
    /// A badge id is not a `urn:uuid:` URN.
    #[error("invalid badge id {value:?}: expected urn:uuid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")]
    InvalidBadgeId {
        /// The value given.
        value: String,
    },
    /// A provider reference is empty, too long, or holds control characters.
    #[error("invalid provider reference: expected 1 to 128 printable characters")]
    InvalidProviderReference,
    /// A salt is empty, too long, or holds whitespace or control characters.
    #[error("invalid salt: expected 1 to 128 printable ASCII characters without spaces")]
    InvalidSalt,
    /// A base URL is not an absolute http(s) URL.
    #[error("invalid base URL {value:?}: expected https://host[/path] without query or fragment")]
    InvalidBaseUrl {
        /// The value given.
        value: String,
    },
    /// An email address is not well formed (the address itself is not repeated here).
    #[error("invalid email address")]
    InvalidEmail,
    /// The regulator name is not NMC, HCPC or GPhC.
    #[error("unknown regulator {value:?}: expected NMC, HCPC or GPhC")]
    UnknownRegulator {
        /// The value given.
        value: String,
    },
    /// A registration number does not have its regulator's format (the number is not repeated here).
    #[error("invalid {regulator} registration: {expected}")]
    InvalidRegistration {
        /// Which regulator's format was expected.
        regulator: Regulator,
        /// The expected format, in words.
        expected: &'static str,
    },
    /// A route is not `within_msc`, `after_msc` or `after_eportfolio`.
    #[error("unknown route {value:?}: expected within_msc, after_msc or after_eportfolio")]
    UnknownRoute {
        /// The value given.
        value: String,
    },
    /// A date is not an ISO 8601 calendar date `YYYY-MM-DD`.
    #[error("invalid date in {field}: {value:?} is not YYYY-MM-DD")]
    InvalidDate {
        /// The field holding the date.
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// A required text field is empty or blank.
    #[error("{field} must not be empty")]
    EmptyText {
        /// The field.
        field: &'static str,
    },
    /// A text field is longer than allowed.
    #[error("{field} is longer than {max} characters")]
    TextTooLong {
        /// The field.
        field: &'static str,
        /// The maximum number of characters.
        max: usize,
    },
    /// A text field holds control characters.
    #[error("{field} contains control characters")]
    ControlCharacters {
        /// The field.
        field: &'static str,
    },
    /// A name holds a bidirectional control character (U+202A-U+202E, U+2066-U+2069, U+200E,
    /// U+200F, U+061C), which can make it display as something else.
    #[error("{field} contains a bidirectional control character (U+{code_point:04X})")]
    BidiControl {
        /// The field.
        field: &'static str,
        /// The first such character.
        code_point: u32,
    },
    /// A status history is empty.
    #[error("{record} status history is empty")]
    EmptyHistory {
        /// Which kind of record.
        record: &'static str,
    },
    /// A status history is not in strictly increasing date order.
    #[error("{record} status history is not in strictly increasing date order")]
    HistoryOutOfOrder {
        /// Which kind of record.
        record: &'static str,
    },
    /// An approval's first status is not an approval, or does not start on its approved-on date.
    #[error("approval history must start with approved or approved_with_conditions on the approved-on date")]
    ApprovalHistoryStart,
    /// A date range is inverted (e.g. an end date before the start).
    #[error("{field} ({later}) is before {earlier_field} ({earlier})")]
    DateOrder {
        /// The field that should be later.
        field: &'static str,
        /// Its value.
        later: chrono::NaiveDate,
        /// The field that should be earlier.
        earlier_field: &'static str,
        /// Its value.
        earlier: chrono::NaiveDate,
    },
    /// A specification's FHEQ level is not 7.
    #[error("FHEQ level must be 7, got {level}")]
    FheqLevel {
        /// The level given.
        level: u8,
    },
    /// A specification names no pillar, or names one twice.
    #[error("a specification must align to at least one pillar, each at most once")]
    Pillars,
    /// A credit value is zero or implausibly large.
    #[error("credits must be between 1 and 360, got {credits}")]
    Credits {
        /// The value given.
        credits: u16,
    },
    /// An identifier string is not `TYPE:VALUE` with a known identity type.
    #[error("unknown identity type {value:?}: expected emailAddress, ext:NMCPIN, ext:HCPCRegistrationNumber or ext:GPhCRegistrationNumber")]
    UnknownIdentityType {
        /// The type given.
        value: String,
    },
    /// A stored registration digest is not 64 lower-case hex digits.
    #[error("a registration digest must be 64 lower-case hex digits")]
    RegistrationDigest,
}

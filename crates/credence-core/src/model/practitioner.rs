//! Practitioners and their regulator registrations (NMC PIN, HCPC number, GPhC number).
//!
//! Registration numbers are personal data: they are normalised here and otherwise only ever leave
//! the core as salted hashes. Their `Debug` output is redacted.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ModelError;
use super::ids::{optional_name, Email};

/// A UK health and care regulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Regulator {
    /// Nursing and Midwifery Council.
    #[serde(rename = "NMC")]
    Nmc,
    /// Health and Care Professions Council.
    #[serde(rename = "HCPC")]
    Hcpc,
    /// General Pharmaceutical Council.
    #[serde(rename = "GPhC")]
    Gphc,
}

impl Regulator {
    /// `NMC`, `HCPC` or `GPhC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Regulator::Nmc => "NMC",
            Regulator::Hcpc => "HCPC",
            Regulator::Gphc => "GPhC",
        }
    }

    /// Parses a regulator name, case-insensitively.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        match value.trim().to_ascii_uppercase().as_str() {
            "NMC" => Ok(Regulator::Nmc),
            "HCPC" => Ok(Regulator::Hcpc),
            "GPHC" => Ok(Regulator::Gphc),
            _ => Err(ModelError::UnknownRegulator {
                value: value.to_owned(),
            }),
        }
    }
}

impl fmt::Display for Regulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Upper-cases and drops all whitespace, the normal form of every registration number.
fn squash(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

macro_rules! registration_number {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// The normalised number (upper case, no spaces). Personal data: never log it.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(<redacted>)", stringify!($name))
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ModelError;
            fn try_from(value: &str) -> Result<Self, ModelError> {
                Self::parse(value)
            }
        }
    };
}

registration_number!(
    /// An NMC PIN, `^\d{2}[A-Z]\d{4}[A-Z]$` after normalisation, e.g. `99A9001E`.
    NmcPin
);
registration_number!(
    /// An HCPC registration number: a profession code (`AS`, `BS`, `CH`, `CS`, `DT`, `HAD`, `OT`,
    /// `ODP`, `OR`, `PA`, `PH`, `PO`, `PYL`, `RA`, `SL`) followed by 1 to 6 digits, e.g. `PH123456`.
    HcpcNumber
);
registration_number!(
    /// A GPhC registration number: 7 digits, starting with 2 (pharmacist) or 5 (pharmacy technician).
    GphcNumber
);

/// The HCPC profession codes accepted as registration prefixes.
pub const HCPC_PROFESSION_CODES: &[&str] = &[
    "AS", "BS", "CH", "CS", "DT", "HAD", "OT", "ODP", "OR", "PA", "PH", "PO", "PYL", "RA", "SL",
];

impl NmcPin {
    /// Parses and normalises an NMC PIN.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let v = squash(value);
        let b = v.as_bytes();
        let ok = b.len() == 8
            && b.iter().enumerate().all(|(i, c)| match i {
                2 | 7 => c.is_ascii_uppercase(),
                _ => c.is_ascii_digit(),
            });
        if ok {
            Ok(NmcPin(v))
        } else {
            Err(ModelError::InvalidRegistration {
                regulator: Regulator::Nmc,
                expected: "2 digits, a letter, 4 digits and a letter, like 99A9001E",
            })
        }
    }
}

impl HcpcNumber {
    /// Parses and normalises an HCPC registration number.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let v = squash(value);
        let split = v.find(|c: char| !c.is_ascii_uppercase()).unwrap_or(v.len());
        let (code, digits) = v.split_at(split);
        let ok = HCPC_PROFESSION_CODES.contains(&code)
            && (1..=6).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(HcpcNumber(v))
        } else {
            Err(ModelError::InvalidRegistration {
                regulator: Regulator::Hcpc,
                expected: "an HCPC profession code and up to 6 digits, like PH123456",
            })
        }
    }

    /// The profession code, e.g. `PH`.
    pub fn profession_code(&self) -> &str {
        self.0.trim_end_matches(|c: char| c.is_ascii_digit())
    }
}

/// Which GPhC register a number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GphcRegister {
    /// Pharmacists (numbers starting with 2).
    Pharmacist,
    /// Pharmacy technicians (numbers starting with 5).
    PharmacyTechnician,
}

impl GphcNumber {
    /// Parses and normalises a GPhC registration number.
    pub fn parse(value: &str) -> Result<Self, ModelError> {
        let v = squash(value);
        let ok = v.len() == 7
            && (v.starts_with('2') || v.starts_with('5'))
            && v.bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(GphcNumber(v))
        } else {
            Err(ModelError::InvalidRegistration {
                regulator: Regulator::Gphc,
                expected: "7 digits starting with 2 (pharmacist) or 5 (pharmacy technician)",
            })
        }
    }

    /// The register the number belongs to.
    pub fn register(&self) -> GphcRegister {
        if self.0.starts_with('5') {
            GphcRegister::PharmacyTechnician
        } else {
            GphcRegister::Pharmacist
        }
    }
}

/// A practitioner's registration with their regulator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Registration {
    /// Nursing and Midwifery Council PIN.
    Nmc(NmcPin),
    /// Health and Care Professions Council number.
    Hcpc(HcpcNumber),
    /// General Pharmaceutical Council number.
    Gphc(GphcNumber),
}

impl Registration {
    /// Parses a number for the named regulator.
    pub fn parse(regulator: Regulator, number: &str) -> Result<Self, ModelError> {
        Ok(match regulator {
            Regulator::Nmc => Registration::Nmc(NmcPin::parse(number)?),
            Regulator::Hcpc => Registration::Hcpc(HcpcNumber::parse(number)?),
            Regulator::Gphc => Registration::Gphc(GphcNumber::parse(number)?),
        })
    }

    /// The regulator.
    pub fn regulator(&self) -> Regulator {
        match self {
            Registration::Nmc(_) => Regulator::Nmc,
            Registration::Hcpc(_) => Regulator::Hcpc,
            Registration::Gphc(_) => Regulator::Gphc,
        }
    }

    /// The normalised number. Personal data: never log it.
    pub fn number(&self) -> &str {
        match self {
            Registration::Nmc(n) => n.as_str(),
            Registration::Hcpc(n) => n.as_str(),
            Registration::Gphc(n) => n.as_str(),
        }
    }

    /// The Open Badges `identityType` for this registration, e.g. `ext:NMCPIN`.
    pub fn identity_type(&self) -> &'static str {
        match self {
            Registration::Nmc(_) => "ext:NMCPIN",
            Registration::Hcpc(_) => "ext:HCPCRegistrationNumber",
            Registration::Gphc(_) => "ext:GPhCRegistrationNumber",
        }
    }
}

/// A registration as received: regulator name and number, both unchecked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RegistrationRequest))]
pub struct RawRegistration {
    /// `NMC`, `HCPC` or `GPhC` (any case).
    pub regulator: String,
    /// The number, spaces and case as typed.
    pub number: String,
}

impl TryFrom<&RawRegistration> for Registration {
    type Error = ModelError;
    fn try_from(raw: &RawRegistration) -> Result<Self, ModelError> {
        Registration::parse(Regulator::parse(&raw.regulator)?, &raw.number)
    }
}

impl From<&Registration> for RawRegistration {
    fn from(r: &Registration) -> Self {
        RawRegistration {
            regulator: r.regulator().as_str().to_owned(),
            number: r.number().to_owned(),
        }
    }
}

/// The practitioner of a completion as received from a provider, unchecked (the API's
/// `practitioner` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = PractitionerRequest))]
#[serde(deny_unknown_fields)]
pub struct RawPractitioner {
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Whether the practitioner agreed to their name appearing in the badge (default: no).
    #[serde(default)]
    pub publish_name: bool,
    /// Email address (stored in the badge only as a salted hash).
    pub email: String,
    /// Professional registration.
    pub registration: RawRegistration,
}

impl RawPractitioner {
    /// The full name as shown: the given and family names, trimmed, joined by a space.
    fn name(&self) -> Option<String> {
        let name = [&self.given_name, &self.family_name]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!name.is_empty()).then_some(name)
    }
}

/// A validated practitioner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Practitioner {
    name: Option<String>,
    publish_name: bool,
    email: Email,
    registration: Registration,
}

impl Practitioner {
    /// Builds a practitioner from validated parts.
    pub fn new(
        email: Email,
        registration: Registration,
        name: Option<String>,
        publish_name: bool,
    ) -> Self {
        Practitioner {
            name,
            publish_name,
            email,
            registration,
        }
    }
    /// The name, if given.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// The name to publish in the badge: only if the practitioner opted in.
    pub fn published_name(&self) -> Option<&str> {
        if self.publish_name {
            self.name.as_deref()
        } else {
            None
        }
    }
    /// Whether the practitioner opted in to their name appearing in the badge.
    pub fn publish_name(&self) -> bool {
        self.publish_name
    }
    /// The normalised email address.
    pub fn email(&self) -> &Email {
        &self.email
    }
    /// The regulator registration.
    pub fn registration(&self) -> &Registration {
        &self.registration
    }
}

impl TryFrom<&RawPractitioner> for Practitioner {
    type Error = ModelError;
    fn try_from(raw: &RawPractitioner) -> Result<Self, ModelError> {
        let name = optional_name("practitioner.name", raw.name().as_deref(), 200)?;
        let email = Email::try_from(raw.email.as_str())?;
        let registration = Registration::try_from(&raw.registration)?;
        let publish_name = raw.publish_name && name.is_some();
        Ok(Practitioner {
            name,
            publish_name,
            email,
            registration,
        })
    }
}

impl From<&Practitioner> for RawPractitioner {
    fn from(p: &Practitioner) -> Self {
        // The validated name is one string: it goes back as a given name (the first word) and a
        // family name (the rest), which join to the same name.
        let (given_name, family_name) = match p.name.as_deref().map(|n| n.split_once(' ')) {
            Some(Some((given, family))) => (Some(given.to_owned()), Some(family.to_owned())),
            Some(None) => (p.name.clone(), None),
            None => (None, None),
        };
        RawPractitioner {
            given_name,
            family_name,
            publish_name: p.publish_name,
            email: p.email.as_str().to_owned(),
            registration: RawRegistration::from(&p.registration),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nmc_pins() {
        assert_eq!(NmcPin::parse("99a 9001e").unwrap().as_str(), "99A9001E");
        assert_eq!(NmcPin::parse(" 99K9005S").unwrap().as_str(), "99K9005S");
        for bad in [
            "",
            "99A9001",
            "99A90011E",
            "9AA9001E",
            "99A9001",
            "99A900E1",
            "99A9O01E",
            "99Ä9001E",
        ] {
            assert!(NmcPin::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hcpc_numbers() {
        for (input, norm, code) in [
            ("PH123456", "PH123456", "PH"),
            ("ph 999002", "PH999002", "PH"),
            ("PYL1", "PYL1", "PYL"),
            ("odp 12345", "ODP12345", "ODP"),
            ("HAD99", "HAD99", "HAD"),
        ] {
            let n = HcpcNumber::parse(input).unwrap();
            assert_eq!((n.as_str(), n.profession_code()), (norm, code));
        }
        for bad in [
            "",
            "PH",
            "PH1234567",
            "XX123456",
            "123456",
            "P123456",
            "PH12A456",
            "PHH123",
        ] {
            assert!(HcpcNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn gphc_numbers() {
        assert_eq!(
            GphcNumber::parse("2999004").unwrap().register(),
            GphcRegister::Pharmacist
        );
        assert_eq!(
            GphcNumber::parse("5 999 004").unwrap().register(),
            GphcRegister::PharmacyTechnician
        );
        for bad in ["", "1999004", "299900", "29990041", "299900A", "7999004"] {
            assert!(GphcNumber::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registrations_and_identity_types() {
        let raw = RawRegistration {
            regulator: "gphc".into(),
            number: "2999004".into(),
        };
        let r = Registration::try_from(&raw).unwrap();
        assert_eq!(r.identity_type(), "ext:GPhCRegistrationNumber");
        assert_eq!(RawRegistration::from(&r).regulator, "GPhC");
        let wrong = RawRegistration {
            regulator: "NMC".into(),
            number: "PH123456".into(),
        };
        assert!(matches!(
            Registration::try_from(&wrong),
            Err(ModelError::InvalidRegistration {
                regulator: Regulator::Nmc,
                ..
            })
        ));
        let unknown = RawRegistration {
            regulator: "GMC".into(),
            number: "1234567".into(),
        };
        assert!(matches!(
            Registration::try_from(&unknown),
            Err(ModelError::UnknownRegulator { .. })
        ));
    }

    #[test]
    fn debug_and_errors_do_not_leak_numbers() {
        let r = Registration::parse(Regulator::Nmc, "99A9001E").unwrap();
        assert!(!format!("{r:?}").contains("99A9001E"));
        let e = NmcPin::parse("12X3456").unwrap_err();
        assert!(!e.to_string().contains("12X3456"));
    }

    #[test]
    fn name_published_only_with_opt_in() {
        let raw = RawPractitioner {
            given_name: Some(" Amira ".into()),
            family_name: Some("Okafor".into()),
            publish_name: false,
            email: "a@b.co".into(),
            registration: RawRegistration {
                regulator: "NMC".into(),
                number: "99A9001E".into(),
            },
        };
        assert_eq!(Practitioner::try_from(&raw).unwrap().published_name(), None);
        let opted = RawPractitioner {
            publish_name: true,
            ..raw
        };
        assert_eq!(
            Practitioner::try_from(&opted).unwrap().published_name(),
            Some("Amira Okafor")
        );
    }

    #[test]
    fn names_with_bidi_controls_are_refused() {
        let raw = RawPractitioner {
            // "Amira" then a right-to-left override: "Okafor" would display reversed.
            given_name: Some("Amira".into()),
            family_name: Some("\u{202E}rofakO".into()),
            publish_name: true,
            email: "a@b.co".into(),
            registration: RawRegistration {
                regulator: "NMC".into(),
                number: "99A9001E".into(),
            },
        };
        assert_eq!(
            Practitioner::try_from(&raw).unwrap_err(),
            ModelError::BidiControl {
                field: "practitioner.name",
                code_point: 0x202E,
            }
        );
    }
}

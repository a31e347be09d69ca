//! The Centre's status lists: which bits a badge holds, where the lists are published, and why a
//! badge was revoked or suspended.
//!
//! A Credence badge carries two entries, a revocation and a suspension bit ([`BadgeStatusSlots`]),
//! in lists published at `{base}/status/{list}` ([`StatusListId::url`]). The store hands out the
//! slots; `credence_vc::status` holds the Bitstring Status List itself.

use credence_vc::status::{CredentialStatus, StatusPurpose};

use crate::model::BaseUrl;

/// Longest note on a status change, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A note on a status change that is longer than [`MAX_NOTE_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("note is longer than {MAX_NOTE_CHARS} characters")]
pub struct NoteTooLong;

/// The note of a status change: trimmed, blank as none, at most [`MAX_NOTE_CHARS`] characters.
pub fn status_note(note: Option<&str>) -> Result<Option<&str>, NoteTooLong> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(NoteTooLong);
    }
    Ok(note)
}

/// A status change reason that is not one Credence knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status change reason {0:?}")]
pub struct UnknownReason(pub String);

/// Why a badge was revoked or suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StatusReason {
    /// The badge should never have been issued (wrong data, wrong person).
    IssuedInError,
    /// The provider withdrew the completion.
    CompletionWithdrawn,
    /// Academic misconduct was found.
    AcademicMisconduct,
    /// An investigation is under way (typically a suspension).
    UnderInvestigation,
    /// Another reason, given in the note.
    Other,
}

impl StatusReason {
    /// Every reason, in documentation order.
    pub const ALL: [StatusReason; 5] = [
        Self::IssuedInError,
        Self::CompletionWithdrawn,
        Self::AcademicMisconduct,
        Self::UnderInvestigation,
        Self::Other,
    ];

    /// The reason's code, e.g. `issued_in_error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IssuedInError => "issued_in_error",
            Self::CompletionWithdrawn => "completion_withdrawn",
            Self::AcademicMisconduct => "academic_misconduct",
            Self::UnderInvestigation => "under_investigation",
            Self::Other => "other",
        }
    }
}

impl std::str::FromStr for StatusReason {
    type Err = UnknownReason;
    fn from_str(s: &str) -> Result<Self, UnknownReason> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownReason(s.to_owned()))
    }
}

impl std::fmt::Display for StatusReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The number of one of the service's status lists; the list is published at
/// `{base}/status/{id}`. Revocation and suspension lists share one numbering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusListId(pub u64);

impl StatusListId {
    /// Where the list's credential is published: `{base}/status/{id}`.
    pub fn url(self, base_url: &BaseUrl) -> String {
        base_url.join(&format!("status/{}", self.0))
    }
}

impl std::fmt::Display for StatusListId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One bit reserved for a badge: a list and an index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusSlot {
    /// The list.
    pub list: StatusListId,
    /// The bit's index in the list.
    pub index: u64,
}

impl StatusSlot {
    /// The badge's `BitstringStatusListEntry` for this bit.
    pub fn entry(self, base_url: &BaseUrl, purpose: StatusPurpose) -> CredentialStatus {
        CredentialStatus::bitstring(&self.list.url(base_url), self.index, purpose)
    }
}

/// A badge's two bits: one in a revocation list, one in a suspension list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BadgeStatusSlots {
    /// The revocation bit.
    pub revocation: StatusSlot,
    /// The suspension bit.
    pub suspension: StatusSlot,
}

impl BadgeStatusSlots {
    /// The badge's `credentialStatus` entries: revocation first, then suspension.
    pub fn entries(&self, base_url: &BaseUrl) -> Vec<CredentialStatus> {
        vec![
            self.revocation.entry(base_url, StatusPurpose::Revocation),
            self.suspension.entry(base_url, StatusPurpose::Suspension),
        ]
    }

    /// The slot for `purpose`.
    pub fn slot(&self, purpose: StatusPurpose) -> StatusSlot {
        match purpose {
            StatusPurpose::Revocation => self.revocation,
            StatusPurpose::Suspension => self.suspension,
        }
    }
}

/// Why a badge's status could not change as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum StatusConflict {
    /// The badge is revoked, which is final: it can be neither revoked again, suspended nor
    /// reinstated.
    #[error("the badge is already revoked")]
    AlreadyRevoked,
    /// The badge is already suspended.
    #[error("the badge is already suspended")]
    AlreadySuspended,
    /// The badge is not suspended, so there is nothing to reinstate.
    #[error("the badge is not suspended")]
    NotSuspended,
}

/// A change of a badge's status the Centre may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusAction {
    /// Revoke, for good.
    Revoke,
    /// Suspend until reinstated.
    Suspend,
    /// Lift a suspension.
    Reinstate,
}

impl StatusAction {
    /// The audit log's name of the change, e.g. `badge.revoke`.
    pub fn audit_action(self) -> &'static str {
        match self {
            StatusAction::Revoke => "badge.revoke",
            StatusAction::Suspend => "badge.suspend",
            StatusAction::Reinstate => "badge.reinstate",
        }
    }
}

/// The badge's lifecycle: which bit a change sets or clears, given the bits as they stand.
/// Revocation is final; a suspended badge cannot be suspended again, nor an unsuspended one
/// reinstated. Returns the purpose of the bit to change and its new value.
pub fn status_transition(
    revoked: bool,
    suspended: bool,
    action: StatusAction,
) -> Result<(StatusPurpose, bool), StatusConflict> {
    match action {
        _ if revoked => Err(StatusConflict::AlreadyRevoked),
        StatusAction::Revoke => Ok((StatusPurpose::Revocation, true)),
        StatusAction::Suspend if suspended => Err(StatusConflict::AlreadySuspended),
        StatusAction::Suspend => Ok((StatusPurpose::Suspension, true)),
        StatusAction::Reinstate if !suspended => Err(StatusConflict::NotSuspended),
        StatusAction::Reinstate => Ok((StatusPurpose::Suspension, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_trimmed_and_bounded() {
        assert_eq!(status_note(None), Ok(None));
        assert_eq!(status_note(Some("  ")), Ok(None));
        assert_eq!(
            status_note(Some(" wrong person ")),
            Ok(Some("wrong person"))
        );
        let long = "é".repeat(MAX_NOTE_CHARS + 1);
        assert_eq!(status_note(Some(&long)), Err(NoteTooLong));
        assert!(status_note(Some(&long[..long.len() - 2])).is_ok());
    }
    use credence_vc::status::StatusEntry;
    use serde_json::{json, Value};

    #[test]
    fn a_badges_two_entries() {
        let base = BaseUrl::try_from("https://b.example").unwrap();
        let slots = BadgeStatusSlots {
            revocation: StatusSlot {
                list: StatusListId(1),
                index: 94_567,
            },
            suspension: StatusSlot {
                list: StatusListId(2),
                index: 23_452,
            },
        };
        let entries = slots.entries(&base);
        let json = serde_json::to_value(&entries).unwrap();
        let read = StatusEntry::all_in(&json!({ "credentialStatus": json })).unwrap();
        assert_eq!(
            read,
            vec![
                StatusEntry::new(
                    "https://b.example/status/1",
                    StatusPurpose::Revocation,
                    94_567
                ),
                StatusEntry::new(
                    "https://b.example/status/2",
                    StatusPurpose::Suspension,
                    23_452
                ),
            ]
        );
        assert_eq!(slots.slot(StatusPurpose::Suspension).list, StatusListId(2));
    }

    #[test]
    fn reasons_round_trip() {
        for reason in StatusReason::ALL {
            assert_eq!(reason.as_str().parse::<StatusReason>().unwrap(), reason);
            assert_eq!(
                serde_json::to_value(reason).unwrap(),
                Value::from(reason.as_str())
            );
        }
        assert!("misconduct".parse::<StatusReason>().is_err());
    }

    #[test]
    fn revocation_is_final_and_suspension_toggles() {
        use StatusAction::*;
        assert_eq!(
            status_transition(false, false, Revoke),
            Ok((StatusPurpose::Revocation, true))
        );
        assert_eq!(
            status_transition(false, true, Revoke),
            Ok((StatusPurpose::Revocation, true))
        );
        for action in [Revoke, Suspend, Reinstate] {
            assert_eq!(
                status_transition(true, false, action),
                Err(StatusConflict::AlreadyRevoked)
            );
            assert_eq!(
                status_transition(true, true, action),
                Err(StatusConflict::AlreadyRevoked)
            );
        }
        assert_eq!(
            status_transition(false, true, Suspend),
            Err(StatusConflict::AlreadySuspended)
        );
        assert_eq!(
            status_transition(false, false, Reinstate),
            Err(StatusConflict::NotSuspended)
        );
        assert_eq!(
            status_transition(false, true, Reinstate),
            Ok((StatusPurpose::Suspension, false))
        );
    }
}

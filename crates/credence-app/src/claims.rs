//! Claim links: each badge's private `/claim/{token}` link. The token is HMAC-SHA-256 of the badge
//! id under a secret kept in the data directory, so the service can give the same link again when a
//! completion is resubmitted; the database keeps only the token's SHA-256.

use credence_core::model::BadgeId;
use credence_store::TokenHash;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The secret file in the data directory.
pub const CLAIM_SECRET_FILE: &str = "claim-secret";

/// The secret of registration digests, in the data directory
/// ([`RegistrationKey`](credence_core::badge::RegistrationKey)). Losing it means the
/// service can no longer answer registration checks for the badges already issued: back it up
/// with the database; replicas share it like the claim secret.
pub const REGISTRATION_SECRET_FILE: &str = "registration-secret";

/// Makes claim tokens and the anti-forgery tokens of claim pages.
pub struct ClaimKeys {
    secret: [u8; 32],
}

impl std::fmt::Debug for ClaimKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimKeys(..)")
    }
}

impl ClaimKeys {
    /// Keys from a 32-byte secret.
    pub fn new(secret: [u8; 32]) -> Self {
        ClaimKeys { secret }
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        // HMAC accepts keys of any length, so this cannot fail for 32 bytes.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.secret) else {
            return String::new();
        };
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// The claim token of a badge: `clm_` and 256 bits in hex.
    pub fn token_for(&self, badge: &BadgeId) -> String {
        format!(
            "clm_{}",
            self.mac(&[b"claim-v1", badge.as_str().as_bytes()])
        )
    }

    /// The anti-forgery token that claim page forms carry for this claim.
    pub fn form_token(&self, claim: &TokenHash) -> String {
        self.mac(&[b"form-v1", claim.as_str().as_bytes()])
    }

    /// Whether `given` is this claim's anti-forgery token (constant time).
    pub fn check_form_token(&self, claim: &TokenHash, given: &str) -> bool {
        let expected = self.form_token(claim);
        expected.len() == given.len()
            && expected
                .bytes()
                .zip(given.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_per_badge_and_secret() {
        let a = BadgeId::try_from("urn:uuid:3f1c2a94-6d2b-4c1e-9a57-1b8e0d4c7f21").unwrap();
        let b = BadgeId::try_from("urn:uuid:3f1c2a94-6d2b-4c1e-9a57-1b8e0d4c7f22").unwrap();
        let keys = ClaimKeys::new([1; 32]);
        assert_eq!(keys.token_for(&a), keys.token_for(&a));
        assert_ne!(keys.token_for(&a), keys.token_for(&b));
        assert_ne!(keys.token_for(&a), ClaimKeys::new([2; 32]).token_for(&a));
        assert_eq!(keys.token_for(&a).len(), 4 + 64);
        let hash = TokenHash::of_token(&keys.token_for(&a));
        let form = keys.form_token(&hash);
        assert!(keys.check_form_token(&hash, &form));
        assert!(!keys.check_form_token(&hash, &form[1..]));
        assert!(!keys.check_form_token(&TokenHash::of_token("x"), &form));
    }
}

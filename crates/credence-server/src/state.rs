//! `AppState`: what every handler shares: the store, the issuer, the clock, the configuration and
//! the metrics.

use std::sync::Arc;

use credence_core::badge::RegistrationKey;
use credence_core::model::BadgeId;
use credence_core::verify::Verifier;
use credence_ld::budget::Cancel;
use credence_store::Store;

use crate::artwork::ArtworkCache;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::ratelimit::{ClientKey, KeyedLimiter};
use credence_app::claims::ClaimKeys;
use credence_app::clock::Clock;
use credence_app::Issuer;

impl AppState {
    /// `actor` acting now, by this service's clock: the stamp of a write.
    pub fn stamp(&self, actor: credence_store::Actor) -> credence_store::Stamp {
        credence_store::Stamp::new(actor, self.clock.now())
    }

    /// The issuance use case over this service's store, issuer, secrets and clock.
    pub fn issuing(&self) -> credence_app::Issuing {
        credence_app::Issuing {
            store: self.store.clone(),
            issuer: self.issuer.clone(),
            registrations: self.registrations.clone(),
            claims: self.claims.clone(),
            clock: self.clock.clone(),
        }
    }
}

/// Shared state of the service.
#[derive(Clone)]
pub struct AppState {
    /// Persistence.
    pub store: Arc<dyn Store>,
    /// Signs badges with the active key.
    pub issuer: Arc<Issuer>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// The configuration.
    pub config: Arc<Config>,
    /// Request and issuance counters.
    pub metrics: Arc<Metrics>,
    /// Verifies badges (its JSON-LD and status-list caches are shared by all requests).
    pub verifier: Arc<Verifier>,
    /// Badge artwork per specification version.
    pub artwork: Arc<ArtworkCache>,
    /// Makes claim links and their pages' anti-forgery tokens.
    pub claims: Arc<ClaimKeys>,
    /// The per-client rate limit of every route that verifies a badge.
    pub verify_limiter: Arc<KeyedLimiter<ClientKey>>,
    /// The Centre's key for registration digests (badges carry no registration number).
    pub registrations: Arc<RegistrationKey>,
    /// The per-badge limit of registration checks.
    pub recipient_limiter: Arc<KeyedLimiter<BadgeId>>,
    /// Set when the service shuts down: every verification under way (each on a child of this
    /// flag) stops at once instead of holding the shutdown up.
    pub shutdown: Cancel,
}

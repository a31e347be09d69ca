//! `AppState`: what every handler shares: the store, the issuer, the clock, the configuration and
//! the metrics.

use std::sync::Arc;

use credence_store::Store;

use crate::clock::Clock;
use crate::config::Config;
use crate::issuer::Issuer;
use crate::metrics::Metrics;

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
}

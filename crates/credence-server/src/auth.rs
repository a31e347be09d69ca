//! Who is calling: the `Caller` extractor turns a bearer token into an API client with a scope.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use credence_core::model::ProviderId;
use credence_store::{Actor, ApiClient, Scope, TokenHash};

use crate::error::ApiError;
use crate::state::AppState;

/// An authenticated API client.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The client record.
    pub client: ApiClient,
}

impl Caller {
    /// How the audit log names this caller.
    pub fn actor(&self) -> Actor {
        Actor::client(self.client.id)
    }

    /// Whether the caller is a Centre administrator.
    pub fn is_admin(&self) -> bool {
        self.client.scope == Scope::Admin
    }

    /// The provider a provider-scoped caller acts for.
    pub fn provider(&self) -> Option<&ProviderId> {
        match &self.client.scope {
            Scope::Provider(p) => Some(p),
            _ => None,
        }
    }

    /// Refuses callers without the `admin` scope.
    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "this endpoint is for the Centre's administrators (scope admin)",
            ))
        }
    }

    /// The caller as the use cases see it: its audit actor and the provider it is limited to.
    pub fn acting(&self) -> credence_app::Acting {
        credence_app::Acting {
            actor: self.actor(),
            provider: match &self.client.scope {
                Scope::Admin => None,
                Scope::Provider(own) => Some(own.clone()),
            },
        }
    }

    /// Refuses a provider-scoped caller acting for another provider.
    pub fn may_act_for(&self, provider: &ProviderId) -> Result<(), ApiError> {
        match &self.client.scope {
            Scope::Admin => Ok(()),
            Scope::Provider(own) if own == provider => Ok(()),
            Scope::Provider(own) => Err(ApiError::OtherProvider {
                own: own.clone(),
                given: provider.clone(),
            }),
        }
    }
}

/// The token in an `Authorization: Bearer` header.
fn bearer(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated)?
        .to_str()
        .map_err(|_| ApiError::InvalidToken)?;
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::Unauthenticated)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthenticated);
    }
    Ok(token.trim())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let hash = TokenHash::of_token(bearer(parts)?);
        match state.store.client_by_token_hash(&hash).await? {
            Some(client) => Ok(Caller { client }),
            None => Err(ApiError::InvalidToken),
        }
    }
}

/// A caller with the `admin` scope.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require_admin()?;
        Ok(Admin(caller))
    }
}

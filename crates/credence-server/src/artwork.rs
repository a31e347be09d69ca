//! Badge artwork per specification version, drawn and rendered once (rendering a PNG takes
//! milliseconds) and kept in memory; baking the credential in is per badge and cheap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use credence_artwork::{badge_svg, render_png, DEFAULT_FONTS};
use credence_core::model::CredentialSpecification;

use crate::error::ApiError;

/// Width of the PNG badge image.
pub const PNG_WIDTH: u32 = 600;

/// One specification version's artwork.
#[derive(Debug)]
pub struct Artwork {
    /// The SVG (accessible, self-contained).
    pub svg: String,
    /// The SVG rendered to PNG, [`PNG_WIDTH`] wide.
    pub png: Vec<u8>,
}

/// Artwork by specification code and version.
#[derive(Debug, Default)]
pub struct ArtworkCache {
    entries: Mutex<HashMap<(String, String, String), Arc<Artwork>>>,
}

impl ArtworkCache {
    /// The artwork of `spec` with the issuer's name on it, rendered on the blocking pool the
    /// first time.
    pub async fn get(
        &self,
        spec: &CredentialSpecification,
        issuer_name: &str,
    ) -> Result<Arc<Artwork>, ApiError> {
        let key = (
            spec.id().to_string(),
            spec.version().to_string(),
            issuer_name.to_owned(),
        );
        if let Some(found) = self.entries.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(found);
        }
        let svg = badge_svg(spec, issuer_name);
        let artwork = tokio::task::spawn_blocking(move || {
            let png = render_png(&svg, DEFAULT_FONTS, PNG_WIDTH)?;
            Ok::<_, credence_artwork::ArtworkError>(Artwork { svg, png })
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?;
        let artwork = Arc::new(artwork);
        if let Ok(mut m) = self.entries.lock() {
            m.insert(key, artwork.clone());
        }
        Ok(artwork)
    }
}

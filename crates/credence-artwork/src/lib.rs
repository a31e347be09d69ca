//! Credence's badge artwork and sharing: what a practitioner downloads and posts, beside the
//! signed badge itself.
//!
//! - [`badge_svg`] draws a credential specification's badge as self-contained, accessible SVG;
//!   [`render_png`] rasterizes SVG in-process with `resvg` and the bundled [`DEFAULT_FONTS`]
//!   (no files, no system fonts). Either image can then be baked with `credence_core::bake`.
//! - [`qr`] makes QR codes (of a badge's verification URL) as SVG or PNG.
//! - [`share`] builds LinkedIn's add-to-profile link.
//!
//! Kept apart from `credence-core` so that a program that only issues or verifies does not build
//! resvg or carry 1.4 MB of fonts.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod badge;
pub mod qr;
pub mod share;

pub use badge::{
    badge_svg, render_png, ArtworkError, ARTWORK_SIZE, BOLD_FONT, DEFAULT_FONTS, FONT_FAMILY,
    MAX_RENDER_SIDE, MAX_SVG_BYTES, REGULAR_FONT,
};

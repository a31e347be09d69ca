//! QR codes for a practitioner's downloads (typically the badge's verification URL), as SVG or PNG.
//!
//! Both forms encode the text in byte mode at error correction level M (about 15% of the code can
//! be damaged and still read), with the quiet zone of 4 light modules the standard asks for around
//! the symbol. Dark modules are black, light ones white: the best contrast for scanning.
//!
//! ```
//! let svg = credence_artwork::qr::qr_svg("https://badges.example.org/verify/123")?;
//! assert!(svg.contains("<title>"));
//! let png = credence_artwork::qr::qr_png("https://badges.example.org/verify/123", 8)?;
//! assert!(png.starts_with(b"\x89PNG"));
//! # Ok::<(), credence_artwork::qr::QrError>(())
//! ```

use std::fmt::Write as _;

use qrcode::types::{Color, EcLevel};
use qrcode::QrCode;

use crate::badge::escape_xml;

/// Light modules around the symbol on every side.
pub const QUIET_ZONE: u32 = 4;
/// Longest text encoded, in UTF-8 bytes. A verification URL is far shorter; longer texts make
/// codes too dense to scan reliably from a screen or a print.
pub const MAX_TEXT_BYTES: usize = 1024;
/// Largest size of one module in a PNG, in px.
pub const MAX_MODULE_PX: u32 = 20;
/// Side of one module in the SVG's intrinsic size, in px (the SVG scales to any size).
const SVG_MODULE_PX: usize = 8;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The text is empty.
    #[error("nothing to encode: the text is empty")]
    Empty,
    /// The text is over [`MAX_TEXT_BYTES`].
    #[error("text too long for a QR code: {len} bytes, the limit is {max} bytes")]
    TooLong {
        /// The text's length, in UTF-8 bytes.
        len: usize,
        /// The limit, in bytes.
        max: usize,
    },
    /// The module size asked for is 0 or over [`MAX_MODULE_PX`].
    #[error("module size {module_px} px is not between 1 and {max} px")]
    ModuleSize {
        /// The size asked for.
        module_px: u32,
        /// The largest allowed.
        max: u32,
    },
    /// The encoder refused the text.
    #[error("cannot encode the QR code")]
    Encode {
        /// The encoder's error.
        #[source]
        source: qrcode::types::QrError,
    },
    /// The PNG could not be written.
    #[error("cannot write the PNG")]
    Png {
        /// The encoder's error.
        #[source]
        source: png::EncodingError,
    },
}

/// The code's modules, row by row, `true` for dark, without the quiet zone.
struct Modules {
    width: usize,
    dark: Vec<bool>,
}

impl Modules {
    fn encode(text: &str) -> Result<Self, QrError> {
        if text.is_empty() {
            return Err(QrError::Empty);
        }
        if text.len() > MAX_TEXT_BYTES {
            return Err(QrError::TooLong {
                len: text.len(),
                max: MAX_TEXT_BYTES,
            });
        }
        let code = QrCode::with_error_correction_level(text, EcLevel::M)
            .map_err(|source| QrError::Encode { source })?;
        Ok(Self {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
        })
    }

    /// Whether the module at column `x`, row `y` is dark (false outside the symbol).
    fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark.get(y * self.width + x) == Some(&true)
    }

    /// Whether the module at quiet-zone coordinates (`x`, `y`) is dark.
    fn is_dark_padded(&self, x: usize, y: usize) -> bool {
        let quiet = QUIET_ZONE as usize;
        match (x.checked_sub(quiet), y.checked_sub(quiet)) {
            (Some(x), Some(y)) => self.is_dark(x, y),
            _ => false,
        }
    }
}

/// The QR code of `text` as an SVG document: a white square with the dark modules as one path,
/// a `<title>` naming the text, `role="img"`, and a `viewBox` in modules (8 px each by default).
pub fn qr_svg(text: &str) -> Result<String, QrError> {
    let modules = Modules::encode(text)?;
    let quiet = QUIET_ZONE as usize;
    let side = modules.width + 2 * quiet;
    let px = side * SVG_MODULE_PX;
    let mut path = String::new();
    for y in 0..modules.width {
        let mut x = 0;
        while x < modules.width {
            if !modules.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while modules.is_dark(x, y) {
                x += 1;
            }
            // `write!` to a String cannot fail.
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + quiet,
                y + quiet,
                x - start,
                x - start
            );
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" \
         viewBox=\"0 0 {side} {side}\" role=\"img\" shape-rendering=\"crispEdges\">\n\
         <title>QR code: {title}</title>\n\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#ffffff\"/>\n\
         <path fill=\"#000000\" d=\"{path}\"/>\n\
         </svg>\n",
        title = escape_xml(text),
    ))
}

/// The QR code of `text` as an 8-bit greyscale PNG, `module_px` px per module (1 to
/// [`MAX_MODULE_PX`]), quiet zone included.
pub fn qr_png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if !(1..=MAX_MODULE_PX).contains(&module_px) {
        return Err(QrError::ModuleSize {
            module_px,
            max: MAX_MODULE_PX,
        });
    }
    let modules = Modules::encode(text)?;
    let scale = module_px as usize;
    let side = (modules.width + 2 * QUIET_ZONE as usize) * scale;
    let mut pixels = Vec::with_capacity(side * side);
    for py in 0..side {
        pixels.extend((0..side).map(|px| {
            if modules.is_dark_padded(px / scale, py / scale) {
                0u8
            } else {
                255u8
            }
        }));
    }
    // The side is at most (177 + 8) * MAX_MODULE_PX px, far below u32::MAX.
    let side = u32::try_from(side).unwrap_or(u32::MAX);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let png_error = |source| QrError::Png { source };
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::render_png;

    const URL: &str =
        "https://badges.example.org/verify/urn:uuid:0d0c9a3e-5b0a-4e57-9a43-8f7f1e0f4c1b";

    /// Decodes an 8-bit PNG (grey or RGBA) into a luma grid.
    fn luma(png: &[u8]) -> (usize, usize, Vec<u8>) {
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!(frame.bit_depth, ::png::BitDepth::Eight);
        let (w, h) = (frame.width as usize, frame.height as usize);
        let grey = match frame.color_type {
            ::png::ColorType::Grayscale => buf[..w * h].to_vec(),
            // Premultiplied-free RGBA from the renderer: transparent counts as white.
            ::png::ColorType::Rgba => buf[..w * h * 4]
                .chunks(4)
                .map(|p| if p[3] == 0 { 255 } else { p[0] })
                .collect(),
            other => panic!("unexpected {other:?}"),
        };
        (w, h, grey)
    }

    /// Reads every QR code in a PNG with rqrr.
    fn scan(png: &[u8]) -> Vec<String> {
        let (w, h, grey) = luma(png);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
        image
            .detect_grids()
            .iter()
            .map(|grid| grid.decode().unwrap().1)
            .collect()
    }

    #[test]
    fn png_decodes_back_to_the_text() {
        for text in [
            URL,
            "A",
            "Zoë — ✓ <&> \"quoted\"",
            &"x".repeat(MAX_TEXT_BYTES),
        ] {
            let png = qr_png(text, 4).unwrap();
            assert_eq!(scan(&png), [text.to_owned()], "{text}");
        }
    }

    #[test]
    fn png_has_the_quiet_zone_and_module_size() {
        let code = QrCode::with_error_correction_level(URL, EcLevel::M).unwrap();
        for module_px in [1, 3, 10] {
            let (w, h, grey) = luma(&qr_png(URL, module_px).unwrap());
            let side = (code.width() + 8) * module_px as usize;
            assert_eq!((w, h), (side, side));
            let quiet = 4 * module_px as usize;
            for y in 0..h {
                for x in 0..w {
                    if x < quiet || y < quiet || x >= w - quiet || y >= h - quiet {
                        assert_eq!(grey[y * w + x], 255, "({x}, {y}) in the quiet zone");
                    }
                }
            }
            // The top-left finder pattern's corner module is dark, the whole module.
            for d in 0..module_px as usize {
                assert_eq!(grey[(quiet + d) * w + quiet + d], 0);
            }
            assert!(grey.iter().all(|&v| v == 0 || v == 255));
        }
    }

    #[test]
    fn svg_renders_to_the_same_code() {
        let svg = qr_svg(URL).unwrap();
        let png = render_png(&svg, &[], 400).unwrap();
        assert_eq!(scan(&png), [URL.to_owned()]);
        assert!(svg.contains(&format!("<title>QR code: {URL}</title>")));
        assert!(svg.contains("role=\"img\""));
        assert_eq!(svg, qr_svg(URL).unwrap());
        assert_ne!(svg, qr_svg("https://badges.example.org/").unwrap());
    }

    #[test]
    fn svg_title_is_escaped() {
        let text = "<&>\"'";
        let svg = qr_svg(text).unwrap();
        assert!(svg.contains("<title>QR code: &lt;&amp;&gt;&quot;&apos;</title>"));
        let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
        let title = doc.descendants().find(|n| n.has_tag_name("title")).unwrap();
        assert_eq!(title.text(), Some("QR code: <&>\"'"));
        let png = render_png(&svg, &[], 300).unwrap();
        assert_eq!(scan(&png), [text.to_owned()]);
    }

    #[test]
    fn rejects_bad_input() {
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        for result in [qr_svg(&long).map(|_| ()), qr_png(&long, 4).map(|_| ())] {
            assert!(matches!(
                result,
                Err(QrError::TooLong { len, max: MAX_TEXT_BYTES }) if len == MAX_TEXT_BYTES + 1
            ));
        }
        // The limit counts bytes, not characters.
        let wide = "é".repeat(MAX_TEXT_BYTES / 2 + 1);
        assert!(matches!(qr_png(&wide, 1), Err(QrError::TooLong { .. })));
        assert!(matches!(qr_svg(""), Err(QrError::Empty)));
        assert!(matches!(qr_png("", 4), Err(QrError::Empty)));
        for module_px in [0, MAX_MODULE_PX + 1] {
            assert!(matches!(
                qr_png(URL, module_px),
                Err(QrError::ModuleSize { module_px: m, .. }) if m == module_px
            ));
        }
    }
}

//! Badge artwork: the image of a credential specification, drawn as SVG and rendered to PNG.
//!
//! [`badge_svg`] draws a circular badge from a [`CredentialSpecification`]: the Centre's name along
//! the top of the outer band, the FHEQ level along the bottom, and inside the title (wrapped and
//! sized to fit the disc), the specification code and version. The text is laid out with the
//! advance widths of the bundled [`DEFAULT_FONTS`] (DejaVu Sans and DejaVu Sans Bold), which the SVG
//! names first in its `font-family`, so the layout holds wherever those fonts render it; browsers
//! without them fall back to Verdana or another sans-serif face of similar or smaller width. The SVG
//! is self-contained (no external fonts, images or links), accessible (`role="img"` with a `<title>`
//! and `<desc>`) and deterministic: the same specification and name give the same bytes.
//!
//! [`render_png`] rasterizes any SVG in-process with `resvg`, using only the font data the caller
//! hands in; it reads no files (references to image files are ignored) and loads no system fonts.
//! Either image can then be baked with [`credence_core::bake::bake_svg`] or [`credence_core::bake::bake_png`].
//!
//! ```
//! use credence_artwork::{badge_svg, render_png, DEFAULT_FONTS};
//! use credence_core::model::sample;
//!
//! let spec = &sample::specifications()?[0];
//! let svg = badge_svg(spec, sample::CENTRE_NAME);
//! let png = render_png(&svg, DEFAULT_FONTS, 256)?;
//! assert!(png.starts_with(b"\x89PNG"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod text;

use std::fmt::Write as _;
use std::sync::Arc;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb, ImageHrefResolver};

use credence_core::model::CredentialSpecification;
pub(crate) use text::escape_xml;
use text::{ellipsize, wrap, Measure};

/// DejaVu Sans (regular), version 2.37, as shipped by Debian's `fonts-dejavu-core`; licence in
/// `assets/fonts/LICENSE`.
pub const REGULAR_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold, version 2.37, as shipped by Debian's `fonts-dejavu-core`; licence in
/// `assets/fonts/LICENSE`.
pub const BOLD_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// The fonts the artwork is laid out with, to hand to [`render_png`]: [`REGULAR_FONT`] and
/// [`BOLD_FONT`].
pub const DEFAULT_FONTS: &[&[u8]] = &[REGULAR_FONT, BOLD_FONT];
/// The family name of [`DEFAULT_FONTS`], named first in the artwork's `font-family`.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Side of the artwork's square `viewBox` (and its intrinsic width and height), in px.
pub const ARTWORK_SIZE: u32 = 512;
/// Largest width or height [`render_png`] renders, in px.
pub const MAX_RENDER_SIDE: u32 = 4096;
/// Largest SVG text [`render_png`] accepts, in bytes (the same as [`credence_core::bake::MAX_IMAGE_BYTES`]).
pub const MAX_SVG_BYTES: usize = credence_core::bake::MAX_IMAGE_BYTES;

/// Why an SVG could not be rendered to PNG.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArtworkError {
    /// The requested width, or the height it gives at the SVG's aspect ratio, is 0 or over
    /// [`MAX_RENDER_SIDE`].
    #[error("cannot render {width}x{height} px: each side must be 1 to {max} px")]
    Size {
        /// The width asked for.
        width: u32,
        /// The height that follows from the SVG's aspect ratio (0 if not yet known).
        height: u32,
        /// The largest side allowed.
        max: u32,
    },
    /// The SVG text is over [`MAX_SVG_BYTES`].
    #[error("SVG is too large: {actual} bytes, the limit is {limit} bytes")]
    SvgTooLarge {
        /// The SVG's size, in bytes.
        actual: usize,
        /// The limit, in bytes.
        limit: usize,
    },
    /// One of the fonts given holds no font face that could be read.
    #[error("font {index} (counting from 0) holds no readable font face")]
    Font {
        /// The font's position in the slice given.
        index: usize,
    },
    /// The SVG could not be parsed.
    #[error("cannot parse the SVG")]
    Svg {
        /// The parser's error.
        #[source]
        source: usvg::Error,
    },
    /// The rendered image could not be encoded as PNG.
    #[error("cannot encode the PNG")]
    Encode {
        /// The encoder's error.
        #[source]
        source: png::EncodingError,
    },
}

// Geometry of the 512 px badge, centred on (256, 256).
const CENTRE: f32 = 256.0;
/// Radius of the circle that bounds the inner disc's text, leaving a margin inside the gold rim.
const TEXT_RADIUS: f32 = 164.0;
/// The title and code block must lie between these heights (below the star, above the rim).
const BLOCK_TOP: f32 = 132.0;
const BLOCK_BOTTOM: f32 = 416.0;
/// The block is centred a little below the centre, balancing the star above it.
const BLOCK_CENTRE: f32 = 268.0;
/// Baseline radius of the Centre's name (top) and the level (bottom) in the outer band.
const TOP_ARC_RADIUS: f32 = 205.0;
const BOTTOM_ARC_RADIUS: f32 = 228.0;
/// The Centre's name may span this much of the top arc: 160 degrees, in px along the baseline.
const TOP_ARC_BUDGET: f32 = TOP_ARC_RADIUS * std::f32::consts::PI * 160.0 / 180.0;
/// Letter spacing in the band, in em.
const BAND_SPACING_EM: f32 = 0.07;
/// Sizes of the band text, px: the largest tried and the smallest.
const BAND_MAX: f32 = 22.0;
const BAND_MIN: f32 = 13.0;

/// Glyph box of DejaVu Sans relative to the baseline, in em (hhea ascent 0.928 trimmed to the
/// tallest Latin capitals with accents; descent 0.236).
const ASCENT_EM: f32 = 0.80;
const DESCENT_EM: f32 = 0.24;
/// Title line height, in em.
const LINE_HEIGHT_EM: f32 = 1.18;
/// Space between the title, the divider and the code line, px.
const GAP: f32 = 16.0;

const NAVY: &str = "#0f2d52";
const GOLD: &str = "#c9a43a";
const SLATE: &str = "#44546a";
const FAMILY_ATTR: &str = "'DejaVu Sans', Verdana, sans-serif";
/// A five-pointed star above the title (outer radius 13 px, inner 5.3 px, centred on (256, 110)).
const STAR: &str = "M256.00 97.00 L259.12 105.71 L268.36 105.98 L261.04 111.64 L263.64 120.52 \
                    L256.00 115.30 L248.36 120.52 L250.96 111.64 L243.64 105.98 L252.88 105.71Z";

/// Draws the badge artwork of `spec`, issued by `issuer_name`, as a 512x512 SVG document.
///
/// Long titles are wrapped and set smaller until they fit the disc (the longest are cut with `…`;
/// the `<title>` and `<desc>` always carry the whole title). All text is XML-escaped.
pub fn badge_svg(spec: &CredentialSpecification, issuer_name: &str) -> String {
    let regular = Measure::new(REGULAR_FONT);
    let bold = Measure::new(BOLD_FONT);
    let title = collapse(spec.title());
    let issuer = collapse(issuer_name);
    let code = format!("{} · Version {}", spec.id(), spec.version());
    let level = format!("FHEQ level {}", spec.fheq_level());
    let pillars = spec
        .pillars()
        .iter()
        .map(|p| p.name())
        .collect::<Vec<_>>()
        .join(", ");
    // Ids are unique per specification version, so several badges can be inlined in one page.
    let key = format!(
        "badge-{}-{}",
        spec.id(),
        spec.version().as_str().replace('.', "_")
    );

    let layout = layout_block(&title, &bold, &regular, &code);
    let (issuer_size, issuer_text) = fit_band(&issuer, &bold, BAND_MAX, BAND_MIN, TOP_ARC_BUDGET);
    let (level_size, level_text) = fit_band(&level, &bold, 20.0, BAND_MIN, TOP_ARC_BUDGET);

    let mut svg = String::with_capacity(4096);
    // `write!` to a String cannot fail; the results are ignored on purpose.
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{ARTWORK_SIZE}\" height=\"{ARTWORK_SIZE}\" \
         viewBox=\"0 0 {ARTWORK_SIZE} {ARTWORK_SIZE}\" role=\"img\" \
         aria-labelledby=\"{key}-title {key}-desc\">\n\
         <title id=\"{key}-title\">{title} — badge</title>\n\
         <desc id=\"{key}-desc\">Badge for the credential specification {code_x} ({title}), \
         issued by {issuer}. {level}. Pillars of advanced practice: {pillars}.</desc>\n",
        title = escape_xml(&title),
        code_x = escape_xml(&code),
        issuer = escape_xml(&issuer),
        pillars = escape_xml(&pillars),
    );
    let _ = write!(
        svg,
        "<defs>\n\
         <path id=\"{key}-top\" d=\"M{tl:.1} {CENTRE:.1} A{TOP_ARC_RADIUS:.1} {TOP_ARC_RADIUS:.1} 0 0 1 {tr:.1} {CENTRE:.1}\"/>\n\
         <path id=\"{key}-bottom\" d=\"M{bl:.1} {CENTRE:.1} A{BOTTOM_ARC_RADIUS:.1} {BOTTOM_ARC_RADIUS:.1} 0 0 0 {br:.1} {CENTRE:.1}\"/>\n\
         </defs>\n\
         <circle cx=\"256\" cy=\"256\" r=\"250\" fill=\"{NAVY}\"/>\n\
         <circle cx=\"256\" cy=\"256\" r=\"240\" fill=\"none\" stroke=\"{GOLD}\" stroke-width=\"3\"/>\n\
         <circle cx=\"256\" cy=\"256\" r=\"186\" fill=\"#ffffff\" stroke=\"{GOLD}\" stroke-width=\"4\"/>\n\
         <circle cx=\"256\" cy=\"256\" r=\"177\" fill=\"none\" stroke=\"#dbe3ee\" stroke-width=\"1.5\"/>\n\
         <circle cx=\"43\" cy=\"256\" r=\"5\" fill=\"{GOLD}\"/>\n\
         <circle cx=\"469\" cy=\"256\" r=\"5\" fill=\"{GOLD}\"/>\n\
         <path d=\"{STAR}\" fill=\"{GOLD}\"/>\n",
        tl = CENTRE - TOP_ARC_RADIUS,
        tr = CENTRE + TOP_ARC_RADIUS,
        bl = CENTRE - BOTTOM_ARC_RADIUS,
        br = CENTRE + BOTTOM_ARC_RADIUS,
    );
    let _ = write!(
        svg,
        "<g font-family=\"{FAMILY_ATTR}\" text-anchor=\"middle\">\n\
         <text font-size=\"{issuer_size:.1}\" font-weight=\"bold\" letter-spacing=\"{issuer_spacing:.2}\" fill=\"#ffffff\">\
         <textPath href=\"#{key}-top\" startOffset=\"50%\">{issuer}</textPath></text>\n\
         <text font-size=\"{level_size:.1}\" font-weight=\"bold\" letter-spacing=\"{level_spacing:.2}\" fill=\"{GOLD}\">\
         <textPath href=\"#{key}-bottom\" startOffset=\"50%\">{level}</textPath></text>\n",
        issuer = escape_xml(&issuer_text),
        level = escape_xml(&level_text),
        issuer_spacing = issuer_size * BAND_SPACING_EM,
        level_spacing = level_size * BAND_SPACING_EM,
    );
    for line in &layout.title {
        let _ = writeln!(
            svg,
            "<text x=\"256\" y=\"{y:.1}\" font-size=\"{size:.1}\" font-weight=\"bold\" fill=\"{NAVY}\">{text}</text>",
            y = line.baseline,
            size = layout.title_size,
            text = escape_xml(&line.text),
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"216\" y1=\"{y:.1}\" x2=\"296\" y2=\"{y:.1}\" stroke=\"{GOLD}\" stroke-width=\"2\"/>\n\
         <text x=\"256\" y=\"{cy:.1}\" font-size=\"{cs:.1}\" fill=\"{SLATE}\">{code}</text>\n\
         </g>\n</svg>\n",
        y = layout.divider,
        cy = layout.code.baseline,
        cs = layout.code_size,
        code = escape_xml(&layout.code.text),
    );
    svg
}

/// Renders `svg` to a PNG `width` px wide (height from the SVG's aspect ratio), with text set in
/// the given `fonts` only (TrueType, OpenType or collections; text in no font given is left out).
/// Generic families (`sans-serif`) and unstyled text use the first font given.
///
/// References to image files are ignored; `data:` images embedded in the SVG are kept.
pub fn render_png(svg: &str, fonts: &[&[u8]], width: u32) -> Result<Vec<u8>, ArtworkError> {
    let size_error = |height| ArtworkError::Size {
        width,
        height,
        max: MAX_RENDER_SIDE,
    };
    if width == 0 || width > MAX_RENDER_SIDE {
        return Err(size_error(0));
    }
    if svg.len() > MAX_SVG_BYTES {
        return Err(ArtworkError::SvgTooLarge {
            actual: svg.len(),
            limit: MAX_SVG_BYTES,
        });
    }
    let mut db = fontdb::Database::new();
    for (index, font) in fonts.iter().enumerate() {
        let faces = db.load_font_source(fontdb::Source::Binary(Arc::new(font.to_vec())));
        if faces.is_empty() {
            return Err(ArtworkError::Font { index });
        }
    }
    let first_family = db
        .faces()
        .next()
        .and_then(|face| face.families.first())
        .map(|(family, _)| family.clone());
    let mut options = usvg::Options {
        image_href_resolver: ImageHrefResolver {
            resolve_data: ImageHrefResolver::default_data_resolver(),
            // The default opens files named by `href`: core does no I/O.
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    if let Some(family) = first_family {
        db.set_sans_serif_family(family.clone());
        options.font_family = family;
    }
    options.fontdb = Arc::new(db);
    let tree =
        usvg::Tree::from_str(svg, &options).map_err(|source| ArtworkError::Svg { source })?;
    let size = tree.size();
    let scale = width as f32 / size.width();
    let height = (size.height() * scale).round();
    if !(1.0..=MAX_RENDER_SIDE as f32).contains(&height) {
        // Clamp for the message: the value is only reported.
        return Err(size_error(height.clamp(0.0, u32::MAX as f32) as u32));
    }
    let height = height as u32;
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| size_error(height))?;
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|source| ArtworkError::Encode { source })
}

/// Whitespace runs (including newlines) become single spaces; ends are trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of centred text.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    baseline: f32,
}

/// Where the title lines, the divider and the code line go.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    title_size: f32,
    title: Vec<Line>,
    divider: f32,
    code_size: f32,
    code: Line,
}

/// Title sizes tried, largest first, px.
const TITLE_SIZES: [f32; 9] = [
    30.0,
    28.0,
    26.0,
    24.0,
    22.0,
    20.0,
    18.0,
    16.0,
    MIN_TITLE_SIZE,
];
/// The smallest title size, px.
const MIN_TITLE_SIZE: f32 = 14.0;
/// Code line sizes tried, largest first, px.
const CODE_SIZES: [f32; 4] = [18.0, 16.0, 14.0, MIN_CODE_SIZE];
/// The smallest code line size, px.
const MIN_CODE_SIZE: f32 = 12.0;
/// The code line is as tall as its largest size, whatever size it is set in.
const CODE_HEIGHT: f32 = 18.0;

/// The width available to a line whose glyph box spans `top..bottom`: the chord of the text circle
/// at the box's edge farthest from the centre.
fn chord(top: f32, bottom: f32) -> f32 {
    let dy = (top - CENTRE).abs().max((bottom - CENTRE).abs());
    if dy >= TEXT_RADIUS {
        0.0
    } else {
        2.0 * (TEXT_RADIUS * TEXT_RADIUS - dy * dy).sqrt()
    }
}

/// The width available to each title line with the given baselines at `size`.
fn line_widths(baselines: &[f32], size: f32) -> Vec<f32> {
    baselines
        .iter()
        .map(|b| chord(b - ASCENT_EM * size, b + DESCENT_EM * size))
        .collect()
}

/// The baselines of `lines` title lines at `size`, with the divider and code baselines, for a block
/// centred on [`BLOCK_CENTRE`]; `None` if it would overflow [`BLOCK_TOP`]..[`BLOCK_BOTTOM`].
fn positions(lines: usize, size: f32) -> Option<(Vec<f32>, f32, f32)> {
    let line_height = LINE_HEIGHT_EM * size;
    let title_height =
        (lines.saturating_sub(1)) as f32 * line_height + (ASCENT_EM + DESCENT_EM) * size;
    let height = title_height + 2.0 * GAP + CODE_HEIGHT;
    let top = BLOCK_CENTRE - height / 2.0;
    if top < BLOCK_TOP || top + height > BLOCK_BOTTOM {
        return None;
    }
    let baselines = (0..lines)
        .map(|i| top + ASCENT_EM * size + i as f32 * line_height)
        .collect();
    let divider = top + title_height + GAP;
    let code = divider + GAP + ASCENT_EM * CODE_HEIGHT;
    Some((baselines, divider, code))
}

/// Lays out the title (largest size and fewest lines that fit; at most four lines unless only more
/// fit) and the code line under it.
fn layout_block(title: &str, bold: &Measure<'_>, regular: &Measure<'_>, code: &str) -> Block {
    let fits = |size: f32| move |text: &str, limit: f32| bold.width(text, size, 0.0) <= limit;
    let mut chosen = None;
    'search: for max_lines in [4, usize::MAX] {
        for size in TITLE_SIZES {
            for lines in 1..=max_lines {
                let Some((baselines, divider, code_baseline)) = positions(lines, size) else {
                    break;
                };
                if let Some(text) = wrap(title, &line_widths(&baselines, size), fits(size)) {
                    chosen = Some((size, text, baselines, divider, code_baseline));
                    break 'search;
                }
            }
        }
    }
    let (size, text, baselines, divider, code_baseline) =
        chosen.unwrap_or_else(|| cut_title(title, bold));
    let code_limit = chord(
        code_baseline - ASCENT_EM * CODE_HEIGHT,
        code_baseline + DESCENT_EM * CODE_HEIGHT,
    );
    let code_fits = |size: f32| move |t: &str| regular.width(t, size, 0.0) <= code_limit;
    let (code_size, code_text) = CODE_SIZES
        .iter()
        .find(|&&s| code_fits(s)(code))
        .map(|&s| (s, code.to_owned()))
        .unwrap_or_else(|| (MIN_CODE_SIZE, ellipsize(code, code_fits(MIN_CODE_SIZE))));
    Block {
        title_size: size,
        title: text
            .into_iter()
            .zip(baselines)
            .map(|(text, baseline)| Line { text, baseline })
            .collect(),
        divider,
        code_size,
        code: Line {
            text: code_text,
            baseline: code_baseline,
        },
    }
}

/// The fallback when no title size fits: as many lines as fit at [`MIN_TITLE_SIZE`], the last one
/// cut short with `…`.
fn cut_title(title: &str, bold: &Measure<'_>) -> (f32, Vec<String>, Vec<f32>, f32, f32) {
    let size = MIN_TITLE_SIZE;
    let fits = |text: &str, limit: f32| bold.width(text, size, 0.0) <= limit;
    let mut lines = 1;
    while positions(lines + 1, size).is_some() {
        lines += 1;
    }
    let (baselines, divider, code_baseline) =
        positions(lines, size).unwrap_or((vec![BLOCK_CENTRE], BLOCK_CENTRE, BLOCK_BOTTOM));
    let mut limits = line_widths(&baselines, size);
    // The last line takes the rest of the title, then is cut to its real width.
    let last_limit = limits.pop().unwrap_or(0.0);
    limits.push(f32::INFINITY);
    let mut text = wrap(title, &limits, fits).unwrap_or_else(|| vec![title.to_owned()]);
    if let Some(tail) = text.last_mut() {
        *tail = ellipsize(tail, |t| fits(t, last_limit));
    }
    (size, text, baselines, divider, code_baseline)
}

/// The largest size from `max` down to `min` (in 1 px steps) at which `text` fits in `budget` px
/// of arc, or `text` cut short with `…` at `min`.
fn fit_band(text: &str, bold: &Measure<'_>, max: f32, min: f32, budget: f32) -> (f32, String) {
    let fits = |size: f32| move |t: &str| bold.width(t, size, size * BAND_SPACING_EM) <= budget;
    let mut size = max;
    while size >= min {
        if fits(size)(text) {
            return (size, text.to_owned());
        }
        size -= 1.0;
    }
    (min, ellipsize(text, fits(min)))
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;
    use credence_core::bake::{bake_png, bake_svg, unbake_png, unbake_svg};
    use credence_core::fixture::SignedFixture;
    use credence_core::model::{sample, RawCredentialSpecification};

    const MARKUP: &str = "Care <&> \"quoted\" & 'single'";

    fn spec_titled(title: &str) -> CredentialSpecification {
        let mut raw =
            RawCredentialSpecification::from(sample::specifications().unwrap()[0].clone());
        raw.title = title.to_owned();
        CredentialSpecification::try_from(raw).unwrap()
    }

    /// Decodes a PNG: width, height and RGBA pixels.
    fn decode(png: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = ::png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        assert_eq!(frame.color_type, ::png::ColorType::Rgba);
        buf.truncate(frame.buffer_size());
        (frame.width, frame.height, buf)
    }

    fn pixel(rgba: &[u8], width: u32, x: u32, y: u32) -> [u8; 4] {
        let i = ((y * width + x) * 4) as usize;
        [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
    }

    /// The text nodes of a parsed SVG, in document order.
    fn texts(group: &usvg::Group, out: &mut Vec<resvg::tiny_skia::Rect>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => texts(g, out),
                usvg::Node::Text(t) => out.push(t.abs_bounding_box()),
                _ => {}
            }
        }
    }

    fn parse_with_default_fonts(svg: &str) -> usvg::Tree {
        let mut db = fontdb::Database::new();
        for font in DEFAULT_FONTS {
            db.load_font_data(font.to_vec());
        }
        let options = usvg::Options {
            fontdb: Arc::new(db),
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(svg, &options).unwrap()
    }

    #[test]
    fn fonts_are_the_files_listed_in_the_assets_readme() {
        use sha2::{Digest, Sha256};
        let readme = include_str!("../../assets/fonts/README.md");
        for font in DEFAULT_FONTS {
            let digest = hex::encode(Sha256::digest(font));
            assert!(readme.contains(&digest), "{digest} is not listed");
        }
        assert_ne!(REGULAR_FONT, BOLD_FONT);
    }

    #[test]
    fn svg_is_accessible_and_self_contained() {
        let spec = &sample::specifications().unwrap()[0];
        let svg = badge_svg(spec, sample::CENTRE_NAME);
        let doc = usvg::roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        assert_eq!(root.attribute("viewBox"), Some("0 0 512 512"));
        let child = |name: &str| {
            root.children()
                .find(|n| n.tag_name().name() == name)
                .and_then(|n| n.text())
                .unwrap()
                .to_owned()
        };
        let title = child("title");
        assert!(title.contains(spec.title()), "{title}");
        let desc = child("desc");
        for part in [
            spec.title(),
            spec.id().as_str(),
            spec.version().as_str(),
            sample::CENTRE_NAME,
            "FHEQ level 7",
            "Clinical practice",
        ] {
            assert!(desc.contains(part), "{part} missing from {desc}");
        }
        // aria-labelledby names the title and desc ids.
        let labelled = root.attribute("aria-labelledby").unwrap();
        for id in labelled.split(' ') {
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "{id}"
            );
        }
        // All visible text is there: the band, the title, the code line.
        let shown: String = doc
            .descendants()
            .filter(|n| n.is_text())
            .filter(|n| {
                !matches!(
                    n.parent_element().map(|p| p.tag_name().name()),
                    Some("title" | "desc")
                )
            })
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join(" ");
        for part in [
            sample::CENTRE_NAME,
            "FHEQ level 7",
            "CS-OPF",
            "Version 1.0",
            "Frailty",
        ] {
            assert!(shown.contains(part), "{part} not shown in {shown}");
        }
        // Nothing external: no images, no style sheets, only local references.
        for node in doc.descendants() {
            assert!(!matches!(
                node.tag_name().name(),
                "image" | "style" | "a" | "script"
            ));
            for attr in node.attributes() {
                if matches!(attr.name(), "href") {
                    assert!(attr.value().starts_with('#'), "{}", attr.value());
                }
                assert!(!attr.value().contains("url("), "{}", attr.value());
            }
        }
        assert_eq!(svg.matches("http").count(), 1, "only the SVG namespace");
        assert!(!svg.contains("@import") && !svg.contains("@font-face"));
    }

    #[test]
    fn text_is_escaped() {
        let spec = spec_titled(MARKUP);
        let svg = badge_svg(&spec, MARKUP);
        assert!(!svg.contains(MARKUP));
        assert!(svg.contains("Care &lt;&amp;&gt; &quot;quoted&quot; &amp; &apos;single&apos;"));
        let doc = usvg::roxmltree::Document::parse(&svg).unwrap();
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap();
        assert!(title.starts_with(MARKUP), "{title}");
        let desc = doc
            .descendants()
            .find(|n| n.has_tag_name("desc"))
            .and_then(|n| n.text())
            .unwrap();
        assert_eq!(desc.matches(MARKUP).count(), 2, "title and issuer: {desc}");
        let shown: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .flat_map(|n| n.descendants().filter_map(|d| d.text()))
            .collect::<Vec<_>>()
            .join(" ");
        // The issuer on the band, and the title (wrapped) in the disc.
        assert!(shown.starts_with(MARKUP), "{shown}");
        assert!(shown.contains("&") && shown.contains("'single'"), "{shown}");
        // Control characters XML cannot carry are dropped, not written.
        let svg = badge_svg(&spec, "Centre\u{1b} name");
        usvg::roxmltree::Document::parse(&svg).unwrap();
        assert!(svg.contains("Centre name"));
    }

    #[test]
    fn output_is_deterministic() {
        let specs = sample::specifications().unwrap();
        let a = badge_svg(&specs[0], sample::CENTRE_NAME);
        assert_eq!(a, badge_svg(&specs[0], sample::CENTRE_NAME));
        assert_ne!(a, badge_svg(&specs[1], sample::CENTRE_NAME));
        assert_ne!(a, badge_svg(&specs[0], "Another Centre"));
        // Ids differ between specification versions, so badges can share a page.
        assert!(!badge_svg(&specs[3], "C").contains("badge-CS-PCC-1_1-title"));
        assert!(badge_svg(&specs[4], "C").contains("badge-CS-PCC-1_1-title"));
        let png = render_png(&a, DEFAULT_FONTS, 128).unwrap();
        assert_eq!(png, render_png(&a, DEFAULT_FONTS, 128).unwrap());
    }

    #[test]
    fn long_titles_fit_the_disc() {
        let long_words = "Advanced Practice: Interdisciplinary Neurorehabilitation, Complex \
                          Multimorbidity and Long-term Condition Management in Community, Primary \
                          and Secondary Care Settings across the United Kingdom";
        let mut titles: Vec<String> = sample::specifications()
            .unwrap()
            .iter()
            .map(|s| s.title().to_owned())
            .collect();
        titles.extend([
            long_words.to_owned(),
            "W".repeat(200),
            "Wi ".repeat(66),
            MARKUP.to_owned(),
            "A".to_owned(),
        ]);
        for title in &titles {
            let svg = badge_svg(&spec_titled(title), sample::CENTRE_NAME);
            let tree = parse_with_default_fonts(&svg);
            let mut boxes = Vec::new();
            texts(tree.root(), &mut boxes);
            let (band, disc) = boxes.split_at(2);
            assert!(disc.len() >= 2, "{title}: {disc:?}");
            // Every title line and the code line lie inside the white disc (radius 184 inside the rim).
            for b in disc {
                for (x, y) in [
                    (b.left(), b.top()),
                    (b.right(), b.top()),
                    (b.left(), b.bottom()),
                    (b.right(), b.bottom()),
                ] {
                    let r = ((x - CENTRE).powi(2) + (y - CENTRE).powi(2)).sqrt();
                    assert!(r < 184.0, "{title}: corner ({x}, {y}) at radius {r}");
                }
                assert!(b.top() > 120.0, "{title}: below the star");
            }
            // Lines do not overlap.
            for pair in disc.windows(2) {
                assert!(pair[0].bottom() <= pair[1].top() + 1.0, "{title}: {pair:?}");
            }
            // The band texts stay on their halves of the ring.
            assert!(band[0].bottom() < 240.0, "{title}: {:?}", band[0]);
            assert!(band[1].top() > 272.0, "{title}: {:?}", band[1]);
        }
    }

    #[test]
    fn a_title_too_long_for_any_size_is_cut_with_an_ellipsis() {
        let bold = Measure::new(BOLD_FONT);
        let title = "Ww ".repeat(200);
        let (size, lines, baselines, _, _) = cut_title(title.trim(), &bold);
        assert_eq!(size, MIN_TITLE_SIZE);
        assert_eq!(lines.len(), baselines.len());
        assert!(lines.last().unwrap().ends_with('…'), "{lines:?}");
        let widths = line_widths(&baselines, size);
        for (line, width) in lines.iter().zip(widths) {
            assert!(bold.width(line, size, 0.0) <= width, "{line}");
        }
        // The same search as badge_svg falls back to it.
        let block = layout_block(
            title.trim(),
            &bold,
            &Measure::new(REGULAR_FONT),
            "CS-X · Version 1.0",
        );
        assert_eq!(block.title.len(), lines.len());
    }

    #[test]
    fn a_long_issuer_name_shrinks_then_is_cut() {
        let bold = Measure::new(BOLD_FONT);
        let fit = |name: &str| fit_band(name, &bold, BAND_MAX, BAND_MIN, TOP_ARC_BUDGET);
        let (size, text) = fit(sample::CENTRE_NAME);
        assert_eq!((size, text.as_str()), (BAND_MAX, sample::CENTRE_NAME));
        let medium = "The National Centre for Multi-professional Advanced Practice";
        let (size, text) = fit(medium);
        assert!(
            (BAND_MIN..BAND_MAX).contains(&size) && text == medium,
            "{size} {text}"
        );
        let long = medium.repeat(2);
        let (size, text) = fit(&long);
        assert_eq!(size, BAND_MIN);
        assert!(text.ends_with('…'), "{text}");
        assert!(text.len() > medium.len(), "{text}");
        assert!(bold.width(&text, size, size * BAND_SPACING_EM) <= TOP_ARC_BUDGET);
    }

    #[test]
    fn svg_font_family_names_the_bundled_fonts() {
        let mut db = fontdb::Database::new();
        for font in DEFAULT_FONTS {
            db.load_font_data(font.to_vec());
        }
        for (weight, want) in [(fontdb::Weight::NORMAL, 400), (fontdb::Weight::BOLD, 700)] {
            let id = db
                .query(&fontdb::Query {
                    families: &[fontdb::Family::Name(FONT_FAMILY)],
                    weight,
                    ..fontdb::Query::default()
                })
                .unwrap();
            assert_eq!(db.face(id).unwrap().weight.0, want);
        }
        let svg = badge_svg(&sample::specifications().unwrap()[0], "C");
        assert!(svg.contains(&format!("font-family=\"'{FONT_FAMILY}',")));
        // Rendering with the bundled fonts draws the text; with none, only the shapes.
        let with = decode(&render_png(&svg, DEFAULT_FONTS, 256).unwrap()).2;
        let without = decode(&render_png(&svg, &[], 256).unwrap()).2;
        assert_ne!(with, without);
    }

    #[test]
    fn renders_a_non_blank_png_of_the_requested_width() {
        let svg = badge_svg(&sample::specifications().unwrap()[0], sample::CENTRE_NAME);
        for width in [64, 300, 512] {
            let (w, h, rgba) = decode(&render_png(&svg, DEFAULT_FONTS, width).unwrap());
            assert_eq!((w, h), (width, width));
            // Transparent corners, the navy band, a white centre near the middle.
            assert_eq!(pixel(&rgba, w, 0, 0)[3], 0);
            assert_eq!(
                pixel(&rgba, w, w * 89 / 100, h / 2),
                [0x0f, 0x2d, 0x52, 255]
            );
            let white = pixel(&rgba, w, w * 190 / 512, h / 2);
            assert_eq!(white, [255, 255, 255, 255], "{width}");
            // Title text: dark navy pixels inside the disc.
            let dark = (h * 180 / 512..h * 300 / 512)
                .flat_map(|y| (w / 4..w * 3 / 4).map(move |x| (x, y)))
                .filter(|&(x, y)| {
                    let p = pixel(&rgba, w, x, y);
                    p[3] == 255 && p[0] < 100 && p[2] < 150
                })
                .count();
            assert!(dark > (w * h / 400) as usize, "{width}: {dark} text pixels");
        }
    }

    #[test]
    fn render_errors() {
        let svg = badge_svg(&sample::specifications().unwrap()[0], "C");
        for width in [0, MAX_RENDER_SIDE + 1] {
            assert!(matches!(
                render_png(&svg, DEFAULT_FONTS, width),
                Err(ArtworkError::Size { width: w, max: MAX_RENDER_SIDE, .. }) if w == width
            ));
        }
        let tall = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 1 100\"><rect width=\"1\" height=\"100\"/></svg>";
        assert!(matches!(
            render_png(tall, &[], 100),
            Err(ArtworkError::Size { height: 10000, .. })
        ));
        assert_eq!(decode(&render_png(tall, &[], 10).unwrap()).1, 1000);
        assert!(matches!(
            render_png("<html/>", &[], 10),
            Err(ArtworkError::Svg { .. })
        ));
        assert!(matches!(
            render_png(&svg, &[REGULAR_FONT, b"not a font"], 10),
            Err(ArtworkError::Font { index: 1 })
        ));
        let huge = format!("<svg>{}</svg>", " ".repeat(MAX_SVG_BYTES));
        assert!(matches!(
            render_png(&huge, &[], 10),
            Err(ArtworkError::SvgTooLarge { .. })
        ));
    }

    #[test]
    fn image_files_are_not_read_but_embedded_images_are_drawn() {
        let red = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"red\"/></svg>";
        let path =
            std::env::temp_dir().join(format!("credence-artwork-{}.svg", std::process::id()));
        std::fs::write(&path, red).unwrap();
        let with_href = |href: &str| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\
                 <image href=\"{href}\" width=\"10\" height=\"10\"/></svg>"
            )
        };
        let file = render_png(&with_href(&path.display().to_string()), &[], 10);
        std::fs::remove_file(&path).unwrap();
        let (_, _, rgba) = decode(&file.unwrap());
        assert!(rgba.chunks(4).all(|p| p[3] == 0), "the file was read");
        let data = format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(red)
        );
        let (w, _, rgba) = decode(&render_png(&with_href(&data), &[], 10).unwrap());
        assert_eq!(pixel(&rgba, w, 5, 5), [255, 0, 0, 255]);
    }

    #[test]
    fn baked_artwork_carries_the_exact_credential() {
        let fixture = SignedFixture::new().unwrap();
        let credential = serde_json::to_string(&fixture.signed).unwrap();
        let spec = &sample::specifications().unwrap()[0];
        let svg = badge_svg(spec, sample::CENTRE_NAME);

        let png = render_png(&svg, DEFAULT_FONTS, 256).unwrap();
        let baked = bake_png(&png, &credential).unwrap();
        assert_eq!(unbake_png(&baked).unwrap().as_str(), credential);
        assert_eq!(decode(&baked), decode(&png), "the picture is unchanged");

        let baked = bake_svg(&svg, &credential).unwrap();
        assert_eq!(unbake_svg(&baked).unwrap().as_str(), credential);
        // The baked SVG still renders to the same picture.
        assert_eq!(
            decode(&render_png(&baked, DEFAULT_FONTS, 128).unwrap()),
            decode(&render_png(&svg, DEFAULT_FONTS, 128).unwrap())
        );
        let report = fixture
            .verifier
            .verify_bytes(baked.as_bytes(), &fixture.verify_options());
        assert!(report.verified, "{report:?}");
    }
}

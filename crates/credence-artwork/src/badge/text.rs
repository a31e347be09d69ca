//! Text measurement with the bundled fonts' advance widths, line wrapping and XML escaping.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

/// Width, in em, assumed for a character the font has no glyph for (or if the font cannot be read):
/// wider than any Latin letter of DejaVu Sans Bold, so a fallback font's glyph still fits.
const FALLBACK_EM: f32 = 1.0;

/// Advance widths of one font, in em. Kerning is ignored, which only ever overestimates.
pub(crate) struct Measure<'a> {
    font: Option<FontRef<'a>>,
}

impl<'a> Measure<'a> {
    /// Reads the font's character map and horizontal metrics; an unreadable font measures every
    /// character as [`FALLBACK_EM`].
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self {
            font: FontRef::new(data).ok(),
        }
    }

    /// The advance width of `ch`, in em.
    fn char_em(&self, ch: char) -> f32 {
        let Some(font) = &self.font else {
            return FALLBACK_EM;
        };
        let upem = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        let advance = font.charmap().map(ch).and_then(|glyph| {
            font.glyph_metrics(Size::unscaled(), LocationRef::default())
                .advance_width(glyph)
        });
        match advance {
            Some(units) if upem > 0.0 => units / upem,
            _ => FALLBACK_EM,
        }
    }

    /// The width of `text` set at `size` px with `spacing` px of letter spacing after each character.
    pub(crate) fn width(&self, text: &str, size: f32, spacing: f32) -> f32 {
        text.chars()
            .map(|ch| self.char_em(ch) * size + spacing)
            .sum()
    }
}

/// Splits `text` (whitespace already collapsed) into lines of at most `widths[i]` px for line `i`,
/// greedily by words; a word wider than a whole line is broken between characters. Returns `None`
/// if the text needs more lines than `widths` has.
pub(crate) fn wrap(
    text: &str,
    widths: &[f32],
    fits: impl Fn(&str, f32) -> bool,
) -> Option<Vec<String>> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let limit = *widths.get(lines.len())?;
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if fits(&candidate, limit) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // The word starts a new line; break it while it is wider than that line.
        let mut rest = word;
        loop {
            let limit = *widths.get(lines.len())?;
            if fits(rest, limit) {
                current = rest.to_owned();
                break;
            }
            let cut = longest_prefix(rest, |prefix| fits(prefix, limit));
            if cut == 0 {
                return None;
            }
            let (head, tail) = rest.split_at(cut);
            lines.push(head.to_owned());
            rest = tail;
        }
    }
    if !current.is_empty() {
        widths.get(lines.len())?;
        lines.push(current);
    }
    Some(lines)
}

/// The byte length of the longest non-empty prefix of `text` (on a character boundary) that `fits`,
/// or 0 if not even the first character does.
fn longest_prefix(text: &str, fits: impl Fn(&str) -> bool) -> usize {
    let mut best = 0;
    for (index, ch) in text.char_indices() {
        let end = index + ch.len_utf8();
        if !fits(&text[..end]) {
            break;
        }
        best = end;
    }
    best
}

/// Shortens `text` so that `text…` fits, dropping trailing characters and spaces; `…` alone if
/// nothing else fits.
pub(crate) fn ellipsize(text: &str, fits: impl Fn(&str) -> bool) -> String {
    if fits(text) {
        return text.to_owned();
    }
    let mut end = text.len();
    while end > 0 {
        end = text[..end]
            .char_indices()
            .next_back()
            .map_or(0, |(index, _)| index);
        let candidate = format!("{}…", text[..end].trim_end());
        if fits(&candidate) {
            return candidate;
        }
    }
    "…".to_owned()
}

/// Escapes `&`, `<`, `>`, `"` and `'` for XML text and attribute values, and drops characters XML 1.0
/// does not allow (control characters other than tab, newline and carriage return; U+FFFE, U+FFFF).
pub(crate) fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::badge::{BOLD_FONT, REGULAR_FONT};

    #[test]
    fn bold_is_wider_and_width_scales() {
        let regular = Measure::new(REGULAR_FONT);
        let bold = Measure::new(BOLD_FONT);
        let text = "Advanced Practice";
        let r = regular.width(text, 20.0, 0.0);
        assert!(r > 0.0);
        assert!(bold.width(text, 20.0, 0.0) > r);
        assert!((regular.width(text, 40.0, 0.0) - 2.0 * r).abs() < 1e-3);
        let spaced = regular.width(text, 20.0, 1.5);
        assert!((spaced - r - 1.5 * text.chars().count() as f32).abs() < 1e-3);
        // "W" is wider than "i" in any proportional font.
        assert!(regular.width("W", 10.0, 0.0) > regular.width("i", 10.0, 0.0));
        // Unreadable font data falls back to a fixed width.
        assert_eq!(Measure::new(b"not a font").width("ab", 10.0, 0.0), 20.0);
    }

    fn by_len(text: &str, limit: f32) -> bool {
        text.chars().count() as f32 <= limit
    }

    #[test]
    fn wraps_greedily_within_each_width() {
        let lines = wrap("aa bb cc dd", &[5.0, 5.0, 5.0], by_len).unwrap();
        assert_eq!(lines, ["aa bb", "cc dd"]);
        let lines = wrap("aa bb cc dd", &[2.0, 8.0], by_len).unwrap();
        assert_eq!(lines, ["aa", "bb cc dd"]);
        assert!(wrap("aa bb cc dd", &[2.0, 2.0, 2.0], by_len).is_none());
        assert_eq!(wrap("", &[1.0], by_len).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn breaks_overlong_words() {
        let lines = wrap("x abcdefgh", &[3.0, 3.0, 3.0, 3.0], by_len).unwrap();
        assert_eq!(lines, ["x", "abc", "def", "gh"]);
        assert!(wrap("abcdefgh", &[3.0, 3.0], by_len).is_none());
        assert!(wrap("abc", &[0.0], by_len).is_none());
        let lines = wrap("ééééé", &[2.0, 2.0, 2.0], by_len).unwrap();
        assert_eq!(lines, ["éé", "éé", "é"]);
    }

    #[test]
    fn ellipsizes_to_fit() {
        let fits = |s: &str| s.chars().count() <= 6;
        assert_eq!(ellipsize("short", fits), "short");
        assert_eq!(ellipsize("abc defgh", fits), "abc d…");
        assert_eq!(ellipsize("abcd efgh", fits), "abcd…");
        assert_eq!(ellipsize("abc", |_| false), "…");
    }

    #[test]
    fn escapes_markup_and_drops_forbidden_characters() {
        assert_eq!(
            escape_xml("<a href=\"x\">Tom & Jerry's</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;"
        );
        assert_eq!(escape_xml("a\u{0}b\u{1b}c\td\u{FFFF}"), "abc\td");
        assert_eq!(escape_xml("Zoë ✓"), "Zoë ✓");
    }
}

//! PNG baking: a streaming chunk rewriter that adds, replaces and reads the `openbadgecredential` `iTXt` chunk.
//!
//! Every chunk's CRC-32 is checked on read. Baking copies every other chunk byte-for-byte (image data
//! is never decoded or re-encoded), drops any existing credential chunk and writes exactly one new
//! chunk directly before `IEND`.

use std::io::Read;

use super::error::{BakeError, ChunkType, ItxtProblem, Subject};
use super::{
    check_credential, check_credential_size, check_image_size, Baked, MAX_CREDENTIAL_BYTES,
};

/// The 8-byte signature every PNG file starts with.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];
/// The `iTXt` keyword under which OB 3.0 bakes a credential.
pub const KEYWORD: &str = "openbadgecredential";

const IHDR: [u8; 4] = *b"IHDR";
const IEND: [u8; 4] = *b"IEND";
const ITXT: [u8; 4] = *b"iTXt";
/// PNG limits chunk data lengths to 2^31 - 1.
const MAX_CHUNK_LEN: u32 = 0x7fff_ffff;

/// A credential read from a PNG, with how its `iTXt` chunk was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngBadge {
    /// The credential text, exactly as stored (decompressed if it was compressed).
    pub credential: Baked,
    /// Whether the text was zlib-compressed (OB 3.0 says it MUST NOT be; tolerated on read).
    pub compressed: bool,
    /// The chunk's language tag (empty when written by OB 3.0 bakers), lossily decoded.
    pub language_tag: String,
    /// The chunk's translated keyword (empty when written by OB 3.0 bakers), lossily decoded.
    pub translated_keyword: String,
}

/// One chunk of a parsed PNG, borrowing from the image.
struct Chunk<'a> {
    /// The chunk type.
    ty: [u8; 4],
    /// The chunk data.
    data: &'a [u8],
    /// The whole chunk as stored: length, type, data and CRC.
    raw: &'a [u8],
}

impl Chunk<'_> {
    /// Whether this is an `iTXt` chunk with the `openbadgecredential` keyword.
    fn is_credential(&self) -> bool {
        self.ty == ITXT
            && self
                .data
                .strip_prefix(KEYWORD.as_bytes())
                .is_some_and(|rest| rest.first() == Some(&0))
    }
}

/// Reads a PNG chunk by chunk (without collecting them), checking the signature, every length
/// and CRC, that `IHDR` comes first and that `IEND` is present.
struct ChunkReader<'a> {
    /// The bytes not read yet.
    rest: &'a [u8],
    /// Offset of `rest` in the image.
    offset: usize,
    /// Whether a chunk has been read.
    started: bool,
    /// Whether `IEND` has been read.
    ended: bool,
}

impl<'a> ChunkReader<'a> {
    /// Checks the signature and positions the reader on the first chunk.
    fn new(image: &'a [u8]) -> Result<Self, BakeError> {
        let rest = image
            .strip_prefix(&SIGNATURE)
            .ok_or(BakeError::PngSignature)?;
        Ok(ChunkReader {
            rest,
            offset: SIGNATURE.len(),
            started: false,
            ended: false,
        })
    }

    /// The bytes after `IEND` (empty until `IEND` has been read).
    fn trailing(&self) -> &'a [u8] {
        if self.ended {
            self.rest
        } else {
            &[]
        }
    }

    /// The next chunk, or `None` after `IEND`.
    fn next_chunk(&mut self) -> Result<Option<Chunk<'a>>, BakeError> {
        if self.ended {
            return Ok(None);
        }
        let (rest, offset) = (self.rest, self.offset);
        if rest.is_empty() {
            return Err(if self.started {
                BakeError::PngMissingIend
            } else {
                BakeError::PngMissingIhdr
            });
        }
        let length = be_u32(rest, 0).ok_or(BakeError::PngTruncated { offset })?;
        if length > MAX_CHUNK_LEN {
            return Err(BakeError::PngChunkLength { offset, length });
        }
        let ty: [u8; 4] = rest
            .get(4..8)
            .and_then(|t| t.try_into().ok())
            .ok_or(BakeError::PngTruncated { offset })?;
        let data_end = usize::try_from(length)
            .ok()
            .and_then(|l| l.checked_add(8))
            .ok_or(BakeError::PngChunkLength { offset, length })?;
        let data = rest
            .get(8..data_end)
            .ok_or(BakeError::PngTruncated { offset })?;
        let found = be_u32(rest, data_end).ok_or(BakeError::PngTruncated { offset })?;
        let computed = chunk_crc(&ty, data);
        if found != computed {
            return Err(BakeError::PngCrcMismatch {
                chunk: ChunkType(ty),
                offset,
                found,
                computed,
            });
        }
        if !self.started && ty != IHDR {
            return Err(BakeError::PngMissingIhdr);
        }
        let total = data_end + 4;
        let (raw, after) = rest
            .split_at_checked(total)
            .ok_or(BakeError::PngTruncated { offset })?;
        self.rest = after;
        self.offset += total;
        self.started = true;
        self.ended = ty == IEND;
        Ok(Some(Chunk { ty, data, raw }))
    }
}

/// CRC-32 (ISO 3309, as PNG uses) over a chunk's type and data.
fn chunk_crc(ty: &[u8; 4], data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(ty);
    crc.update(data);
    crc.sum()
}

/// Reads a big-endian `u32` at `at`, if there are four bytes there.
fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(b))
}

/// Appends one chunk (length, type, data, CRC) to `out`.
fn write_chunk(out: &mut Vec<u8>, ty: &[u8; 4], data: &[u8]) -> Result<(), BakeError> {
    let length = u32::try_from(data.len())
        .ok()
        .filter(|&l| l <= MAX_CHUNK_LEN)
        .ok_or(BakeError::TooLarge {
            what: Subject::Credential,
            limit: MAX_CREDENTIAL_BYTES,
            actual: data.len(),
        })?;
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(ty);
    out.extend_from_slice(data);
    out.extend_from_slice(&chunk_crc(ty, data).to_be_bytes());
    Ok(())
}

/// The data of an OB 3.0 credential `iTXt` chunk: keyword, NUL, compression flag 0, method 0,
/// empty language tag, NUL, empty translated keyword, NUL, then the text.
fn credential_chunk_data(credential: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(KEYWORD.len() + 5 + credential.len());
    data.extend_from_slice(KEYWORD.as_bytes());
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(credential.as_bytes());
    data
}

/// Bakes `credential` (signed JSON, or a compact JWS) into a PNG.
///
/// Any existing `openbadgecredential` chunk is removed; one new uncompressed `iTXt` chunk is written
/// directly before `IEND`. All other chunks, and any bytes after `IEND`, are copied unchanged.
pub fn bake_png(image: &[u8], credential: &str) -> Result<Vec<u8>, BakeError> {
    check_image_size(image.len())?;
    check_credential(credential)?;
    let mut reader = ChunkReader::new(image)?;
    let data = credential_chunk_data(credential);
    let mut out = Vec::with_capacity(image.len() + data.len() + 12);
    out.extend_from_slice(&SIGNATURE);
    while let Some(chunk) = reader.next_chunk()? {
        if chunk.is_credential() {
            continue;
        }
        if chunk.ty == IEND {
            write_chunk(&mut out, &ITXT, &data)?;
        }
        out.extend_from_slice(chunk.raw);
    }
    out.extend_from_slice(reader.trailing());
    Ok(out)
}

/// Extracts the credential baked into a PNG.
///
/// Exactly one `openbadgecredential` `iTXt` chunk must be present; its text is returned unchanged.
pub fn unbake_png(image: &[u8]) -> Result<Baked, BakeError> {
    inspect_png(image).map(|badge| badge.credential)
}

/// Like [`unbake_png`], and also reports how the chunk was written (compression, language tag).
///
/// A compressed chunk (as some issuers write despite the specification) is inflated, bounded by
/// [`MAX_CREDENTIAL_BYTES`].
pub fn inspect_png(image: &[u8]) -> Result<PngBadge, BakeError> {
    check_image_size(image.len())?;
    let mut reader = ChunkReader::new(image)?;
    let mut found: Option<Chunk<'_>> = None;
    let mut count = 0usize;
    while let Some(chunk) = reader.next_chunk()? {
        if chunk.is_credential() {
            count += 1;
            found.get_or_insert(chunk);
        }
    }
    match found {
        None => Err(BakeError::NotBaked),
        Some(_) if count > 1 => Err(BakeError::MultipleCredentials { count }),
        Some(chunk) => read_itxt(chunk.data),
    }
}

/// Splits `bytes` at the first NUL: the part before, and the part after it.
fn split_nul(bytes: &[u8]) -> Result<(&[u8], &[u8]), BakeError> {
    let at = bytes
        .iter()
        .position(|&b| b == 0)
        .ok_or(BakeError::PngBadItxt(ItxtProblem::MissingSeparator))?;
    let (head, tail) = bytes.split_at(at);
    Ok((head, tail.get(1..).unwrap_or_default()))
}

/// Decodes the data of a credential `iTXt` chunk.
fn read_itxt(data: &[u8]) -> Result<PngBadge, BakeError> {
    let (_keyword, rest) = split_nul(data)?;
    let (&flag, rest) = rest
        .split_first()
        .ok_or(BakeError::PngBadItxt(ItxtProblem::MissingSeparator))?;
    let (&method, rest) = rest
        .split_first()
        .ok_or(BakeError::PngBadItxt(ItxtProblem::MissingSeparator))?;
    let (language_tag, rest) = split_nul(rest)?;
    let (translated_keyword, text) = split_nul(rest)?;
    let compressed = match flag {
        0 => false,
        1 => true,
        other => {
            return Err(BakeError::PngBadItxt(ItxtProblem::BadCompressionFlag(
                other,
            )))
        }
    };
    let bytes = if compressed {
        if method != 0 {
            return Err(BakeError::PngBadItxt(ItxtProblem::BadCompressionMethod(
                method,
            )));
        }
        inflate_bounded(text)?
    } else {
        check_credential_size(text.len())?;
        text.to_vec()
    };
    let text = String::from_utf8(bytes).map_err(|e| BakeError::NotUtf8 {
        source: e.utf8_error(),
    })?;
    if text.trim().is_empty() {
        return Err(BakeError::EmptyBaked);
    }
    Ok(PngBadge {
        credential: Baked::classify(text),
        compressed,
        language_tag: String::from_utf8_lossy(language_tag).into_owned(),
        translated_keyword: String::from_utf8_lossy(translated_keyword).into_owned(),
    })
}

/// Inflates zlib data, refusing output over [`MAX_CREDENTIAL_BYTES`].
fn inflate_bounded(compressed: &[u8]) -> Result<Vec<u8>, BakeError> {
    let limit = MAX_CREDENTIAL_BYTES as u64 + 1;
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|source| BakeError::PngDecompress { source })?;
    check_credential_size(out.len())?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    const JSON: &str = "{\n  \"@context\": [\"https://www.w3.org/ns/credentials/v2\"],\n  \"name\": \"Zoë — ✓ 徽章 \\u0000 ]]>\"\n}\n";
    const JWT: &str = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUuZWR1In0.c2lnbmF0dXJl";

    /// A small RGBA PNG with distinct pixels, written by the `png` crate.
    pub(crate) fn tiny_png(w: u32, h: u32) -> Vec<u8> {
        png_with(w, h, |_| {})
    }

    /// Same, letting the caller add chunks after the header is written.
    fn png_with(w: u32, h: u32, extra: impl FnOnce(&mut ::png::Writer<&mut Vec<u8>>)) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = ::png::Encoder::new(&mut out, w, h);
            enc.set_color(::png::ColorType::Rgba);
            enc.set_depth(::png::BitDepth::Eight);
            let mut writer = enc.write_header().unwrap();
            extra(&mut writer);
            let pixels: Vec<u8> = (0..w * h * 4).map(|i| (i * 37 % 251) as u8).collect();
            writer.write_image_data(&pixels).unwrap();
            writer.finish().unwrap();
        }
        out
    }

    /// Decodes with the `png` crate: pixels, and the iTXt chunks it saw (keyword, compressed, text).
    fn decode(bytes: &[u8]) -> (Vec<u8>, Vec<(String, bool, String)>) {
        let mut reader = ::png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        reader.finish().unwrap();
        let texts = reader
            .info()
            .utf8_text
            .iter()
            .map(|c| (c.keyword.clone(), c.compressed, c.get_text().unwrap()))
            .collect();
        (buf, texts)
    }

    /// All chunks of a PNG, from IHDR to IEND.
    fn parse(bytes: &[u8]) -> Result<Vec<Chunk<'_>>, BakeError> {
        let mut reader = ChunkReader::new(bytes)?;
        let mut chunks = Vec::new();
        while let Some(c) = reader.next_chunk()? {
            chunks.push(c);
        }
        Ok(chunks)
    }

    /// The chunk types of a PNG, in order.
    fn chunk_types(bytes: &[u8]) -> Vec<[u8; 4]> {
        parse(bytes).unwrap().iter().map(|c| c.ty).collect()
    }

    fn count_credential_chunks(bytes: &[u8]) -> usize {
        parse(bytes)
            .unwrap()
            .iter()
            .filter(|c| c.is_credential())
            .count()
    }

    /// Inserts a raw chunk before IEND (no validation).
    fn insert_before_iend(png: &[u8], ty: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let cut = png.len() - 12;
        let mut out = png[..cut].to_vec();
        write_chunk(&mut out, ty, data).unwrap();
        out.extend_from_slice(&png[cut..]);
        out
    }

    fn itxt_data(
        keyword: &str,
        flag: u8,
        method: u8,
        lang: &str,
        tkw: &str,
        text: &[u8],
    ) -> Vec<u8> {
        let mut d = keyword.as_bytes().to_vec();
        d.extend_from_slice(&[0, flag, method]);
        d.extend_from_slice(lang.as_bytes());
        d.push(0);
        d.extend_from_slice(tkw.as_bytes());
        d.push(0);
        d.extend_from_slice(text);
        d
    }

    #[test]
    fn crc_matches_known_iend() {
        // The IEND chunk of every PNG ends in AE 42 60 82.
        assert_eq!(chunk_crc(&IEND, &[]), 0xAE42_6082);
    }

    #[test]
    fn round_trip_json_and_jwt_preserves_bytes() {
        let original = tiny_png(5, 3);
        for (cred, is_json) in [(JSON, true), (JWT, false)] {
            let baked = bake_png(&original, cred).unwrap();
            let badge = inspect_png(&baked).unwrap();
            assert_eq!(badge.credential.as_str(), cred);
            assert_eq!(badge.credential.is_json(), is_json);
            assert!(!badge.compressed);
            assert_eq!(
                (
                    badge.language_tag.as_str(),
                    badge.translated_keyword.as_str()
                ),
                ("", "")
            );
            // Every original chunk before IEND is untouched and first; IEND is last.
            let cut = original.len() - 12;
            assert_eq!(&baked[..cut], &original[..cut]);
            assert_eq!(&baked[baked.len() - 12..], &original[cut..]);
            // The inserted chunk is exactly the OB 3.0 layout.
            let chunk = &baked[cut..baked.len() - 12];
            let want = itxt_data(KEYWORD, 0, 0, "", "", cred.as_bytes());
            assert_eq!(&chunk[8..chunk.len() - 4], want.as_slice());
            assert_eq!(&chunk[4..8], b"iTXt");
            assert_eq!(be_u32(chunk, 0).unwrap() as usize, chunk.len() - 12);
        }
    }

    #[test]
    fn baked_png_decodes_with_identical_pixels() {
        let original = tiny_png(7, 4);
        let baked = bake_png(&original, JSON).unwrap();
        let (pixels_before, texts_before) = decode(&original);
        let (pixels_after, texts_after) = decode(&baked);
        assert_eq!(pixels_before, pixels_after);
        assert!(texts_before.is_empty());
        assert_eq!(
            texts_after,
            vec![(KEYWORD.to_string(), false, JSON.to_string())]
        );
    }

    #[test]
    fn second_bake_replaces() {
        let original = tiny_png(2, 2);
        let once = bake_png(&original, JSON).unwrap();
        let twice = bake_png(&once, JWT).unwrap();
        assert_eq!(count_credential_chunks(&twice), 1);
        assert_eq!(unbake_png(&twice).unwrap(), Baked::Jwt(JWT.into()));
        // Rebaking the same credential is idempotent.
        let again = bake_png(&twice, JWT).unwrap();
        assert_eq!(again, twice);
        assert_eq!(bake_png(&original, JWT).unwrap(), twice);
    }

    #[test]
    fn bake_replaces_chunk_written_elsewhere_by_another_tool() {
        // A compressed credential chunk placed before IDAT, plus an unrelated iTXt that must survive.
        let foreign = png_with(3, 3, |w| {
            let mut c = ::png::text_metadata::ITXtChunk::new(KEYWORD, "old");
            c.compressed = true;
            c.compress_text().unwrap();
            w.write_text_chunk(&c).unwrap();
            let other = ::png::text_metadata::ITXtChunk::new("Comment", "keep me");
            w.write_text_chunk(&other).unwrap();
        });
        assert_eq!(count_credential_chunks(&foreign), 1);
        let baked = bake_png(&foreign, JWT).unwrap();
        assert_eq!(count_credential_chunks(&baked), 1);
        assert_eq!(unbake_png(&baked).unwrap().as_str(), JWT);
        let (_, texts) = decode(&baked);
        assert!(texts.contains(&("Comment".to_string(), false, "keep me".to_string())));
        let types = chunk_types(&baked);
        assert_eq!(types.first(), Some(&IHDR));
        assert_eq!(types[types.len() - 2], ITXT);
        assert_eq!(types.last(), Some(&IEND));
    }

    #[test]
    fn compressed_chunk_is_tolerated_and_reported() {
        let png = png_with(2, 2, |w| {
            let mut c = ::png::text_metadata::ITXtChunk::new(KEYWORD, JSON);
            c.language_tag = "en".into();
            c.compressed = true;
            c.compress_text().unwrap();
            w.write_text_chunk(&c).unwrap();
        });
        let badge = inspect_png(&png).unwrap();
        assert!(badge.compressed);
        assert_eq!(badge.language_tag, "en");
        assert_eq!(badge.credential, Baked::Json(JSON.into()));
    }

    #[test]
    fn compressed_bomb_is_bounded() {
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &vec![b'a'; 4 * MAX_CREDENTIAL_BYTES]).unwrap();
        let z = enc.finish().unwrap();
        assert!(z.len() < 64 * 1024);
        let png = insert_before_iend(
            &tiny_png(1, 1),
            &ITXT,
            &itxt_data(KEYWORD, 1, 0, "", "", &z),
        );
        match unbake_png(&png) {
            Err(BakeError::TooLarge {
                what: Subject::Credential,
                limit,
                actual,
            }) => {
                assert_eq!(limit, MAX_CREDENTIAL_BYTES);
                assert!(actual > MAX_CREDENTIAL_BYTES);
            }
            other => panic!("unexpected {other:?}"),
        }
        let garbage = insert_before_iend(
            &tiny_png(1, 1),
            &ITXT,
            &itxt_data(KEYWORD, 1, 0, "", "", b"not zlib"),
        );
        assert!(matches!(
            unbake_png(&garbage),
            Err(BakeError::PngDecompress { .. })
        ));
    }

    #[test]
    fn two_credential_chunks_are_an_error() {
        let baked = bake_png(&tiny_png(2, 2), JWT).unwrap();
        let doubled = insert_before_iend(&baked, &ITXT, &credential_chunk_data(JSON));
        assert!(matches!(
            unbake_png(&doubled),
            Err(BakeError::MultipleCredentials { count: 2 })
        ));
        // Baking over it repairs it.
        let fixed = bake_png(&doubled, JSON).unwrap();
        assert_eq!(count_credential_chunks(&fixed), 1);
        assert_eq!(unbake_png(&fixed).unwrap().as_str(), JSON);
    }

    #[test]
    fn not_baked() {
        let plain = tiny_png(2, 2);
        assert!(matches!(unbake_png(&plain), Err(BakeError::NotBaked)));
        // OB 2.0's keyword and a look-alike keyword are not OB 3.0 credentials.
        for kw in ["openbadges", "openbadgecredentialx", "Openbadgecredential"] {
            let png =
                insert_before_iend(&plain, &ITXT, &itxt_data(kw, 0, 0, "", "", JWT.as_bytes()));
            assert!(matches!(unbake_png(&png), Err(BakeError::NotBaked)), "{kw}");
        }
        // The keyword in a tEXt chunk does not count either.
        let text = insert_before_iend(&plain, b"tEXt", b"openbadgecredential\0abc");
        assert!(matches!(unbake_png(&text), Err(BakeError::NotBaked)));
    }

    #[test]
    fn malformed_itxt() {
        let plain = tiny_png(1, 1);
        type Check = fn(&BakeError) -> bool;
        let cases: Vec<(Vec<u8>, Check)> = vec![
            (b"openbadgecredential\0".to_vec(), |e| {
                matches!(e, BakeError::PngBadItxt(ItxtProblem::MissingSeparator))
            }),
            (b"openbadgecredential\0\0\0en".to_vec(), |e| {
                matches!(e, BakeError::PngBadItxt(ItxtProblem::MissingSeparator))
            }),
            (itxt_data(KEYWORD, 2, 0, "", "", b"x"), |e| {
                matches!(e, BakeError::PngBadItxt(ItxtProblem::BadCompressionFlag(2)))
            }),
            (itxt_data(KEYWORD, 1, 9, "", "", b"x"), |e| {
                matches!(
                    e,
                    BakeError::PngBadItxt(ItxtProblem::BadCompressionMethod(9))
                )
            }),
            (itxt_data(KEYWORD, 0, 0, "", "", b"{\"a\":\"\xff\"}"), |e| {
                matches!(e, BakeError::NotUtf8 { .. })
            }),
            (itxt_data(KEYWORD, 0, 0, "", "", b" \n"), |e| {
                matches!(e, BakeError::EmptyBaked)
            }),
        ];
        for (data, want) in cases {
            let png = insert_before_iend(&plain, &ITXT, &data);
            let err = unbake_png(&png).unwrap_err();
            assert!(want(&err), "{data:?}: {err:?}");
        }
    }

    #[test]
    fn malformed_png() {
        let baked = bake_png(&tiny_png(3, 3), JWT).unwrap();
        // Bad signature.
        let mut bad = baked.clone();
        bad[1] = b'J';
        assert!(matches!(unbake_png(&bad), Err(BakeError::PngSignature)));
        assert!(matches!(bake_png(&bad, JWT), Err(BakeError::PngSignature)));
        assert!(matches!(unbake_png(b""), Err(BakeError::PngSignature)));
        // Signature only.
        assert!(matches!(
            unbake_png(&SIGNATURE),
            Err(BakeError::PngMissingIhdr)
        ));
        // CRC broken in IHDR (byte 29 is inside IHDR's CRC) and in the credential chunk's text.
        let mut bad = baked.clone();
        bad[29] ^= 1;
        assert!(matches!(
            unbake_png(&bad),
            Err(BakeError::PngCrcMismatch {
                chunk: ChunkType(IHDR),
                offset: 8,
                ..
            })
        ));
        let mut bad = baked.clone();
        let i = baked.len() - 20;
        bad[i] ^= 0x40;
        match unbake_png(&bad) {
            Err(BakeError::PngCrcMismatch {
                chunk,
                found,
                computed,
                ..
            }) => {
                assert_eq!(chunk, ChunkType(ITXT));
                assert_ne!(found, computed);
                assert_eq!(chunk.to_string(), "iTXt");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(
            bake_png(&bad, JSON),
            Err(BakeError::PngCrcMismatch { .. })
        ));
        // Truncations: every proper prefix fails with a structural error, never Ok.
        for n in 0..baked.len() {
            let err = unbake_png(&baked[..n]).unwrap_err();
            assert!(
                matches!(
                    err,
                    BakeError::PngSignature
                        | BakeError::PngTruncated { .. }
                        | BakeError::PngMissingIhdr
                        | BakeError::PngMissingIend
                ),
                "prefix {n}: {err:?}"
            );
        }
        assert!(matches!(
            unbake_png(&baked[..baked.len() - 1]),
            Err(BakeError::PngTruncated { offset }) if offset == baked.len() - 12
        ));
        assert!(matches!(
            unbake_png(&baked[..baked.len() - 12]),
            Err(BakeError::PngMissingIend)
        ));
        // A chunk length above 2^31 - 1.
        let mut bad = baked.clone();
        bad[8..12].copy_from_slice(&0x8000_0000u32.to_be_bytes());
        assert!(matches!(
            unbake_png(&bad),
            Err(BakeError::PngChunkLength {
                offset: 8,
                length: 0x8000_0000
            })
        ));
        // First chunk not IHDR: drop IHDR (8 + 25 bytes).
        let mut bad = SIGNATURE.to_vec();
        bad.extend_from_slice(&baked[33..]);
        assert!(matches!(unbake_png(&bad), Err(BakeError::PngMissingIhdr)));
    }

    #[test]
    fn trailing_bytes_after_iend_are_kept() {
        let mut png = tiny_png(2, 2);
        png.extend_from_slice(b"trailer");
        let baked = bake_png(&png, JWT).unwrap();
        assert!(baked.ends_with(b"IEND\xae\x42\x60\x82trailer"));
        assert_eq!(unbake_png(&baked).unwrap().as_str(), JWT);
    }

    /// Rewrites the data of the credential chunk of a baked PNG and fixes its CRC, so the
    /// mutation reaches the iTXt parser instead of stopping at the CRC check.
    pub(crate) fn with_credential_data(baked: &[u8], data: &[u8]) -> Vec<u8> {
        let parsed = parse(baked).unwrap();
        let mut out = SIGNATURE.to_vec();
        for c in &parsed {
            if c.is_credential() {
                write_chunk(&mut out, &ITXT, data).unwrap();
            } else {
                out.extend_from_slice(c.raw);
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn unbake_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = unbake_png(&bytes);
            let _ = super::super::unbake(&bytes);
            let mut with_sig = SIGNATURE.to_vec();
            with_sig.extend_from_slice(&bytes);
            let _ = unbake_png(&with_sig);
            let _ = bake_png(&with_sig, JWT);
        }

        #[test]
        fn unbake_never_panics_on_mutated_baked_png(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
            cut in any::<prop::sample::Index>(),
            truncate in any::<bool>(),
        ) {
            let mut png = bake_png(&tiny_png(3, 2), JSON).unwrap();
            for (at, byte) in &edits {
                let i = at.index(png.len());
                png[i] = *byte;
            }
            if truncate {
                png.truncate(cut.index(png.len() + 1));
            }
            let result = unbake_png(&png);
            if edits.is_empty() && !truncate {
                prop_assert_eq!(result.unwrap().into_string(), JSON);
            }
            let _ = bake_png(&png, JWT);
        }

        #[test]
        fn unbake_never_panics_on_mutated_credential_chunk(
            data in proptest::collection::vec(any::<u8>(), 0..64),
            keep_keyword in any::<bool>(),
        ) {
            let baked = bake_png(&tiny_png(1, 1), JWT).unwrap();
            let mut payload = if keep_keyword { b"openbadgecredential\0".to_vec() } else { Vec::new() };
            payload.extend_from_slice(&data);
            let png = with_credential_data(&baked, &payload);
            let _ = inspect_png(&png);
        }

        #[test]
        fn round_trip_any_text(cred in "[^\u{0}-\u{8}\u{b}\u{c}\u{e}-\u{1f}\u{fffe}\u{ffff}]{1,200}") {
            prop_assume!(!cred.trim().is_empty());
            let baked = bake_png(&tiny_png(1, 1), &cred).unwrap();
            prop_assert_eq!(unbake_png(&baked).unwrap().into_string(), cred.as_str());
        }
    }
}

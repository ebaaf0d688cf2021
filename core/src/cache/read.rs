//! Cache traces from the bytes of a trace file: the usual text and binary
//! layouts, compressed or not. No I/O: the caller reads the file.

use std::io::Read;

use serde::{Deserialize, Serialize};

use super::trace::{Trace, hash_key};
use crate::error::{Error, Result};
use crate::limits;

/// Largest decompressed trace, in bytes (2 GiB), checked while
/// decompressing.
pub const MAX_TRACE_BYTES: usize = 1 << 31;

/// How the records of a trace file are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TraceFormat {
    /// One record per line: a key, optionally followed by a timestamp in
    /// seconds (whitespace or a comma between). A decimal key up to
    /// `u64::MAX` is the key itself; any other token (a URL, a negative
    /// number) is hashed with [`hash_key`]. Blank lines and lines starting
    /// with `#` are skipped.
    #[default]
    Text,
    /// LIRS traces: one integer key per line; lines containing `*` (the
    /// original simulator's print breakpoints) are skipped.
    Lirs,
    /// ARC traces (`.lis`): `start count ...` per line, expanded to the keys
    /// `start .. start + count`.
    Arc,
    /// CSV with a header row: the key in `key_column`, an optional
    /// timestamp (seconds) in `timestamp_column`; keys as in `Text`.
    Csv,
    /// Unsigned 32-bit keys back to back (cache2k, CloudPhysics).
    U32,
    /// Unsigned 64-bit keys back to back.
    U64,
    /// Signed 64-bit keys back to back (Scarab, Corda), kept as their bits.
    I64,
    /// libCacheSim's oracleGeneral records (24 bytes, little-endian: u32
    /// timestamp, u64 object id, u32 size, i64 next access): the object id
    /// is the key and the timestamp (seconds) is kept.
    OracleGeneral,
}

/// How the file is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Compression {
    /// From the magic bytes: gzip, xz and zstd are recognised, anything
    /// else is read as is.
    #[default]
    Auto,
    /// Not compressed.
    None,
    /// gzip (several members allowed).
    Gzip,
    /// xz.
    Xz,
    /// Zstandard.
    Zstd,
}

/// How to read a trace. Serde form: every key optional, e.g.
/// `{"format": "u32", "big_endian": true}` or `{"format": "csv",
/// "key_column": "url", "timestamp_column": "ts"}`.
///
/// # Examples
/// ```
/// use opsbrain::cache::{TraceFormat, TraceOptions};
/// let o: TraceOptions = opsbrain::input::from_json(r#"{"format": "u32", "big_endian": true}"#)?;
/// assert_eq!((o.format, o.big_endian), (TraceFormat::U32, true));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TraceOptions {
    /// The layout (`text` by default).
    pub format: TraceFormat,
    /// Byte order of the binary layouts (`u32`, `u64`, `i64`);
    /// little-endian by default.
    pub big_endian: bool,
    /// The CSV column holding the key (`"key"` by default).
    pub key_column: Option<String>,
    /// The CSV column holding a timestamp in seconds, if any.
    pub timestamp_column: Option<String>,
    /// The CSV delimiter (`,` by default).
    pub delimiter: Option<char>,
    /// The compression (`auto` by default).
    pub compression: Compression,
}

/// A trace read from a file's bytes: keys, and timestamps when the format
/// has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ParsedTrace {
    /// One key per access, in order.
    pub keys: Vec<u64>,
    /// Seconds, one per access, when the file has them.
    pub timestamps: Option<Vec<f64>>,
}

impl ParsedTrace {
    /// The trace as the simulators and curves take it.
    ///
    /// # Errors
    /// As [`Trace::new`] and [`Trace::with_timestamps`].
    pub fn trace(&self) -> Result<Trace<'_>> {
        let t = Trace::new(&self.keys)?;
        match &self.timestamps {
            Some(ts) => t.with_timestamps(ts),
            None => Ok(t),
        }
    }
}

/// Reads a trace from the bytes of its file.
///
/// # Examples
/// ```
/// use opsbrain::cache::{read_trace, TraceFormat, TraceOptions};
/// let lirs = read_trace(b"5\n7\n*\n5\r\n", &TraceOptions { format: TraceFormat::Lirs, ..Default::default() })?;
/// assert_eq!(lirs.keys, [5, 7, 5]);
/// let arc = read_trace(b"100 3 0 1\n7 1 0 2\n", &TraceOptions { format: TraceFormat::Arc, ..Default::default() })?;
/// assert_eq!(arc.keys, [100, 101, 102, 7]);
/// let be = read_trace(&[0, 0, 1, 0, 0, 0, 0, 9], &TraceOptions { format: TraceFormat::U32, big_endian: true, ..Default::default() })?;
/// assert_eq!(be.keys, [256, 9]);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` for a malformed record (naming its line or byte
/// offset), a truncated binary record, bad compressed data, a CSV without
/// the named column, or a trace without accesses; `limit_exceeded` past
/// [`MAX_TRACE_BYTES`] decompressed or
/// [`MAX_TRACE_LEN`](crate::limits::MAX_TRACE_LEN) accesses (both checked
/// while reading).
pub fn read_trace(bytes: &[u8], options: &TraceOptions) -> Result<ParsedTrace> {
    let owned;
    let data: &[u8] = match compression(bytes, options.compression) {
        Compression::None | Compression::Auto => bytes,
        c => {
            owned = decompress(bytes, c)?;
            &owned
        }
    };
    let mut out = Keys::default();
    match options.format {
        TraceFormat::Text | TraceFormat::Lirs | TraceFormat::Arc => {
            lines(data, options.format, &mut out)?
        }
        TraceFormat::Csv => csv(data, options, &mut out)?,
        TraceFormat::U32 => binary::<4>(data, options.big_endian, &mut out, |b| {
            u64::from(u32::from_le_bytes(b))
        })?,
        TraceFormat::U64 => binary::<8>(data, options.big_endian, &mut out, u64::from_le_bytes)?,
        TraceFormat::I64 => binary::<8>(data, options.big_endian, &mut out, |b| {
            i64::from_le_bytes(b).cast_unsigned()
        })?,
        TraceFormat::OracleGeneral => oracle_general(data, &mut out)?,
    }
    if out.keys.is_empty() {
        return Err(Error::invalid_input("the trace has no accesses"));
    }
    if out.keys.len() != out.timestamps.len() && !out.timestamps.is_empty() {
        return Err(Error::invalid_input(
            "some records have a timestamp and others do not",
        ));
    }
    let timestamps = (!out.timestamps.is_empty()).then_some(out.timestamps);
    Ok(ParsedTrace {
        keys: out.keys,
        timestamps,
    })
}

#[derive(Default)]
struct Keys {
    keys: Vec<u64>,
    timestamps: Vec<f64>,
}

impl Keys {
    fn push(&mut self, key: u64) -> Result<()> {
        if self.keys.len() >= limits::MAX_TRACE_LEN {
            return Err(Error::limit(format!(
                "the trace has more than {} accesses",
                limits::MAX_TRACE_LEN
            )));
        }
        self.keys.push(key);
        Ok(())
    }
}

fn compression(bytes: &[u8], given: Compression) -> Compression {
    if given != Compression::Auto {
        return given;
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if bytes.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Compression::Xz
    } else if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// A writer that refuses to grow past [`MAX_TRACE_BYTES`].
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_TRACE_BYTES {
            return Err(std::io::Error::other("over the limit"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn decompress(bytes: &[u8], c: Compression) -> Result<Vec<u8>> {
    let mut out = Bounded(Vec::new());
    let read = |r: &mut dyn Read, out: &mut Bounded| std::io::copy(r, out).map(|_| ());
    let result = match c {
        Compression::Gzip => read(&mut flate2::read::MultiGzDecoder::new(bytes), &mut out),
        Compression::Xz => lzma_rs::xz_decompress(&mut std::io::BufReader::new(bytes), &mut out)
            .map_err(|e| match e {
                lzma_rs::error::Error::IoError(e) => e,
                other => std::io::Error::other(other.to_string()),
            }),
        Compression::Zstd => match ruzstd::decoding::StreamingDecoder::new(bytes) {
            Ok(mut d) => read(&mut d, &mut out),
            Err(e) => Err(std::io::Error::other(e.to_string())),
        },
        Compression::Auto | Compression::None => return Ok(bytes.to_vec()),
    };
    match result {
        Ok(()) => Ok(out.0),
        Err(_) if out.0.len() + 1 > MAX_TRACE_BYTES - (1 << 20) => Err(Error::limit(format!(
            "the decompressed trace is over {MAX_TRACE_BYTES} bytes"
        ))),
        Err(e) => Err(Error::invalid_input(format!(
            "the {} data are not valid: {e}",
            match c {
                Compression::Gzip => "gzip",
                Compression::Xz => "xz",
                _ => "zstd",
            }
        ))),
    }
}

/// A text key: a decimal `u64` as itself, anything else hashed.
fn key_of(token: &str) -> u64 {
    token.parse::<u64>().unwrap_or_else(|_| hash_key(token))
}

fn number(token: &str, what: &str, line: usize) -> Result<f64> {
    match token.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(Error::invalid_input(format!(
            "line {line}: {what} {token:?} is not a finite number"
        ))),
    }
}

fn lines(data: &[u8], format: TraceFormat, out: &mut Keys) -> Result<()> {
    let text = std::str::from_utf8(data)
        .map_err(|e| Error::invalid_input(format!("the trace is not UTF-8 text: {e}")))?;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut tokens = line
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty());
        let first = tokens.next().unwrap_or_default();
        match format {
            TraceFormat::Lirs => {
                if line.contains('*') {
                    continue;
                }
                let key = first.parse::<u64>().map_err(|_| {
                    Error::invalid_input(format!("line {n}: {first:?} is not a block number"))
                })?;
                out.push(key)?;
            }
            TraceFormat::Arc => {
                let parse = |t: &str, what: &str| {
                    t.parse::<u64>().map_err(|_| {
                        Error::invalid_input(format!(
                            "line {n}: {what} {t:?} is not a whole number"
                        ))
                    })
                };
                let start = parse(first, "start")?;
                let count = parse(tokens.next().unwrap_or_default(), "count")?;
                for k in 0..count {
                    let key = start.checked_add(k).ok_or_else(|| {
                        Error::invalid_input(format!("line {n}: start + count passes 2^64"))
                    })?;
                    out.push(key)?;
                }
            }
            _ => {
                out.push(key_of(first))?;
                if let Some(t) = tokens.next() {
                    out.timestamps.push(number(t, "timestamp", n)?);
                }
                if out.timestamps.len() != out.keys.len() && !out.timestamps.is_empty() {
                    return Err(Error::invalid_input(format!(
                        "line {n}: some records have a timestamp and others do not"
                    )));
                }
            }
        }
    }
    Ok(())
}

fn csv(data: &[u8], options: &TraceOptions, out: &mut Keys) -> Result<()> {
    let text = std::str::from_utf8(data)
        .map_err(|e| Error::invalid_input(format!("the trace is not UTF-8 text: {e}")))?;
    let delimiter = options.delimiter.unwrap_or(',');
    let mut rows = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = rows.next() else {
        return Err(Error::invalid_input("the CSV has no header row"));
    };
    let names: Vec<&str> = header.split(delimiter).map(str::trim).collect();
    let find = |name: &str| {
        names.iter().position(|c| *c == name).ok_or_else(|| {
            Error::invalid_input(format!(
                "the CSV has no column {name:?} (columns: {names:?})"
            ))
        })
    };
    let key_at = find(options.key_column.as_deref().unwrap_or("key"))?;
    let ts_at = options.timestamp_column.as_deref().map(find).transpose()?;
    for (i, row) in rows {
        let n = i + 1;
        let cells: Vec<&str> = row.split(delimiter).map(str::trim).collect();
        let cell = |at: usize| {
            cells.get(at).copied().ok_or_else(|| {
                Error::invalid_input(format!(
                    "line {n}: {} cells, the header has {}",
                    cells.len(),
                    names.len()
                ))
            })
        };
        out.push(key_of(cell(key_at)?))?;
        if let Some(at) = ts_at {
            out.timestamps.push(number(cell(at)?, "timestamp", n)?);
        }
    }
    Ok(())
}

fn binary<const N: usize>(
    data: &[u8],
    big_endian: bool,
    out: &mut Keys,
    le: fn([u8; N]) -> u64,
) -> Result<()> {
    if !data.len().is_multiple_of(N) {
        return Err(Error::invalid_input(format!(
            "{} bytes is not a whole number of {N}-byte keys: the record at byte {} is truncated",
            data.len(),
            data.len() / N * N
        )));
    }
    for chunk in data.chunks_exact(N) {
        let mut b: [u8; N] = chunk.try_into().unwrap_or([0; N]);
        if big_endian {
            b.reverse();
        }
        out.push(le(b))?;
    }
    Ok(())
}

fn oracle_general(data: &[u8], out: &mut Keys) -> Result<()> {
    const RECORD: usize = 24;
    if !data.len().is_multiple_of(RECORD) {
        return Err(Error::invalid_input(format!(
            "{} bytes is not a whole number of 24-byte oracleGeneral records: the record at byte {} is truncated",
            data.len(),
            data.len() / RECORD * RECORD
        )));
    }
    for r in data.chunks_exact(RECORD) {
        let ts = u32::from_le_bytes([r[0], r[1], r[2], r[3]]);
        let id = u64::from_le_bytes([r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]]);
        out.push(id)?;
        out.timestamps.push(f64::from(ts));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn opts(format: TraceFormat) -> TraceOptions {
        TraceOptions {
            format,
            ..Default::default()
        }
    }

    #[test]
    fn every_layout_reads_its_keys() {
        let text = read_trace(
            b"# header\n1 0.5\n/a/b 1.5\n\n18446744073709551615 2\n",
            &opts(TraceFormat::Text),
        )
        .unwrap();
        assert_eq!(text.keys, [1, hash_key("/a/b"), u64::MAX]);
        assert_eq!(text.timestamps, Some(vec![0.5, 1.5, 2.0]));
        let e = read_trace(b"1 0.5\n2\n", &opts(TraceFormat::Text)).unwrap_err();
        assert!(e.message.contains("line 2"), "{e}");
        let lirs = read_trace(b"3\r\n*\r\n4\r\n", &opts(TraceFormat::Lirs)).unwrap();
        assert_eq!((lirs.keys, lirs.timestamps), (vec![3, 4], None));
        let e = read_trace(b"3\nx\n", &opts(TraceFormat::Lirs)).unwrap_err();
        assert_eq!(
            (e.code(), e.message.contains("line 2")),
            ("invalid_input", true)
        );
        let arc = read_trace(b"10 2 0 0\n5 1 0 1\n", &opts(TraceFormat::Arc)).unwrap();
        assert_eq!(arc.keys, [10, 11, 5]);
        let e = read_trace(b"18446744073709551615 2 0 0\n", &opts(TraceFormat::Arc)).unwrap_err();
        assert!(e.message.contains("2^64"), "{e}");
        let csv = TraceOptions {
            format: TraceFormat::Csv,
            key_column: Some("url".into()),
            timestamp_column: Some("ts".into()),
            delimiter: Some(';'),
            ..Default::default()
        };
        let c = read_trace(b"ts;url\n1;7\n2;/x\n", &csv).unwrap();
        assert_eq!(
            (c.keys, c.timestamps),
            (vec![7, hash_key("/x")], Some(vec![1.0, 2.0]))
        );
        let e = read_trace(b"ts;uri\n1;7\n", &csv).unwrap_err();
        assert!(e.message.contains("\"url\""), "{e}");
        let u32be = TraceOptions {
            format: TraceFormat::U32,
            big_endian: true,
            ..Default::default()
        };
        assert_eq!(
            read_trace(&[0, 0, 0, 1, 1, 0, 0, 0], &u32be).unwrap().keys,
            [1, 1 << 24]
        );
        assert_eq!(
            read_trace(&[1, 0, 0, 0], &opts(TraceFormat::U32))
                .unwrap()
                .keys,
            [1]
        );
        let i64be = TraceOptions {
            format: TraceFormat::I64,
            big_endian: true,
            ..Default::default()
        };
        assert_eq!(
            read_trace(&(-2i64).to_be_bytes(), &i64be).unwrap().keys,
            [u64::MAX - 1]
        );
        assert_eq!(
            read_trace(&7u64.to_le_bytes(), &opts(TraceFormat::U64))
                .unwrap()
                .keys,
            [7]
        );
        let e = read_trace(&[1, 2, 3, 4, 5], &opts(TraceFormat::U32)).unwrap_err();
        assert!(e.message.contains("byte 4"), "{e}");
        let mut rec = Vec::new();
        for (ts, id) in [(10u32, 99u64), (11, 5)] {
            rec.extend(ts.to_le_bytes());
            rec.extend(id.to_le_bytes());
            rec.extend(4096u32.to_le_bytes());
            rec.extend((-1i64).to_le_bytes());
        }
        let og = read_trace(&rec, &opts(TraceFormat::OracleGeneral)).unwrap();
        assert_eq!(
            (og.keys, og.timestamps),
            (vec![99, 5], Some(vec![10.0, 11.0]))
        );
        assert_eq!(
            read_trace(b"\n# only a comment\n", &opts(TraceFormat::Text))
                .unwrap_err()
                .code(),
            "invalid_input"
        );
    }

    #[test]
    fn compressed_files_are_recognised_and_checked() {
        let plain = b"1\n2\n3\n1\n".repeat(1000);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&plain).unwrap();
        let gz = gz.finish().unwrap();
        let mut xz = Vec::new();
        lzma_rs::xz_compress(&mut &plain[..], &mut xz).unwrap();
        let zst = ruzstd::encoding::compress_to_vec(
            &plain[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        for (bytes, c) in [
            (gz, Compression::Gzip),
            (xz, Compression::Xz),
            (zst, Compression::Zstd),
        ] {
            let t = read_trace(&bytes, &opts(TraceFormat::Lirs)).unwrap();
            assert_eq!(t.keys.len(), 4000, "{c:?}");
            assert_eq!(compression(&bytes, Compression::Auto), c);
            // Corrupt data is a coded error, not a panic.
            let mut bad = bytes.clone();
            let mid = bad.len() / 2;
            bad.truncate(mid);
            let e = read_trace(&bad, &opts(TraceFormat::Lirs)).unwrap_err();
            assert_eq!(e.code(), "invalid_input", "{c:?}: {e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_give_a_trace_or_a_coded_error(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200), f in 0usize..8, c in 0usize..4) {
            let formats = [TraceFormat::Text, TraceFormat::Lirs, TraceFormat::Arc, TraceFormat::Csv,
                TraceFormat::U32, TraceFormat::U64, TraceFormat::I64, TraceFormat::OracleGeneral];
            let comps = [Compression::Auto, Compression::Gzip, Compression::Xz, Compression::Zstd];
            let o = TraceOptions { format: formats[f], compression: comps[c], ..Default::default() };
            if let Err(e) = read_trace(&bytes, &o) {
                proptest::prop_assert!(crate::ErrorKind::ALL.contains(&e.kind) && !e.message.is_empty());
            }
        }
    }
}

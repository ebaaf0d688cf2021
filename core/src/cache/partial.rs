//! LRU miss-ratio curves of traces partitioned by key hash: one
//! [`CurvePartial`] per partition, merged into one curve.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::mrc::MissRatioCurve;
use super::stack::StackDistances;
use super::trace::mix64;
use crate::error::{Error, ErrorKind, Result};
use crate::limits;

/// Most hash partitions of one trace (4,096).
pub const MAX_TRACE_PARTITIONS: u32 = 1 << 12;

/// The sampling hash's modulus (2^24), as SHARDS uses it.
const P: u64 = 1 << 24;

/// The serde format of [`CurvePartial`].
const FORMAT_VERSION: u32 = 1;

fn check_partitions(partitions: u32) -> Result<()> {
    if partitions == 0 || partitions > MAX_TRACE_PARTITIONS {
        return Err(Error::invalid_input(format!(
            "partitions must be in 1..={MAX_TRACE_PARTITIONS}, got {partitions}"
        )));
    }
    Ok(())
}

/// The hash partition of `key` among `partitions`: the key's SHARDS
/// sampling hash `h = mix64(key) mod 2^24` scaled to the partition count,
/// `floor(h * partitions / 2^24)`. Partition `j` thus holds the keys whose
/// hash falls in `[ceil(j 2^24 / n), ceil((j + 1) 2^24 / n))`: the keys a
/// SHARDS sample of rate `1/n` over that hash range would track. Every
/// access of a key lands in the same partition.
///
/// # Examples
/// ```
/// use opsbrain::cache::trace_partition;
/// let p = trace_partition(42, 4)?;
/// assert!(p < 4);
/// assert_eq!(trace_partition(42, 1)?, 0);
/// assert_eq!(trace_partition(42, 0).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// # Errors
/// `invalid_input` unless `partitions` is in `1..=`[`MAX_TRACE_PARTITIONS`].
pub fn trace_partition(key: u64, partitions: u32) -> Result<u32> {
    check_partitions(partitions)?;
    Ok(partition_of(key, partitions))
}

fn partition_of(key: u64, partitions: u32) -> u32 {
    let h = mix64(key) & (P - 1);
    // < partitions <= 2^12: fits.
    ((h * u64::from(partitions)) >> 24) as u32
}

/// The width of partition `j`'s hash range, in units of the 2^24 hashes.
fn width(j: u32, partitions: u32) -> u64 {
    let n = u64::from(partitions);
    let start = |j: u64| (j * P).div_ceil(n);
    start(u64::from(j) + 1) - start(u64::from(j))
}

/// The LRU stack-distance histogram of one hash partition of a trace: the
/// accesses of the keys of partition `partition` of `partitions` (see
/// [`trace_partition`]), in trace order. Partials of every partition merge
/// into an estimated curve of the whole trace
/// ([`MissRatioCurve::merge_partials`]).
///
/// **The estimate.** A key's stack distance counts the distinct keys
/// accessed since its previous access; inside its partition it counts only
/// the partition's keys, about `1/n` of them. As in SHARDS, each partition's
/// distances are scaled by the inverse of its share of the hash space, so
/// each partition's histogram is a SHARDS estimate at rate `1/n`, and the
/// merged curve is their sum over all accesses. Counts of accesses and
/// distinct keys are exact (the partitions are disjoint in keys); with one
/// partition the curve is the exact one. The hit ratios are estimates whose
/// error grows with `n` and shrinks with the number of distinct keys per
/// partition: on the tests' trace (400,000 accesses, 50,000 distinct keys,
/// skewed; sizes 500 to 50,000) the mean absolute error of the hit ratio
/// against the exact curve is 0.00002 with 2 partitions, 0.00009 with 4,
/// 0.0003 with 16 and 0.0012 with 64 (the test asserts below 0.01).
///
/// Serde form: `{"format_version": 1, "partition": 0, "partitions": 4,
/// "accesses": 120, "distinct_keys": 30, "distances": [[distance, count],
/// ...]}` with distances (within the partition, unscaled) increasing from 1.
///
/// # Examples
/// ```
/// use opsbrain::cache::{trace_partition, CurvePartial, MissRatioCurve, Trace};
/// let keys: Vec<u64> = (0..20_000u64).map(|i| (i * 7919) % 1000).collect();
/// let n = 2;
/// let parts = (0..n)
///     .map(|j| {
///         let mine: Vec<u64> = keys.iter().copied()
///             .filter(|&k| trace_partition(k, n).unwrap() == j).collect();
///         CurvePartial::lru(&mine, j, n)
///     })
///     .collect::<Result<Vec<_>, _>>()?;
/// let merged = MissRatioCurve::merge_partials(&parts)?;
/// let exact = MissRatioCurve::exact_lru(&Trace::new(&keys)?)?;
/// assert_eq!((merged.accesses, merged.distinct_keys), (20_000, 1000));
/// // A loop over 1000 keys: each partition sees a loop over about 500 of
/// // them, scaled back to about 1000 (the estimate blurs the step at 1000).
/// assert_eq!(merged.hit_ratio(1200), exact.hit_ratio(1200));
/// assert_eq!(merged.hit_ratio(800), 0.0);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePartial {
    format_version: u32,
    partition: u32,
    partitions: u32,
    accesses: u64,
    distinct_keys: u64,
    distances: Vec<(u64, u64)>,
}

impl CurvePartial {
    /// The partial of partition `partition` of `partitions`: `keys` are the
    /// accesses of that partition's keys in trace order (possibly none).
    ///
    /// # Examples
    /// See [`CurvePartial`].
    ///
    /// # Errors
    /// `invalid_input` for a partition count outside
    /// `1..=`[`MAX_TRACE_PARTITIONS`], a partition index not below it, or a
    /// key of another partition (`keys[i]`: the trace was not partitioned
    /// by [`trace_partition`]); `limit_exceeded` past
    /// [`MAX_TRACE_LEN`](crate::limits::MAX_TRACE_LEN) keys.
    pub fn lru(keys: &[u64], partition: u32, partitions: u32) -> Result<Self> {
        check_partitions(partitions)?;
        if partition >= partitions {
            return Err(Error::invalid_input(format!(
                "partition {partition} is not below partitions {partitions}"
            )));
        }
        if keys.len() > limits::MAX_TRACE_LEN {
            return Err(Error::limit(format!(
                "the trace has {} accesses; at most {} are allowed",
                keys.len(),
                limits::MAX_TRACE_LEN
            )));
        }
        let mut sd = StackDistances::new(1 << 12);
        let mut hist: Vec<u64> = Vec::new();
        for (i, &k) in keys.iter().enumerate() {
            let p = partition_of(k, partitions);
            if p != partition {
                return Err(Error::invalid_input(format!(
                    "keys[{i}]: key {k} belongs to hash partition {p} of {partitions}, not {partition}: \
                     partition the trace with trace_partition"
                )));
            }
            if let Some(d) = sd.access(k) {
                let d = d as usize;
                if d >= hist.len() {
                    hist.resize(d + 1, 0);
                }
                hist[d] += 1;
            }
        }
        Ok(CurvePartial {
            format_version: FORMAT_VERSION,
            partition,
            partitions,
            accesses: keys.len() as u64,
            distinct_keys: sd.distinct() as u64,
            distances: hist
                .iter()
                .enumerate()
                .filter(|&(d, &c)| d > 0 && c > 0)
                .map(|(d, &c)| (d as u64, c))
                .collect(),
        })
    }

    /// Which partition this is: `(partition, partitions)`.
    ///
    /// # Examples
    /// ```
    /// let p = opsbrain::cache::CurvePartial::lru(&[], 1, 2)?;
    /// assert_eq!(p.partition(), (1, 2));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn partition(&self) -> (u32, u32) {
        (self.partition, self.partitions)
    }

    /// The partial as JSON (its serde form).
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::CurvePartial;
    /// let p = CurvePartial::lru(&[3, 3], opsbrain::cache::trace_partition(3, 2)?, 2)?;
    /// assert_eq!(CurvePartial::from_json(&p.to_json())?, p);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A partial from [`to_json`](Self::to_json) output.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::cache::CurvePartial;
    /// assert!(CurvePartial::from_json("{}").is_err());
    /// ```
    ///
    /// # Errors
    /// `limit_exceeded` past [`MAX_REQUEST_BYTES`](crate::limits::MAX_REQUEST_BYTES);
    /// `parse_error` for text that is not JSON; `missing_key` or
    /// `invalid_input` for missing, unknown or mistyped fields;
    /// `unsupported_version` for another `format_version`; `invalid_input`
    /// for a partial no trace makes (distances not increasing from 1, zero
    /// counts, more reuses than accesses, a partition not below the count).
    pub fn from_json(text: &str) -> Result<Self> {
        let p: CurvePartial = crate::input::from_body(text)?;
        if p.format_version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "curve partial format_version {} (this version reads {FORMAT_VERSION})",
                    p.format_version
                ),
            ));
        }
        check_partitions(p.partitions)?;
        let bad = |what: String| Err(Error::invalid_input(format!("corrupt partial: {what}")));
        if p.partition >= p.partitions {
            return bad(format!("partition {} of {}", p.partition, p.partitions));
        }
        let mut last = 0u64;
        let mut reuses = 0u64;
        for (i, &(d, c)) in p.distances.iter().enumerate() {
            if d <= last || c == 0 {
                return bad(format!(
                    "distances[{i}]: distances must increase from 1 and counts be positive"
                ));
            }
            last = d;
            reuses = reuses.saturating_add(c);
        }
        if reuses.saturating_add(p.distinct_keys) != p.accesses || last > p.distinct_keys {
            return bad("the counts do not add up".into());
        }
        Ok(p)
    }
}

impl MissRatioCurve {
    /// The LRU curve of a whole trace from the [`CurvePartial`]s of all its
    /// hash partitions (any order): distances scaled by the inverse of each
    /// partition's share of the hash space, histograms added. Exact with one
    /// partition (method `"exact"`); else method `"shards"` with
    /// `sampling_rate` `1/n` (each partition is such a sample) and the
    /// accuracy [`CurvePartial`] states. `accesses` and `distinct_keys`
    /// are exact either way.
    ///
    /// # Examples
    /// See [`CurvePartial`].
    ///
    /// # Errors
    /// `invalid_input` when the partials disagree on the partition count,
    /// or a partition is missing or given twice (naming it), or there are
    /// no accesses at all.
    pub fn merge_partials(parts: &[CurvePartial]) -> Result<MissRatioCurve> {
        let Some(first) = parts.first() else {
            return Err(Error::invalid_input("no partials to merge"));
        };
        let n = first.partitions;
        let mut seen = vec![false; n as usize];
        let mut hist: BTreeMap<u64, u64> = BTreeMap::new();
        let (mut accesses, mut distinct) = (0u64, 0u64);
        for (i, p) in parts.iter().enumerate() {
            if p.partitions != n {
                return Err(Error::invalid_input(format!(
                    "parts[{i}]: {} partitions, but parts[0] has {n}",
                    p.partitions
                )));
            }
            let Some(slot) = seen.get_mut(p.partition as usize) else {
                return Err(Error::invalid_input(format!("parts[{i}]: bad partition")));
            };
            if std::mem::replace(slot, true) {
                return Err(Error::invalid_input(format!(
                    "parts[{i}]: partition {} of {n} is given twice",
                    p.partition
                )));
            }
            let rate = width(p.partition, n) as f64 / P as f64;
            for &(d, c) in &p.distances {
                let size = if n == 1 {
                    d
                } else {
                    (d as f64 / rate).round().max(1.0) as u64
                };
                *hist.entry(size).or_insert(0) += c;
            }
            accesses += p.accesses;
            distinct += p.distinct_keys;
        }
        if let Some(j) = seen.iter().position(|s| !s) {
            return Err(Error::invalid_input(format!(
                "partition {j} of {n} is missing: merge the partials of every partition"
            )));
        }
        if accesses == 0 {
            return Err(Error::invalid_input("the trace is empty"));
        }
        let mut points = Vec::with_capacity(hist.len());
        let mut hits = 0u64;
        for (size, count) in hist {
            hits += count;
            points.push((size, hits as f64 / accesses as f64));
        }
        let exact = n == 1;
        Ok(MissRatioCurve {
            accesses,
            distinct_keys: distinct,
            method: if exact { "exact" } else { "shards" }.to_owned(),
            sampling_rate: if exact { 1.0 } else { 1.0 / f64::from(n) },
            points,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Trace;

    fn skewed(n: usize, universe: u64, seed: u64) -> Vec<u64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let u = (s % 10_000) as f64 / 10_000.0;
                (u * u * universe as f64) as u64
            })
            .collect()
    }

    fn merged(keys: &[u64], n: u32) -> MissRatioCurve {
        let mut parts: Vec<CurvePartial> = (0..n)
            .map(|j| {
                let mine: Vec<u64> = keys
                    .iter()
                    .copied()
                    .filter(|&k| partition_of(k, n) == j)
                    .collect();
                let p = CurvePartial::lru(&mine, j, n).unwrap();
                CurvePartial::from_json(&p.to_json()).unwrap()
            })
            .collect();
        parts.reverse();
        MissRatioCurve::merge_partials(&parts).unwrap()
    }

    #[test]
    fn one_partition_is_exact_and_more_are_close() {
        let keys = skewed(400_000, 50_000, 5);
        let exact = MissRatioCurve::exact_lru(&Trace::new(&keys).unwrap()).unwrap();
        assert_eq!(merged(&keys, 1), exact);
        let sizes: Vec<u64> = (1..=100).map(|i| i * 500).collect();
        for n in [2, 4, 16, 64] {
            let m = merged(&keys, n);
            assert_eq!(
                (m.accesses, m.distinct_keys),
                (exact.accesses, exact.distinct_keys)
            );
            let mae = sizes
                .iter()
                .map(|&c| (m.hit_ratio(c) - exact.hit_ratio(c)).abs())
                .sum::<f64>()
                / sizes.len() as f64;
            eprintln!("partitions {n}: mean absolute error {mae:.5}");
            assert!(mae < 0.01, "{n} partitions: mean absolute error {mae}");
        }
    }

    #[test]
    fn wrong_partitions_are_refused() {
        let keys: Vec<u64> = (0..100).collect();
        let j = partition_of(keys[0], 2);
        let e = CurvePartial::lru(&keys, j, 2).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.message.contains("keys["), "{e}");
        assert!(CurvePartial::lru(&[], 2, 2).is_err());
        assert!(CurvePartial::lru(&[], 0, 0).is_err());
        let p0 = CurvePartial::lru(&[], 0, 2).unwrap();
        let e = MissRatioCurve::merge_partials(std::slice::from_ref(&p0)).unwrap_err();
        assert!(e.message.contains("partition 1 of 2 is missing"), "{e}");
        assert!(MissRatioCurve::merge_partials(&[p0.clone(), p0.clone()]).is_err());
        let q = CurvePartial::lru(&[], 0, 3).unwrap();
        assert!(MissRatioCurve::merge_partials(&[p0, q]).is_err());
        let mut v: serde_json::Value = serde_json::from_str(
            &CurvePartial::lru(&[7, 7, 7], partition_of(7, 2), 2)
                .unwrap()
                .to_json(),
        )
        .unwrap();
        v["distances"] = serde_json::json!([[1, 5]]);
        assert_eq!(
            CurvePartial::from_json(&v.to_string()).unwrap_err().code(),
            "invalid_input"
        );
        v["format_version"] = 9.into();
        assert_eq!(
            CurvePartial::from_json(&v.to_string()).unwrap_err().code(),
            "unsupported_version"
        );
    }

    #[test]
    fn widths_cover_the_hash_space() {
        for n in [1u32, 3, 7, 4096] {
            assert_eq!((0..n).map(|j| width(j, n)).sum::<u64>(), P);
        }
    }
}

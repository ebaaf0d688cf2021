//! The serialised form of a [`QuantileSketch`], checked when read: bucket
//! counts bounded while reading, indices increasing, counts positive,
//! minimum and maximum consistent.

use std::fmt;

use serde::de::{SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{MAX_SKETCH_BUCKETS, QuantileSketch};
use crate::error::{Error, Result};

/// A reading error caused by the bucket bound, as `limit_exceeded`.
pub(crate) fn limit_error(e: Error) -> Error {
    if e.message.contains(LIMIT_MARK) {
        too_many_buckets()
    } else {
        e
    }
}

const LIMIT_MARK: &str = "more than MAX_SKETCH_BUCKETS buckets";

pub(super) fn too_many_buckets() -> Error {
    Error::limit(format!(
        "a quantile sketch holds at most {MAX_SKETCH_BUCKETS} buckets"
    ))
}

/// The serialised form, checked by `TryFrom`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SketchRepr {
    alpha: f64,
    zero_count: u64,
    min: Option<f64>,
    max: Option<f64>,
    #[serde(deserialize_with = "bounded_buckets")]
    buckets: Vec<(i32, u64)>,
}

impl From<SketchRepr> for serde_json::Value {
    fn from(r: SketchRepr) -> Self {
        serde_json::json!({
            "alpha": r.alpha, "zero_count": r.zero_count, "min": r.min, "max": r.max,
            "buckets": r.buckets,
        })
    }
}

impl From<QuantileSketch> for SketchRepr {
    fn from(s: QuantileSketch) -> Self {
        SketchRepr {
            alpha: s.alpha,
            zero_count: s.zero_count,
            min: s.min,
            max: s.max,
            buckets: s.buckets.into_iter().collect(),
        }
    }
}

/// Reads the bucket list, refusing it as soon as it passes the bound.
fn bounded_buckets<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<(i32, u64)>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Vec<(i32, u64)>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of [index, count] pairs")
        }
        fn visit_seq<A: SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(pair) = seq.next_element()? {
                if out.len() >= MAX_SKETCH_BUCKETS {
                    return Err(serde::de::Error::custom(LIMIT_MARK));
                }
                out.push(pair);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded)
}

impl TryFrom<SketchRepr> for QuantileSketch {
    type Error = Error;

    fn try_from(r: SketchRepr) -> Result<Self> {
        let bad = |what: String| Err(Error::invalid_input(format!("corrupt sketch: {what}")));
        let mut s = QuantileSketch::with_alpha(r.alpha).map_err(|e| e.at("corrupt sketch"))?;
        let mut last: Option<i32> = None;
        let mut total = r.zero_count;
        for (k, &(i, c)) in r.buckets.iter().enumerate() {
            if c == 0 || last.is_some_and(|l| i <= l) {
                return bad(format!(
                    "buckets[{k}]: indices must increase and counts be positive"
                ));
            }
            last = Some(i);
            total = match total.checked_add(c) {
                Some(t) => t,
                None => return bad("the total count overflows".into()),
            };
            s.buckets.insert(i, c);
        }
        s.zero_count = r.zero_count;
        match (r.min, r.max) {
            (None, None) if total == 0 => {}
            (Some(lo), Some(hi))
                if total > 0 && lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi =>
            {
                let zero_ok = (r.zero_count > 0) == (lo == 0.0);
                let top_ok = r.buckets.is_empty() || hi > 0.0;
                if !zero_ok || !top_ok {
                    return bad("min and max do not match the counts".into());
                }
                s.min = Some(lo);
                s.max = Some(hi);
            }
            _ => {
                return bad(
                    "min and max must be null when empty, else finite with 0 <= min <= max".into(),
                );
            }
        }
        Ok(s)
    }
}

//! Serde form of [`TimeDelta`] as a whole number of seconds.

use chrono::TimeDelta;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize<S: Serializer>(d: &TimeDelta, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(d.num_seconds())
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<TimeDelta, D::Error> {
    let secs = i64::deserialize(d)?;
    TimeDelta::try_seconds(secs)
        .ok_or_else(|| serde::de::Error::custom(format!("{secs} s is out of range")))
}

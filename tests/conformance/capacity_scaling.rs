//! Fixture ops for `capacity_scaling` (see tests/README.md for the format).

use std::collections::BTreeMap;

use opsbrain::Error;
use opsbrain::capacity::{self, HpaRequest, ReplicaRequest, ResourceThresholds, ThresholdPolicy};
use serde_json::Value;

fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Error> {
    // Shape errors are invalid_input, as in the bindings.
    serde_json::from_value(v.clone())
        .map_err(|e| Error::new(opsbrain::ErrorKind::InvalidInput, e.to_string()))
}

pub fn run(op: &str, input: &Value) -> Result<Value, Error> {
    match op {
        "capacity.scaling.recommend" => {
            let req: ReplicaRequest = de(&input["request"])?;
            let policy = match input.get("policy") {
                Some(p) => {
                    ThresholdPolicy::try_from(de::<BTreeMap<String, ResourceThresholds>>(p)?)?
                }
                None => ThresholdPolicy::builtin(),
            };
            Ok(serde_json::to_value(capacity::replica_recommendation(
                &req, &policy,
            )?)?)
        }
        "capacity.hpa.desired_replicas" => {
            let req: HpaRequest = de(input)?;
            Ok(serde_json::to_value(capacity::hpa_desired_replicas(&req)?)?)
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

//! Fixture ops for `anomaly` (see tests/README.md for the format).

use opsbrain::Error;
use serde_json::Value;

pub fn run(op: &str, _input: &Value) -> Result<Value, Error> {
    panic!("unknown op {op:?}: every op must be mapped in every runner")
}

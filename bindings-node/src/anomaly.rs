//! Node binding of the core's `anomaly` API.

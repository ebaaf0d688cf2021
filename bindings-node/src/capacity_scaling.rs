//! Node binding of the core's `capacity_scaling` API.

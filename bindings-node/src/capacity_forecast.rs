//! Node binding of the core's `capacity_forecast` API.

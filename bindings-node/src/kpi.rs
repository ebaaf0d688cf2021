//! Node binding of the core's `kpi` API.

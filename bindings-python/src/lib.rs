//! Python bindings for opsbrain. This file only registers. The layers, each
//! importing only those above it: `errors` (the one error mapping),
//! `convert` (Python values to serde values and back, numpy columns; knows
//! no family), `compute` (the one helper that releases the GIL and catches
//! panics), `types` (value classes several families take), then one file
//! per core module, named as in the core.

#![allow(
    clippy::too_many_arguments,
    reason = "functions mirror Python keyword signatures, one parameter each"
)]

/// Registers a module's classes and functions:
/// `add!(m, module; ClassA, ClassB; function_a, function_b)`.
macro_rules! add {
    ($m:expr, $module:ident; $($class:ident),*; $($f:ident),*) => {{
        $($m.add_class::<$module::$class>()?;)*
        $($m.add_function(wrap_pyfunction!($module::$f, $m)?)?;)*
    }};
}

mod anomaly;
mod cache;
mod calendar;
mod capacity;
mod classify;
mod compute;
mod convert;
mod errors;
mod escalation;
mod kpi;
mod ops;
mod sla;
mod types;

use pyo3::prelude::*;

/// The native half of the `opsbrain` package; import `opsbrain`, not this.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    add!(m, errors; ; error_kinds);
    add!(m, types; PyRoute, PyClassificationTable, PySlaPolicy; );
    add!(m, classify; PyRouting, PyRuleSet, PyRouter; );
    add!(m, cache; PyMissRatioCurve, PyStrategyTable; lru_mrc, shards_mrc, simulate, size_for_hit_ratio, pattern_stats, warm_candidates, hash_key, hash_keys, adjust, trace_partitions, lru_partial, merge_lru_partials, read_trace);
    add!(m, calendar; PyBusinessCalendar; );
    add!(m, sla; ; sla_status, sla_status_batch);
    add!(m, escalation; PyEscalationPolicy; escalation_timeline, escalation_rate);
    add!(m, anomaly; PyIsolationForestModel, PyProactiveMonitor, PyFittedGroup, PyGroupAnomalies, PyStreamDetector, PyEpisodes; fit_isolation_forest, average_path_length);
    add!(m, capacity; ; replica_recommendation, hpa_desired_replicas, forecast, maintenance_windows);
    add!(m, kpi; ; support_kpis, support_kpis_partial, merge_support_partials, finish_support_partials, volume_trend, error_budget, burn_rate_alerts, workbook_rules, latency_slo, apdex, journey_funnels, framework_journeys, default_targets);
    add!(m, ops; PyKnowledgeBase; optimize_performance, pg_queries, analyze_pg_stats, analyze_explain, evaluate_index, healing_plan, extract_symptoms, diagnose);
    Ok(())
}

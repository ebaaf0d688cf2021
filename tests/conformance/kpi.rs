//! Fixture ops for `kpi` (see tests/README.md for the format).

use opsbrain::kpi::{
    self, BurnRateRule, CountSeries, FunnelOptions, JourneyDef, JourneyEvent, KpiTargets,
    Latencies, SupportKpiOptions, TicketRecord,
};
use opsbrain::sla::SlaPolicy;
use opsbrain::{Error, ErrorKind};
use serde_json::Value;

use super::when;

/// Reads a value as the bindings do: a shape error (unknown field or
/// variant, wrong type) is `invalid_input`, as in Python and Node.
fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, Error> {
    serde_json::from_value(v.clone())
        .map_err(|e| Error::new(ErrorKind::InvalidInput, e.to_string()))
}

fn opt<T: serde::de::DeserializeOwned>(input: &Value, key: &str) -> Result<Option<T>, Error> {
    input.get(key).map(de).transpose()
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, Error> {
    Ok(serde_json::to_value(v)?)
}

fn floats(input: &Value, key: &str) -> Result<Vec<f64>, Error> {
    // `null` stands for an infinite histogram bound (JSON has no Infinity).
    let list: Vec<Option<f64>> = de(&input[key])?;
    Ok(list
        .into_iter()
        .map(|x| x.unwrap_or(f64::INFINITY))
        .collect())
}

fn with_latencies<T>(
    input: &Value,
    f: impl FnOnce(Latencies<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    if input.get("samples").is_some() {
        let samples = floats(input, "samples")?;
        return f(Latencies::Samples(&samples));
    }
    let (bounds, counts) = (floats(input, "upper_bounds")?, floats(input, "counts")?);
    f(Latencies::Histogram {
        upper_bounds: &bounds,
        counts: &counts,
    })
}

fn with_series<T>(
    input: &Value,
    f: impl FnOnce(&CountSeries<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let (good, total) = (floats(input, "good")?, floats(input, "total")?);
    let step: i64 = de(&input["step_secs"])?;
    let series = CountSeries::new(when(input, "start")?, step, &good, &total)?;
    f(&series)
}

fn number(input: &Value, key: &str) -> Result<f64, Error> {
    input[key]
        .as_f64()
        .ok_or_else(|| Error::new(ErrorKind::InvalidInput, key))
}

pub fn run(op: &str, input: &Value) -> Result<Value, Error> {
    match op {
        "kpi.support_kpis" => {
            let policy = match input.get("policy") {
                Some(p) => SlaPolicy::from_json(&p.to_string())?,
                None => SlaPolicy::builtin(),
            };
            let tickets: Vec<TicketRecord> = de(&input["tickets"])?;
            let options: SupportKpiOptions = opt(input, "options")?.unwrap_or_default();
            to_value(kpi::support_kpis(
                &policy,
                &tickets,
                when(input, "now")?,
                &options,
            )?)
        }
        "kpi.volume_trend" => {
            let tickets: Vec<TicketRecord> = de(&input["tickets"])?;
            to_value(kpi::volume_trend(&tickets)?)
        }
        "kpi.error_budget" => with_series(input, |s| {
            let targets: KpiTargets = opt(input, "targets")?.unwrap_or_default();
            let window: i64 = de(&input["window_secs"])?;
            to_value(kpi::error_budget(
                s,
                number(input, "objective")?,
                window,
                &targets,
            )?)
        }),
        "kpi.burn_rate_alerts" => with_series(input, |s| {
            let rules: Vec<BurnRateRule> =
                opt(input, "rules")?.unwrap_or_else(BurnRateRule::workbook);
            to_value(kpi::burn_rate_alerts(
                s,
                number(input, "objective")?,
                &rules,
            )?)
        }),
        "kpi.latency_slo" => with_latencies(input, |l| {
            to_value(kpi::latency_slo(
                l,
                number(input, "threshold_ms")?,
                number(input, "objective")?,
            )?)
        }),
        "kpi.apdex" => with_latencies(input, |l| to_value(kpi::apdex(l, number(input, "t_ms")?)?)),
        "kpi.journey_funnels" => {
            let events: Vec<JourneyEvent> = de(&input["events"])?;
            let journeys: Vec<JourneyDef> =
                opt(input, "journeys")?.unwrap_or_else(JourneyDef::framework);
            let options: FunnelOptions = opt(input, "options")?.unwrap_or_default();
            to_value(kpi::journey_funnels(&events, &journeys, &options)?)
        }
        other => panic!("unknown op {other:?}: every op must be mapped in every runner"),
    }
}

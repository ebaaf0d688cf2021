//! Request bodies read with `input::from_body` and handed to their entry
//! points (SLA status, escalation timeline, routing, the HPA calculator,
//! troubleshooting, support KPIs): a result or a coded error, results
//! within their documented ranges and writable as JSON.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use opsbrain::capacity::{HpaRequest, hpa_desired_replicas};
use opsbrain::classify::{Router, Ticket};
use opsbrain::escalation::{EscalationEvent, EscalationPolicy, escalation_timeline};
use opsbrain::input::from_body;
use opsbrain::kpi::{SupportKpiOptions, TicketRecord, support_kpis};
use opsbrain::ops::{DiagnoseOptions, KnowledgeBase, Report, diagnose};
use opsbrain::sla::{SlaEvent, SlaPolicy, sla_status};

mod common;
use common::{check_error, now};

fn router() -> &'static Router {
    static R: OnceLock<Router> = OnceLock::new();
    R.get_or_init(Router::builtin)
}

fn kb() -> &'static KnowledgeBase {
    static K: OnceLock<KnowledgeBase> = OnceLock::new();
    K.get_or_init(KnowledgeBase::builtin)
}

fn escalation() -> &'static EscalationPolicy {
    static P: OnceLock<EscalationPolicy> = OnceLock::new();
    P.get_or_init(|| {
        EscalationPolicy::from_json(
            r#"{"levels": [{"name": "support", "tier": 1},
                {"name": "technical", "tier": 2, "delay_secs": 1800}], "repeat": 1,
                "repeat_delay_secs": 600}"#,
        )
        .expect("a valid policy")
    })
}

/// The result, written as JSON (which must succeed), or the error checked.
fn settle<T: serde::Serialize>(r: opsbrain::Result<T>) {
    match r {
        Ok(v) => {
            serde_json::to_string(&v).expect("every result writes as JSON");
        }
        Err(e) => check_error(&e),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the reader, so one corpus covers them all.
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    match pick % 6 {
        0 => match from_body::<Vec<SlaEvent>>(body) {
            Ok(events) => settle(sla_status(&SlaPolicy::builtin(), &events, now())),
            Err(e) => check_error(&e),
        },
        1 => match from_body::<Vec<EscalationEvent>>(body) {
            Ok(events) => settle(escalation_timeline(escalation(), &events, now(), None)),
            Err(e) => check_error(&e),
        },
        2 => match from_body::<Ticket>(body) {
            Ok(ticket) => match router().route_ticket(&ticket) {
                Ok(r) => {
                    assert!(
                        (0.0..=1.0).contains(&r.confidence),
                        "confidence {}",
                        r.confidence
                    );
                    // The probabilities come from single-precision
                    // exponentials (the routing hot path): their sum is 1
                    // to f32 precision, not f64's (1.000000073 was seen).
                    let total: f64 = r.candidates.iter().map(|c| c.probability).sum();
                    assert!(
                        total <= 1.0 + 1e-6,
                        "candidate probabilities sum to {total}"
                    );
                }
                Err(e) => check_error(&e),
            },
            Err(e) => check_error(&e),
        },
        3 => match from_body::<HpaRequest>(body) {
            Ok(req) => settle(hpa_desired_replicas(&req)),
            Err(e) => check_error(&e),
        },
        4 => match from_body::<Report>(body) {
            Ok(report) => settle(diagnose(kb(), &report, now(), &DiagnoseOptions::default())),
            Err(e) => check_error(&e),
        },
        _ => match from_body::<Vec<TicketRecord>>(body) {
            Ok(tickets) => settle(support_kpis(
                &SlaPolicy::builtin(),
                &tickets,
                now(),
                &SupportKpiOptions::default(),
            )),
            Err(e) => check_error(&e),
        },
    }
});

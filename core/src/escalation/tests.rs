use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::Priority;
use crate::Tier;
use crate::classify::ClassificationTable;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
}

fn min(n: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(n)
}

fn tier(n: i64) -> Tier {
    Tier::new(n).unwrap()
}

fn policy(json: &str) -> EscalationPolicy {
    EscalationPolicy::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

/// Levels 1 at 0, 2 after 30 min, 3 after 60 min, 4 after 30 min.
const LADDER: &str = r#"{"levels": [
    {"name": "user_support", "tier": 1, "delay_secs": 0},
    {"name": "technical", "tier": 2, "delay_secs": 1800},
    {"name": "sysadmin", "tier": 3, "delay_secs": 3600},
    {"name": "executive", "tier": 4, "delay_secs": 1800}]"#;

fn ladder(extra: &str) -> EscalationPolicy {
    policy(&format!("{LADDER}{extra}}}"))
}

fn created(t: i64, priority: Priority) -> EscalationEvent {
    EscalationEvent::Created {
        at: min(0),
        tier: tier(t),
        priority,
        issue_type: None,
    }
}

fn run(p: &EscalationPolicy, events: &[EscalationEvent], now: i64) -> EscalationTimeline {
    escalation_timeline(p, events, min(now), None).unwrap_or_else(|e| panic!("{e}"))
}

fn fired(tl: &EscalationTimeline) -> Vec<(i64, Option<&str>, u8, EscalationReason)> {
    tl.fired
        .iter()
        .map(|f| {
            (
                (f.at - t0()).num_minutes(),
                f.level.as_deref(),
                f.tier.get(),
                f.reason,
            )
        })
        .collect()
}

use EscalationReason::{CriticalImmediate, Level, Manual, Repeat, SlaWarning};

#[test]
fn level_delays_give_exact_instants() {
    let p = ladder("");
    let tl = run(&p, &[created(1, Priority::High)], 200);
    assert_eq!(
        fired(&tl),
        vec![
            (0, Some("user_support"), 1, Level),
            (30, Some("technical"), 2, Level),
            (90, Some("sysadmin"), 3, Level),
            (120, Some("executive"), 4, Level),
        ]
    );
    assert_eq!(tl.current_tier.get(), 4);
    assert_eq!(tl.initial_tier.get(), 1);
    assert!(tl.next.is_none() && !tl.stopped);

    // Exactly at a due instant it has fired; one second before it has not.
    let tl = run(&p, &[created(1, Priority::High)], 30);
    assert_eq!(tl.current_level.as_deref(), Some("technical"));
    let next = tl.next.clone().unwrap();
    assert_eq!(
        (next.at, next.level.as_str(), next.tier.get()),
        (min(90), "sysadmin", 3)
    );
    let tl = escalation_timeline(
        &p,
        &[created(1, Priority::High)],
        min(30) - TimeDelta::seconds(1),
        None,
    )
    .unwrap();
    assert_eq!(tl.fired.len(), 1);
    assert_eq!(tl.next.unwrap().at, min(30));
}

#[test]
fn first_delay_counts_from_creation() {
    let p = policy(
        r#"{"levels": [{"name": "a", "tier": 1, "delay_secs": 300}, {"name": "b", "tier": 2, "delay_secs": 60}]}"#,
    );
    let tl = run(&p, &[created(1, Priority::Low)], 0);
    assert!(tl.fired.is_empty());
    assert_eq!(tl.current_level, None);
    assert_eq!(tl.next.unwrap().at, min(5));
    let tl = run(&p, &[created(1, Priority::Low)], 6);
    assert_eq!(
        fired(&tl),
        vec![(5, Some("a"), 1, Level), (6, Some("b"), 2, Level)]
    );
}

#[test]
fn repeats_loop_after_repeat_delay() {
    let p = policy(
        r#"{"levels": [{"name": "a", "tier": 1, "delay_secs": 0}, {"name": "b", "tier": 2, "delay_secs": 600}],
            "repeat": 2, "repeat_delay_secs": 300}"#,
    );
    let tl = run(&p, &[created(1, Priority::Medium)], 1000);
    assert_eq!(
        fired(&tl),
        vec![
            (0, Some("a"), 1, Level),
            (10, Some("b"), 2, Level),
            (15, Some("a"), 2, Repeat),
            (25, Some("b"), 2, Repeat),
            (30, Some("a"), 2, Repeat),
            (40, Some("b"), 2, Repeat),
        ]
    );
    assert!(tl.next.is_none());
    let tl = run(&p, &[created(1, Priority::Medium)], 20);
    let next = tl.next.unwrap();
    assert_eq!((next.at, next.level.as_str()), (min(25), "b"));
}

#[test]
fn acknowledgement_stops() {
    let p = ladder("");
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(20),
            by: Some("alice".into()),
        },
    ];
    let tl = run(&p, &events, 500);
    assert_eq!(fired(&tl), vec![(0, Some("user_support"), 1, Level)]);
    assert!(tl.stopped);
    assert_eq!(tl.stop_reason, Some(StopOn::Acknowledged));
    assert!(tl.next.is_none());

    // An acknowledgement at the very instant a level is due prevents it.
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(30),
            by: None,
        },
    ];
    assert_eq!(run(&p, &events, 500).fired.len(), 1);

    // Not in stop_on: acknowledgement changes nothing.
    let p = ladder(r#", "stop_on": ["resolved"]"#);
    let tl = run(&p, &events, 500);
    assert_eq!(tl.fired.len(), 4);
    assert!(!tl.stopped && tl.stop_reason.is_none());
}

#[test]
fn resolution_stops() {
    let p = ladder(r#", "stop_on": ["resolved"]"#);
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(10),
            by: None,
        },
        EscalationEvent::Resolved { at: min(40) },
    ];
    let tl = run(&p, &events, 500);
    assert_eq!(tl.fired.len(), 2);
    assert_eq!(tl.current_tier.get(), 2);
    assert_eq!(tl.stop_reason, Some(StopOn::Resolved));
    // Acknowledged then resolved (both stop): the later reason wins.
    let tl = run(&ladder(""), &events, 500);
    assert_eq!(tl.fired.len(), 1);
    assert_eq!(tl.stop_reason, Some(StopOn::Resolved));
}

#[test]
fn reopen_restarts_after_last_notified_level() {
    let p = ladder("");
    let events = [
        created(1, Priority::High),
        EscalationEvent::Resolved { at: min(40) },
        EscalationEvent::Reopened { at: min(200) },
    ];
    // technical was last notified at 30; sysadmin's 60 min delay counts from 200.
    let tl = run(&p, &events, 250);
    assert!(!tl.stopped && tl.stop_reason.is_none());
    assert_eq!(tl.fired.len(), 2);
    assert_eq!(tl.next.clone().unwrap().at, min(260));
    let tl = run(&p, &events, 300);
    assert_eq!(
        fired(&tl)[2..],
        [
            (260, Some("sysadmin"), 3, Level),
            (290, Some("executive"), 4, Level)
        ]
    );
    // Reopening a ticket that is not stopped changes nothing.
    let events = [
        created(1, Priority::High),
        EscalationEvent::Reopened { at: min(10) },
    ];
    assert_eq!(run(&p, &events, 300), run(&p, &events[..1], 300));
    // Stopped before any level fired: the first level's delay counts from the reopening.
    let p = policy(r#"{"levels": [{"name": "a", "tier": 1, "delay_secs": 600}]}"#);
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(1),
            by: None,
        },
        EscalationEvent::Reopened { at: min(100) },
    ];
    assert_eq!(run(&p, &events, 100).next.unwrap().at, min(110));
}

#[test]
fn reopen_after_last_level_uses_repeat_delay_or_ends() {
    let p =
        policy(r#"{"levels": [{"name": "a", "tier": 1}], "repeat": 1, "repeat_delay_secs": 120}"#);
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(1),
            by: None,
        },
        EscalationEvent::Reopened { at: min(50) },
    ];
    let tl = run(&p, &events, 60);
    assert_eq!(
        fired(&tl),
        vec![(0, Some("a"), 1, Level), (52, Some("a"), 1, Repeat)]
    );
    assert!(tl.next.is_none());
}

#[test]
fn critical_jumps_to_its_tier_at_creation() {
    let p = ladder("");
    let table = ClassificationTable::builtin();
    let events = [EscalationEvent::Created {
        at: min(0),
        tier: tier(1),
        priority: Priority::Critical,
        issue_type: Some("system_unavailable".into()),
    }];
    let tl = escalation_timeline(&p, &events, min(0), Some(&table)).unwrap();
    assert_eq!(
        fired(&tl),
        vec![(0, Some("sysadmin"), 3, CriticalImmediate)]
    );
    assert_eq!(tl.next.clone().unwrap().at, min(30));
    assert_eq!(tl.next.clone().unwrap().level, "executive");
    assert!(tl.escalated());

    // Without a table (or for an unlisted type), the ticket's own tier.
    let tl = run(&p, &[created(2, Priority::Critical)], 0);
    assert_eq!(
        fired(&tl),
        vec![(0, Some("technical"), 2, CriticalImmediate)]
    );
    assert!(!tl.escalated());
    let unlisted = [EscalationEvent::Created {
        at: min(0),
        tier: tier(2),
        priority: Priority::Critical,
        issue_type: Some("printer_on_fire".into()),
    }];
    let tl = escalation_timeline(&p, &unlisted, min(0), Some(&table)).unwrap();
    assert_eq!(tl.current_level.as_deref(), Some("technical"));

    // Turned off: the normal ladder.
    let off = ladder(r#", "critical_immediate": false"#);
    let tl = escalation_timeline(&off, &events, min(0), Some(&table)).unwrap();
    assert_eq!(fired(&tl), vec![(0, Some("user_support"), 1, Level)]);

    // Above every level: the last level, at the classification's tier.
    let low = policy(
        r#"{"levels": [{"name": "a", "tier": 1}, {"name": "b", "tier": 2, "delay_secs": 60}]}"#,
    );
    let leak = [EscalationEvent::Created {
        at: min(0),
        tier: tier(1),
        priority: Priority::Critical,
        issue_type: Some("data_leak".into()),
    }];
    let tl = escalation_timeline(&low, &leak, min(10), Some(&table)).unwrap();
    assert_eq!(fired(&tl), vec![(0, Some("b"), 4, CriticalImmediate)]);
}

#[test]
fn sla_warning_escalates() {
    let p = ladder(
        r#", "sla_rules": [
            {"metric": "first_response", "at_percent": 75, "escalate_to_tier": 2},
            {"metric": "first_response", "at_percent": 100, "escalate_to_tier": 3},
            {"metric": "resolution", "at_percent": 90, "escalate_to_tier": 4}]"#,
    );
    let warn = |m: i64, metric: SlaMetric, percent: f64| EscalationEvent::SlaWarning {
        at: min(m),
        metric,
        percent,
    };
    let events = [
        created(1, Priority::High),
        warn(5, SlaMetric::FirstResponse, 50.0),
        warn(10, SlaMetric::FirstResponse, 75.0),
        warn(12, SlaMetric::FirstResponse, 80.0),
        warn(20, SlaMetric::FirstResponse, 100.0),
    ];
    let tl = run(&p, &events, 25);
    assert_eq!(
        fired(&tl),
        vec![
            (0, Some("user_support"), 1, Level),
            (10, Some("technical"), 2, SlaWarning),
            (20, Some("sysadmin"), 3, SlaWarning),
        ]
    );
    // The ladder continues from the level reached: executive 30 min after 20.
    assert_eq!(tl.next.unwrap().at, min(50));

    // Metrics are matched; a stopped ticket does not escalate on warnings.
    let events = [
        created(1, Priority::High),
        EscalationEvent::Acknowledged {
            at: min(1),
            by: None,
        },
        warn(5, SlaMetric::Resolution, 95.0),
    ];
    let tl = run(&p, &events, 25);
    assert_eq!(tl.current_tier.get(), 1);
    let events = [
        created(1, Priority::High),
        warn(5, SlaMetric::Resolution, 95.0),
    ];
    let tl = run(&p, &events, 5);
    assert_eq!(fired(&tl)[1], (5, Some("executive"), 4, SlaWarning));
}

#[test]
fn manual_escalation_counts_and_jumps() {
    let p = ladder("");
    let events = [
        created(1, Priority::Medium),
        EscalationEvent::Escalated {
            at: min(5),
            tier: tier(3),
        },
        EscalationEvent::Escalated {
            at: min(6),
            tier: tier(2),
        },
    ];
    let tl = run(&p, &events, 10);
    assert_eq!(
        fired(&tl),
        vec![
            (0, Some("user_support"), 1, Level),
            (5, Some("sysadmin"), 3, Manual),
            (6, None, 3, Manual),
        ]
    );
    assert_eq!(tl.current_level.as_deref(), Some("sysadmin"));
    assert_eq!(tl.next.unwrap().at, min(35));

    // After the ladder ran out a manual escalation still raises the tier.
    let p = policy(r#"{"levels": [{"name": "a", "tier": 1}]}"#);
    let events = [
        created(1, Priority::Medium),
        EscalationEvent::Escalated {
            at: min(5),
            tier: tier(4),
        },
    ];
    let tl = run(&p, &events, 10);
    assert_eq!(fired(&tl)[1], (5, None, 4, Manual));
    assert_eq!(tl.current_tier.get(), 4);
}

#[test]
fn manual_escalation_while_stopped_moves_the_restart_point() {
    let p = ladder("");
    let events = [
        created(1, Priority::Medium),
        EscalationEvent::Acknowledged {
            at: min(1),
            by: None,
        },
        EscalationEvent::Escalated {
            at: min(5),
            tier: tier(3),
        },
        EscalationEvent::Reopened { at: min(100) },
    ];
    let tl = run(&p, &events, 100);
    assert_eq!(fired(&tl)[1], (5, Some("sysadmin"), 3, Manual));
    let next = tl.next.unwrap();
    assert_eq!((next.at, next.level.as_str()), (min(130), "executive"));
}

#[test]
fn tier_never_decreases() {
    // A tier-3 ticket passes levels of tiers 1 and 2 without going down.
    let p = ladder("");
    let tl = run(&p, &[created(3, Priority::High)], 200);
    let tiers: Vec<u8> = tl.fired.iter().map(|f| f.tier.get()).collect();
    assert_eq!(tiers, vec![3, 3, 3, 4]);
    let pending = run(&p, &[created(3, Priority::High)], 1).next.unwrap();
    assert_eq!(pending.tier.get(), 3);
}

#[test]
fn events_are_checked() {
    let p = ladder("");
    let err = |events: &[EscalationEvent], now: i64| {
        escalation_timeline(&p, events, min(now), None).unwrap_err()
    };
    let e = err(&[], 0);
    assert_eq!(e.code(), "invalid_input");
    let e = err(&[EscalationEvent::Resolved { at: min(0) }], 0);
    assert!(e.message.starts_with("events[0]"), "{}", e.message);
    let e = err(
        &[
            created(1, Priority::Low),
            EscalationEvent::Resolved { at: min(10) },
            EscalationEvent::Reopened { at: min(5) },
        ],
        20,
    );
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message.starts_with("events[2]:"), "{}", e.message);
    assert!(e.message.contains("time order"), "{}", e.message);
    let e = err(&[created(1, Priority::Low), created(1, Priority::Low)], 0);
    assert!(e.message.starts_with("events[1]:"), "{}", e.message);
    let e = err(
        &[
            created(1, Priority::Low),
            EscalationEvent::Resolved { at: min(10) },
        ],
        5,
    );
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message.contains("after now"), "{}", e.message);
    let e = err(
        &[
            created(1, Priority::Low),
            EscalationEvent::SlaWarning {
                at: min(1),
                metric: SlaMetric::Resolution,
                percent: f64::NAN,
            },
        ],
        5,
    );
    assert!(e.message.starts_with("events[1].percent"), "{}", e.message);
    // Equal instants are in order.
    let ok = [
        created(1, Priority::Low),
        EscalationEvent::Acknowledged {
            at: min(0),
            by: None,
        },
        EscalationEvent::Resolved { at: min(0) },
    ];
    assert!(escalation_timeline(&p, &ok, min(0), None).is_ok());
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (
            r#"{"levels": [{"name": "a", "tier": 1}, {"name": "b", "tier": 2}, {"name": "c", "tier": 7}]}"#,
            "invalid_config",
            "levels[2].tier: 7 is outside 1..=4",
        ),
        (r#"{"levels": []}"#, "invalid_config", "levels: "),
        (
            r#"{"repeat": 1}"#,
            "invalid_config",
            "levels: missing field",
        ),
        (
            r#"{"levels": [{"name": " ", "tier": 1}]}"#,
            "invalid_config",
            "levels[0]: name must not be empty",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}, {"name": "a", "tier": 1}]}"#,
            "invalid_config",
            "levels[1].name: duplicate",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 2}, {"name": "b", "tier": 1}]}"#,
            "invalid_config",
            "levels[1].tier: 1 is below levels[0].tier 2",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1, "delay_secs": -1}]}"#,
            "invalid_config",
            "levels[0].delay_secs",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1, "delay_secs": 2592001}]}"#,
            "limit_exceeded",
            "levels[0].delay_secs",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "repeat": 11}"#,
            "limit_exceeded",
            "repeat: 11",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "repeat": -1}"#,
            "invalid_config",
            "repeat: -1",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "repeat_delay_secs": 9999999}"#,
            "limit_exceeded",
            "repeat_delay_secs",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "stop_on": ["resolved", "closed"]}"#,
            "invalid_config",
            "stop_on[1]: unknown event \"closed\"",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "sla_rules": [{"metric": "uptime", "at_percent": 50, "escalate_to_tier": 2}]}"#,
            "invalid_config",
            "sla_rules[0].metric",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "sla_rules": [{"metric": "resolution", "at_percent": -5, "escalate_to_tier": 2}]}"#,
            "invalid_config",
            "sla_rules[0].at_percent",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "sla_rules": [{"metric": "resolution", "at_percent": 50, "escalate_to_tier": 0}]}"#,
            "invalid_config",
            "sla_rules[0].escalate_to_tier: 0 is outside 1..=4",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "sla_rules": [{"metric": "resolution", "at_percent": 50}]}"#,
            "invalid_config",
            "sla_rules[0].escalate_to_tier: missing field",
        ),
        (
            r#"{"levels": [{"name": "a", "tier": 1}], "colour": "red"}"#,
            "parse_error",
            "colour: invalid JSON: unknown field `colour`",
        ),
        (r#"{"levels": "#, "parse_error", "invalid JSON"),
    ];
    for (json, code, msg) in cases {
        let e = EscalationPolicy::from_json(json).unwrap_err();
        assert_eq!(e.code(), code, "{json}: {}", e.message);
        assert!(e.message.starts_with(msg), "{json}: {}", e.message);
    }
}

#[test]
fn level_count_limit() {
    let levels: Vec<String> = (0..=MAX_LEVELS)
        .map(|i| format!(r#"{{"name": "l{i}", "tier": 1}}"#))
        .collect();
    let json = format!(r#"{{"levels": [{}]}}"#, levels.join(","));
    assert_eq!(
        EscalationPolicy::from_json(&json).unwrap_err().code(),
        "limit_exceeded"
    );
    let json = format!(r#"{{"levels": [{}]}}"#, levels[..MAX_LEVELS].join(","));
    assert!(EscalationPolicy::from_json(&json).is_ok());
    let many: Vec<EscalationLevel> = (0..=MAX_LEVELS)
        .map(|i| EscalationLevel::new(format!("l{i}"), tier(1), TimeDelta::zero()))
        .collect();
    assert_eq!(
        EscalationPolicy::new(many).unwrap_err().code(),
        "limit_exceeded"
    );
}

#[test]
fn timeline_entry_limit() {
    // Levels fire at most 100 x 11 times (reopening does not give back used
    // passes), so the bound is reached only through many manual events.
    let p = policy(r#"{"levels": [{"name": "a", "tier": 1}]}"#);
    let mut events = vec![created(1, Priority::Low)];
    for _ in 0..MAX_TIMELINE_ENTRIES {
        events.push(EscalationEvent::Escalated {
            at: min(1),
            tier: tier(1),
        });
    }
    let e = escalation_timeline(&p, &events, min(1), None).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
    events.pop();
    let tl = escalation_timeline(&p, &events, min(1), None).unwrap();
    assert_eq!(tl.fired.len(), MAX_TIMELINE_ENTRIES);

    let big = vec![created(1, Priority::Low); MAX_EVENTS + 1];
    let e = escalation_timeline(&p, &big, min(1), None).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
}

#[test]
fn builders_validate() {
    let levels = vec![
        EscalationLevel::new("a", tier(1), TimeDelta::zero()),
        EscalationLevel::new("b", tier(2), TimeDelta::minutes(5)),
    ];
    let p = EscalationPolicy::new(levels.clone())
        .unwrap()
        .with_stop_on(&[StopOn::Resolved, StopOn::Resolved])
        .with_critical_immediate(false);
    assert_eq!(p.stop_on(), &[StopOn::Resolved]);
    assert!(!p.critical_immediate());
    assert_eq!(
        p.clone()
            .with_repeat(11, TimeDelta::zero())
            .unwrap_err()
            .code(),
        "limit_exceeded"
    );
    assert_eq!(
        p.clone()
            .with_repeat(1, TimeDelta::seconds(-1))
            .unwrap_err()
            .code(),
        "invalid_config"
    );
    let bad_rule = SlaRule {
        metric: SlaMetric::Resolution,
        at_percent: f64::INFINITY,
        escalate_to_tier: tier(2),
    };
    assert_eq!(
        p.with_sla_rules(vec![bad_rule]).unwrap_err().code(),
        "invalid_config"
    );
    assert_eq!(
        EscalationPolicy::new(Vec::new()).unwrap_err().code(),
        "invalid_config"
    );
}

#[test]
fn policy_serde_round_trips() {
    let p = ladder(
        r#", "repeat": 2, "repeat_delay_secs": 600, "stop_on": ["resolved", "acknowledged"],
            "critical_immediate": false,
            "sla_rules": [{"metric": "first_response", "at_percent": 75.5, "escalate_to_tier": 2}]"#,
    );
    let json = p.to_json();
    assert_eq!(EscalationPolicy::from_json(&json).unwrap(), p);
    assert!(json.contains(r#""delay_secs":1800"#), "{json}");
    assert!(
        json.contains(r#""stop_on":["acknowledged","resolved"]"#),
        "{json}"
    );
    let via_serde: EscalationPolicy = serde_json::from_str(&json).unwrap();
    assert_eq!(via_serde, p);
    assert!(serde_json::from_str::<EscalationPolicy>(r#"{"levels": []}"#).is_err());

    #[cfg(feature = "toml")]
    {
        let toml = r#"
repeat = 2
repeat_delay_secs = 600
critical_immediate = false
[[levels]]
name = "user_support"
tier = 1
[[levels]]
name = "technical"
tier = 2
delay_secs = 1800
[[levels]]
name = "sysadmin"
tier = 3
delay_secs = 3600
[[levels]]
name = "executive"
tier = 4
delay_secs = 1800
[[sla_rules]]
metric = "first_response"
at_percent = 75.5
escalate_to_tier = 2
"#;
        assert_eq!(EscalationPolicy::from_toml(toml).unwrap(), p);
        let e = EscalationPolicy::from_toml("[[levels]]\nname = \"a\"\ntier = 9\n").unwrap_err();
        assert_eq!(e.message, "levels[0].tier: 9 is outside 1..=4");
    }
}

#[test]
fn event_and_timeline_serde_round_trips() {
    let json = r#"[
        {"type": "created", "at": "2026-03-02T09:00:00Z", "tier": 1, "priority": "critical", "issue_type": "data_loss"},
        {"type": "acknowledged", "at": "2026-03-02T09:01:00Z", "by": "alice"},
        {"type": "sla_warning", "at": "2026-03-02T09:02:00Z", "metric": "first_response", "percent": 75},
        {"type": "escalated", "at": "2026-03-02T09:03:00Z", "tier": 3},
        {"type": "resolved", "at": "2026-03-02T09:04:00Z"},
        {"type": "reopened", "at": "2026-03-02T09:05:00Z"}
    ]"#;
    let events: Vec<EscalationEvent> = serde_json::from_str(json).unwrap();
    assert_eq!(events.len(), 6);
    assert_eq!(
        events[2],
        EscalationEvent::SlaWarning {
            at: min(2),
            metric: SlaMetric::FirstResponse,
            percent: 75.0
        }
    );
    let back: Vec<EscalationEvent> =
        serde_json::from_str(&serde_json::to_string(&events).unwrap()).unwrap();
    assert_eq!(back, events);
    assert!(
        serde_json::from_str::<EscalationEvent>(
            r#"{"type": "resolved", "at": "2026-03-02T09:04:00Z", "extra": 1}"#
        )
        .is_err()
    );
    assert!(
        serde_json::from_str::<EscalationEvent>(
            r#"{"type": "escalated", "at": "2026-03-02T09:04:00Z", "tier": 5}"#
        )
        .is_err()
    );

    let table = ClassificationTable::builtin();
    let tl = escalation_timeline(&ladder(""), &events, min(10), Some(&table)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&tl.to_json()).unwrap();
    assert_eq!(v["fired"][0]["reason"], "critical_immediate");
    assert_eq!(v["fired"][0]["level"], "executive");
    assert_eq!(v["fired"][0]["at"], "2026-03-02T09:00:00Z");
    assert_eq!(v["current_tier"], 4);
    assert_eq!(v["stop_reason"], serde_json::Value::Null);
    let back: EscalationTimeline = serde_json::from_str(&tl.to_json()).unwrap();
    assert_eq!(back, tl);
}

#[test]
fn rate_counts_tickets_above_their_initial_tier() {
    let p = ladder(r#", "critical_immediate": false"#);
    let calm = run(
        &p,
        &[
            created(1, Priority::Low),
            EscalationEvent::Resolved { at: min(10) },
        ],
        100,
    );
    let escalated = run(&p, &[created(1, Priority::Low)], 100);
    assert!(!calm.escalated() && escalated.escalated());

    let mut tls = vec![calm.clone(); 9];
    tls.push(escalated.clone());
    let r = escalation_rate(&tls);
    assert_eq!((r.tickets, r.escalated), (10, 1));
    assert!((r.rate - 0.1).abs() < 1e-12);
    assert!(r.meets_threshold && !r.meets_target);

    let mut tls = vec![calm.clone(); 19];
    tls.push(escalated.clone());
    let r = escalation_rate(&tls);
    assert!(r.meets_threshold && r.meets_target);

    let r = escalation_rate(&[calm, escalated]);
    assert_eq!(r.rate, 0.5);
    assert!(!r.meets_threshold && !r.meets_target);

    let r = escalation_rate(&[]);
    assert_eq!((r.tickets, r.rate, r.meets_target), (0, 0.0, true));
}

fn arb_event() -> impl Strategy<Value = (i64, u8, u8, f64)> {
    (0i64..600, 0u8..6, 1u8..=4, 0.0f64..150.0)
}

proptest! {
    #[test]
    fn timeline_invariants(
        delays in proptest::collection::vec(0i64..3600, 1..6),
        tiers in proptest::collection::vec(1u8..=4, 1..6),
        repeat in 0u32..3,
        repeat_delay in 0i64..1200,
        start_tier in 1u8..=4,
        critical in any::<bool>(),
        mut raw in proptest::collection::vec(arb_event(), 0..12),
        now_extra in 0i64..20_000,
    ) {
        let n = delays.len().min(tiers.len());
        let mut ts: Vec<u8> = tiers[..n].to_vec();
        ts.sort_unstable();
        let levels = (0..n)
            .map(|i| EscalationLevel::new(format!("l{i}"), tier(i64::from(ts[i])), TimeDelta::seconds(delays[i])))
            .collect();
        let p = EscalationPolicy::new(levels)
            .unwrap()
            .with_repeat(repeat, TimeDelta::seconds(repeat_delay))
            .unwrap()
            .with_sla_rules(vec![SlaRule {
                metric: SlaMetric::FirstResponse,
                at_percent: 75.0,
                escalate_to_tier: tier(3),
            }])
            .unwrap();
        raw.sort_by_key(|e| e.0);
        let mut events = vec![EscalationEvent::Created {
            at: t0(),
            tier: tier(i64::from(start_tier)),
            priority: if critical { Priority::Critical } else { Priority::Medium },
            issue_type: None,
        }];
        for (m, kind, t, pct) in raw {
            let at = min(m);
            events.push(match kind {
                0 => EscalationEvent::Acknowledged { at, by: None },
                1 => EscalationEvent::Resolved { at },
                2 => EscalationEvent::Reopened { at },
                3 => EscalationEvent::Escalated { at, tier: tier(i64::from(t)) },
                _ => EscalationEvent::SlaWarning { at, metric: SlaMetric::FirstResponse, percent: pct },
            });
        }
        let now = min(600) + TimeDelta::seconds(now_extra);
        let tl = escalation_timeline(&p, &events, now, None).unwrap();
        for w in tl.fired.windows(2) {
            prop_assert!(w[0].at <= w[1].at);
            prop_assert!(w[0].tier <= w[1].tier);
        }
        for f in &tl.fired {
            prop_assert!(f.at <= now && f.at >= t0());
            prop_assert!(f.tier >= tl.initial_tier);
        }
        prop_assert!(tl.current_tier >= tl.initial_tier);
        if let Some(last) = tl.fired.last() {
            prop_assert_eq!(last.tier, tl.current_tier);
        }
        if let Some(next) = &tl.next {
            prop_assert!(next.at > now);
            prop_assert!(next.tier >= tl.current_tier);
            prop_assert!(!tl.stopped);
        }
        prop_assert_eq!(tl.stopped, tl.stop_reason.is_some());
        // Later `now` never removes fired escalations.
        let later = escalation_timeline(&p, &events, now + TimeDelta::hours(5), None).unwrap();
        prop_assert!(later.fired.len() >= tl.fired.len());
        prop_assert_eq!(&later.fired[..tl.fired.len()], &tl.fired[..]);
    }
}

#[test]
fn extreme_instants_are_refused_not_overflowed() {
    let policy = EscalationPolicy::from_json(
        r#"{"levels": [{"name": "a", "tier": 1}, {"name": "b", "tier": 2, "delay_secs": 60}]}"#,
    )
    .unwrap();
    let far = DateTime::<Utc>::MAX_UTC;
    let events = [EscalationEvent::Created {
        at: far,
        tier: Tier::new(1).unwrap(),
        priority: Priority::Low,
        issue_type: None,
    }];
    let e = escalation_timeline(&policy, &events, far, None).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
}

#[test]
fn timelines_read_back_refuse_unknown_keys() {
    let ok = r#"{"initial_tier": 1, "fired": [], "current_tier": 1, "current_level": null,
        "next": null, "stopped": false, "stop_reason": null}"#;
    assert!(serde_json::from_str::<EscalationTimeline>(ok).is_ok());
    let typo = ok.replace("\"stopped\"", "\"stoped\": false, \"stopped\"");
    assert!(serde_json::from_str::<EscalationTimeline>(&typo).is_err());
}

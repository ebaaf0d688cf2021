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

// ---- Calendars and pauses (issue 16) ----

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn ev_created(at: DateTime<Utc>) -> EscalationEvent {
    EscalationEvent::Created {
        at,
        tier: tier(1),
        priority: Priority::High,
        issue_type: None,
    }
}

fn fired_at(tl: &EscalationTimeline) -> Vec<(DateTime<Utc>, &str)> {
    tl.fired
        .iter()
        .map(|f| (f.at, f.level.as_deref().unwrap_or("-")))
        .collect()
}

const NY_9_5: &str = r#"{"time_zone": "America/New_York", "weekly": {
    "mon": [["09:00", "17:00"]], "tue": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]],
    "thu": [["09:00", "17:00"]], "fri": [["09:00", "17:00"]]}}"#;

fn ny_policy(levels: &str) -> EscalationPolicy {
    policy(&format!(
        r#"{{"levels": {levels}, "calendars": {{"new_york": {NY_9_5}}}}}"#
    ))
}

#[test]
fn business_hours_level_waits_for_monday() {
    // The issue: a New York 9-to-5 team, ticket filed Friday 16:50 EST (21:50 UTC).
    let p = ny_policy(
        r#"[{"name": "desk", "tier": 1},
            {"name": "technical", "tier": 2, "delay_secs": 1800, "calendar": "new_york"},
            {"name": "sysadmin", "tier": 3, "delay_secs": 3600, "calendar": "new_york"}]"#,
    );
    let created = utc(2026, 12, 4, 21, 50);
    let tl =
        escalation_timeline(&p, &[ev_created(created)], utc(2026, 12, 5, 17, 0), None).unwrap();
    assert_eq!(fired_at(&tl), vec![(created, "desk")]);
    let next = tl.next.unwrap();
    // Monday 09:20 EST, not Friday 17:20.
    assert_eq!(
        (next.at, next.level.as_str()),
        (utc(2026, 12, 7, 14, 20), "technical")
    );
    let tl =
        escalation_timeline(&p, &[ev_created(created)], utc(2026, 12, 7, 16, 0), None).unwrap();
    assert_eq!(
        fired_at(&tl),
        vec![
            (created, "desk"),
            (utc(2026, 12, 7, 14, 20), "technical"),
            (utc(2026, 12, 7, 15, 20), "sysadmin"),
        ]
    );
    // The same policy on the wall clock pages Friday 17:20 and 18:20.
    let wall = policy(
        r#"{"levels": [{"name": "desk", "tier": 1},
            {"name": "technical", "tier": 2, "delay_secs": 1800},
            {"name": "sysadmin", "tier": 3, "delay_secs": 3600}]}"#,
    );
    let tl =
        escalation_timeline(&wall, &[ev_created(created)], utc(2026, 12, 5, 17, 0), None).unwrap();
    assert_eq!(tl.fired[1].at, utc(2026, 12, 4, 22, 20));
    assert_eq!(tl.fired[2].at, utc(2026, 12, 4, 23, 20));
}

#[test]
fn on_call_level_stays_on_the_wall_clock() {
    let p = ny_policy(
        r#"[{"name": "on_call", "tier": 1, "delay_secs": 900},
            {"name": "technical", "tier": 2, "delay_secs": 1800, "calendar": "new_york"}]"#,
    );
    // Friday 16:50 EST: on-call at 17:05 (closed hours), technical 30 open
    // minutes later: Monday 09:30 EST.
    let created = utc(2026, 12, 4, 21, 50);
    let tl = escalation_timeline(&p, &[ev_created(created)], utc(2026, 12, 8, 0, 0), None).unwrap();
    assert_eq!(
        fired_at(&tl),
        vec![
            (utc(2026, 12, 4, 22, 5), "on_call"),
            (utc(2026, 12, 7, 14, 30), "technical"),
        ]
    );
    // Saturday 03:00 EST: on-call pages at 03:15 all the same.
    let created = utc(2026, 12, 5, 8, 0);
    let tl = escalation_timeline(&p, &[ev_created(created)], utc(2026, 12, 5, 9, 0), None).unwrap();
    assert_eq!(fired_at(&tl), vec![(utc(2026, 12, 5, 8, 15), "on_call")]);
    assert_eq!(tl.next.unwrap().at, utc(2026, 12, 7, 14, 30));
}

#[test]
fn follow_pauses_holds_only_its_own_level() {
    let p = policy(
        r#"{"levels": [{"name": "a", "tier": 1},
            {"name": "b", "tier": 2, "delay_secs": 1800, "follow_pauses": true},
            {"name": "c", "tier": 3, "delay_secs": 1800}]}"#,
    );
    let pause = |m| EscalationEvent::Paused { at: min(m) };
    let resume = |m| EscalationEvent::Resumed { at: min(m) };
    let c = created(1, Priority::High);
    // b: 10 min before the pause, 20 after 09:40 -> 10:00; c ignores the
    // second pause and fires 30 min after b.
    let ev = [c.clone(), pause(10), resume(40), pause(65), resume(80)];
    let tl = run(&p, &ev, 200);
    assert_eq!(
        fired(&tl)
            .iter()
            .map(|f| (f.0, f.1.unwrap()))
            .collect::<Vec<_>>(),
        vec![(0, "a"), (60, "b"), (90, "c")]
    );
    // Paused now: b has no due instant until the ticket resumes.
    let tl = run(&p, &ev[..2], 100);
    assert_eq!(tl.fired.len(), 1);
    assert!(tl.next.is_none() && !tl.stopped);
    // A delay used up exactly as the pause starts fires at the resumption.
    let tl = run(&p, &[c.clone(), pause(30), resume(45)], 50);
    assert_eq!(tl.fired[1].at, min(45));
    // A level that ignores pauses fires during one.
    let tl = run(&p, &[c.clone(), pause(5), resume(20), pause(50)], 100);
    assert_eq!((tl.fired[2].at, tl.fired.len()), (min(75), 3));
    // Pauses and a business calendar together: Monday 2026-12-07 09:00 EST,
    // paused 09:10-16:50, the rest (20 min) runs 16:50-17:00 and 09:00-09:10.
    let p = ny_policy(
        r#"[{"name": "desk", "tier": 1},
            {"name": "technical", "tier": 2, "delay_secs": 1800, "calendar": "new_york", "follow_pauses": true}]"#,
    );
    let ev = [
        ev_created(utc(2026, 12, 7, 14, 0)),
        EscalationEvent::Paused {
            at: utc(2026, 12, 7, 14, 10),
        },
        EscalationEvent::Resumed {
            at: utc(2026, 12, 7, 21, 50),
        },
    ];
    let tl = escalation_timeline(&p, &ev, utc(2026, 12, 8, 0, 0), None).unwrap();
    assert_eq!(tl.next.unwrap().at, utc(2026, 12, 8, 14, 10));
}

#[test]
fn pause_events_are_checked() {
    let p = ladder("");
    let c = created(1, Priority::High);
    let cases: [(Vec<EscalationEvent>, &str); 3] = [
        (
            vec![c.clone(), EscalationEvent::Resumed { at: min(1) }],
            "events[1]: \"resumed\" while not paused",
        ),
        (
            vec![
                c.clone(),
                EscalationEvent::Paused { at: min(1) },
                EscalationEvent::Paused { at: min(2) },
            ],
            "events[2]: \"paused\" while already paused (since events[1])",
        ),
        (
            vec![
                c.clone(),
                EscalationEvent::Paused { at: min(5) },
                EscalationEvent::Resumed { at: min(2) },
            ],
            "events[2]: at",
        ),
    ];
    for (ev, msg) in cases {
        let e = escalation_timeline(&p, &ev, min(10), None).unwrap_err();
        assert_eq!(e.code(), "invalid_input");
        assert!(e.message.starts_with(msg), "{}", e.message);
    }
}

#[test]
fn calendar_names_are_checked() {
    let e = EscalationPolicy::from_json(
        r#"{"levels": [{"name": "a", "tier": 1, "calendar": "nope"}], "calendars": {}}"#,
    )
    .unwrap_err();
    assert_eq!(
        (e.code(), e.message.as_str()),
        (
            "invalid_config",
            "levels[0].calendar: unknown calendar \"nope\""
        )
    );
    let e = EscalationPolicy::from_json(&format!(
        r#"{{"levels": [{{"name": "a", "tier": 1}}], "calendars": {{" ": {NY_9_5}}}}}"#
    ))
    .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
    let e = EscalationPolicy::from_json(
        r#"{"levels": [{"name": "a", "tier": 1}], "calendars": {"x": {"time_zone": "UTC", "weekly": {}}}}"#,
    )
    .unwrap_err();
    assert_eq!(e.message, "calendars.x: the calendar has no opening hours");
    // Round trip keeps calendars and level options; policies without them
    // serialise as before.
    let p =
        ny_policy(r#"[{"name": "a", "tier": 1, "calendar": "new_york", "follow_pauses": true}]"#);
    assert_eq!(EscalationPolicy::from_json(&p.to_json()).unwrap(), p);
    assert!(!ladder("").to_json().contains("calendar"));
}

#[test]
fn repeat_delay_counts_on_the_first_levels_calendar() {
    let p = policy(&format!(
        r#"{{"levels": [{{"name": "a", "tier": 1, "calendar": "ny"}},
            {{"name": "b", "tier": 2, "delay_secs": 600}}],
          "repeat": 1, "repeat_delay_secs": 1800, "calendars": {{"ny": {NY_9_5}}}}}"#
    ));
    // Friday 16:40 EST: a at once (zero wait even if closed later), b at
    // 16:50 wall clock, the repeat of a 30 open minutes later: Monday 09:20.
    let created = utc(2026, 12, 4, 21, 40);
    let tl = escalation_timeline(&p, &[ev_created(created)], utc(2026, 12, 8, 0, 0), None).unwrap();
    assert_eq!(
        fired_at(&tl),
        vec![
            (created, "a"),
            (utc(2026, 12, 4, 21, 50), "b"),
            (utc(2026, 12, 7, 14, 20), "a"),
            (utc(2026, 12, 7, 14, 30), "b"),
        ]
    );
}

#[test]
fn business_delays_across_dst_changes() {
    let p = ny_policy(
        r#"[{"name": "desk", "tier": 1},
            {"name": "technical", "tier": 2, "delay_secs": 3600, "calendar": "new_york"}]"#,
    );
    let due = |created: DateTime<Utc>| {
        escalation_timeline(&p, &[ev_created(created)], created, None)
            .unwrap()
            .next
            .unwrap()
            .at
    };
    // Friday 2026-10-30 16:30 EDT (20:30 UTC); clocks go back on Sunday:
    // Monday 09:30 EST is 14:30 UTC.
    assert_eq!(due(utc(2026, 10, 30, 20, 30)), utc(2026, 11, 2, 14, 30));
    // Friday 2026-03-06 16:30 EST (21:30 UTC); clocks go forward on Sunday:
    // Monday 09:30 EDT is 13:30 UTC.
    assert_eq!(due(utc(2026, 3, 6, 21, 30)), utc(2026, 3, 9, 13, 30));
}

// ---- Independent minute-by-minute evaluation ----

/// A calendar for the brute force: a zone, open weekdays (Monday 0) and one
/// daily window in local minutes; `None` window for 24/7.
#[derive(Debug, Clone)]
struct BruteCal {
    tz: chrono_tz::Tz,
    days: [bool; 7],
    window: Option<(u32, u32)>,
}

impl BruteCal {
    fn open(&self, t: DateTime<Utc>) -> bool {
        use chrono::{Datelike, Timelike};
        let Some((a, b)) = self.window else {
            return true;
        };
        let local = t.with_timezone(&self.tz);
        let m = local.hour() * 60 + local.minute();
        self.days[local.weekday().num_days_from_monday() as usize] && a <= m && m < b
    }

    fn json(&self) -> String {
        let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        let (a, b) = self.window.unwrap_or((0, 24 * 60));
        let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        let days: Vec<String> = (0..7)
            .filter(|&d| self.window.is_none() || self.days[d])
            .map(|d| format!(r#""{}": [["{}", "{}"]]"#, names[d], hm(a), hm(b)))
            .collect();
        format!(
            r#"{{"time_zone": "{}", "weekly": {{{}}}}}"#,
            self.tz.name(),
            days.join(", ")
        )
    }
}

#[derive(Debug, Clone)]
struct BruteLevel {
    delay_min: i64,
    cal: Option<usize>,
    follow: bool,
}

/// A policy for the brute force: calendars, levels and repeats (minutes).
struct BrutePolicy<'a> {
    cals: &'a [BruteCal],
    levels: &'a [BruteLevel],
    repeat: u32,
    repeat_delay: i64,
}

/// A level firing: (minute after the start, level index).
type Fire = (i64, usize);

/// A ticket event for the brute force.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ev {
    Pause,
    Resume,
    Ack,
    Reopen,
}

/// Fired (minute, level index) and the next due minute, walking one minute
/// at a time. At each minute boundary the events of that minute apply
/// first (an acknowledgement stops everything, a reopening of a stopped
/// ticket restarts the wait of the level after the last one notified); then
/// a level fires when the count of its minutes so far reaches its wait and,
/// when it follows pauses, the ticket is not paused; then the minute that
/// starts there counts for the waiting level when it is open on the level's
/// calendar (always, without one) and, when the level follows pauses, the
/// ticket is not paused.
fn brute_force(
    bp: &BrutePolicy<'_>,
    start: DateTime<Utc>,
    events: &[(i64, Ev)],
    now: i64,
    horizon: i64,
) -> (Vec<Fire>, Option<Fire>) {
    let BrutePolicy {
        cals,
        levels,
        repeat,
        repeat_delay,
    } = *bp;
    let mut out = Vec::new();
    let (mut pass, mut idx, mut count) = (0u32, 0usize, 0i64);
    let (mut paused, mut stopped) = (false, false);
    let mut m = 0i64;
    loop {
        for &(_, e) in events.iter().filter(|(at, _)| *at == m) {
            match e {
                Ev::Pause => paused = true,
                Ev::Resume => paused = false,
                Ev::Ack => stopped = true,
                Ev::Reopen => {
                    if stopped {
                        stopped = false;
                        count = 0;
                    }
                }
            }
        }
        // Fire every level due at boundary m.
        loop {
            if stopped {
                break;
            }
            let l = &levels[idx];
            let need = if idx == 0 && pass > 0 {
                repeat_delay
            } else {
                l.delay_min
            };
            if count < need || (l.follow && paused) {
                break;
            }
            if m > now {
                return (out, Some((m, idx)));
            }
            out.push((m, idx));
            count = 0;
            idx += 1;
            if idx == levels.len() {
                idx = 0;
                pass += 1;
                if pass > repeat {
                    return (out, None);
                }
            }
        }
        if m >= horizon || (stopped && m >= now) {
            return (out, None);
        }
        let l = &levels[idx];
        let t = start + TimeDelta::minutes(m);
        let open = l.cal.is_none_or(|c| cals[c].open(t));
        if !stopped && open && !(l.follow && paused) {
            count += 1;
        }
        m += 1;
    }
}

#[test]
fn timelines_match_a_minute_by_minute_walk() {
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let zones = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Sydney,
        chrono_tz::UTC,
    ];
    // Starts near DST changes (US: Mar 8 / Nov 1, EU: Mar 29 / Oct 25,
    // Sydney: Apr 5 / Oct 4) and in ordinary weeks.
    let starts = [
        utc(2026, 3, 6, 20, 0),
        utc(2026, 3, 27, 15, 0),
        utc(2026, 4, 3, 1, 0),
        utc(2026, 10, 2, 22, 0),
        utc(2026, 10, 23, 12, 0),
        utc(2026, 10, 30, 19, 0),
        utc(2026, 6, 10, 7, 0),
    ];
    let mut checked_fires = 0;
    for case in 0..300 {
        let cals: Vec<BruteCal> = (0..rng.gen_range(1..=3))
            .map(|_| {
                let a = rng.gen_range(6 * 60..14 * 60);
                let b = rng.gen_range(a + 30..=23 * 60);
                let mut days = [false; 7];
                days.iter_mut().for_each(|d| *d = rng.gen_bool(0.6));
                days[rng.gen_range(0..7)] = true;
                BruteCal {
                    tz: zones[rng.gen_range(0..zones.len())],
                    days,
                    window: (!rng.gen_bool(0.15)).then_some((a, b)),
                }
            })
            .collect();
        let levels: Vec<BruteLevel> = (0..rng.gen_range(1..=4))
            .map(|i| BruteLevel {
                delay_min: if i == 0 && rng.gen_bool(0.5) {
                    0
                } else {
                    rng.gen_range(0..=240)
                },
                cal: rng.gen_bool(0.6).then(|| rng.gen_range(0..cals.len())),
                follow: rng.gen_bool(0.5),
            })
            .collect();
        let repeat = rng.gen_range(0..=2);
        let repeat_delay = rng.gen_range(0..=180);
        let start =
            starts[rng.gen_range(0..starts.len())] + TimeDelta::minutes(rng.gen_range(0..600));
        let now = rng.gen_range(0..4 * 1440);
        // Pause/resume alternate; acknowledgements and reopenings fall anywhere.
        let mut evs: Vec<(i64, Ev)> = Vec::new();
        let (mut m, mut paused) = (0, false);
        while evs.len() < 8 {
            m += rng.gen_range(0..500);
            if m > now {
                break;
            }
            let e = match rng.gen_range(0..10) {
                0 | 1 => Ev::Ack,
                2 | 3 => Ev::Reopen,
                _ if paused => Ev::Resume,
                _ => Ev::Pause,
            };
            paused ^= matches!(e, Ev::Pause | Ev::Resume);
            evs.push((m, e));
        }
        let bp = BrutePolicy {
            cals: &cals,
            levels: &levels,
            repeat,
            repeat_delay,
        };
        let (want, want_next) = brute_force(&bp, start, &evs, now, now + 40 * 1440);

        let level_json: Vec<String> = levels
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let cal = l
                    .cal
                    .map(|c| format!(r#", "calendar": "c{c}""#))
                    .unwrap_or_default();
                format!(
                    r#"{{"name": "l{i}", "tier": 1, "delay_secs": {}, "follow_pauses": {}{cal}}}"#,
                    l.delay_min * 60,
                    l.follow
                )
            })
            .collect();
        let cal_json: Vec<String> = cals
            .iter()
            .enumerate()
            .map(|(i, c)| format!(r#""c{i}": {}"#, c.json()))
            .collect();
        let p = policy(&format!(
            r#"{{"levels": [{}], "repeat": {repeat}, "repeat_delay_secs": {}, "calendars": {{{}}}}}"#,
            level_json.join(", "),
            repeat_delay * 60,
            cal_json.join(", ")
        ));
        let mut events = vec![ev_created(start)];
        for &(m, e) in &evs {
            let at = start + TimeDelta::minutes(m);
            events.push(match e {
                Ev::Pause => EscalationEvent::Paused { at },
                Ev::Resume => EscalationEvent::Resumed { at },
                Ev::Ack => EscalationEvent::Acknowledged { at, by: None },
                Ev::Reopen => EscalationEvent::Reopened { at },
            });
        }
        let tl = escalation_timeline(&p, &events, start + TimeDelta::minutes(now), None)
            .unwrap_or_else(|e| panic!("case {case}: {e}"));
        let got: Vec<(i64, usize)> = tl
            .fired
            .iter()
            .map(|f| {
                let name = f.level.as_deref().unwrap();
                ((f.at - start).num_minutes(), name[1..].parse().unwrap())
            })
            .collect();
        assert_eq!(got, want, "case {case}: {p:?} {evs:?} now {now}");
        let got_next = tl
            .next
            .map(|n| ((n.at - start).num_minutes(), n.level[1..].parse().unwrap()));
        assert_eq!(got_next, want_next, "case {case}: {p:?} {evs:?} now {now}");
        checked_fires += want.len() + usize::from(want_next.is_some());
    }
    // The generator must exercise the walk, not only empty timelines.
    assert!(checked_fires > 600, "{checked_fires}");
}

/// The instants written into `tests/fixtures/escalation/timelines.json` for
/// the calendar and pause cases, recomputed by the minute-by-minute walk.
#[test]
fn fixture_instants_agree_with_the_walk() {
    let mut weekdays = [true; 7];
    weekdays[5] = false;
    weekdays[6] = false;
    let ny = BruteCal {
        tz: chrono_tz::America::New_York,
        days: weekdays,
        window: Some((9 * 60, 17 * 60)),
    };
    let lv = |delay_min, cal, follow| BruteLevel {
        delay_min,
        cal,
        follow,
    };
    let at = |start: DateTime<Utc>, fires: &[(i64, usize)]| -> Vec<(DateTime<Utc>, usize)> {
        fires
            .iter()
            .map(|&(m, i)| (start + TimeDelta::minutes(m), i))
            .collect()
    };
    let cals = [ny];
    let walk = |levels: &[BruteLevel], start, events: &[(i64, Ev)], now| {
        let bp = BrutePolicy {
            cals: &cals,
            levels,
            repeat: 0,
            repeat_delay: 0,
        };
        brute_force(&bp, start, events, now, now + 20_000)
    };
    // business_hours_level_delay_waits_over_the_weekend
    let start = utc(2026, 12, 4, 21, 50);
    let levels = [
        lv(0, None, false),
        lv(30, Some(0), false),
        lv(60, Some(0), false),
    ];
    let now = (utc(2026, 12, 7, 15, 0) - start).num_minutes();
    let (f, next) = walk(&levels, start, &[], now);
    assert_eq!(
        at(start, &f),
        vec![(start, 0), (utc(2026, 12, 7, 14, 20), 1)]
    );
    assert_eq!(
        at(start, &[next.unwrap()]),
        vec![(utc(2026, 12, 7, 15, 20), 2)]
    );
    // mixed_policy_on_call_level_on_the_wall_clock
    let start = utc(2026, 12, 5, 8, 0);
    let levels = [lv(15, None, false), lv(30, Some(0), false)];
    let (f, next) = walk(&levels, start, &[], 240);
    assert_eq!(at(start, &f), vec![(utc(2026, 12, 5, 8, 15), 0)]);
    assert_eq!(
        at(start, &[next.unwrap()]),
        vec![(utc(2026, 12, 7, 14, 30), 1)]
    );
    // follow_pauses_stops_the_level_delay / ..._while_paused_has_no_next
    let start = utc(2026, 11, 30, 9, 0);
    let levels = [lv(0, None, false), lv(30, None, true), lv(30, None, false)];
    let (f, next) = walk(&levels, start, &[(10, Ev::Pause), (40, Ev::Resume)], 75);
    assert_eq!(f, vec![(0, 0), (60, 1)]);
    assert_eq!(next, Some((90, 2)));
    let (f, next) = walk(&levels, start, &[(10, Ev::Pause)], 120);
    assert_eq!((f, next), (vec![(0, 0)], None));
}

#[cfg(feature = "toml")]
#[test]
fn toml_policies_name_calendars_too() {
    let p = EscalationPolicy::from_toml(
        r#"
[[levels]]
name = "desk"
tier = 1
[[levels]]
name = "technical"
tier = 2
delay_secs = 1800
calendar = "new_york"
follow_pauses = true
[calendars.new_york]
time_zone = "America/New_York"
weekly = { mon = [["09:00", "17:00"]], fri = [["09:00", "17:00"]] }
"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.levels()[1].calendar.as_deref(), Some("new_york"));
    assert!(p.levels()[1].follow_pauses);
    assert_eq!(p.calendars()["new_york"].time_zone(), "America/New_York");
    assert_eq!(EscalationPolicy::from_json(&p.to_json()).unwrap(), p);
}

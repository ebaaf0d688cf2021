use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::{Channel, Priority, Tier};

fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, m, 0).unwrap()
}

fn created(t: DateTime<Utc>, tier: u8, priority: Priority, channel: Channel) -> SlaEvent {
    SlaEvent::Created {
        at: t,
        tier: Tier::new(i64::from(tier)).unwrap(),
        priority,
        channel,
    }
}

fn status(events: &[SlaEvent], now: DateTime<Utc>) -> SlaStatus {
    sla_status(&SlaPolicy::builtin(), events, now).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn first_response_met_and_resolution_running() {
    let ev = [
        created(at(30, 9, 0), 1, Priority::High, Channel::Chat),
        SlaEvent::FirstResponse { at: at(30, 9, 10) },
    ];
    let s = status(&ev, at(30, 12, 0));
    let fr = s.first_response.unwrap();
    assert_eq!(
        (fr.state, fr.elapsed_secs, fr.met_at),
        (TimerState::Met, 600, Some(at(30, 9, 10)))
    );
    assert_eq!(fr.breach_at, None);
    assert_eq!(
        fr.warnings.iter().map(|w| w.percent).collect::<Vec<_>>(),
        vec![50.0]
    );
    let res = s.resolution.unwrap();
    assert_eq!(
        (res.target_secs, res.state, res.elapsed_secs),
        (86_400, TimerState::Running, 3 * 3600)
    );
    assert_eq!(res.breach_at, Some(at(30, 9, 0) + TimeDelta::days(1)));
}

#[test]
fn pauses_stop_both_clocks() {
    let ev = [
        created(at(30, 9, 0), 1, Priority::Medium, Channel::Chat),
        SlaEvent::Paused { at: at(30, 9, 5) },
        SlaEvent::Resumed { at: at(30, 9, 30) },
    ];
    let fr = status(&ev, at(30, 9, 35)).first_response.unwrap();
    assert_eq!(
        (fr.elapsed_secs, fr.state, fr.breach_at),
        (600, TimerState::Running, Some(at(30, 9, 40)))
    );
    let mut paused = ev.to_vec();
    paused.push(SlaEvent::Paused { at: at(30, 9, 36) });
    let fr = status(&paused, at(30, 11, 0)).first_response.unwrap();
    assert_eq!(
        (fr.elapsed_secs, fr.state, fr.breach_at),
        (660, TimerState::Paused, None)
    );
    let res = status(&paused, at(30, 11, 0)).resolution.unwrap();
    assert_eq!(res.elapsed_secs, 660);
}

#[test]
fn priority_change_retargets_and_keeps_elapsed_time() {
    let ev = [
        created(at(30, 9, 0), 1, Priority::High, Channel::Email),
        SlaEvent::PriorityChanged {
            at: at(30, 10, 0),
            priority: Priority::Critical,
        },
    ];
    let res = status(&ev, at(30, 10, 30)).resolution.unwrap();
    assert_eq!(
        (res.target_secs, res.elapsed_secs, res.remaining_secs),
        (7200, 5400, 1800)
    );
    assert_eq!(res.calendar, "on_call");
    let w: Vec<(f64, DateTime<Utc>)> = res.warnings.iter().map(|w| (w.percent, w.at)).collect();
    assert_eq!(w, vec![(50.0, at(30, 10, 0)), (75.0, at(30, 10, 30))]);
    // Re-targeting past the new target breaches at the change itself.
    let late = [
        created(at(30, 9, 0), 1, Priority::High, Channel::Email),
        SlaEvent::PriorityChanged {
            at: at(30, 12, 0),
            priority: Priority::Critical,
        },
    ];
    let res = status(&late, at(30, 12, 30)).resolution.unwrap();
    assert_eq!(
        (res.state, res.breach_at),
        (TimerState::Breached, Some(at(30, 12, 0)))
    );
    assert_eq!(res.remaining_secs, -5400);
}

#[test]
fn business_calendar_moves_the_breach_past_the_weekend() {
    // Tier 2 runs on 16/5: Friday 21:40 leaves 20 minutes before 22:00.
    let ev = [created(at(27, 21, 40), 2, Priority::Medium, Channel::Email)];
    let fr = status(&ev, at(28, 12, 0)).first_response.unwrap();
    assert_eq!((fr.elapsed_secs, fr.state), (1200, TimerState::Running));
    assert_eq!(fr.breach_at, Some(at(30, 6, 10)));
    // Escalating a tier-1 ticket re-targets it onto tier 2's calendar.
    let esc = [
        created(at(27, 21, 0), 1, Priority::Medium, Channel::Email),
        SlaEvent::Escalated {
            at: at(27, 21, 30),
            tier: Tier::new(2).unwrap(),
        },
    ];
    let s = status(&esc, at(27, 21, 50));
    assert_eq!(s.tier.get(), 2);
    let fr = s.first_response.unwrap();
    assert_eq!(
        (fr.target_secs, fr.calendar.as_str(), fr.elapsed_secs),
        (1800, "business_16_5", 50 * 60)
    );
    assert_eq!(fr.state, TimerState::Breached);
    assert_eq!(
        fr.breach_at,
        Some(at(27, 21, 30)),
        "breach caused by re-targeting is dated at the escalation"
    );
}

#[test]
fn resolved_spans_stop_the_resolution_clock() {
    let ev = [
        created(at(30, 9, 0), 3, Priority::Critical, Channel::Phone),
        SlaEvent::FirstResponse { at: at(30, 9, 5) },
        SlaEvent::Resolved { at: at(30, 10, 0) },
        SlaEvent::Reopened { at: at(30, 14, 0) },
    ];
    let res = status(&ev, at(30, 14, 30)).resolution.unwrap();
    assert_eq!((res.elapsed_secs, res.state), (5400, TimerState::Running));
    let mut done = ev.to_vec();
    done.push(SlaEvent::Resolved { at: at(30, 14, 45) });
    let res = status(&done, at(30, 20, 0)).resolution.unwrap();
    assert_eq!(
        (res.elapsed_secs, res.state, res.met_at),
        (6300, TimerState::Met, Some(at(30, 14, 45)))
    );
}

#[test]
fn bad_logs_are_refused() {
    let c = created(at(30, 9, 0), 1, Priority::Low, Channel::Email);
    let now = at(30, 12, 0);
    let cases: Vec<Vec<SlaEvent>> = vec![
        vec![],
        vec![SlaEvent::Paused { at: at(30, 9, 0) }],
        vec![c.clone(), SlaEvent::Paused { at: at(30, 8, 0) }],
        vec![c.clone(), SlaEvent::Paused { at: at(30, 13, 0) }],
        vec![c.clone(), SlaEvent::Resumed { at: at(30, 10, 0) }],
        vec![
            c.clone(),
            SlaEvent::Paused { at: at(30, 10, 0) },
            SlaEvent::Paused { at: at(30, 10, 1) },
        ],
        vec![c.clone(), SlaEvent::Reopened { at: at(30, 10, 0) }],
        vec![c.clone(), c.clone()],
    ];
    for ev in cases {
        let e = sla_status(&SlaPolicy::builtin(), &ev, now).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{ev:?}");
    }
    let e = SlaPolicy::from_json(
        r#"{"calendars": {}, "targets": [{"first_response_secs": 60, "calendar": "x"}]}"#,
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_config");
    assert!(e.message.contains("targets[0].calendar"), "{}", e.message);
}

#[test]
fn serde_round_trips_and_batch() {
    let p = SlaPolicy::builtin();
    assert_eq!(SlaPolicy::from_json(&p.to_json()).unwrap(), p);
    let ev: Vec<SlaEvent> = serde_json::from_str(
        r#"[{"type": "created", "at": "2026-11-30T09:00:00Z", "tier": 1, "priority": "high", "channel": "chat"},
            {"type": "paused", "at": "2026-11-30T09:01:00+01:00"},
            {"type": "resumed", "at": "2026-11-30T08:03:00Z"},
            {"type": "first_response", "at": "2026-11-30T09:04:00Z"}]"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // 09:01+01:00 is 08:01Z, before "created": out of order.
    assert!(sla_status(&p, &ev, at(30, 10, 0)).is_err());
    let good = vec![created(at(30, 9, 0), 1, Priority::High, Channel::Chat)];
    let many = vec![good.clone(); 50];
    let batch = sla_status_batch(&p, &many, at(30, 9, 20)).unwrap();
    assert!(batch.iter().all(|s| *s == status(&good, at(30, 9, 20))));
    let bad = vec![good, vec![]];
    assert!(
        sla_status_batch(&p, &bad, at(30, 9, 20))
            .unwrap_err()
            .message
            .starts_with("tickets[1]")
    );
}

#[test]
fn unknown_event_keys_are_refused() {
    // A typo inside an event used to be ignored, timing a chat ticket as email.
    let e = crate::input::from_value::<Vec<SlaEvent>>(&serde_json::json!([
        {"type": "created", "at": "2026-11-30T09:00:00Z", "tier": 1, "priority": "high", "chanel": "chat"}
    ]))
    .unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(
        e.message.starts_with("[0].chanel: unknown field `chanel`"),
        "{}",
        e.message
    );
    let ok: Vec<SlaEvent> = crate::input::from_value(&serde_json::json!([
        {"type": "created", "at": "2026-11-30T09:00:00Z", "tier": 1, "priority": "high", "channel": "chat"}
    ]))
    .unwrap();
    assert!(matches!(
        ok[0],
        SlaEvent::Created {
            channel: Channel::Chat,
            ..
        }
    ));
}

#[test]
fn events_refuse_unknown_keys_and_default_to_email() {
    let typo = r#"{"type": "created", "at": "2026-11-02T09:00:00Z", "tier": 1, "priority": "high", "chanel": "chat"}"#;
    let err = serde_json::from_str::<SlaEvent>(typo).unwrap_err();
    assert!(err.to_string().contains("chanel"), "{err}");
    let plain =
        r#"{"type": "created", "at": "2026-11-02T09:00:00Z", "tier": 1, "priority": "high"}"#;
    let event: SlaEvent = serde_json::from_str(plain).unwrap();
    assert!(matches!(
        event,
        SlaEvent::Created {
            channel: Channel::Email,
            ..
        }
    ));
}

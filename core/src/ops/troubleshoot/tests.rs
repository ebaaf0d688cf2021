use chrono::TimeZone;

use super::*;

fn now() -> DateTime<Utc> {
    // A Friday.
    Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap()
}

fn at(d: u32, h: u32) -> Option<DateTime<Utc>> {
    Some(Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap())
}

fn report(d: &str) -> Report {
    Report {
        description: d.into(),
        ..Report::default()
    }
}

fn symptoms_of(d: &str) -> Symptoms {
    extract_symptoms(
        &KnowledgeBase::builtin(),
        &report(d),
        now(),
        &DiagnoseOptions::default(),
    )
    .unwrap()
}

fn codes_of(d: &str) -> Vec<(String, CodeKind)> {
    symptoms_of(d)
        .error_codes
        .into_iter()
        .map(|c| (c.code, c.kind))
        .collect()
}

#[test]
fn constant_patterns_compile() {
    assert!(action_regex().is_some() && timeframe_regex().is_some());
    assert_eq!(regexes().len(), 6);
}

#[test]
fn error_codes_of_each_kind() {
    use CodeKind::*;
    assert_eq!(
        codes_of("The page shows 502 Bad Gateway"),
        [("502".into(), Http)]
    );
    assert_eq!(
        codes_of("got HTTP 429 then status: 503"),
        [("429".into(), Http), ("503".into(), Http)]
    );
    assert_eq!(codes_of("I have 500 invoices"), []);
    assert_eq!(
        codes_of("QuickBooks error H202 and then Error -6000, -83 on the company file"),
        [
            ("H202".into(), Quickbooks),
            ("-6000,-83".into(), Quickbooks)
        ]
    );
    assert_eq!(
        codes_of("bank feed OL-301 again"),
        [("OL-301".into(), Quickbooks)]
    );
    assert_eq!(
        codes_of("QuickBooks update error 15215"),
        [("15215".into(), Quickbooks)]
    );
    assert_eq!(
        codes_of("the app said error code 40312"),
        [("40312".into(), Application)]
    );
    assert_eq!(
        codes_of("ERR_SYNC_TIMEOUT after AUTH-1001 and 0x80070057"),
        [
            ("ERR_SYNC_TIMEOUT".into(), Application),
            ("AUTH-1001".into(), Application),
            ("0x80070057".into(), Application)
        ]
    );
}

#[test]
fn timeframes_resolve_against_now() {
    let t = |d: &str| symptoms_of(d).timeframes;
    let y = &t("It has been broken since yesterday")[0];
    assert_eq!(
        (y.phrase.as_str(), y.since, y.until),
        ("since yesterday", at(26, 0), None)
    );
    let y = &t("It broke yesterday")[0];
    assert_eq!((y.since, y.until), (at(26, 0), at(27, 0)));
    assert_eq!(t("started 3 hours ago")[0].since, at(27, 12));
    assert_eq!(t("for the past two days")[0].since, at(25, 15));
    assert_eq!(t("since this morning")[0].since, at(27, 0));
    // Friday 27th: "since Monday" is the 23rd; "last week" is Mon 16th .. Mon 23rd.
    assert_eq!(t("since Monday")[0].since, at(23, 0));
    let w = &t("it happened last week")[0];
    assert_eq!((w.since, w.until), (at(16, 0), at(23, 0)));
    let u = &t("Everything is slow after the update.")[0];
    assert_eq!(
        (u.phrase.as_str(), u.since, u.event.as_deref()),
        ("after the update", None, Some("update"))
    );
    assert!(t("I read the update notes").is_empty());
    // Time zones: yesterday in Auckland (UTC+13) starts at 11:00 UTC the day before.
    let o = DiagnoseOptions {
        timezone: "Pacific/Auckland".into(),
        ..Default::default()
    };
    let s = extract_symptoms(
        &KnowledgeBase::builtin(),
        &report("since yesterday"),
        now(),
        &o,
    )
    .unwrap();
    assert_eq!(
        s.timeframes[0].since,
        Some(Utc.with_ymd_and_hms(2026, 11, 26, 11, 0, 0).unwrap())
    );
}

#[test]
fn actions_keywords_and_features() {
    let s = symptoms_of(
        "When I upload a receipt the AI analysis shows the wrong total. I tried to re-upload the PDF twice.",
    );
    assert_eq!(s.user_actions, ["upload a receipt", "re-upload the pdf"]);
    assert!(
        s.affected_features
            .contains(&"document_processing".to_string())
    );
    assert!(s.affected_features.contains(&"ai_analysis".to_string()));
    assert!(s.keywords.contains(&"receipt".to_string()));
    assert!(!s.keywords.iter().any(|k| k == "the" || k == "when"));
    let r = Report {
        description: "nothing specific".into(),
        features: vec!["QuickBooks Sync".into(), "Payroll".into()],
        ..Report::default()
    };
    let s = extract_symptoms(
        &KnowledgeBase::builtin(),
        &r,
        now(),
        &DiagnoseOptions::default(),
    )
    .unwrap();
    assert_eq!(s.affected_features, ["quickbooks_sync", "Payroll"]);
}

#[test]
fn diagnosis_ranks_causes_and_resolutions() {
    let r = Report {
        title: "Can't sync".into(),
        description:
            "QuickBooks says the connection expired, error 401 when I try to sync invoices".into(),
        ..Report::default()
    };
    let d = diagnose(
        &KnowledgeBase::builtin(),
        &r,
        now(),
        &DiagnoseOptions::default(),
    )
    .unwrap();
    let top = &d.possible_causes[0];
    assert_eq!(top.id, "quickbooks_token_expired");
    assert_eq!(top.evidence.error_codes, ["401"]);
    assert_eq!(top.evidence.features, ["quickbooks_sync"]);
    let expected = 1.0 - 0.4 * 0.65 * 0.8 * 0.75;
    assert!((top.strength - expected).abs() < 1e-12);
    assert!((d.confidence - (expected - d.possible_causes[1].strength / 2.0)).abs() < 1e-12);
    assert_eq!(d.resolutions[0].id, "reconnect_quickbooks");
    assert!(d.resolutions.windows(2).all(|w| w[0].score >= w[1].score));
    assert_eq!(d.diagnostic_steps[0].cause, "quickbooks_token_expired");
    // Escalations carry the classifier's route.
    let r = report("The whole app is down for all users, 503 on every page since 9am");
    let d = diagnose(
        &KnowledgeBase::builtin(),
        &r,
        now(),
        &DiagnoseOptions::default(),
    )
    .unwrap();
    assert_eq!(d.possible_causes[0].id, "service_outage");
    let esc = d
        .resolutions
        .iter()
        .find(|x| x.id == "incident_response")
        .unwrap();
    assert!(esc.requires_escalation);
    let to = esc.escalate_to.as_ref().unwrap();
    assert!(to.tier >= 3, "{to:?}");
}

#[test]
fn nothing_matches() {
    let d = diagnose(
        &KnowledgeBase::builtin(),
        &report("hello"),
        now(),
        &DiagnoseOptions::default(),
    )
    .unwrap();
    assert!(d.possible_causes.is_empty() && d.resolutions.is_empty());
    assert_eq!(d.confidence, 0.0);
}

#[test]
fn knowledge_base_validation() {
    let base = |causes: &str, res: &str| {
        format!(
            r#"{{"features": [{{"id": "f", "name": "F", "keywords": ["f"]}}], "causes": [{causes}], "resolutions": [{res}]}}"#
        )
    };
    let c = |id: &str| {
        format!(
            r#"{{"id": "{id}", "description": "d", "symptoms": {{"keywords": ["k"], "features": ["f"]}}}}"#
        )
    };
    let r = |id: &str, cause: &str, rate: f64| {
        format!(
            r#"{{"id": "{id}", "cause": "{cause}", "steps": ["s"], "estimated_minutes": 5, "success_rate": {rate}}}"#
        )
    };
    assert!(KnowledgeBase::from_json(&base(&c("a"), &r("r", "a", 0.5))).is_ok());
    let cases = [
        (
            base(&format!("{},{}", c("a"), c("a")), ""),
            "duplicate id \"a\"",
        ),
        (
            base(
                &c("a"),
                &format!("{},{}", r("r", "a", 0.5), r("r", "a", 0.5)),
            ),
            "resolutions[1].id: duplicate",
        ),
        (base(&c("a"), &r("r", "zzz", 0.5)), "unknown cause \"zzz\""),
        (base(&c("a"), &r("r", "a", 1.5)), "success_rate"),
        (
            base(
                r#"{"id": "a", "description": "d", "symptoms": {"features": ["nope"]}}"#,
                "",
            ),
            "unknown feature \"nope\"",
        ),
        (
            base(r#"{"id": "a", "description": "d", "symptoms": {}}"#, ""),
            "at least one symptom",
        ),
        (
            base(
                r#"{"id": "a", "description": "d", "symptoms": {"error_codes": ["(unclosed"]}}"#,
                "",
            ),
            "not a valid regular expression",
        ),
    ];
    for (text, needle) in cases {
        let e = KnowledgeBase::from_json(&text).unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{e}");
        assert!(e.message.contains(needle), "{e} does not contain {needle}");
    }
    assert_eq!(
        KnowledgeBase::from_json("{").unwrap_err().code(),
        "parse_error"
    );
    assert_eq!(
        KnowledgeBase::from_json(r#"{"causes": [], "extra": 1}"#)
            .unwrap_err()
            .code(),
        "parse_error"
    );
    // Round trip.
    let kb = KnowledgeBase::builtin();
    assert_eq!(KnowledgeBase::from_json(&kb.to_json()).unwrap(), kb);
}

#[test]
fn huge_reports_are_refused_and_large_ones_handled() {
    let kb = KnowledgeBase::builtin();
    let big = "error 503 since yesterday when I try to sync ".repeat(10 * 1024 * 1024 / 45 + 1);
    let e = diagnose(&kb, &report(&big), now(), &DiagnoseOptions::default()).unwrap_err();
    assert_eq!(e.code(), "limit_exceeded");
    // Just under the limit, adversarial repetition of every pattern kind:
    // bounded outputs, and it completes (linear-time matchers).
    let text = "since yesterday 3 hours ago H202 ERR_X_Y 503 Bad Gateway when I try to upload quickbooks sync ";
    let near = text.repeat((MAX_REPORT_BYTES - 1) / text.len());
    let d = diagnose(&kb, &report(&near), now(), &DiagnoseOptions::default()).unwrap();
    assert!(d.symptoms.error_codes.len() <= MAX_SYMPTOMS);
    assert!(d.symptoms.timeframes.len() <= MAX_SYMPTOMS);
    assert!(d.symptoms.user_actions.len() <= MAX_SYMPTOMS);
    assert!(!d.possible_causes.is_empty());
}

#[test]
fn options_are_validated() {
    let kb = KnowledgeBase::builtin();
    let o = DiagnoseOptions {
        timezone: "Mars/Olympus".into(),
        ..Default::default()
    };
    assert!(
        diagnose(&kb, &report("x"), now(), &o)
            .unwrap_err()
            .message
            .contains("Mars/Olympus")
    );
    let o = DiagnoseOptions {
        keyword_weight: 1.0,
        ..Default::default()
    };
    assert_eq!(
        diagnose(&kb, &report("x"), now(), &o).unwrap_err().code(),
        "invalid_config"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// Any text gives a bounded diagnosis with strengths in (0, 1).
    #[test]
    fn any_text_is_diagnosed(text in "\\PC{0,300}|((since|after the|error|HTTP|H20|when I try to|QuickBooks|ERR_|-6000,| ) ?[a-z0-9]{0,6} ?){0,30}") {
        let d = diagnose(&KnowledgeBase::builtin(), &report(&text), now(), &DiagnoseOptions::default()).unwrap();
        proptest::prop_assert!((0.0..1.0).contains(&d.confidence));
        for c in &d.possible_causes {
            proptest::prop_assert!(c.strength > 0.0 && c.strength < 1.0);
        }
        proptest::prop_assert!(d.symptoms.error_codes.len() <= MAX_SYMPTOMS);
    }
}

#[test]
fn timeframes_stay_in_the_supported_years() {
    // Issue 22: "10000 months ago" near year 1 gave a timeframe in year 0.
    let early = Utc.with_ymd_and_hms(1, 1, 3, 12, 0, 0).unwrap();
    let s = extract_symptoms(
        &KnowledgeBase::builtin(),
        &report("broken for 10000 months ago, since yesterday, it broke last week"),
        early,
        &DiagnoseOptions::default(),
    )
    .unwrap();
    for tf in &s.timeframes {
        for t in [tf.since, tf.until].into_iter().flatten() {
            assert!(t.year() >= 1, "{} gave {t}", tf.phrase);
            crate::validate::check_instant(t, "t").unwrap();
        }
    }
    let phrases: Vec<&str> = s.timeframes.iter().map(|t| t.phrase.as_str()).collect();
    assert!(!phrases.iter().any(|p| p.contains("10000")), "{phrases:?}");
}

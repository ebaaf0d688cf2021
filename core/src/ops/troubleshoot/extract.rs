//! Symptoms from a report: error codes, keywords, user actions, features.

use super::*;

pub(crate) fn codes(text: &str) -> Vec<ErrorCode> {
    static QB: OnceLock<Option<Regex>> = OnceLock::new();
    let qb_context = QB
        .get_or_init(|| Regex::new(r"(?i)quickbooks|intuit|\bqbo\b").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(text));
    let mut found: Vec<(usize, ErrorCode)> = Vec::new();
    for (kind, re) in regexes() {
        for c in re.captures_iter(text) {
            let Some(m) = c.iter().skip(1).flatten().next() else {
                continue;
            };
            let mut code = if *kind == CodeKind::Quickbooks && c.len() == 3 && c.get(2).is_some() {
                format!("{},{}", &c[1], &c[2])
            } else {
                m.as_str().to_owned()
            };
            let mut kind = *kind;
            if kind == CodeKind::Application
                && code.chars().all(|ch| ch.is_ascii_digit())
                && qb_context
            {
                kind = CodeKind::Quickbooks;
            }
            if kind == CodeKind::Quickbooks {
                code = code.to_ascii_uppercase();
            }
            found.push((m.start(), ErrorCode { code, kind }));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    let mut out: Vec<ErrorCode> = Vec::new();
    for (_, c) in found {
        if out.len() >= MAX_SYMPTOMS {
            break;
        }
        // One code, one entry (the first kind that claimed it).
        if !out.iter().any(|o| o.code.eq_ignore_ascii_case(&c.code)) {
            out.push(c);
        }
    }
    out
}

pub(crate) fn keywords(text: &str) -> Vec<String> {
    let mut counts: HashMap<String, (usize, usize)> = HashMap::new();
    for (pos, w) in text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
        .filter(|w| w.len() >= 3 && w.len() <= 40)
        .enumerate()
    {
        if w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let w = w.trim_matches('\'').to_lowercase();
        if w.len() < 3 || is_stopword(w.as_str()) {
            continue;
        }
        let e = counts.entry(w).or_insert((0, pos));
        e.0 += 1;
    }
    let mut list: Vec<(String, (usize, usize))> = counts.into_iter().collect();
    list.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
    list.into_iter()
        .take(MAX_SYMPTOMS)
        .map(|(w, _)| w)
        .collect()
}

pub(crate) fn actions(text: &str) -> Vec<String> {
    const TAIL: [&str; 12] = [
        "the", "a", "an", "my", "our", "to", "on", "in", "it", "and", "but", "from",
    ];
    let mut out: Vec<String> = Vec::new();
    let Some(re) = action_regex() else {
        return out;
    };
    for c in re.captures_iter(text) {
        if out.len() >= MAX_SYMPTOMS {
            break;
        }
        // The phrase ends where another clause or a time phrase begins.
        const STOP: [&str; 22] = [
            "i",
            "we",
            "it",
            "they",
            "you",
            "he",
            "she",
            "but",
            "and",
            "then",
            "so",
            "because",
            "last",
            "since",
            "yesterday",
            "today",
            "this",
            "after",
            "before",
            "when",
            "while",
            "every",
        ];
        let mut words: Vec<String> = c[1].split(' ').map(str::to_lowercase).collect();
        if let Some(cut) = words
            .iter()
            .skip(1)
            .position(|w| STOP.contains(&w.as_str()))
        {
            words.truncate(cut + 1);
        }
        while words
            .last()
            .is_some_and(|w| TAIL.contains(&w.as_str()) || is_stopword(w.as_str()))
        {
            words.pop();
        }
        if words
            .first()
            .is_some_and(|w| matches!(w.as_str(), "be" | "get" | "do" | "have" | "see"))
            && words.len() == 1
        {
            continue;
        }
        let phrase = words.join(" ");
        if !phrase.is_empty() && !out.contains(&phrase) {
            out.push(phrase);
        }
    }
    out
}

pub(crate) fn check_report(report: &Report) -> Result<String> {
    let n = report.title.len() + report.description.len();
    if n > MAX_REPORT_BYTES {
        return Err(Error::limit(format!(
            "report: {n} bytes of text, at most {MAX_REPORT_BYTES}"
        )));
    }
    if report.features.len() > MAX_SYMPTOMS {
        return Err(Error::limit(format!(
            "report.features: at most {MAX_SYMPTOMS}"
        )));
    }
    if report
        .features
        .iter()
        .any(|f| f.len() > limits::MAX_NAME_BYTES)
    {
        return Err(Error::limit(format!(
            "report.features: a name over {} bytes",
            limits::MAX_NAME_BYTES
        )));
    }
    Ok(if report.title.is_empty() {
        report.description.clone()
    } else {
        format!("{}\n{}", report.title, report.description)
    })
}

/// The symptoms of a report: keywords, error codes, user actions,
/// affected features (from the knowledge base's feature words and the
/// report's own list) and time phrases resolved against `now` in the
/// options' time zone.
///
/// # Errors
/// `limit_exceeded` for a report over [`MAX_REPORT_BYTES`];
/// `invalid_config` for bad options; `invalid_input` for an instant
/// outside the supported range.
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::ops::{extract_symptoms, DiagnoseOptions, KnowledgeBase, Report};
/// let report = Report {
///     description: "Since yesterday QuickBooks sync fails with error H202 when I try to sync invoices.".into(),
///     ..Report::default()
/// };
/// let now = Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap();
/// let s = extract_symptoms(&KnowledgeBase::builtin(), &report, now, &DiagnoseOptions::default())?;
/// assert_eq!(s.error_codes[0].code, "H202");
/// assert_eq!(s.user_actions, ["sync invoices"]);
/// assert!(s.affected_features.contains(&"quickbooks_sync".to_string()));
/// assert_eq!(s.timeframes[0].since, Some(Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap()));
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn extract_symptoms(
    kb: &KnowledgeBase,
    report: &Report,
    now: DateTime<Utc>,
    options: &DiagnoseOptions,
) -> Result<Symptoms> {
    let tz = options.validate()?;
    check_instant(now, "now")?;
    let text = check_report(report)?;
    Ok(symptoms(kb, report, &text, now, tz))
}

pub(crate) fn symptoms(
    kb: &KnowledgeBase,
    report: &Report,
    text: &str,
    now: DateTime<Utc>,
    tz: Tz,
) -> Symptoms {
    let mut features: Vec<String> = Vec::new();
    for f in &report.features {
        let known =
            kb.0.file
                .features
                .iter()
                .find(|d| d.id.eq_ignore_ascii_case(f) || d.name.eq_ignore_ascii_case(f));
        let id = known.map_or_else(|| f.clone(), |d| d.id.clone());
        if !features.contains(&id) {
            features.push(id);
        }
    }
    if let Some(rules) = &kb.0.feature_rules {
        let mut hit = vec![false; kb.0.file.features.len()];
        rules.for_each_literal(text, |rule, _, _| hit[rule as usize] = true);
        for (i, h) in hit.iter().enumerate() {
            if *h && !features.contains(&kb.0.file.features[i].id) {
                features.push(kb.0.file.features[i].id.clone());
            }
        }
    }
    Symptoms {
        keywords: keywords(text),
        error_codes: codes(text),
        user_actions: actions(text),
        affected_features: features,
        timeframes: timeframes(text, now, tz),
    }
}

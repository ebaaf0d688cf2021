//! Diagnosis: evidence per cause, ranked causes, diagnostic steps and
//! resolutions, escalation target.

use super::*;

/// What matched for one cause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evidence {
    /// Keywords and phrases of the cause found in the report.
    pub keywords: Vec<String>,
    /// Error-code patterns of the cause that matched.
    pub error_codes: Vec<String>,
    /// The cause's features among the affected ones.
    pub features: Vec<String>,
    /// The cause's action words found in the user actions.
    pub actions: Vec<String>,
}

/// A possible cause, with its match strength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PossibleCause {
    /// Cause id.
    pub id: String,
    /// Its description.
    pub description: String,
    /// Its issue type, if any.
    pub issue_type: Option<String>,
    /// `1 - prod(1 - w)` over the matched evidence, in `[0, 1)`.
    pub strength: f64,
    /// What matched.
    pub evidence: Evidence,
}

/// A diagnostic step, with the cause it tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DiagnosticStep {
    /// Cause id.
    pub cause: String,
    /// What to check.
    pub step: String,
}

/// Where to escalate: the classifier's route for the cause's issue type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationTarget {
    /// Support tier (1-4).
    pub tier: u8,
    /// Department.
    pub department: String,
}

/// A ranked resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RankedResolution {
    /// Resolution id.
    pub id: String,
    /// Cause id.
    pub cause: String,
    /// Cause description.
    pub cause_description: String,
    /// Steps.
    pub steps: Vec<String>,
    /// Estimated minutes.
    pub estimated_minutes: f64,
    /// Success rate.
    pub success_rate: f64,
    /// Whether a higher tier must take over.
    pub requires_escalation: bool,
    /// For escalations with a known issue type: tier and department.
    pub escalate_to: Option<EscalationTarget>,
    /// Rank key: the cause's strength x the success rate.
    pub score: f64,
}

/// The assistant's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The symptoms extracted.
    pub symptoms: Symptoms,
    /// Matching causes, strongest first (ties: best success rate, then id).
    pub possible_causes: Vec<PossibleCause>,
    /// Diagnostic steps of those causes, in cause order, without repeats.
    pub diagnostic_steps: Vec<DiagnosticStep>,
    /// Resolutions, by score (strength x success rate), then success rate,
    /// then shorter time.
    pub resolutions: Vec<RankedResolution>,
    /// Overall confidence in `[0, 1)`: the top strength, discounted by half
    /// the runner-up's (`s1 - s2 / 2`: a lone match keeps its strength, a
    /// tie halves it, as the router's confidence); 0 with no match.
    pub confidence: f64,
}

/// Diagnoses a report against a knowledge base (the framework's
/// `TroubleshootingAssistant.diagnoseIssue`).
///
/// # Errors
/// As [`extract_symptoms`].
///
/// # Examples
/// ```
/// use chrono::{TimeZone, Utc};
/// use opsbrain::ops::{diagnose, DiagnoseOptions, KnowledgeBase, Report};
/// let report = Report {
///     title: "Can't sync".into(),
///     description: "QuickBooks says the connection expired, error 401 when I try to sync invoices".into(),
///     ..Report::default()
/// };
/// let now = Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap();
/// let d = diagnose(&KnowledgeBase::builtin(), &report, now, &DiagnoseOptions::default())?;
/// assert_eq!(d.possible_causes[0].id, "quickbooks_token_expired");
/// assert!(d.confidence > 0.5);
/// assert_eq!(d.resolutions[0].cause, "quickbooks_token_expired");
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn diagnose(
    kb: &KnowledgeBase,
    report: &Report,
    now: DateTime<Utc>,
    options: &DiagnoseOptions,
) -> Result<Diagnosis> {
    let tz = options.validate()?;
    check_instant(now, "now")?;
    let text = check_report(report)?;
    let symptoms = symptoms(kb, report, &text, now, tz);
    let causes = &kb.0.file.causes;
    let mut ev: Vec<Evidence> = vec![Evidence::default(); causes.len()];

    let rules = &kb.0.symptom_rules;
    let mut literal_hits: Vec<(usize, usize)> = Vec::new();
    rules.for_each_literal(&text, |rule, _kind: LiteralKind, pid| {
        literal_hits.push((rule as usize, pid))
    });
    literal_hits.sort_unstable();
    literal_hits.dedup();
    for (rule, pid) in literal_hits {
        let c = kb.0.symptom_cause[rule];
        let word = rules.literals_text(pid);
        let kw = causes[c]
            .symptoms
            .keywords
            .iter()
            .find(|k| {
                k.trim()
                    .trim_end_matches('*')
                    .trim()
                    .eq_ignore_ascii_case(word)
            })
            .cloned()
            .unwrap_or_else(|| word.to_owned());
        if !ev[c].keywords.contains(&kw) {
            ev[c].keywords.push(kw);
        }
    }
    let mut code_hits: Vec<(u32, usize)> = rules.code_rules_in_text(&text).collect();
    for code in &symptoms.error_codes {
        code_hits.extend(rules.code_rules_whole(&code.code));
    }
    for (rule, idx) in code_hits {
        let c = kb.0.symptom_cause[rule as usize];
        let p = kb.0.code_patterns[idx].clone();
        if !ev[c].error_codes.contains(&p) {
            ev[c].error_codes.push(p);
        }
    }
    for (c, cause) in causes.iter().enumerate() {
        for f in &cause.symptoms.features {
            if symptoms.affected_features.contains(f) {
                ev[c].features.push(f.clone());
            }
        }
    }
    if let Some(ar) = &kb.0.action_rules {
        let joined = symptoms.user_actions.join("\n");
        let mut hits: Vec<(usize, usize)> = Vec::new();
        ar.for_each_literal(&joined, |rule, _, pid| hits.push((rule as usize, pid)));
        hits.sort_unstable();
        hits.dedup();
        for (rule, pid) in hits {
            let c = kb.0.action_cause[rule];
            let word = ar.literals_text(pid).to_owned();
            if !ev[c].actions.contains(&word) {
                ev[c].actions.push(word);
            }
        }
    }

    let best_success = |c: usize| {
        kb.0.resolutions_of[c]
            .iter()
            .map(|&r| kb.0.file.resolutions[r].success_rate)
            .fold(0.0, f64::max)
    };
    let mut ranked: Vec<(usize, f64)> = ev
        .iter()
        .enumerate()
        .filter_map(|(c, e)| {
            let miss = (1.0 - options.error_code_weight).powi(e.error_codes.len() as i32)
                * (1.0 - options.feature_weight).powi(e.features.len() as i32)
                * (1.0 - options.keyword_weight).powi(e.keywords.len() as i32)
                * (1.0 - options.action_weight).powi(e.actions.len() as i32);
            let s = 1.0 - miss;
            (s > 0.0).then_some((c, s))
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(best_success(b.0).total_cmp(&best_success(a.0)))
            .then_with(|| causes[a.0].id.cmp(&causes[b.0].id))
    });
    ranked.truncate(options.max_causes);
    let confidence = match ranked.as_slice() {
        [] => 0.0,
        [(_, s1)] => *s1,
        [(_, s1), (_, s2), ..] => s1 - s2 / 2.0,
    };

    static TABLE: OnceLock<ClassificationTable> = OnceLock::new();
    let table = TABLE.get_or_init(ClassificationTable::builtin);
    let mut steps: Vec<DiagnosticStep> = Vec::new();
    let mut resolutions: Vec<RankedResolution> = Vec::new();
    for &(c, s) in &ranked {
        let cause = &causes[c];
        for d in &cause.diagnostics {
            if !steps.iter().any(|x| &x.step == d) {
                steps.push(DiagnosticStep {
                    cause: cause.id.clone(),
                    step: d.clone(),
                });
            }
        }
        for &r in &kb.0.resolutions_of[c] {
            let r = &kb.0.file.resolutions[r];
            let escalate_to = match (&cause.issue_type, r.requires_escalation) {
                (Some(t), true) if table.contains(t) => {
                    let route = table.classify(t);
                    Some(EscalationTarget {
                        tier: route.tier.get(),
                        department: route.department,
                    })
                }
                _ => None,
            };
            resolutions.push(RankedResolution {
                id: r.id.clone(),
                cause: cause.id.clone(),
                cause_description: cause.description.clone(),
                steps: r.steps.clone(),
                estimated_minutes: r.estimated_minutes,
                success_rate: r.success_rate,
                requires_escalation: r.requires_escalation,
                escalate_to,
                score: s * r.success_rate,
            });
        }
    }
    resolutions.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.success_rate.total_cmp(&a.success_rate))
            .then(a.estimated_minutes.total_cmp(&b.estimated_minutes))
    });
    let possible_causes = ranked
        .into_iter()
        .map(|(c, s)| PossibleCause {
            id: causes[c].id.clone(),
            description: causes[c].description.clone(),
            issue_type: causes[c].issue_type.clone(),
            strength: s,
            evidence: std::mem::take(&mut ev[c]),
        })
        .collect();
    Ok(Diagnosis {
        symptoms,
        possible_causes,
        diagnostic_steps: steps,
        resolutions,
        confidence,
    })
}

//! The troubleshooting assistant: symptoms from a user's report, matched
//! against a knowledge base given as data, to ranked causes, diagnostic
//! steps and resolutions.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::classify::{ClassificationTable, LiteralKind, RuleSet, RuleSpec};
use crate::error::{Error, Result};
use crate::limits;
use crate::validate::{check_config_size, check_instant, check_name};

/// Largest report accepted (title + description), 1 MiB: past it,
/// `limit_exceeded`. Everything below is linear in the text.
pub const MAX_REPORT_BYTES: usize = limits::MAX_TICKET_TEXT_BYTES;

/// Most causes, resolutions or features in one knowledge base.
pub const MAX_KB_ENTRIES: usize = 10_000;

/// Most items of each kind reported in [`Symptoms`] (keywords, error
/// codes, actions, timeframes).
pub const MAX_SYMPTOMS: usize = 32;

/// A product feature the knowledge base knows, with the words that name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureDef {
    /// Stable id (`quickbooks_sync`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Words and phrases that point to it (whole words, case-insensitive,
    /// a trailing `*` matches as a prefix).
    pub keywords: Vec<String>,
}

/// The symptoms a cause shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SymptomPatterns {
    /// Words and phrases (as [`FeatureDef::keywords`]).
    pub keywords: Vec<String>,
    /// Error-code regular expressions, matched against whole extracted
    /// codes and as words in the text (as the classifier's rules).
    pub error_codes: Vec<String>,
    /// Feature ids.
    pub features: Vec<String>,
    /// Action words, matched within the user actions extracted
    /// (`upload*` matches "uploading a PDF").
    pub actions: Vec<String>,
}

/// A known cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CauseDef {
    /// Stable id.
    pub id: String,
    /// What is wrong.
    pub description: String,
    /// The classifier's issue type (routes escalations), if any.
    #[serde(default)]
    pub issue_type: Option<String>,
    /// The symptoms it shows.
    pub symptoms: SymptomPatterns,
    /// Steps that confirm or rule it out.
    #[serde(default)]
    pub diagnostics: Vec<String>,
}

/// A resolution of a cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolutionDef {
    /// Stable id.
    pub id: String,
    /// The cause it resolves.
    pub cause: String,
    /// What to do, in order.
    pub steps: Vec<String>,
    /// Estimated time, minutes.
    pub estimated_minutes: f64,
    /// Share of cases it resolves, in `[0, 1]`.
    pub success_rate: f64,
    /// Whether a higher tier must take over.
    #[serde(default)]
    pub requires_escalation: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KbFile {
    #[serde(default)]
    features: Vec<FeatureDef>,
    causes: Vec<CauseDef>,
    #[serde(default)]
    resolutions: Vec<ResolutionDef>,
}

/// A validated, compiled knowledge base.
///
/// JSON: `{"features": [FeatureDef], "causes": [CauseDef], "resolutions":
/// [ResolutionDef]}`. Ids must be unique within each list, and every
/// reference (a cause's features, a resolution's cause) must exist.
///
/// # Examples
/// ```
/// use opsbrain::ops::KnowledgeBase;
/// let kb = KnowledgeBase::from_json(r#"{"causes": [
///     {"id": "disk_full", "description": "The disk is full", "symptoms": {"keywords": ["no space left"]}}]}"#)?;
/// assert_eq!(kb.causes().len(), 1);
/// let dup = r#"{"causes": [{"id": "a", "description": "x", "symptoms": {"keywords": ["x"]}},
///                          {"id": "a", "description": "y", "symptoms": {"keywords": ["y"]}}]}"#;
/// let err = KnowledgeBase::from_json(dup).unwrap_err();
/// assert_eq!(err.code(), "invalid_config");
/// assert!(err.message.contains("duplicate id \"a\""));
/// assert!(KnowledgeBase::builtin().causes().len() >= 10);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// Cloning is cheap (the compiled base is shared).
#[derive(Debug, Clone)]
pub struct KnowledgeBase(Arc<KbInner>);

#[derive(Debug)]
struct KbInner {
    file: KbFile,
    /// Keywords and error codes, one rule per cause that has any.
    symptom_rules: RuleSet,
    symptom_cause: Vec<usize>,
    /// Error-code patterns by the symptom rules' code index.
    code_patterns: Vec<String>,
    /// Feature keywords, one rule per feature.
    feature_rules: Option<RuleSet>,
    /// Action words, one rule per cause that has any.
    action_rules: Option<RuleSet>,
    action_cause: Vec<usize>,
    /// Resolutions of each cause, by cause index.
    resolutions_of: Vec<Vec<usize>>,
}

impl PartialEq for KnowledgeBase {
    fn eq(&self, other: &Self) -> bool {
        self.0.file == other.0.file
    }
}

fn unique<'a>(what: &str, ids: impl Iterator<Item = &'a str>) -> Result<HashMap<String, usize>> {
    let mut seen = HashMap::new();
    for (i, id) in ids.enumerate() {
        check_name(&format!("{what}[{i}].id"), id)?;
        if let Some(first) = seen.insert(id.to_owned(), i) {
            return Err(Error::invalid_config(format!(
                "{what}[{i}].id: duplicate id {id:?} (first at {what}[{first}])"
            )));
        }
    }
    Ok(seen)
}

fn rules(specs: Vec<RuleSpec>) -> Result<Option<RuleSet>> {
    if specs.is_empty() {
        return Ok(None);
    }
    RuleSet::new(specs, 0.0).map(Some)
}

fn spec(name: String, keywords: &[String], codes: &[String]) -> RuleSpec {
    let (phrases, words): (Vec<String>, Vec<String>) = keywords
        .iter()
        .cloned()
        .partition(|k| k.trim().contains(char::is_whitespace));
    RuleSpec {
        name,
        issue_type: "cause".to_owned(),
        phrases,
        keywords: words,
        error_codes: codes.to_vec(),
        weight: 1.0,
    }
}

/// The built-in knowledge base.
impl Default for KnowledgeBase {
    fn default() -> Self {
        KnowledgeBase::builtin()
    }
}

impl KnowledgeBase {
    /// The knowledge base shipped with opsbrain: the framework's issue
    /// types (sign-in, MFA, QuickBooks sync, document processing, AI
    /// analysis, reports, workflows, webhooks, API errors, slowness,
    /// outages, payments, data loss).
    pub fn builtin() -> Self {
        static KB: OnceLock<KnowledgeBase> = OnceLock::new();
        KB.get_or_init(|| {
            KnowledgeBase::from_json(include_str!("default_kb.json"))
                .unwrap_or_else(|e| panic!("the built-in knowledge base is invalid: {e}"))
        })
        .clone()
    }

    /// Parses and validates a knowledge base from JSON.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or unknown fields; `invalid_config`
    /// for duplicate ids, unknown references, blank patterns, invalid
    /// error-code regexes or a success rate outside `[0, 1]`;
    /// `limit_exceeded` past [`MAX_KB_ENTRIES`] or the pattern limits of
    /// [`crate::limits`].
    pub fn from_json(text: &str) -> Result<Self> {
        check_config_size(text)?;
        let file: KbFile = serde_json::from_str(text)?;
        Self::new(file.features, file.causes, file.resolutions)
    }

    /// The knowledge base as JSON (what [`Self::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0.file).unwrap_or_default()
    }

    /// Builds and validates a knowledge base.
    ///
    /// # Errors
    /// As [`Self::from_json`], minus parsing.
    pub fn new(
        features: Vec<FeatureDef>,
        causes: Vec<CauseDef>,
        resolutions: Vec<ResolutionDef>,
    ) -> Result<Self> {
        for (what, n) in [
            ("features", features.len()),
            ("causes", causes.len()),
            ("resolutions", resolutions.len()),
        ] {
            if n > MAX_KB_ENTRIES {
                return Err(Error::limit(format!(
                    "{what}: {n} entries, at most {MAX_KB_ENTRIES}"
                )));
            }
        }
        let feature_index = unique("features", features.iter().map(|f| f.id.as_str()))?;
        let cause_index = unique("causes", causes.iter().map(|c| c.id.as_str()))?;
        unique("resolutions", resolutions.iter().map(|r| r.id.as_str()))?;

        let mut symptom_specs = Vec::new();
        let mut symptom_cause = Vec::new();
        let mut action_specs = Vec::new();
        let mut action_cause = Vec::new();
        for (i, c) in causes.iter().enumerate() {
            let at = format!("causes[{i}] ({:?})", c.id);
            if c.description.trim().is_empty() {
                return Err(Error::invalid_config(format!("{at}.description is blank")));
            }
            let s = &c.symptoms;
            if s.keywords.is_empty()
                && s.error_codes.is_empty()
                && s.features.is_empty()
                && s.actions.is_empty()
            {
                return Err(Error::invalid_config(format!(
                    "{at}.symptoms: a cause needs at least one symptom pattern"
                )));
            }
            for f in &s.features {
                if !feature_index.contains_key(f) {
                    return Err(Error::invalid_config(format!(
                        "{at}.symptoms.features: unknown feature {f:?}"
                    )));
                }
            }
            if c.diagnostics.len() > limits::MAX_PATTERNS_PER_RULE {
                return Err(Error::limit(format!("{at}.diagnostics: too many steps")));
            }
            if !s.keywords.is_empty() || !s.error_codes.is_empty() {
                symptom_specs.push(spec(c.id.clone(), &s.keywords, &s.error_codes));
                symptom_cause.push(i);
            }
            if !s.actions.is_empty() {
                action_specs.push(spec(c.id.clone(), &s.actions, &[]));
                action_cause.push(i);
            }
        }
        let mut resolutions_of = vec![Vec::new(); causes.len()];
        for (j, r) in resolutions.iter().enumerate() {
            let at = format!("resolutions[{j}] ({:?})", r.id);
            let Some(&c) = cause_index.get(&r.cause) else {
                return Err(Error::invalid_config(format!(
                    "{at}.cause: unknown cause {:?}",
                    r.cause
                )));
            };
            if !(r.success_rate.is_finite() && (0.0..=1.0).contains(&r.success_rate)) {
                return Err(Error::invalid_config(format!(
                    "{at}.success_rate: {} is not in [0, 1]",
                    r.success_rate
                )));
            }
            if !(r.estimated_minutes.is_finite() && r.estimated_minutes >= 0.0) {
                return Err(Error::invalid_config(format!(
                    "{at}.estimated_minutes: {} is not >= 0",
                    r.estimated_minutes
                )));
            }
            if r.steps.is_empty() || r.steps.len() > limits::MAX_PATTERNS_PER_RULE {
                return Err(Error::invalid_config(format!(
                    "{at}.steps: between 1 and {} steps",
                    limits::MAX_PATTERNS_PER_RULE
                )));
            }
            resolutions_of[c].push(j);
        }
        let feature_specs: Vec<RuleSpec> = features
            .iter()
            .map(|f| spec(f.id.clone(), &f.keywords, &[]))
            .collect();
        let at_rule = |what: &'static str| move |e: Error| e.at(what);
        let symptom_rules = match rules(symptom_specs).map_err(at_rule("causes"))? {
            Some(r) => r,
            None => RuleSet::new(Vec::new(), 0.0)?,
        };
        Ok(KnowledgeBase(Arc::new(KbInner {
            feature_rules: rules(feature_specs).map_err(at_rule("features"))?,
            action_rules: rules(action_specs).map_err(at_rule("causes (actions)"))?,
            code_patterns: symptom_cause
                .iter()
                .flat_map(|&c| causes[c].symptoms.error_codes.iter().cloned())
                .collect(),
            symptom_rules,
            symptom_cause,
            action_cause,
            resolutions_of,
            file: KbFile {
                features,
                causes,
                resolutions,
            },
        })))
    }

    /// The causes, in order.
    pub fn causes(&self) -> &[CauseDef] {
        &self.0.file.causes
    }

    /// The resolutions, in order.
    pub fn resolutions(&self) -> &[ResolutionDef] {
        &self.0.file.resolutions
    }

    /// The features, in order.
    pub fn features(&self) -> &[FeatureDef] {
        &self.0.file.features
    }
}

/// A user's report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Report {
    /// Short title or subject.
    pub title: String,
    /// What the user wrote.
    pub description: String,
    /// Features the user or the form named (ids or names; matched
    /// case-insensitively against the knowledge base).
    pub features: Vec<String>,
}

/// Options of [`extract_symptoms`] and [`diagnose`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiagnoseOptions {
    /// IANA time zone for phrases like "since yesterday" (`UTC`).
    pub timezone: String,
    /// Evidence weight of one matched error code (0.6).
    pub error_code_weight: f64,
    /// Of one matched feature (0.35).
    pub feature_weight: f64,
    /// Of one matched keyword or phrase (0.2).
    pub keyword_weight: f64,
    /// Of one matched action (0.25).
    pub action_weight: f64,
    /// Most causes returned (10).
    pub max_causes: usize,
}

impl Default for DiagnoseOptions {
    fn default() -> Self {
        DiagnoseOptions {
            timezone: "UTC".into(),
            error_code_weight: 0.6,
            feature_weight: 0.35,
            keyword_weight: 0.2,
            action_weight: 0.25,
            max_causes: 10,
        }
    }
}

impl DiagnoseOptions {
    fn tz(&self) -> Result<Tz> {
        self.timezone.parse::<Tz>().map_err(|_| {
            Error::invalid_config(format!(
                "options.timezone: unknown time zone {:?}",
                self.timezone
            ))
        })
    }

    fn validate(&self) -> Result<Tz> {
        for (name, w) in [
            ("error_code_weight", self.error_code_weight),
            ("feature_weight", self.feature_weight),
            ("keyword_weight", self.keyword_weight),
            ("action_weight", self.action_weight),
        ] {
            if !(w.is_finite() && (0.0..1.0).contains(&w)) {
                return Err(Error::invalid_config(format!(
                    "options.{name}: {w} is not in [0, 1)"
                )));
            }
        }
        if self.max_causes > MAX_KB_ENTRIES {
            return Err(Error::invalid_config(format!(
                "options.max_causes: at most {MAX_KB_ENTRIES}"
            )));
        }
        self.tz()
    }
}

/// What kind of error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeKind {
    /// An HTTP status (4xx/5xx with context, or any status after "HTTP").
    Http,
    /// A QuickBooks/Intuit-style code (`H202`, `6000, -83`, `OL-301`,
    /// `PS038`, a number after "error" in a QuickBooks report).
    Quickbooks,
    /// An application code (`ERR_SYNC_TIMEOUT`, `AUTH-1001`, `E1234`,
    /// `0x80070057`).
    Application,
}

/// An error code found in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCode {
    /// The code as normalised (`503`, `H202`, `-6000,-83`).
    pub code: String,
    /// Its kind.
    pub kind: CodeKind,
}

/// A time phrase resolved against `now`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeframe {
    /// The phrase as written (lower-cased).
    pub phrase: String,
    /// When the problem started, at the earliest (`None` when it is tied
    /// to an event whose time the report does not give).
    pub since: Option<DateTime<Utc>>,
    /// When it ended, for phrases like "yesterday".
    pub until: Option<DateTime<Utc>>,
    /// The event it is relative to (`update`, `release`, ...).
    pub event: Option<String>,
}

/// Symptoms extracted from a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Symptoms {
    /// Content words, most frequent first (then first seen).
    pub keywords: Vec<String>,
    /// Error codes, in order of appearance.
    pub error_codes: Vec<ErrorCode>,
    /// What the user was doing ("upload the invoice", "sync").
    pub user_actions: Vec<String>,
    /// Knowledge-base feature ids, from the text and the report's own
    /// list; names the report gave that the knowledge base does not know
    /// are kept as given.
    pub affected_features: Vec<String>,
    /// Time phrases, in order of appearance.
    pub timeframes: Vec<Timeframe>,
}

const STOPWORDS: &[&str] = &[
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "has",
    "have",
    "him",
    "his",
    "how",
    "its",
    "let",
    "may",
    "now",
    "see",
    "she",
    "too",
    "use",
    "that",
    "with",
    "this",
    "from",
    "they",
    "them",
    "then",
    "than",
    "there",
    "their",
    "what",
    "when",
    "where",
    "which",
    "while",
    "will",
    "would",
    "could",
    "should",
    "been",
    "being",
    "into",
    "onto",
    "just",
    "also",
    "very",
    "some",
    "more",
    "most",
    "such",
    "only",
    "even",
    "still",
    "again",
    "after",
    "before",
    "since",
    "about",
    "because",
    "does",
    "did",
    "doing",
    "done",
    "get",
    "got",
    "getting",
    "keep",
    "keeps",
    "kept",
    "every",
    "each",
    "other",
    "here",
    "please",
    "help",
    "thanks",
    "thank",
    "hello",
    "dear",
    "team",
    "trying",
    "tried",
    "try",
    "able",
    "unable",
    "cannot",
    "can't",
    "don't",
    "doesn't",
    "didn't",
    "won't",
    "isn't",
    "wasn't",
    "i'm",
    "it's",
    "we're",
    "yesterday",
    "today",
    "morning",
    "hours",
    "minutes",
    "days",
    "ago",
    "last",
    "week",
    "like",
    "know",
    "need",
    "want",
    "seems",
    "seem",
    "something",
    "anything",
    "nothing",
    "issue",
    "problem",
    "past",
    "worked",
    "works",
    "work",
    "working",
    "twice",
    "again",
    "sometimes",
    "always",
    "never",
];

fn is_stopword(w: &str) -> bool {
    static SET: OnceLock<rustc_hash::FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect())
        .contains(w)
}

fn regexes() -> &'static [(CodeKind, Regex)] {
    static R: OnceLock<Vec<(CodeKind, Regex)>> = OnceLock::new();
    R.get_or_init(|| {
        let specs: [(CodeKind, &str); 6] = [
            (CodeKind::Http, r"(?i)\b(?:http|https)(?:\s+(?:status|error|code))?\s*[:#]?\s*([1-5][0-9]{2})\b"),
            (
                CodeKind::Http,
                r"(?i)\b(?:(?:status|error|err|code)\s*[:#]?\s*([45][0-9]{2})\b|([45][0-9]{2})\s+(?:error|bad request|unauthori[sz]ed|forbidden|not found|method not allowed|request timeout|conflict|gone|payload too large|too many requests|internal server error|not implemented|bad gateway|service unavailable|gateway timeout)\b)",
            ),
            (CodeKind::Quickbooks, r"(?i)\b(H[0-9]{3}|PS[0-9]{3}|OLSU-[0-9]{4}|OL-[0-9]{3})\b"),
            (CodeKind::Quickbooks, r"(-[0-9]{4,5}),\s*(-?[0-9]{1,5})\b"),
            (CodeKind::Application, r"(?i)\b(?:error|code|err)\s*(?:code)?\s*[:#]?\s*([0-9]{4,6})\b"),
            (
                CodeKind::Application,
                r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,6}-[0-9]{2,6}|E[0-9]{3,5}|0x[0-9A-Fa-f]{8})\b",
            ),
        ];
        specs
            .iter()
            .filter_map(|&(k, re)| Regex::new(re).ok().map(|r| (k, r)))
            .collect()
    })
}

/// `None` only if the constant pattern failed to compile (a test pins that it
/// does not); callers then find nothing rather than panic.
fn action_regex() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:(?:tried|trying|try|tries|attempted|attempting|attempt|unable|able|cannot|can't|can not|couldn't|could not|failed|fails|fail|want|wanted|need)\s+to|(?:when|after|while|whenever|every time|each time)\s+(?:i|we|they|users?|customers?|my team)(?:\s+(?:try|tried|am|was|were|are)(?:\s+to)?)?)\s+([a-z]+(?:[ -][a-z]+){0,3})",
        )
        .ok()
    })
    .as_ref()
}

/// `None` only if the constant pattern failed to compile (a test pins that it
/// does not); callers then find nothing rather than panic.
fn timeframe_regex() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:(?:since|from)\s+)?(?:(yesterday|today|this morning|this afternoon|last night|tonight)|(?:(?:for|over|in)\s+)?(?:the\s+)?(?:last|past)\s+(\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of|several)\s+(minute|hour|day|week|month)s?|(\d{1,4}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|a couple of|several)\s+(minute|hour|day|week|month)s?\s+ago|(this|last)\s+(week|month)|(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)|(?:the\s+)?(?:latest\s+|last\s+|recent\s+|new\s+)?(update|upgrade|release|deploy|deployment|migration|new version|patch|maintenance|outage))\b",
        )
        .ok()
    })
    .as_ref()
}

fn count_word(w: &str) -> Option<i64> {
    Some(match w {
        "a" | "an" | "one" => 1,
        "two" | "couple of" | "a couple of" => 2,
        "three" | "few" | "a few" | "several" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        n => n.parse().ok()?,
    })
}

fn unit(u: &str, n: i64) -> Duration {
    match u {
        "minute" => Duration::minutes(n),
        "hour" => Duration::hours(n),
        "day" => Duration::days(n),
        "week" => Duration::weeks(n),
        _ => Duration::days(30 * n),
    }
}

fn timeframes(text: &str, now: DateTime<Utc>, tz: Tz) -> Vec<Timeframe> {
    let local = now.with_timezone(&tz);
    let day_start = |days_back: i64, hour: u32| -> Option<DateTime<Utc>> {
        let d = local.date_naive() - Duration::days(days_back);
        let t = d.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?);
        tz.from_local_datetime(&t)
            .earliest()
            .map(|x| x.with_timezone(&Utc))
    };
    let mut out: Vec<Timeframe> = Vec::new();
    let Some(re) = timeframe_regex() else {
        return out;
    };
    for c in re.captures_iter(text) {
        if out.len() >= MAX_SYMPTOMS {
            break;
        }
        let phrase = c[0].to_lowercase();
        let since_word = phrase.starts_with("since") || phrase.starts_with("from");
        let g = |i: usize| c.get(i).map(|m| m.as_str().to_lowercase());
        let mut tf = Timeframe {
            phrase: phrase.clone(),
            since: None,
            until: None,
            event: None,
        };
        if let Some(w) = g(1) {
            match w.as_str() {
                "yesterday" => {
                    tf.since = day_start(1, 0);
                    if !since_word {
                        tf.until = day_start(0, 0);
                    }
                }
                "today" | "this morning" => tf.since = day_start(0, 0),
                "this afternoon" => tf.since = day_start(0, 12),
                "last night" => {
                    tf.since = day_start(1, 18);
                    if !since_word {
                        tf.until = day_start(0, 6);
                    }
                }
                _ => tf.since = day_start(0, 18), // tonight
            }
        } else if let (Some(n), Some(u)) = (g(2).or(g(4)), g(3).or(g(5))) {
            let Some(n) = count_word(&n).filter(|n| *n <= 10_000) else {
                continue;
            };
            tf.since = Some(now - unit(&u, n));
        } else if let (Some(which), Some(u)) = (g(6), g(7)) {
            let back = i64::from(which == "last");
            tf.since = if u == "week" {
                let wd = i64::from(local.weekday().num_days_from_monday());
                day_start(wd + 7 * back, 0)
            } else {
                let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
                let first = if back == 1 {
                    (first - Duration::days(1)).with_day(1).unwrap_or(first)
                } else {
                    first
                };
                day_start((local.date_naive() - first).num_days(), 0)
            };
            if which == "last" && !since_word {
                tf.until = if u == "week" {
                    day_start(i64::from(local.weekday().num_days_from_monday()), 0)
                } else {
                    let first = local.date_naive().with_day(1).unwrap_or(local.date_naive());
                    day_start((local.date_naive() - first).num_days(), 0)
                };
            }
        } else if let Some(day) = g(8) {
            let Ok(wd) = day.parse::<Weekday>() else {
                continue;
            };
            let back = (7 + i64::from(local.weekday().num_days_from_monday())
                - i64::from(wd.num_days_from_monday()))
                % 7;
            tf.since = day_start(back, 0);
            if !since_word {
                tf.until = day_start(back - 1, 0);
            }
        } else if let Some(ev) = g(9) {
            // Only "after/since the update" is a timeframe; a bare noun is not.
            let start = c.get(0).map_or(0, |m| m.start());
            let before = text[floor_char(text, start.saturating_sub(12))..start].to_lowercase();
            if !(since_word
                || before.trim_end().ends_with("after")
                || before.trim_end().ends_with("since"))
            {
                continue;
            }
            if !since_word {
                tf.phrase = format!("after {phrase}");
            }
            tf.event = Some(if ev == "deployment" {
                "deploy".to_owned()
            } else {
                ev
            });
        }
        if !out.iter().any(|t| t.phrase == tf.phrase) {
            out.push(tf);
        }
    }
    out
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn codes(text: &str) -> Vec<ErrorCode> {
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

fn keywords(text: &str) -> Vec<String> {
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

fn actions(text: &str) -> Vec<String> {
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

fn check_report(report: &Report) -> Result<String> {
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

fn symptoms(
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

/// What matched for one cause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

#[cfg(test)]
mod tests;

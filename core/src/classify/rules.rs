//! Free-text rules: phrases, keywords and error-code patterns that point a
//! ticket at an issue type, compiled once into linear-time matchers.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex_automata::{Input, PatternSet, meta, util::syntax};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::limits;
use crate::validate::check_name;

/// Points a rule earns per distinct pattern found (before its `weight`).
pub(crate) mod points {
    /// A phrase in the subject.
    pub const PHRASE_SUBJECT: f64 = 3.0;
    /// A phrase in the body.
    pub const PHRASE_BODY: f64 = 2.0;
    /// A keyword in the subject.
    pub const KEYWORD_SUBJECT: f64 = 1.5;
    /// A keyword in the body.
    pub const KEYWORD_BODY: f64 = 1.0;
    /// An error-code pattern matching one of the ticket's error codes.
    pub const CODE_GIVEN: f64 = 4.0;
    /// An error-code pattern found in the subject or body text.
    pub const CODE_IN_TEXT: f64 = 3.0;
}

/// Rule sets whose literals total at most this many bytes are matched by a
/// full DFA (a few MB at most); larger ones by the default automaton.
const DFA_MAX_LITERAL_BYTES: usize = 16 * 1024;

const BUILTIN_RULES: &str = include_str!("default_rules.json");

/// One rule as written: evidence for one issue type.
///
/// Phrases and keywords match whole words, ASCII case-insensitively; a
/// keyword ending in `*` matches as a prefix (`sync*` matches "syncing").
/// Error-code patterns are regular expressions (the `regex` crate's syntax,
/// linear time, case-insensitive) that must match a whole error code, or a
/// whole word in the text.
///
/// # Examples
/// ```
/// use opsbrain::classify::RuleSpec;
/// let rule: RuleSpec = serde_json::from_str(r#"{"name": "refunds", "issue_type": "refund_request",
///     "phrases": ["refund my"], "keywords": ["refund*"]}"#)?;
/// assert_eq!(rule.weight, 1.0);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique rule name, reported in [`super::Routing::rule`].
    pub name: String,
    /// The issue type this rule votes for.
    pub issue_type: String,
    /// Multi-word phrases (strong evidence).
    #[serde(default)]
    pub phrases: Vec<String>,
    /// Single words or short terms (weaker evidence).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regular expressions for error codes.
    #[serde(default)]
    pub error_codes: Vec<String>,
    /// Multiplier on the rule's points, in (0, 100]; default 1.
    #[serde(default = "one")]
    pub weight: f64,
}

fn one() -> f64 {
    1.0
}

fn default_min_score() -> f64 {
    1.0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default = "default_min_score")]
    min_score: f64,
    rules: Vec<RuleSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Phrase,
    Keyword,
}

/// One (rule, kind) that owns an Aho-Corasick pattern.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) rule: u32,
    pub(crate) kind: Kind,
    /// Keyword written with a trailing `*`: no right word boundary needed.
    pub(crate) prefix: bool,
}

/// A validated, compiled rule set.
///
/// Built-in rules cover the framework's 15 issue types; replace them with
/// your own in JSON or TOML: `{"min_score": 1.0, "rules": [RuleSpec, ...]}`.
/// A ticket whose best rule scores below `min_score` is unclassified.
///
/// # Examples
/// ```
/// use opsbrain::classify::RuleSet;
/// let rules = RuleSet::from_json(r#"{"rules": [{"name": "refunds",
///     "issue_type": "refund_request", "keywords": ["refund*"]}]}"#)?;
/// assert_eq!(rules.len(), 1);
/// assert!(RuleSet::builtin().len() >= 15);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub(crate) specs: Vec<RuleSpec>,
    pub(crate) min_score: f64,
    pub(crate) literals: AhoCorasick,
    /// The literal of each pattern id (lower-cased); read by ops
    /// (troubleshooting) only.
    #[cfg_attr(not(feature = "ops"), allow(dead_code))]
    pub(crate) literal_texts: Vec<String>,
    /// Owners of each literal pattern, by pattern id.
    pub(crate) hits: Vec<Vec<Hit>>,
    /// The router's evidence text of each literal pattern, written once:
    /// `[phrase "..", keyword ".."]` by pattern id.
    pub(crate) literal_evidence: Vec<[String; 2]>,
    /// The router's evidence text of each error-code pattern (`code /../`).
    pub(crate) code_evidence: Vec<String>,
    /// Error-code patterns anchored to a whole code.
    pub(crate) codes_whole: CodeSet,
    /// The same patterns bounded by word boundaries, for scanning text.
    pub(crate) codes_in_text: CodeSet,
    /// Rule index of each error-code pattern.
    pub(crate) code_rule: Vec<u32>,
}

impl PartialEq for RuleSet {
    fn eq(&self, other: &Self) -> bool {
        self.specs == other.specs && self.min_score == other.min_score
    }
}

impl RuleSet {
    /// The default rule set shipped with opsbrain.
    pub fn builtin() -> Self {
        Self::builtin_ref().clone()
    }

    /// The default rule set, compiled once.
    pub(crate) fn builtin_ref() -> &'static Self {
        static RULES: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        RULES
            .get_or_init(|| Self::from_json(BUILTIN_RULES).expect("the built-in rule set is valid"))
    }

    /// Parses, validates and compiles a JSON rule set.
    ///
    /// # Errors
    /// `parse_error` for malformed JSON or unknown keys; `invalid_config` for
    /// an empty or duplicate rule name, an empty issue type, a rule without
    /// patterns, a blank pattern, a bad regular expression or a weight outside
    /// (0, 100] (the message names the rule); `limit_exceeded` past the
    /// bounds in [`crate::limits`].
    pub fn from_json(text: &str) -> Result<Self> {
        let file: RulesFile = crate::input::from_json(text)?;
        Self::new(file.rules, file.min_score)
    }

    /// Parses a TOML rule set (`min_score = 1.0` and `[[rules]]` tables).
    ///
    /// # Errors
    /// As [`Self::from_json`].
    #[cfg(feature = "toml")]
    #[cfg_attr(docsrs, doc(cfg(feature = "toml")))]
    pub fn from_toml(text: &str) -> Result<Self> {
        let file: RulesFile = crate::input::from_toml(text)?;
        Self::new(file.rules, file.min_score)
    }

    /// Serialises the rule set as JSON that [`Self::from_json`] reads back.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a rule set always serialises to JSON")
    }

    /// Validates and compiles rules. `min_score` must be finite and >= 0.
    ///
    /// # Errors
    /// As [`Self::from_json`], minus parsing.
    pub fn new(specs: Vec<RuleSpec>, min_score: f64) -> Result<Self> {
        if specs.len() > limits::MAX_RULES {
            return Err(Error::limit(format!(
                "rule set has {} rules; at most {} are allowed",
                specs.len(),
                limits::MAX_RULES
            )));
        }
        if !(min_score.is_finite() && min_score >= 0.0) {
            return Err(Error::invalid_config(format!(
                "min_score must be a finite number >= 0, got {min_score}"
            )));
        }
        let mut literal_index: std::collections::HashMap<String, usize> = Default::default();
        let mut literals: Vec<String> = Vec::new();
        let mut hits: Vec<Vec<Hit>> = Vec::new();
        let mut codes: Vec<String> = Vec::new();
        let mut code_rule = Vec::new();
        let mut names = std::collections::HashMap::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            let at = format!("rules[{i}] ({:?})", spec.name);
            validate_spec(spec).map_err(|e| e.at(&at))?;
            if let Some(first) = names.insert(spec.name.as_str(), i) {
                return Err(Error::invalid_config(format!(
                    "{at}: duplicate rule name (first defined at rules[{first}])"
                )));
            }
            let rule = u32::try_from(i).map_err(|_| Error::limit("too many rules"))?;
            let words = spec.phrases.iter().map(|p| (p, Kind::Phrase));
            for (text, kind) in words.chain(spec.keywords.iter().map(|k| (k, Kind::Keyword))) {
                let trimmed = text.trim();
                let (lit, prefix) = match trimmed.strip_suffix('*') {
                    Some(stem) if kind == Kind::Keyword => (stem.trim_end(), true),
                    _ => (trimmed, false),
                };
                let key = lit.to_ascii_lowercase();
                let id = *literal_index.entry(key.clone()).or_insert_with(|| {
                    literals.push(key);
                    hits.push(Vec::new());
                    literals.len() - 1
                });
                hits[id].push(Hit { rule, kind, prefix });
            }
            for pattern in &spec.error_codes {
                // Syntax only, naming the pattern: compiling each pattern on
                // its own cost up to 0.3 s apiece (`\w{900}`); they compile
                // once, together, under one size budget, below.
                if let Err(e) = regex_syntax::ParserBuilder::new().build().parse(pattern) {
                    return Err(Error::invalid_config(format!(
                        "{at}: error code pattern {pattern:?} is not a valid regular expression: {e}"
                    )));
                }
                codes.push(pattern.clone());
                code_rule.push(rule);
            }
        }
        if codes.len() > limits::MAX_ERROR_CODE_PATTERNS {
            return Err(Error::limit(format!(
                "rule set has {} error-code patterns; at most {} are allowed",
                codes.len(),
                limits::MAX_ERROR_CODE_PATTERNS
            )));
        }
        // A full DFA is the fastest matcher (about twice the default NFA on
        // the built-in rules) but its size grows with the patterns: used
        // only for rule sets of modest size.
        let total: usize = literals.iter().map(String::len).sum();
        let kind = (total <= DFA_MAX_LITERAL_BYTES).then_some(AhoCorasickKind::DFA);
        let literals_ac = AhoCorasickBuilder::new()
            .kind(kind)
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&literals)
            .map_err(|e| Error::limit(format!("rule literals do not compile: {e}")))?;
        let codes_whole = code_set(codes.iter().map(|p| format!("^(?:{p})$")))?;
        let codes_in_text = code_set(codes.iter().map(|p| format!(r"(?-u:\b)(?:{p})(?-u:\b)")))?;
        let literal_evidence = literals
            .iter()
            .map(|l| [format!("phrase {l:?}"), format!("keyword {l:?}")])
            .collect();
        let code_evidence = codes.iter().map(|p| format!("code /{p}/")).collect();
        Ok(RuleSet {
            specs,
            min_score,
            literal_evidence,
            code_evidence,
            literals: literals_ac,
            literal_texts: literals,
            hits,
            codes_whole,
            codes_in_text,
            code_rule,
        })
    }

    /// Every whole-word literal match in `text`, as `(rule, kind, literal)`:
    /// a match counts when it starts at a word boundary and ends at one (or
    /// the keyword was written with a trailing `*`). Linear in the text
    /// plus the matches. The one place that decides what a word match is,
    /// for the router and for `ops`' knowledge base.
    pub(crate) fn for_each_literal(&self, text: &str, mut f: impl FnMut(u32, Kind, usize)) {
        let bytes = text.as_bytes();
        for m in self.literals.find_overlapping_iter(text) {
            let pid = m.pattern().as_usize();
            let left_ok =
                m.start() == 0 || !is_word(bytes[m.start() - 1]) || !is_word(bytes[m.start()]);
            if !left_ok {
                continue;
            }
            let right_open =
                m.end() == bytes.len() || !is_word(bytes[m.end()]) || !is_word(bytes[m.end() - 1]);
            for hit in &self.hits[pid] {
                if right_open || hit.prefix {
                    f(hit.rule, hit.kind, pid);
                }
            }
        }
    }

    /// The literal (lower-cased) of pattern `pid`.
    #[cfg_attr(not(feature = "ops"), allow(dead_code))] // troubleshooting
    pub(crate) fn literals_text(&self, pid: usize) -> &str {
        self.literal_texts.get(pid).map_or("", String::as_str)
    }

    /// Rule indexes whose error-code patterns match `code` as a whole.
    #[cfg_attr(not(feature = "ops"), allow(dead_code))] // troubleshooting
    pub(crate) fn code_rules_whole(&self, code: &str) -> impl Iterator<Item = (u32, usize)> + '_ {
        let set = if self.code_rule.is_empty() {
            None
        } else {
            Some(self.codes_whole.match_ids(code.trim()))
        };
        set.into_iter().flatten().map(|i| (self.code_rule[i], i))
    }

    /// Rule indexes whose error-code patterns occur as words in `text`.
    #[cfg_attr(not(feature = "ops"), allow(dead_code))] // troubleshooting
    pub(crate) fn code_rules_in_text(&self, text: &str) -> impl Iterator<Item = (u32, usize)> + '_ {
        let set = if self.code_rule.is_empty() {
            None
        } else {
            Some(self.codes_in_text.match_ids(text))
        };
        set.into_iter().flatten().map(|i| (self.code_rule[i], i))
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[RuleSpec] {
        &self.specs
    }

    /// The minimum score for a ticket to be classified.
    pub fn min_score(&self) -> f64 {
        self.min_score
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// Whether there are no rules (every ticket is then unclassified).
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}

impl Serialize for RuleSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        RulesFile {
            min_score: self.min_score,
            rules: self.specs.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RuleSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let file = RulesFile::deserialize(d)?;
        RuleSet::new(file.rules, file.min_score).map_err(serde::de::Error::custom)
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Error-code sets of at most this many patterns get a literal prefilter
/// (the built-in rules have 19). regex's literal extraction merges the
/// literals of every pattern of a set, at a cost that grows with the square
/// of the pattern count: 10,000 patterns like `E[0-9]{4}-17` took 82 s to
/// compile with it and take 0.1 s without it.
const PREFILTER_MAX_PATTERNS: usize = 256;

/// A compiled set of error-code patterns: which of them match a text.
#[derive(Debug, Clone)]
pub(crate) struct CodeSet(meta::Regex);

impl CodeSet {
    /// Compiles `patterns` together, case-insensitively, within
    /// [`limits::MAX_REGEX_BYTES`].
    pub(crate) fn new(patterns: &[String]) -> Result<Self> {
        let config = meta::Config::new()
            .match_kind(regex_automata::MatchKind::All)
            .utf8_empty(true)
            .auto_prefilter(patterns.len() <= PREFILTER_MAX_PATTERNS)
            .nfa_size_limit(Some(limits::MAX_REGEX_BYTES))
            .hybrid_cache_capacity(limits::MAX_REGEX_BYTES);
        meta::Builder::new()
            .configure(config)
            .syntax(syntax::Config::new().case_insensitive(true))
            .build_many(patterns)
            .map(Self)
            .map_err(|e| Error::limit(format!("error-code patterns do not compile together: {e}")))
    }

    /// The patterns that match somewhere in `text`.
    pub(crate) fn matches(&self, text: &str) -> PatternSet {
        let mut set = PatternSet::new(self.0.pattern_len());
        self.0
            .which_overlapping_matches(&Input::new(text), &mut set);
        set
    }

    /// The ids of the patterns that match somewhere in `text`, ascending.
    #[cfg_attr(not(feature = "ops"), allow(dead_code))] // troubleshooting
    pub(crate) fn match_ids(&self, text: &str) -> Vec<usize> {
        self.matches(text).iter().map(|p| p.as_usize()).collect()
    }
}

fn code_set(patterns: impl Iterator<Item = String>) -> Result<CodeSet> {
    CodeSet::new(&patterns.collect::<Vec<_>>())
}

fn validate_spec(spec: &RuleSpec) -> Result<()> {
    check_name("name", &spec.name)?;
    check_name("issue_type", &spec.issue_type)?;
    let n = spec.phrases.len() + spec.keywords.len() + spec.error_codes.len();
    if n == 0 {
        return Err(Error::invalid_config(
            "a rule needs at least one phrase, keyword or error code",
        ));
    }
    if n > limits::MAX_PATTERNS_PER_RULE {
        return Err(Error::limit(format!(
            "rule has {n} patterns; at most {} are allowed",
            limits::MAX_PATTERNS_PER_RULE
        )));
    }
    let fields = [
        ("phrases", &spec.phrases),
        ("keywords", &spec.keywords),
        ("error_codes", &spec.error_codes),
    ];
    for (field, list) in fields {
        for (j, p) in list.iter().enumerate() {
            if p.trim().trim_end_matches('*').trim().is_empty() {
                return Err(Error::invalid_config(format!("{field}[{j}] is blank")));
            }
            if p.len() > limits::MAX_PATTERN_BYTES {
                return Err(Error::limit(format!(
                    "{field}[{j}] is {} bytes; at most {} are allowed",
                    p.len(),
                    limits::MAX_PATTERN_BYTES
                )));
            }
        }
    }
    if !(spec.weight.is_finite() && spec.weight > 0.0 && spec.weight <= 100.0) {
        return Err(Error::invalid_config(format!(
            "weight must be in (0, 100], got {}",
            spec.weight
        )));
    }
    Ok(())
}

pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule sets of heavy patterns used to compile each pattern on its own
    /// first (1,000 of these took 47 s; 10,000 `\w{900}` ran past ten
    /// minutes); now they compile once, together, and stop at the budget.
    #[test]
    fn heavy_error_code_patterns_stop_at_the_budget() {
        let rules: Vec<serde_json::Value> = (0..1_000)
            .map(|i| {
                serde_json::json!({"name": format!("r{i}"), "issue_type": "t",
                    "error_codes": [format!("(?:\\pL|\\pN){{200}}{i}")]})
            })
            .collect();
        let text = serde_json::json!({ "rules": rules }).to_string();
        let e = RuleSet::from_json(&text).unwrap_err();
        assert_eq!(e.code(), "limit_exceeded", "{e}");
        assert!(e.to_string().contains("do not compile together"), "{e}");
        // A syntax error still names its rule and pattern.
        let e = RuleSet::from_json(
            r#"{"rules": [{"name": "a", "issue_type": "t", "error_codes": ["QB-("]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(
            e.to_string().contains(r#"rules[0] ("a")"#) && e.to_string().contains("QB-("),
            "{e}"
        );
        let e = RuleSet::from_json(
            r#"{"rules": [{"name": "a", "issue_type": "t", "error_codes": ["\\p{Nope}"]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_config", "{e}");
    }

    /// 10,000 patterns sharing a class prefix (`E[0-9]{4}-17`) took 82 s to
    /// compile in one regex set with its literal prefilter (the merge of
    /// the patterns' literals is quadratic); large sets now compile without
    /// one. The documented pattern bound is reachable by such a set.
    #[test]
    fn the_pattern_bound_is_reachable() {
        let n = limits::MAX_ERROR_CODE_PATTERNS;
        let rules: Vec<serde_json::Value> = (0..n)
            .map(|i| {
                serde_json::json!({"name": format!("r{i}"), "issue_type": "t",
                    "error_codes": [format!("E[0-9]{{4}}-{i}")]})
            })
            .collect();
        let text = serde_json::json!({ "rules": rules }).to_string();
        let rules = RuleSet::from_json(&text).unwrap();
        let hits: Vec<_> = rules.code_rules_in_text("see e1234-9876 twice").collect();
        assert_eq!(hits, [(9876, 9876)]);
        let whole: Vec<_> = rules.code_rules_whole(" E0000-0 ").collect();
        assert_eq!(whole, [(0, 0)]);
        // One more is refused before compiling.
        let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["rules"][0]["error_codes"]
            .as_array_mut()
            .unwrap()
            .push("X1".into());
        let e = RuleSet::from_json(&v.to_string()).unwrap_err();
        assert_eq!(e.code(), "limit_exceeded", "{e}");
    }

    #[test]
    fn builtin_rules_cover_every_builtin_type() {
        let rules = RuleSet::builtin();
        let table = super::super::ClassificationTable::builtin();
        for (ty, _) in table.iter() {
            assert!(
                rules.rules().iter().any(|r| r.issue_type == ty),
                "no rule for {ty}"
            );
        }
        for r in rules.rules() {
            assert!(
                table.contains(&r.issue_type),
                "rule {} names unknown type",
                r.name
            );
        }
    }

    #[test]
    fn bad_rules_name_the_rule() {
        let e = RuleSet::from_json(
            r#"{"rules": [{"name": "x", "issue_type": "t", "error_codes": ["("]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_config");
        assert!(e.message.starts_with("rules[0] (\"x\")"), "{}", e.message);
        let e = RuleSet::from_json(r#"{"rules": [{"name": "x", "issue_type": "t"}]}"#).unwrap_err();
        assert!(e.message.contains("at least one"), "{}", e.message);
        let e = RuleSet::from_json(
            r#"{"rules": [{"name": "x", "issue_type": "t", "keywords": ["a"], "weight": -1}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("weight"), "{}", e.message);
        let two = r#"{"rules": [{"name": "x", "issue_type": "t", "keywords": ["a"]},
                                {"name": "x", "issue_type": "u", "keywords": ["b"]}]}"#;
        assert!(
            RuleSet::from_json(two)
                .unwrap_err()
                .message
                .contains("duplicate rule name")
        );
    }

    #[test]
    fn round_trips_through_json() {
        let rules = RuleSet::builtin();
        let again = RuleSet::from_json(&rules.to_json()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, rules);
    }
}

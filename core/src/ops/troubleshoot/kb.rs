//! The knowledge base: features, causes with symptom patterns, resolutions;
//! validated and compiled once, shared by cheap clones.

use super::*;

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
#[non_exhaustive]
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
pub(crate) struct KbFile {
    #[serde(default)]
    pub(crate) features: Vec<FeatureDef>,
    pub(crate) causes: Vec<CauseDef>,
    #[serde(default)]
    pub(crate) resolutions: Vec<ResolutionDef>,
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
pub struct KnowledgeBase(pub(crate) Arc<KbInner>);

#[derive(Debug)]
pub(crate) struct KbInner {
    pub(crate) file: KbFile,
    /// Keywords and error codes, one rule per cause that has any.
    pub(crate) symptom_rules: RuleSet,
    pub(crate) symptom_cause: Vec<usize>,
    /// Error-code patterns by the symptom rules' code index.
    pub(crate) code_patterns: Vec<String>,
    /// Feature keywords, one rule per feature.
    pub(crate) feature_rules: Option<RuleSet>,
    /// Action words, one rule per cause that has any.
    pub(crate) action_rules: Option<RuleSet>,
    pub(crate) action_cause: Vec<usize>,
    /// Resolutions of each cause, by cause index.
    pub(crate) resolutions_of: Vec<Vec<usize>>,
}

impl PartialEq for KnowledgeBase {
    fn eq(&self, other: &Self) -> bool {
        self.0.file == other.0.file
    }
}

pub(crate) fn unique<'a>(
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, usize>> {
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

pub(crate) fn rules(specs: Vec<RuleSpec>) -> Result<Option<RuleSet>> {
    if specs.is_empty() {
        return Ok(None);
    }
    RuleSet::new(specs, 0.0).map(Some)
}

pub(crate) fn spec(name: String, keywords: &[String], codes: &[String]) -> RuleSpec {
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
            KnowledgeBase::from_json(include_str!("../default_kb.json"))
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
        let file: KbFile = crate::input::from_json(text)?;
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

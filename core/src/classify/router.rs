//! Routing free-text tickets: rules pick the issue type, the table gives the route.

use std::sync::OnceLock;

use crate::par::*;
use serde::{Deserialize, Serialize};

use super::model::{self, FitOptions, FitReport, OTHER, TextModel, Vocab};
use super::rules::{Kind, RuleSet, points};
use super::table::{ClassificationTable, Route};
use crate::error::{Error, ErrorKind, Result};
use crate::limits;
use crate::types::Channel;

/// The issue type given to a ticket no rule matched well enough.
pub const UNCLASSIFIED: &str = "unclassified";

/// A support ticket as the router sees it.
///
/// Serde form: `{"subject", "body"?, "error_codes"?, "channel"?}`; `channel`
/// defaults to `"email"`.
///
/// # Examples
/// ```
/// use opsbrain::classify::Ticket;
/// let t: Ticket = serde_json::from_str(r#"{"subject": "Can't log in"}"#)?;
/// assert_eq!(t.channel, opsbrain::Channel::Email);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ticket {
    /// Subject line.
    pub subject: String,
    /// Free-text body.
    #[serde(default)]
    pub body: String,
    /// Error codes attached by the reporting system (`"QB-1021"`, `"HTTP 503"`).
    #[serde(default)]
    pub error_codes: Vec<String>,
    /// Channel the ticket arrived on.
    #[serde(default = "email")]
    pub channel: Channel,
}

fn email() -> Channel {
    Channel::Email
}

impl Ticket {
    /// A ticket with a subject only, on email.
    pub fn new(subject: impl Into<String>) -> Self {
        Ticket {
            subject: subject.into(),
            body: String::new(),
            error_codes: Vec::new(),
            channel: Channel::Email,
        }
    }
}

impl Ticket {
    /// A batch of tickets from a JSON array at path `at`: the batch size
    /// checked first ([`check_batch`]), then each ticket read as
    /// [`Ticket::try_from`] does, its errors at `at[i]`.
    ///
    /// # Errors
    /// `invalid_type` for a value that is not an array; as [`check_batch`]
    /// and [`Ticket::try_from`].
    ///
    /// # Examples
    /// ```
    /// use opsbrain::classify::Ticket;
    /// let v = serde_json::json!([{"subject": "Site down"}, {"body": "?"}]);
    /// let err = Ticket::list(&v, "tickets").unwrap_err();
    /// assert_eq!(err.code(), "missing_key");
    /// assert!(err.message.starts_with("tickets[1]"), "{}", err.message);
    /// ```
    pub fn list(value: &serde_json::Value, at: &str) -> Result<Vec<Ticket>> {
        let list = value.as_array().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidType,
                format!("{at} must be an array of ticket objects"),
            )
        })?;
        check_batch(list.len())?;
        list.iter()
            .enumerate()
            .map(|(i, t)| ticket_at(t, &format!("{at}[{i}]")))
            .collect()
    }
}

impl TryFrom<&serde_json::Value> for Ticket {
    type Error = Error;

    /// Reads a ticket from a JSON object, with the error codes the bindings
    /// use: `missing_key` without `subject`, `invalid_type` for a field of
    /// the wrong type, `invalid_input` for an unknown key or channel.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::classify::Ticket;
    /// let v = serde_json::json!({"subject": "Site down", "channel": "phone"});
    /// assert_eq!(Ticket::try_from(&v)?.channel, opsbrain::Channel::Phone);
    /// let bad = serde_json::json!({"body": "no subject"});
    /// assert_eq!(Ticket::try_from(&bad).unwrap_err().code(), "missing_key");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    fn try_from(value: &serde_json::Value) -> Result<Ticket> {
        ticket_at(value, "")
    }
}

impl Ticket {
    /// [`Ticket::try_from`] for the ticket at path `at` (an argument name or
    /// `tickets[3]`), which prefixes the path of every error.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::classify::Ticket;
    /// let v = serde_json::json!({"subject": "x", "channel": "fax"});
    /// let e = Ticket::from_value_at(&v, "ticket").unwrap_err();
    /// assert!(e.message.starts_with("ticket.channel: unknown channel"), "{}", e.message);
    /// ```
    ///
    /// # Errors
    /// As [`Ticket::try_from`].
    pub fn from_value_at(value: &serde_json::Value, at: &str) -> Result<Ticket> {
        ticket_at(value, at)
    }
}

/// Reads the ticket at path `at` with the one loader
/// ([`crate::input::from_value_at`]), its error codes' count checked first.
fn ticket_at(value: &serde_json::Value, at: &str) -> Result<Ticket> {
    if let Some(codes) = value.get("error_codes").and_then(|c| c.as_array()) {
        let path = if at.is_empty() {
            "error_codes".to_owned()
        } else {
            format!("{at}.error_codes")
        };
        check_codes_len(codes.len()).map_err(|e| e.at(path))?;
    }
    crate::input::from_value_at(value, at)
}

/// The routing decision for one ticket.
///
/// # Examples
/// ```
/// use opsbrain::classify::{Router, Ticket};
/// let r = Router::builtin().route_ticket(&Ticket::new("Password reset link expired"))?;
/// assert_eq!(r.issue_type, "password_reset");
/// assert!(r.confidence > 0.5);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Routing {
    /// The chosen issue type, or [`UNCLASSIFIED`].
    pub issue_type: String,
    /// Name of the rule that decided, if any.
    pub rule: Option<String>,
    /// In [0, 1]; 0 when unclassified. With a text model, the chosen type's
    /// probability (calibrated on held-out tickets); a router of rules
    /// alone grows it with the winning score and with its margin over the
    /// best rule for a different issue type.
    #[serde(deserialize_with = "unit_interval")]
    pub confidence: f64,
    /// The winning rule's points (see [`RuleSet`]), at least 0.
    #[serde(deserialize_with = "non_negative")]
    pub score: f64,
    /// Tier, priority, department and first-response target.
    pub route: Route,
    /// The most probable issue types with their probabilities, best first
    /// (at most three; empty for a router without a text model).
    #[serde(default)]
    pub candidates: Vec<Candidate>,
    /// Why: the phrases, keywords and error codes the winning type's rules
    /// matched (`phrase "reset link"`, `keyword "login"`, `code "QB-1021"`)
    /// and the text features that weighed most for it (`w:password +0.42`).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// An issue type the text model considered, with its probability.
///
/// ```
/// use opsbrain::classify::{Router, Ticket};
/// let r = Router::builtin().route_ticket(&Ticket::new("Do you support multi-currency invoices?"))?;
/// assert_eq!(r.issue_type, opsbrain::classify::UNCLASSIFIED);
/// assert_eq!(r.candidates[0].issue_type, opsbrain::classify::OTHER);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Candidate {
    /// The issue type (`other`: not an incident).
    pub issue_type: String,
    /// Its probability under the model, in [0, 1].
    #[serde(deserialize_with = "unit_interval")]
    pub probability: f64,
}

/// Reads a number in `[0, 1]` (a confidence or probability read back).
fn unit_interval<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    let v = <f64 as Deserialize>::deserialize(d)?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!("{v} is outside [0, 1]")))
    }
}

/// Reads a finite number of at least 0 (a score read back).
fn non_negative<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    let v = <f64 as Deserialize>::deserialize(d)?;
    if v >= 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "{v} is not a finite number >= 0"
        )))
    }
}

/// The rules' evidence on one ticket.
#[derive(Default)]
struct RuleEvidence {
    /// (rule, score), in rule order, for every rule that matched.
    per_rule: Vec<(usize, f64)>,
    /// (pattern key, rule, points) of every distinct match, by rule.
    matched: Vec<(u64, u32, f64)>,
}

/// Routes tickets: a [`RuleSet`] to choose the issue type, a
/// [`ClassificationTable`] to turn it into a [`Route`].
///
/// Matching is linear in the ticket's length (Aho-Corasick for phrases and
/// keywords, a DFA-backed regex set for error codes). Each distinct pattern
/// counts once per field. A rule's score is the sum of its points times its
/// weight; the highest score wins and ties go to the rule listed first.
///
/// # Examples
/// ```
/// use opsbrain::classify::{Router, Ticket};
/// use opsbrain::Channel;
/// let router = Router::builtin();
/// let mut t = Ticket::new("QuickBooks sync failed overnight");
/// t.channel = Channel::Chat;
/// let r = router.route_ticket(&t)?;
/// assert_eq!(r.route.department, "integrations");
/// assert_eq!(r.route.first_response.num_minutes(), 30);
/// # Ok::<(), opsbrain::Error>(())
/// ```
///
/// Serialises as `{"table": <table>, "rules": <rule set>}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Router {
    table: ClassificationTable,
    rules: RuleSet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    model: Option<TextModel>,
}

const BUILTIN_MODEL: &str = include_str!("model.json");

/// The built-in text model, trained on the corpus in
/// `examples/data/tickets` with the built-in rules' evidence as features.
pub fn builtin_model() -> &'static TextModel {
    static MODEL: OnceLock<TextModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        crate::input::from_json(BUILTIN_MODEL).expect("the built-in model is valid")
    })
}

#[doc(hidden)] // a helper for the bindings and tests, not part of the documented API
/// The built-in router, built on first use and shared (it is immutable).
pub fn default_router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(Router::builtin)
}

impl Router {
    /// A router from a table and a rule set. With the built-in rules it
    /// also gets the built-in text model (trained with their evidence); a
    /// rule set of your own routes by its rules alone until [`Router::fit`]
    /// trains a model on your labelled tickets.
    pub fn new(table: ClassificationTable, rules: RuleSet) -> Self {
        let model = (rules == *RuleSet::builtin_ref())
            .then(|| builtin_model().clone())
            .filter(|m| !m.is_empty());
        Router {
            table,
            rules,
            model,
        }
    }

    /// The built-in table, rules and text model.
    pub fn builtin() -> Self {
        Router::new(ClassificationTable::builtin(), RuleSet::builtin())
    }

    /// The same table and rules with another text model (`None`: rules
    /// alone).
    ///
    /// ```
    /// use opsbrain::classify::{Router, Ticket};
    /// let rules_only = Router::builtin().with_model(None);
    /// assert!(rules_only.model().is_none() && Router::builtin().model().is_some());
    /// let r = rules_only.route_ticket(&Ticket::new("Forgot my password"))?;
    /// assert_eq!((r.issue_type.as_str(), r.candidates.len()), ("password_reset", 0));
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn with_model(mut self, model: Option<TextModel>) -> Self {
        self.model = model;
        self
    }

    /// The text model, if any.
    pub fn model(&self) -> Option<&TextModel> {
        self.model.as_ref()
    }

    /// Trains the text model on labelled tickets (a team's own history),
    /// on top of the rules: their evidence per issue type is a feature, and
    /// with `warm_start` (the default) training starts from the current
    /// model, whose labels are kept. Labels may be new issue types (routed
    /// through the table's default unless the table has them); the label
    /// [`model::OTHER`] marks tickets that are not incidents. Reports a
    /// cross-validated accuracy and confusion matrix of the same training
    /// on held-out folds. Deterministic for a given `seed`.
    ///
    /// ```
    /// use opsbrain::classify::{FitOptions, Router, Ticket};
    /// let tickets: Vec<Ticket> = ["invoice pdf is blank", "pdf of the invoice empty",
    ///     "blank invoice pdf again", "cannot log in", "login fails", "log in broken"]
    ///     .into_iter().map(Ticket::new).collect();
    /// let labels = ["pdf_export", "pdf_export", "pdf_export", "login_failed", "login_failed", "login_failed"];
    /// let labels: Vec<String> = labels.iter().map(|s| s.to_string()).collect();
    /// let mut router = Router::builtin();
    /// let report = router.fit(&tickets, &labels, &FitOptions { folds: 3, ..FitOptions::default() })?;
    /// assert_eq!(report.tickets, 6);
    /// assert_eq!(router.route_ticket(&Ticket::new("the invoice pdf is blank"))?.issue_type, "pdf_export");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    ///
    /// # Errors
    /// `dimension_mismatch` when the counts differ; `invalid_input` for
    /// fewer than two labels or a bad label; `limit_exceeded` past
    /// [`model::MAX_FIT_TICKETS`] or a ticket's limits; `invalid_config`
    /// for bad options.
    pub fn fit(
        &mut self,
        tickets: &[Ticket],
        labels: &[String],
        options: &FitOptions,
    ) -> Result<FitReport> {
        if tickets.len() != labels.len() {
            return Err(Error::new(
                ErrorKind::DimensionMismatch,
                format!("{} tickets but {} labels", tickets.len(), labels.len()),
            ));
        }
        if tickets.len() > model::MAX_FIT_TICKETS {
            return Err(Error::limit(format!(
                "{} tickets; at most {} are allowed",
                tickets.len(),
                model::MAX_FIT_TICKETS
            )));
        }
        for (i, (t, l)) in tickets.iter().zip(labels).enumerate() {
            check_ticket(&t.subject, &t.body, &t.error_codes)
                .map_err(|e| e.at(format!("tickets[{i}]")))?;
            crate::validate::check_name("label", l).map_err(|e| e.at(format!("labels[{i}]")))?;
        }
        let mut distinct: Vec<&String> = labels.iter().collect();
        distinct.sort();
        distinct.dedup();
        if distinct.len() < 2 {
            return Err(Error::invalid_input(
                "fit needs tickets of at least two labels",
            ));
        }
        let current = self.model.as_ref().filter(|_| options.warm_start);
        let mut vocab = Vocab::from_model(current);
        let x: Vec<model::Sparse> = tickets
            .iter()
            .map(|t| {
                let ev = self.rule_evidence(&t.subject, &t.body, &t.error_codes);
                let scores = self.type_scores(&ev);
                model::sparse(&t.subject, &t.body, &t.error_codes, &scores, |n| {
                    Some(vocab.row(n))
                })
            })
            .collect();
        let (m, report) = model::fit(self.model.as_ref(), vocab, x, labels, options)?;
        self.model = Some(m);
        Ok(report)
    }

    /// The classification table.
    pub fn table(&self) -> &ClassificationTable {
        &self.table
    }

    /// The rule set.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// Routes one ticket.
    ///
    /// # Errors
    /// `limit_exceeded` when subject + body exceed
    /// [`limits::MAX_TICKET_TEXT_BYTES`], or the ticket carries more than
    /// [`limits::MAX_TICKET_ERROR_CODES`] error codes or one longer than
    /// [`limits::MAX_NAME_BYTES`].
    pub fn route_ticket(&self, ticket: &Ticket) -> Result<Routing> {
        self.route(
            &ticket.subject,
            &ticket.body,
            &ticket.error_codes,
            ticket.channel,
        )
    }

    /// Routes one ticket given as borrowed parts (no copies).
    ///
    /// # Errors
    /// As [`Self::route_ticket`].
    pub fn route<S: AsRef<str>>(
        &self,
        subject: &str,
        body: &str,
        error_codes: &[S],
        channel: Channel,
    ) -> Result<Routing> {
        check_ticket(subject, body, error_codes)?;
        thread_local! {
            // Reused from ticket to ticket on one thread.
            static EVIDENCE: std::cell::RefCell<RuleEvidence> = std::cell::RefCell::default();
        }
        Ok(EVIDENCE.with(|cell| match cell.try_borrow_mut() {
            Ok(mut ev) => self.route_in(&mut ev, subject, body, error_codes, channel),
            Err(_) => self.route_in(
                &mut RuleEvidence::default(),
                subject,
                body,
                error_codes,
                channel,
            ),
        }))
    }

    fn route_in<S: AsRef<str>>(
        &self,
        ev: &mut RuleEvidence,
        subject: &str,
        body: &str,
        error_codes: &[S],
        channel: Channel,
    ) -> Routing {
        self.rule_evidence_into(ev, subject, body, error_codes);
        let ev = &*ev;
        if let Some(m) = &self.model {
            return self.route_with_model(m, subject, body, error_codes, channel, ev);
        }
        let (winner, score, runner_up) = self.best_rule(ev);
        match winner {
            Some(rule) if score >= self.rules.min_score && score > 0.0 => {
                let spec = &self.rules.specs[rule];
                Routing {
                    issue_type: spec.issue_type.clone(),
                    rule: Some(spec.name.clone()),
                    confidence: confidence(score, runner_up),
                    score,
                    route: self.table.classify_for(&spec.issue_type, channel),
                    candidates: Vec::new(),
                    evidence: self.matched_for(ev, &spec.issue_type),
                }
            }
            _ => Routing {
                issue_type: UNCLASSIFIED.to_owned(),
                rule: None,
                confidence: 0.0,
                score: winner.map_or(0.0, |_| score),
                route: self.table.classify_for(UNCLASSIFIED, channel),
                candidates: Vec::new(),
                evidence: Vec::new(),
            },
        }
    }

    fn route_with_model<S: AsRef<str>>(
        &self,
        m: &TextModel,
        subject: &str,
        body: &str,
        error_codes: &[S],
        channel: Channel,
        ev: &RuleEvidence,
    ) -> Routing {
        let scores = self.type_scores(ev);
        let (p, x) = m.predict(subject, body, error_codes, &scores);
        let top = model::argmax(&p);
        // The three most probable, best first (ties to the earlier label).
        let mut order: Vec<usize> = Vec::with_capacity(4);
        for i in 0..p.len() {
            let at = order
                .iter()
                .position(|&j| p[i] > p[j])
                .unwrap_or(order.len());
            if at < 3 {
                order.insert(at, i);
                order.truncate(3);
            }
        }
        let candidates = order
            .iter()
            .map(|&i| Candidate {
                issue_type: m.labels()[i].clone(),
                probability: p[i],
            })
            .collect();
        let label = &m.labels()[top];
        let issue_type = if label == OTHER || p[top] < m.threshold() {
            UNCLASSIFIED
        } else {
            label.as_str()
        };
        let best = ev
            .per_rule
            .iter()
            .filter(|(r, _)| self.rules.specs[*r].issue_type == issue_type)
            .fold(None, |b: Option<(usize, f64)>, &(r, sc)| match b {
                Some((_, bs)) if bs >= sc => b,
                _ => Some((r, sc)),
            });
        let mut evidence = if issue_type == UNCLASSIFIED {
            Vec::new()
        } else {
            self.matched_for(ev, issue_type)
        };
        evidence.extend(
            m.evidence(&x, top, 3)
                .into_iter()
                .map(|(name, w)| weighted(name, w)),
        );
        Routing {
            issue_type: issue_type.to_owned(),
            rule: best.map(|(r, _)| self.rules.specs[r].name.clone()),
            confidence: if issue_type == UNCLASSIFIED {
                0.0
            } else {
                p[top]
            },
            score: best.map_or(0.0, |(_, sc)| sc),
            route: self.table.classify_for(issue_type, channel),
            candidates,
            evidence,
        }
    }

    /// The best rule score per issue type, as the text model's features.
    fn type_scores<'a>(&'a self, ev: &RuleEvidence) -> Vec<(&'a str, f64)> {
        let mut out: Vec<(&str, f64)> = Vec::new();
        for &(r, sc) in &ev.per_rule {
            let t = self.rules.specs[r].issue_type.as_str();
            match out.iter_mut().find(|(u, _)| *u == t) {
                Some(x) => x.1 = x.1.max(sc),
                None => out.push((t, sc)),
            }
        }
        out
    }

    /// What the rules of `issue_type` matched, deduplicated.
    fn matched_for(&self, ev: &RuleEvidence, issue_type: &str) -> Vec<String> {
        let rules = &self.rules;
        let mut out: Vec<&str> = Vec::new();
        for &(key, rule, pts) in &ev.matched {
            let r = rule as usize;
            if rules.specs[r].issue_type != issue_type {
                continue;
            }
            let pid = (key >> 2) as usize;
            let what = match key & 3 {
                2 => &rules.code_evidence[pid],
                _ => &rules.literal_evidence[pid][usize::from(pts < points::PHRASE_BODY)],
            };
            if !out.contains(&what.as_str()) {
                out.push(what);
            }
        }
        out.into_iter().map(str::to_owned).collect()
    }

    /// Routes many tickets in parallel; the output keeps the input order and
    /// does not depend on the number of threads.
    ///
    /// # Errors
    /// The first bad ticket's error, prefixed with `tickets[i]`;
    /// `limit_exceeded` past [`limits::MAX_BATCH_TICKETS`].
    pub fn route_batch(&self, tickets: &[Ticket]) -> Result<Vec<Routing>> {
        check_batch(tickets.len())?;
        tickets
            .par_iter()
            .enumerate()
            .map(|(i, t)| {
                self.route_ticket(t)
                    .map_err(|e| e.at(format!("tickets[{i}]")))
            })
            .collect()
    }

    /// Scores every rule on a ticket and records what matched.
    fn rule_evidence<S: AsRef<str>>(&self, subject: &str, body: &str, codes: &[S]) -> RuleEvidence {
        let mut ev = RuleEvidence::default();
        self.rule_evidence_into(&mut ev, subject, body, codes);
        ev
    }

    /// [`Self::rule_evidence`] into reused buffers.
    fn rule_evidence_into<S: AsRef<str>>(
        &self,
        ev: &mut RuleEvidence,
        subject: &str,
        body: &str,
        codes: &[S],
    ) {
        let rules = &self.rules;
        // (pattern key, rule, points): deduplicated so each pattern counts once per field.
        let RuleEvidence {
            per_rule,
            matched: found,
        } = ev;
        found.clear();
        per_rule.clear();
        for (field, text) in [(0u64, subject), (1u64, body)] {
            rules.for_each_literal(text, |rule, kind, pid| {
                let pts = match (kind, field) {
                    (Kind::Phrase, 0) => points::PHRASE_SUBJECT,
                    (Kind::Phrase, _) => points::PHRASE_BODY,
                    (Kind::Keyword, 0) => points::KEYWORD_SUBJECT,
                    (Kind::Keyword, _) => points::KEYWORD_BODY,
                };
                let key = ((pid as u64) << 2) | field;
                found.push((key, rule, pts));
            });
        }
        if !rules.code_rule.is_empty() {
            // Error-code patterns: the best of "given" and "in text" counts once.
            let code_hit = |idx: usize, pts| (((idx as u64) << 2) | 2, rules.code_rule[idx], pts);
            for code in codes {
                let code = code.as_ref().trim();
                let hits = rules.codes_whole.matches(code);
                found.extend(
                    hits.iter()
                        .map(|i| code_hit(i.as_usize(), points::CODE_GIVEN)),
                );
            }
            for text in [subject, body] {
                let hits = rules.codes_in_text.matches(text);
                found.extend(
                    hits.iter()
                        .map(|i| code_hit(i.as_usize(), points::CODE_IN_TEXT)),
                );
            }
        }
        // Sort by rule, then pattern key, then points descending; keep the best
        // points of each (rule, pattern key).
        found.sort_unstable_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)).then(b.2.total_cmp(&a.2)));
        found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        // Sum per rule (found is sorted by rule).
        for &(_, rule, pts) in found.iter() {
            let r = rule as usize;
            let w = rules.specs[r].weight;
            match per_rule.last_mut() {
                Some((x, s)) if *x == r => *s += pts * w,
                _ => per_rule.push((r, pts * w)),
            }
        }
    }

    /// The best rule, its score and the best score among rules for other
    /// issue types.
    fn best_rule(&self, ev: &RuleEvidence) -> (Option<usize>, f64, f64) {
        let rules = &self.rules;
        let Some(&first) = ev.per_rule.first() else {
            return (None, 0.0, 0.0);
        };
        // Highest score; ties to the lower rule index (per_rule is in rule order).
        let mut best = first;
        for &(r, s) in &ev.per_rule[1..] {
            if s > best.1 {
                best = (r, s);
            }
        }
        let winner_type = &rules.specs[best.0].issue_type;
        let runner_up = ev
            .per_rule
            .iter()
            .filter(|(r, _)| &rules.specs[*r].issue_type != winner_type)
            .map(|&(_, s)| s)
            .fold(0.0, f64::max);
        (Some(best.0), best.1, runner_up)
    }
}

/// `"{name} +{w:.2}"`, written without the formatting machinery (the
/// routing hot path). `w` comes from an `f32`, so `w * 100` is exact and
/// rounding it half to even gives the digits `{:.2}` gives.
fn weighted(name: &str, w: f64) -> String {
    let cents = (w * 100.0).round_ties_even();
    if !(0.0..1e15).contains(&cents) {
        return format!("{name} +{w:.2}");
    }
    let cents = cents as u64;
    let mut out = String::with_capacity(name.len() + 8);
    out.push_str(name);
    out.push_str(" +");
    let mut whole = cents / 100;
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
    out.push('.');
    let frac = (cents % 100) as u8;
    out.push(char::from(b'0' + frac / 10));
    out.push(char::from(b'0' + frac % 10));
    out
}

impl Default for Router {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Confidence from the winning score and the best competing score.
fn confidence(score: f64, runner_up: f64) -> f64 {
    let strength = 1.0 - (-score / 3.0).exp();
    let margin = (score - runner_up) / score;
    strength * (0.5 + 0.5 * margin)
}

fn check_ticket<S: AsRef<str>>(subject: &str, body: &str, codes: &[S]) -> Result<()> {
    let text = subject.len() + body.len();
    if text > limits::MAX_TICKET_TEXT_BYTES {
        return Err(Error::limit(format!(
            "subject + body is {text} bytes; at most {} are allowed",
            limits::MAX_TICKET_TEXT_BYTES
        )));
    }
    check_codes_len(codes.len())?;
    if let Some((i, c)) = codes
        .iter()
        .enumerate()
        .find(|(_, c)| c.as_ref().len() > limits::MAX_NAME_BYTES)
    {
        return Err(Error::limit(format!(
            "error_codes[{i}] is {} bytes; at most {} are allowed",
            c.as_ref().len(),
            limits::MAX_NAME_BYTES
        )));
    }
    Ok(())
}

fn check_codes_len(n: usize) -> Result<()> {
    if n > limits::MAX_TICKET_ERROR_CODES {
        return Err(Error::limit(format!(
            "{n} error codes; at most {} are allowed",
            limits::MAX_TICKET_ERROR_CODES
        )));
    }
    Ok(())
}

#[doc(hidden)] // a helper for the bindings and tests, not part of the documented API
/// Checks a batch size against [`limits::MAX_BATCH_TICKETS`].
///
/// # Errors
/// `limit_exceeded` when `n` is over the bound.
pub fn check_batch(n: usize) -> Result<()> {
    if n > limits::MAX_BATCH_TICKETS {
        return Err(Error::limit(format!(
            "{n} tickets in one batch; at most {} are allowed",
            limits::MAX_BATCH_TICKETS
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router(rules: &str) -> Router {
        let rules = RuleSet::from_json(rules).unwrap_or_else(|e| panic!("{e}"));
        Router::new(ClassificationTable::builtin(), rules)
    }

    #[test]
    fn whole_words_only_unless_prefix() {
        let r = router(
            r#"{"rules": [{"name": "a", "issue_type": "api_errors", "keywords": ["api", "sync*"]}]}"#,
        );
        let route = |s: &str| {
            r.route_ticket(&Ticket::new(s))
                .map(|x| x.issue_type)
                .unwrap_or_default()
        };
        assert_eq!(route("rapid growth"), UNCLASSIFIED);
        assert_eq!(route("the API is down"), "api_errors");
        assert_eq!(route("resyncing"), UNCLASSIFIED);
        assert_eq!(route("syncing stalled"), "api_errors");
    }

    #[test]
    fn each_pattern_counts_once_per_field() {
        let r = router(
            r#"{"min_score": 0, "rules": [{"name": "a", "issue_type": "api_errors", "keywords": ["error"]}]}"#,
        );
        let one = r
            .route_ticket(&Ticket::new("error"))
            .map(|x| x.score)
            .unwrap_or(-1.0);
        let many = r
            .route_ticket(&Ticket::new("error error error"))
            .map(|x| x.score)
            .unwrap_or(-1.0);
        assert_eq!(one, many);
    }

    #[test]
    fn error_codes_match_whole_codes_and_words_in_text() {
        let r = router(
            r#"{"rules": [{"name": "qb", "issue_type": "quickbooks_sync_failed", "error_codes": ["QB-\\d{3,4}"]}]}"#,
        );
        let mut t = Ticket::new("help");
        t.error_codes = vec!["qb-1021".into()];
        assert_eq!(
            r.route_ticket(&t).map(|x| x.score).ok(),
            Some(points::CODE_GIVEN)
        );
        let t = Ticket::new("failed with QB-1021 again");
        assert_eq!(
            r.route_ticket(&t).map(|x| x.score).ok(),
            Some(points::CODE_IN_TEXT)
        );
        let t = Ticket::new("failed with XQB-10210");
        assert_eq!(
            r.route_ticket(&t).map(|x| x.issue_type).ok().as_deref(),
            Some(UNCLASSIFIED)
        );
    }

    #[test]
    fn limits_are_enforced() {
        let r = Router::builtin();
        let big = "a".repeat(limits::MAX_TICKET_TEXT_BYTES + 1);
        assert_eq!(
            r.route_ticket(&Ticket::new(big)).unwrap_err().code(),
            "limit_exceeded"
        );
        let mut t = Ticket::new("x");
        t.error_codes = vec!["E".into(); limits::MAX_TICKET_ERROR_CODES + 1];
        assert_eq!(r.route_ticket(&t).unwrap_err().code(), "limit_exceeded");
    }

    #[test]
    fn weighted_matches_the_formatter() {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for i in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // f32 weights as the model makes them, and exact ties.
            let w = if i % 4 == 0 {
                f64::from(i) / 1000.0 + 0.005
            } else {
                f64::from(f32::from_bits(0x3000_0000 + (x as u32 % 0x1200_0000)))
            };
            let w = f64::from(w as f32);
            assert_eq!(weighted("w:x", w), format!("w:x +{w:.2}"), "{w:e}");
        }
        assert_eq!(weighted("a", 0.125), format!("a +{:.2}", 0.125));
        assert_eq!(weighted("a", 1e20), "a +100000000000000000000.00");
    }

    #[test]
    fn routings_read_back_are_checked() {
        let r = Router::builtin()
            .route_ticket(&Ticket::new("Password reset link expired"))
            .unwrap();
        let v = serde_json::to_value(&r).unwrap();
        let back: Routing = crate::input::from_json(&v.to_string()).unwrap();
        assert_eq!(back, r);
        for (path, bad) in [
            ("/confidence", serde_json::json!(7.5)),
            ("/confidence", serde_json::json!(-0.1)),
            ("/score", serde_json::json!(-1.0)),
            ("/candidates/0/probability", serde_json::json!(1.5)),
        ] {
            let mut t = v.clone();
            *t.pointer_mut(path).unwrap() = bad;
            let e = crate::input::from_json::<Routing>(&t.to_string()).unwrap_err();
            assert!(
                e.to_string().contains("is outside [0, 1]") || e.to_string().contains(">= 0"),
                "{path}: {e}"
            );
        }
        let mut t = v.clone();
        t["surprise"] = 1.into();
        assert!(crate::input::from_json::<Routing>(&t.to_string()).is_err());
    }

    #[test]
    fn router_round_trips_through_serde() {
        let r = Router::builtin();
        let json = serde_json::to_string(&r).unwrap();
        let back: Router = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        let bad = json.replace("\"tier\":4", "\"tier\":7");
        assert!(serde_json::from_str::<Router>(&bad).is_err());
    }

    #[test]
    fn batch_keeps_order_and_names_bad_ticket() {
        let r = Router::builtin();
        let tickets = vec![
            Ticket::new("password reset please"),
            Ticket::new("site is down, 503 everywhere"),
        ];
        let out = r.route_batch(&tickets).unwrap_or_default();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].issue_type, "password_reset");
        let mut bad = tickets.clone();
        bad.push(Ticket::new("a".repeat(limits::MAX_TICKET_TEXT_BYTES + 1)));
        let e = r.route_batch(&bad).unwrap_err();
        assert!(e.message.starts_with("tickets[2]: "), "{}", e.message);
    }
}

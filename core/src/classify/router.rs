//! Routing free-text tickets: rules pick the issue type, the table gives the route.

use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
            .map(|(i, t)| Ticket::try_from(t).map_err(|e| e.at(format!("{at}[{i}]"))))
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
        use serde_json::Value;
        let obj = value.as_object().ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidType,
                "a ticket must be an object with a \"subject\"",
            )
        })?;
        let string = |key: &str, v: &Value| match v {
            Value::String(s) => Ok(s.clone()),
            _ => Err(Error::new(
                ErrorKind::InvalidType,
                format!("{key:?} must be a string"),
            )),
        };
        let mut ticket = Ticket::new(String::new());
        let mut has_subject = false;
        for (key, v) in obj {
            match key.as_str() {
                "subject" => {
                    ticket.subject = string(key, v)?;
                    has_subject = true;
                }
                "body" => ticket.body = string(key, v)?,
                "channel" => ticket.channel = string(key, v)?.parse()?,
                "error_codes" => {
                    let list = v.as_array().ok_or_else(|| {
                        Error::new(
                            ErrorKind::InvalidType,
                            "\"error_codes\" must be a list of strings",
                        )
                    })?;
                    check_codes_len(list.len())?;
                    ticket.error_codes = list
                        .iter()
                        .enumerate()
                        .map(|(i, c)| string(&format!("error_codes[{i}]"), c))
                        .collect::<Result<_>>()?;
                }
                other => {
                    return Err(Error::invalid_input(format!(
                        "unknown ticket key {other:?}; expected subject, body, error_codes, channel"
                    )));
                }
            }
        }
        if !has_subject {
            return Err(Error::new(
                ErrorKind::MissingKey,
                "a ticket needs a \"subject\"",
            ));
        }
        Ok(ticket)
    }
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
pub struct Routing {
    /// The chosen issue type, or [`UNCLASSIFIED`].
    pub issue_type: String,
    /// Name of the rule that decided, if any.
    pub rule: Option<String>,
    /// In [0, 1]: grows with the winning score and with its margin over the
    /// best rule for a different issue type; 0 when unclassified.
    pub confidence: f64,
    /// The winning rule's points (see [`RuleSet`]).
    pub score: f64,
    /// Tier, priority, department and first-response target.
    pub route: Route,
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
}

/// The built-in router, built on first use and shared (it is immutable).
pub fn default_router() -> &'static Router {
    static ROUTER: OnceLock<Router> = OnceLock::new();
    ROUTER.get_or_init(Router::builtin)
}

impl Router {
    /// A router from a table and a rule set.
    pub fn new(table: ClassificationTable, rules: RuleSet) -> Self {
        Router { table, rules }
    }

    /// The built-in table and rules.
    pub fn builtin() -> Self {
        Router::new(ClassificationTable::builtin(), RuleSet::builtin())
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
        let (winner, score, runner_up) = self.best_rule(subject, body, error_codes);
        Ok(match winner {
            Some(rule) if score >= self.rules.min_score && score > 0.0 => {
                let spec = &self.rules.specs[rule];
                Routing {
                    issue_type: spec.issue_type.clone(),
                    rule: Some(spec.name.clone()),
                    confidence: confidence(score, runner_up),
                    score,
                    route: self.table.classify_for(&spec.issue_type, channel),
                }
            }
            _ => Routing {
                issue_type: UNCLASSIFIED.to_owned(),
                rule: None,
                confidence: 0.0,
                score: winner.map_or(0.0, |_| score),
                route: self.table.classify_for(UNCLASSIFIED, channel),
            },
        })
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

    /// Scores every rule with evidence; returns the best rule, its score and
    /// the best score among rules for other issue types.
    fn best_rule<S: AsRef<str>>(
        &self,
        subject: &str,
        body: &str,
        codes: &[S],
    ) -> (Option<usize>, f64, f64) {
        let rules = &self.rules;
        // (pattern key, rule, points): deduplicated so each pattern counts once per field.
        let mut found: Vec<(u64, u32, f64)> = Vec::new();
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
            let mut code_pts: Vec<(usize, f64)> = Vec::new();
            for code in codes {
                let code = code.as_ref().trim();
                code_pts.extend(
                    rules
                        .codes_whole
                        .matches(code)
                        .iter()
                        .map(|i| (i, points::CODE_GIVEN)),
                );
            }
            for text in [subject, body] {
                code_pts.extend(
                    rules
                        .codes_in_text
                        .matches(text)
                        .iter()
                        .map(|i| (i, points::CODE_IN_TEXT)),
                );
            }
            for (idx, pts) in code_pts {
                found.push((((idx as u64) << 2) | 2, rules.code_rule[idx], pts));
            }
        }
        if found.is_empty() {
            return (None, 0.0, 0.0);
        }
        // Sort by rule, then pattern key, then points descending; keep the best
        // points of each (rule, pattern key).
        found.sort_unstable_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)).then(b.2.total_cmp(&a.2)));
        found.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        // Sum per rule (found is sorted by rule).
        let mut per_rule: Vec<(usize, f64)> = Vec::new();
        for &(_, rule, pts) in &found {
            let rule = rule as usize;
            let w = rules.specs[rule].weight;
            match per_rule.last_mut() {
                Some((r, s)) if *r == rule => *s += pts * w,
                _ => per_rule.push((rule, pts * w)),
            }
        }
        // Highest score; ties to the lower rule index (per_rule is in rule order).
        let mut best = per_rule[0];
        for &(r, s) in &per_rule[1..] {
            if s > best.1 {
                best = (r, s);
            }
        }
        let winner_type = &rules.specs[best.0].issue_type;
        let runner_up = per_rule
            .iter()
            .filter(|(r, _)| &rules.specs[*r].issue_type != winner_type)
            .map(|&(_, s)| s)
            .fold(0.0, f64::max);
        (Some(best.0), best.1, runner_up)
    }
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

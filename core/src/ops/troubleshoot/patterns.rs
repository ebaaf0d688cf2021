//! The constant patterns: error codes by kind and user actions.

use super::*;

pub(crate) fn regexes() -> &'static [(CodeKind, Regex)] {
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
pub(crate) fn action_regex() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    R.get_or_init(|| {
        Regex::new(
            r"(?i)\b(?:(?:tried|trying|try|tries|attempted|attempting|attempt|unable|able|cannot|can't|can not|couldn't|could not|failed|fails|fail|want|wanted|need)\s+to|(?:when|after|while|whenever|every time|each time)\s+(?:i|we|they|users?|customers?|my team)(?:\s+(?:try|tried|am|was|were|are)(?:\s+to)?)?)\s+([a-z]+(?:[ -][a-z]+){0,3})",
        )
        .ok()
    })
    .as_ref()
}

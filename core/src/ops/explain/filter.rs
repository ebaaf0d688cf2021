//! Filter expressions as PostgreSQL deparses them: a small lexer and the
//! predicates an index can serve.

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String, bool),
    Str(String),
    Num,
    Param,
    Op(String),
    Open,
    Close,
    Comma,
    Dot,
    Other,
}

pub(crate) fn lex(s: &str) -> Vec<Tok> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' | b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' | b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b'.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            b'\'' | b'"' => {
                let mut v = Vec::new();
                i += 1;
                while i < b.len() {
                    if b[i] == c {
                        if i + 1 < b.len() && b[i + 1] == c {
                            v.push(c);
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    v.push(b[i]);
                    i += 1;
                }
                i += 1;
                let v = String::from_utf8_lossy(&v).into_owned();
                out.push(if c == b'"' {
                    Tok::Ident(v, true)
                } else {
                    Tok::Str(v)
                });
            }
            b'$' => {
                i += 1;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                out.push(Tok::Param);
            }
            b'0'..=b'9' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                out.push(Tok::Num);
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len()
                    && (b[i].is_ascii_alphanumeric()
                        || b[i] == b'_'
                        || b[i] == b'$'
                        || b[i] >= 0x80)
                {
                    i += 1;
                }
                out.push(Tok::Ident(s[start..i].to_owned(), false));
            }
            b':' if b.get(i + 1) == Some(&b':') => {
                out.push(Tok::Op("::".to_owned()));
                i += 2;
            }
            _ if b"+-*/<>=~!@#%^&|`?".contains(&c) => {
                let start = i;
                while i < b.len() && b"+-*/<>=~!@#%^&|`?".contains(&b[i]) {
                    i += 1;
                }
                out.push(Tok::Op(s[start..i].to_owned()));
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    out
}

pub(crate) fn is_kw(t: &Tok, kw: &str) -> bool {
    matches!(t, Tok::Ident(s, false) if s.eq_ignore_ascii_case(kw))
}

/// Drops casts (`::type`, multi-word types, `(n)`, `[]`).
pub(crate) fn strip_casts(toks: Vec<Tok>) -> Vec<Tok> {
    const TYPE_WORDS: [&str; 6] = ["with", "without", "time", "zone", "varying", "precision"];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if matches!(&toks[i], Tok::Op(o) if o == "::") {
            i += 1;
            // type name, maybe schema-qualified
            if matches!(toks.get(i), Some(Tok::Ident(..))) {
                i += 1;
            }
            while matches!(toks.get(i), Some(Tok::Dot))
                && matches!(toks.get(i + 1), Some(Tok::Ident(..)))
            {
                i += 2;
            }
            while toks
                .get(i)
                .is_some_and(|t| TYPE_WORDS.iter().any(|w| is_kw(t, w)))
            {
                i += 1;
            }
            // (n) or (p, s) modifiers, and [] array brackets
            loop {
                match (toks.get(i), toks.get(i + 1)) {
                    (Some(Tok::Open), Some(Tok::Close)) => i += 2,
                    (Some(Tok::Open), Some(Tok::Num)) => {
                        let mut j = i + 1;
                        while matches!(toks.get(j), Some(Tok::Num | Tok::Comma)) {
                            j += 1;
                        }
                        if matches!(toks.get(j), Some(Tok::Close)) {
                            i = j + 1;
                        } else {
                            break;
                        }
                    }
                    _ => break,
                }
            }
            continue;
        }
        out.push(toks[i].clone());
        i += 1;
    }
    out
}

/// Drops parentheses that enclose the whole of `t`, layer by layer
/// (`((a = 1))` -> `a = 1`; `(a) AND (b)` is left alone). Linear: the
/// matching parenthesis of each `(` is found once.
pub(crate) fn strip_parens(t: &[Tok]) -> &[Tok] {
    if t.len() < 2 || t[0] != Tok::Open || t[t.len() - 1] != Tok::Close {
        return t;
    }
    // closes[k]: where the `(` at k closes (usize::MAX: never), for the
    // leading run of `(`.
    let lead = t.iter().take_while(|x| **x == Tok::Open).count();
    let mut closes = vec![usize::MAX; lead];
    let mut stack: Vec<usize> = Vec::new();
    for (k, x) in t.iter().enumerate() {
        match x {
            Tok::Open => stack.push(k),
            Tok::Close => match stack.pop() {
                Some(o) if o < lead => closes[o] = k,
                // A `)` with no `(` matches nothing.
                _ => {}
            },
            _ => {}
        }
    }
    // A layer goes when its `(` closes at the end or not at all (an
    // unbalanced filter keeps the old rule's reading).
    let (mut i, mut j) = (0, t.len() - 1);
    while i < j && i < lead && t[j] == Tok::Close && closes[i] >= j {
        i += 1;
        j -= 1;
    }
    &t[i..=j]
}

/// Splits at top-level `kw` (AND/OR).
pub(crate) fn split_top<'a>(t: &'a [Tok], kw: &str) -> Vec<&'a [Tok]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (k, x) in t.iter().enumerate() {
        match x {
            Tok::Open => depth += 1,
            Tok::Close => depth -= 1,
            _ if depth == 0 && is_kw(x, kw) => {
                parts.push(&t[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    parts.push(&t[start..]);
    parts
}

/// A column reference: `col`, `"Col"`, `alias.col`, in any parentheses.
pub(crate) fn column(t: &[Tok]) -> Option<String> {
    match strip_parens(t) {
        [Tok::Ident(c, quoted)] if *quoted || !is_keyword(c) => Some(c.clone()),
        [Tok::Ident(_, _), Tok::Dot, Tok::Ident(c, _)] => Some(c.clone()),
        _ => None,
    }
}

pub(crate) fn is_keyword(s: &str) -> bool {
    [
        "null", "true", "false", "any", "all", "array", "not", "and", "or", "is",
    ]
    .iter()
    .any(|k| s.eq_ignore_ascii_case(k))
}

/// A constant: literals, parameters, NULL/true/false, ARRAY[...], ANY(...),
/// and the clock functions; no column references.
pub(crate) fn constant(t: &[Tok]) -> bool {
    const CLOCK: [&str; 6] = [
        "now",
        "current_date",
        "current_timestamp",
        "localtimestamp",
        "statement_timestamp",
        "transaction_timestamp",
    ];
    let t = strip_parens(t);
    if t.is_empty() {
        return false;
    }
    t.iter().all(|x| match x {
        Tok::Ident(s, false) => is_keyword(s) || CLOCK.iter().any(|c| s.eq_ignore_ascii_case(c)),
        Tok::Ident(_, true) | Tok::Dot | Tok::Other => false,
        _ => true,
    })
}

pub(crate) fn like_pattern(t: &[Tok]) -> Option<&str> {
    match strip_parens(t) {
        [Tok::Str(s)] => Some(s),
        _ => None,
    }
}

/// The (column, comparison) pairs of a filter's top-level conjuncts;
/// `None` when it has a top-level OR or no usable predicate.
pub(crate) fn predicates(filter: &str) -> Option<Vec<(String, Cmp)>> {
    let toks = strip_casts(lex(filter));
    let body = strip_parens(&toks);
    if split_top(body, "or").len() > 1 {
        return None;
    }
    let mut out = Vec::new();
    for conj in split_top(body, "and") {
        let conj = strip_parens(conj);
        // col IS NULL
        if let [lhs @ .., is, null] = conj
            && is_kw(is, "is")
            && is_kw(null, "null")
        {
            if let Some(c) = column(lhs) {
                out.push((c, Cmp::Eq));
            }
            continue;
        }
        let mut depth = 0i32;
        let mut at = None;
        for (k, x) in conj.iter().enumerate() {
            match x {
                Tok::Open => depth += 1,
                Tok::Close => depth -= 1,
                Tok::Op(op) if depth == 0 => {
                    at = Some((k, op.as_str()));
                    break;
                }
                _ => {}
            }
        }
        let Some((k, op)) = at else { continue };
        let (lhs, rhs) = (&conj[..k], &conj[k + 1..]);
        let (col, other, flipped) = match (column(lhs), column(rhs)) {
            (Some(c), _) if constant(rhs) => (c, rhs, false),
            (_, Some(c)) if constant(lhs) => (c, lhs, true),
            _ => continue,
        };
        let cmp = match op {
            "=" => Cmp::Eq,
            "<" | "<=" | ">" | ">=" => Cmp::Range,
            "~~" if !flipped => match like_pattern(other) {
                Some(p) if !p.starts_with('%') && !p.starts_with('_') => Cmp::LikePrefix,
                _ => Cmp::LikeAny,
            },
            "~~*" if !flipped => Cmp::LikeAny,
            _ => continue,
        };
        out.push((col, cmp));
    }
    (!out.is_empty()).then_some(out)
}

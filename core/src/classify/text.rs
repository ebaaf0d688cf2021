//! The features the learned layer of the router reads from a ticket:
//! words (crudely stemmed, so that inflections share a feature), word
//! pairs, question cues, first words and error-code words. Each feature has
//! a readable name (`w:password`, `b:reset link`, `q:?`) and a 64-bit key
//! hashed from it without allocating. (Character 4-grams were tried for
//! typos: no gain in cross-validation on the corpus, at twice the cost.)

use std::fmt;
use std::hash::Hasher;

use rustc_hash::FxHasher;

/// A feature's name, borrowed from the ticket's normalised text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Name<'a> {
    /// A word (`w:`).
    Word(&'a str),
    /// Two adjacent words (`b:`).
    Pair(&'a str, &'a str),
    /// A question or request cue (`q:`).
    Cue(&'static str),
    /// A word of an error code (`e:`).
    Code(&'a str),
    /// The first word of the subject or body (`f:`).
    First(&'a str),
    /// The rules' evidence for an issue type (`r:`).
    Rule(&'a str),
}

impl Name<'_> {
    /// The feature's key: a hash of its name (the same on every platform).
    pub(crate) fn key(self) -> u64 {
        let mut h = FxHasher::default();
        let (tag, a, b) = match self {
            Name::Word(w) => (b'w', w, ""),
            Name::Pair(a, b) => (b'b', a, b),
            Name::Cue(c) => (b'q', c, ""),
            Name::Code(c) => (b'e', c, ""),
            Name::First(w) => (b'f', w, ""),
            Name::Rule(t) => (b'r', t, ""),
        };
        h.write_u8(tag);
        h.write(a.as_bytes());
        h.write_u8(0xff);
        h.write(b.as_bytes());
        h.finish()
    }
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Word(w) => write!(f, "w:{w}"),
            Name::Pair(a, b) => write!(f, "b:{a} {b}"),
            Name::Cue(c) => write!(f, "q:{c}"),
            Name::Code(c) => write!(f, "e:{c}"),
            Name::First(w) => write!(f, "f:{w}"),
            Name::Rule(t) => write!(f, "r:{t}"),
        }
    }
}

/// The key of a feature written as its name (`w:password`), as
/// [`Name::key`] computes it; `None` for a malformed name.
pub(crate) fn key_of(name: &str) -> Option<u64> {
    let (tag, rest) = name.split_once(':')?;
    let n = match tag {
        "w" => Name::Word(rest),
        "b" => {
            let (a, b) = rest.split_once(' ')?;
            Name::Pair(a, b)
        }
        "q" => Name::Cue(CUES.iter().find(|c| **c == rest)?),
        "e" => Name::Code(rest),
        "f" => Name::First(rest),
        "r" => Name::Rule(rest),
        _ => return None,
    };
    Some(n.key())
}

/// A crude English stem: common inflection endings dropped from longer
/// words ("syncing", "synced", "syncs" -> "sync"; "invoices" -> "invoic"),
/// so that writers' variants share a feature.
fn stem(w: &str) -> &str {
    if w.len() <= 4 || !w.is_ascii() {
        return w;
    }
    for suffix in ["ing", "ed", "es", "s", "ly"] {
        if let Some(s) = w.strip_suffix(suffix).filter(|s| s.len() >= 3) {
            return s;
        }
    }
    w
}

/// Every cue name.
const CUES: [&str; 4] = ["?", "please", "question", "how_to"];

/// Lower-cases `text` into `buf` (apostrophes inside words dropped, so
/// "can't" is "cant") and appends the byte ranges of its words to `words`.
fn tokenize(text: &str, buf: &mut String, words: &mut Vec<(usize, usize)>) {
    let mut start = None;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(buf.len());
            }
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        } else if matches!(c, '\'' | '\u{2019}') && start.is_some() {
            // inside a word: skip
        } else {
            if let Some(s) = start.take() {
                words.push((s, buf.len()));
            }
            buf.push(' ');
        }
    }
    if let Some(s) = start {
        words.push((s, buf.len()));
    }
    buf.push(' ');
}

/// Calls `emit` with every text feature of a ticket and how many times it
/// occurs there (a feature found twice may be emitted twice). Subject words count twice: the subject is the
/// writer's summary.
pub(crate) fn features<S: AsRef<str>>(
    subject: &str,
    body: &str,
    codes: &[S],
    mut emit: impl FnMut(Name<'_>, u32),
) {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut s) => features_in(&mut s, subject, body, codes, &mut emit),
        // Re-entered from `emit`: work in fresh buffers.
        Err(_) => features_in(&mut Scratch::default(), subject, body, codes, &mut emit),
    });
}

/// Buffers reused from ticket to ticket on one thread (routing allocates
/// nothing for them after the first ticket).
#[derive(Default)]
struct Scratch {
    buf: String,
    subject_words: Vec<(usize, usize)>,
    body_words: Vec<(usize, usize)>,
    code_buf: String,
    code_words: Vec<(usize, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

fn features_in<S: AsRef<str>>(
    scratch: &mut Scratch,
    subject: &str,
    body: &str,
    codes: &[S],
    emit: &mut impl FnMut(Name<'_>, u32),
) {
    let Scratch {
        buf,
        subject_words,
        body_words,
        code_buf,
        code_words,
    } = scratch;
    buf.clear();
    subject_words.clear();
    body_words.clear();
    tokenize(subject, buf, subject_words);
    tokenize(body, buf, body_words);
    let text = buf.as_str();
    for (words, repeat) in [(&*subject_words, 2), (&*body_words, 1)] {
        if let Some(&(s, e)) = words.first() {
            emit(Name::First(&text[s..e]), 1);
        }
        let mut prev: Option<&str> = None;
        for &(s, e) in words.iter() {
            let w = stem(&text[s..e]);
            emit(Name::Word(w), repeat);
            if let Some(p) = prev {
                emit(Name::Pair(p, w), 1);
            }
            prev = Some(w);
        }
    }
    if subject.contains('?') || body.contains('?') {
        emit(Name::Cue("?"), 1);
    }
    for words in [&*subject_words, &*body_words] {
        let mut lead = [""; 3];
        for (l, &(s, e)) in lead.iter_mut().zip(words.iter()) {
            *l = &text[s..e];
        }
        let first = &lead[..words.len().min(3)];
        if matches!(
            first,
            ["how", "do" | "can" | "to", ..] | ["is", "there" | "it", ..]
        ) || matches!(
            first,
            ["do" | "does" | "can" | "could", "you" | "i" | "we", ..]
        ) {
            emit(Name::Cue("question"), 1);
        }
        if first.iter().any(|w| *w == "please" || *w == "pls") {
            emit(Name::Cue("please"), 1);
        }
    }
    if text.contains(" how to ") || text.contains("how do i ") || text.contains("how can i ") {
        emit(Name::Cue("how_to"), 1);
    }
    for code in codes {
        code_buf.clear();
        code_words.clear();
        tokenize(code.as_ref(), code_buf, code_words);
        for &(s, e) in code_words.iter() {
            emit(Name::Code(&code_buf[s..e]), 1);
        }
    }
}

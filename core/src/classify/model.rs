//! The learned layer of the router: a softmax (multinomial logistic)
//! regression over a ticket's words, word pairs, cues, error-code words and
//! the rules' evidence per issue type.

use crate::par::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::text::{self, Name};
use crate::error::{Error, Result};
use crate::validate::check_name;

/// The label of tickets that are not incidents (questions, feedback,
/// spam): the router answers [`super::UNCLASSIFIED`] for them.
pub const OTHER: &str = "other";

/// Version of the model's JSON form.
pub const MODEL_VERSION: u32 = 1;

/// Most labels a model distinguishes.
pub const MAX_LABELS: usize = 1_000;

/// Most features a model holds.
pub const MAX_FEATURES: usize = 2_000_000;

/// Most labelled tickets one call to [`super::Router::fit`] trains on.
pub const MAX_FIT_TICKETS: usize = 1_000_000;

/// A trained text model: labels, feature weights and the probability below
/// which the router answers `unclassified`.
///
/// JSON form: `{"version": 1, "labels": [...], "threshold": 0.3, "bias":
/// [...], "features": [["w:password", [w per label...]], ...]}`; feature
/// names are `w:` (stemmed) words, `b:` word pairs, `q:` cues, `e:`
/// error-code words, `f:` first words and `r:` the rules' evidence for an
/// issue type.
///
/// ```
/// use opsbrain::classify::{builtin_model, OTHER, TextModel};
/// let m = builtin_model();
/// assert!(m.labels().iter().any(|l| l == OTHER) && m.len() > 1_000);
/// let json = serde_json::to_string(m)?;
/// let back: TextModel = serde_json::from_str(&json)?;
/// assert_eq!(&back, m);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ModelFile", into = "ModelFile")]
pub struct TextModel {
    labels: Vec<String>,
    names: Vec<String>,
    /// Row-major: one row of `labels.len()` weights per feature.
    weights: Vec<f32>,
    bias: Vec<f32>,
    threshold: f64,
    #[serde(skip)]
    index: FxHashMap<u64, u32>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    version: u32,
    labels: Vec<String>,
    threshold: f64,
    bias: Vec<f32>,
    features: Vec<(String, Vec<f32>)>,
}

impl TryFrom<ModelFile> for TextModel {
    type Error = Error;
    fn try_from(f: ModelFile) -> Result<Self> {
        if f.version != MODEL_VERSION {
            return Err(Error::new(
                crate::ErrorKind::UnsupportedVersion,
                format!(
                    "model version {} (this build reads {MODEL_VERSION})",
                    f.version
                ),
            ));
        }
        let k = f.labels.len();
        if k > MAX_LABELS || f.features.len() > MAX_FEATURES {
            return Err(Error::limit(format!(
                "{k} labels and {} features; at most {MAX_LABELS} and {MAX_FEATURES}",
                f.features.len()
            )));
        }
        for l in &f.labels {
            check_name("label", l)?;
        }
        if f.bias.len() != k {
            return Err(Error::invalid_config(format!(
                "bias has {} values for {k} labels",
                f.bias.len()
            )));
        }
        if !(0.0..=1.0).contains(&f.threshold) {
            return Err(Error::invalid_config(format!(
                "threshold {} is not in [0, 1]",
                f.threshold
            )));
        }
        let mut names = Vec::with_capacity(f.features.len());
        let mut weights = Vec::with_capacity(f.features.len() * k);
        for (i, (name, w)) in f.features.into_iter().enumerate() {
            if w.len() != k || w.iter().any(|x| !x.is_finite()) {
                return Err(Error::invalid_config(format!(
                    "features[{i}] ({name}): {} weights for {k} labels, all finite",
                    w.len()
                )));
            }
            names.push(name);
            weights.extend(w);
        }
        if f.bias.iter().any(|x| !x.is_finite()) {
            return Err(Error::invalid_config("bias values must be finite"));
        }
        let mut m = TextModel {
            labels: f.labels,
            names,
            weights,
            bias: f.bias,
            threshold: f.threshold,
            index: FxHashMap::default(),
        };
        m.reindex()?;
        Ok(m)
    }
}

impl From<TextModel> for ModelFile {
    fn from(m: TextModel) -> Self {
        let k = m.labels.len();
        let features = m
            .names
            .into_iter()
            .zip(m.weights.chunks(k.max(1)))
            .map(|(n, w)| (n, w.to_vec()))
            .collect();
        ModelFile {
            version: MODEL_VERSION,
            labels: m.labels,
            threshold: m.threshold,
            bias: m.bias,
            features,
        }
    }
}

/// Options of [`super::Router::fit`] (serde, unknown keys refused).
///
/// ```
/// use opsbrain::classify::FitOptions;
/// let o: FitOptions = serde_json::from_str(r#"{"folds": 3}"#)?;
/// assert_eq!((o.folds, o.epochs, o.seed), (3, 20, 0));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// Folds of the cross-validation reported (0 or 1: none).
    pub folds: usize,
    /// Passes over the tickets.
    pub epochs: usize,
    /// Seed of the shuffles (folds and training order).
    pub seed: u64,
    /// AdaGrad step size.
    pub learning_rate: f64,
    /// L2 penalty on the weights.
    pub l2: f64,
    /// Probability below which a ticket is `unclassified` (default: the
    /// current model's, or 0.3).
    pub threshold: Option<f64>,
    /// Start from the current model's weights (its labels are kept).
    pub warm_start: bool,
    /// Learn only features found in at least this many tickets (rarer
    /// ones still count in a ticket's length).
    pub min_count: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            folds: 5,
            epochs: 20,
            seed: 0,
            learning_rate: 0.2,
            l2: 1e-4,
            threshold: None,
            warm_start: true,
            min_count: 2,
        }
    }
}

impl FitOptions {
    fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::invalid_config(m));
        if self.folds > 100 {
            return bad(format!("folds is {}; at most 100", self.folds));
        }
        if self.epochs == 0 || self.epochs > 1_000 {
            return bad(format!("epochs is {}; it must be in 1..=1000", self.epochs));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad(format!(
                "learning_rate must be positive, got {}",
                self.learning_rate
            ));
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return bad(format!("l2 must be non-negative, got {}", self.l2));
        }
        if let Some(t) = self.threshold.filter(|t| !(0.0..=1.0).contains(t)) {
            return bad(format!("threshold {t} is not in [0, 1]"));
        }
        Ok(())
    }
}

/// What [`super::Router::fit`] measured: cross-validated accuracy and the
/// confusion matrix (`confusion[truth][predicted]`, in `labels` order; a
/// prediction under the threshold counts as [`OTHER`] when the labels have
/// it).
///
/// ```
/// use opsbrain::classify::{FitOptions, Router, Ticket};
/// let t: Vec<Ticket> = ["refund please", "refund my order", "want a refund", "site down", "site is down", "down again"]
///     .into_iter().map(Ticket::new).collect();
/// let l: Vec<String> = ["refund", "refund", "refund", "outage", "outage", "outage"].map(String::from).to_vec();
/// let report = Router::builtin().with_model(None).fit(&t, &l, &FitOptions { folds: 3, ..FitOptions::default() })?;
/// let held: u64 = report.confusion.iter().flatten().sum();
/// assert_eq!((report.folds, held), (3, 6));
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FitReport {
    /// The model's labels.
    pub labels: Vec<String>,
    /// Tickets trained on.
    pub tickets: usize,
    /// Folds of the cross-validation (0 when none ran).
    pub folds: usize,
    /// Share of held-out tickets labelled right (NaN without folds).
    pub cv_accuracy: f64,
    /// Mean F1 over the labels present (NaN without folds).
    pub cv_macro_f1: f64,
    /// Held-out counts, `confusion[truth][predicted]`.
    pub confusion: Vec<Vec<u64>>,
}

/// One ticket as sparse features: (row, value).
pub(crate) type Sparse = Vec<(u32, f32)>;

/// Reads a ticket's features, calling `row` for each feature's row (or
/// `None` for a feature the model does not know); returns the merged
/// sparse vector with text features scaled by 1/sqrt(count).
pub(crate) fn sparse<S: AsRef<str>>(
    subject: &str,
    body: &str,
    codes: &[S],
    rule_scores: &[(&str, f64)],
    mut row: impl FnMut(Name<'_>) -> Option<u32>,
) -> Sparse {
    let mut out: Sparse = Vec::new();
    let mut n = 0u32;
    text::features(subject, body, codes, |name, times| {
        n += times;
        if let Some(r) = row(name) {
            out.push((r, times as f32));
        }
    });
    let scale = 1.0 / (n.max(1) as f32).sqrt();
    for x in &mut out {
        x.1 *= scale;
    }
    for &(t, s) in rule_scores {
        if let Some(r) = row(Name::Rule(t)) {
            out.push((r, (1.0 + s).ln() as f32));
        }
    }
    out.sort_unstable_by_key(|x| x.0);
    out.dedup_by(|a, b| {
        if a.0 == b.0 {
            b.1 += a.1;
            true
        } else {
            false
        }
    });
    out
}

impl TextModel {
    fn reindex(&mut self) -> Result<()> {
        self.index.clear();
        self.index.reserve(self.names.len());
        for (i, n) in self.names.iter().enumerate() {
            let key = text::key_of(n).ok_or_else(|| {
                Error::invalid_config(format!("feature name {n:?} is not a feature"))
            })?;
            if self.index.insert(key, i as u32).is_some() {
                return Err(Error::invalid_config(format!(
                    "feature {n:?} appears twice"
                )));
            }
        }
        Ok(())
    }

    /// The labels, in weight order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The probability below which the router answers `unclassified`.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Number of features.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the model has no labels (and routes by rules alone).
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Label probabilities of a ticket, and its known features (row,
    /// value; a feature found twice appears twice) for [`Self::evidence`].
    /// One pass over the features, no sorting: the routing hot path.
    pub(crate) fn predict<S: AsRef<str>>(
        &self,
        subject: &str,
        body: &str,
        codes: &[S],
        rule_scores: &[(&str, f64)],
    ) -> (Vec<f64>, Sparse) {
        // About two features (a word and a pair) per five bytes of text.
        let guess = (subject.len() * 2 + body.len()) * 2 / 5 + rule_scores.len() + 8;
        let mut rows: Sparse = Vec::with_capacity(guess.min(4096));
        let mut n = 0u32;
        text::features(subject, body, codes, |name, times| {
            n += times;
            if let Some(&r) = self.index.get(&name.key()) {
                rows.push((r, times as f32));
            }
        });
        let scale = 1.0 / (n.max(1) as f32).sqrt();
        for x in &mut rows {
            x.1 *= scale;
        }
        for &(t, s) in rule_scores {
            if let Some(&r) = self.index.get(&Name::Rule(t).key()) {
                rows.push((r, (1.0 + s).ln() as f32));
            }
        }
        (self.probabilities(&rows), rows)
    }

    /// Label probabilities of a sparse ticket (single-precision
    /// exponentials: the routing hot path; the decision is the logits'
    /// argmax either way).
    pub(crate) fn probabilities(&self, x: &Sparse) -> Vec<f64> {
        let mut z: Vec<f32> = self.bias.clone();
        add_rows(&mut z, &self.weights, x);
        let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut s = 0.0f32;
        for v in &mut z {
            *v = (*v - m).exp();
            s += *v;
        }
        z.iter().map(|&v| f64::from(v / s)).collect()
    }

    /// The features of `x` that most favour `label`, strongest first: (name,
    /// contribution of one mention to its logit), at most `n` distinct,
    /// positive only. Linear in `x`.
    pub(crate) fn evidence(&self, x: &Sparse, label: usize, n: usize) -> Vec<(&str, f64)> {
        let k = self.labels.len();
        let mut top: Vec<(u32, f32)> = Vec::with_capacity(n + 1);
        for &(r, v) in x {
            let c = v * self.weights[r as usize * k + label];
            if c <= 0.0 || top.iter().any(|t| t.0 == r) {
                continue;
            }
            let at = top.iter().position(|t| c > t.1).unwrap_or(top.len());
            if at < n {
                top.insert(at, (r, c));
                top.truncate(n);
            }
        }
        top.into_iter()
            .map(|(r, c)| (self.names[r as usize].as_str(), f64::from(c)))
            .collect()
    }
}

/// Adds each feature's weight row (`z.len()` weights per row), times its
/// value, to the logits `z`.
fn add_rows(z: &mut [f32], weights: &[f32], x: &Sparse) {
    let k = z.len();
    for &(r, v) in x {
        let row = &weights[r as usize * k..(r as usize + 1) * k];
        for (zi, wi) in z.iter_mut().zip(row) {
            *zi += v * wi;
        }
    }
}

fn softmax(z: &[f32]) -> Vec<f64> {
    let m = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e: Vec<f64> = z.iter().map(|&v| f64::from(v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// A vocabulary being built: feature keys to rows, with their names.
pub(crate) struct Vocab {
    pub(crate) names: Vec<String>,
    pub(crate) index: FxHashMap<u64, u32>,
}

impl Vocab {
    /// Starts from a model's features (its rows keep their numbers).
    pub(crate) fn from_model(m: Option<&TextModel>) -> Self {
        match m {
            Some(m) => Vocab {
                names: m.names.clone(),
                index: m.index.clone(),
            },
            None => Vocab {
                names: Vec::new(),
                index: FxHashMap::default(),
            },
        }
    }

    /// The row of `name`, added when new.
    pub(crate) fn row(&mut self, name: Name<'_>) -> u32 {
        let key = name.key();
        if let Some(&r) = self.index.get(&key) {
            return r;
        }
        let r = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(key, r);
        r
    }
}

/// Weights and biases being trained.
struct Params {
    w: Vec<f32>,
    b: Vec<f32>,
}

impl Params {
    /// Label probabilities of a sparse ticket (double precision, as in
    /// training).
    fn probabilities(&self, x: &Sparse) -> Vec<f64> {
        let mut z = self.b.clone();
        add_rows(&mut z, &self.w, x);
        softmax(&z)
    }
}

/// Trains a softmax regression with AdaGrad, starting from `init`
/// (rows beyond it, and labels beyond it, start at zero).
fn train(
    x: &[&Sparse],
    y: &[usize],
    rows: usize,
    k: usize,
    init: Option<(&[f32], &[f32], usize)>,
    o: &FitOptions,
) -> Params {
    let mut p = Params {
        w: vec![0.0; rows * k],
        b: vec![0.0; k],
    };
    if let Some((w, b, k0)) = init {
        for (r, row) in w.chunks(k0.max(1)).enumerate() {
            p.w[r * k..r * k + k0].copy_from_slice(row);
        }
        p.b[..k0].copy_from_slice(b);
    }
    let mut gw = vec![1e-6f32; rows * k];
    let mut gb = vec![1e-6f32; k];
    let (eta, l2) = (o.learning_rate as f32, o.l2 as f32);
    let mut order: Vec<usize> = (0..x.len()).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(o.seed);
    let mut z = vec![0f32; k];
    for _ in 0..o.epochs {
        order.shuffle(&mut rng);
        for &i in &order {
            z.copy_from_slice(&p.b);
            add_rows(&mut z, &p.w, x[i]);
            let probs = softmax(&z);
            for j in 0..k {
                let g = probs[j] as f32 - f32::from(u8::from(j == y[i]));
                gb[j] += g * g;
                p.b[j] -= eta * g / gb[j].sqrt();
                for &(r, v) in x[i].iter() {
                    let at = r as usize * k + j;
                    let gj = g * v + l2 * p.w[at];
                    gw[at] += gj * gj;
                    p.w[at] -= eta * gj / gw[at].sqrt();
                }
            }
        }
    }
    p
}

/// The index of the largest value (ties to the first).
pub(crate) fn argmax(p: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in p.iter().enumerate() {
        if *v > p[best] {
            best = i;
        }
    }
    best
}

/// The label a model answers: the most probable, or [`OTHER`]'s index (when
/// it has one) under the threshold.
fn decide(p: &[f64], threshold: f64, other: Option<usize>) -> usize {
    let top = argmax(p);
    match other {
        Some(o) if p[top] < threshold => o,
        _ => top,
    }
}

/// Trains a model on labelled sparse tickets (see [`super::Router::fit`]).
pub(crate) fn fit(
    current: Option<&TextModel>,
    vocab: Vocab,
    x: Vec<Sparse>,
    labels: &[String],
    o: &FitOptions,
) -> Result<(TextModel, FitReport)> {
    o.check()?;
    let warm = current.filter(|_| o.warm_start);
    let mut all: Vec<String> = warm.map(|m| m.labels.clone()).unwrap_or_default();
    for l in labels {
        if !all.contains(l) {
            all.push(l.clone());
        }
    }
    if all.len() > MAX_LABELS {
        return Err(Error::limit(format!(
            "{} labels; at most {MAX_LABELS}",
            all.len()
        )));
    }
    let y: Vec<usize> = labels
        .iter()
        .map(|l| all.iter().position(|a| a == l).unwrap_or(0))
        .collect();
    let (k, rows) = (all.len(), vocab.names.len());
    // Features of fewer than `min_count` tickets are not learned (a known
    // model's features are kept).
    let known = warm.map_or(0, |m| m.names.len());
    let mut count = vec![0usize; rows];
    for xi in &x {
        for &(r, _) in xi {
            count[r as usize] += 1;
        }
    }
    let x: Vec<Sparse> = x
        .into_iter()
        .map(|xi| {
            xi.into_iter()
                .filter(|&(r, _)| (r as usize) < known || count[r as usize] >= o.min_count)
                .collect()
        })
        .collect();
    let init = warm.map(|m| (m.weights.as_slice(), m.bias.as_slice(), m.labels.len()));
    let threshold = o.threshold.or(current.map(|m| m.threshold)).unwrap_or(0.3);
    let other = all.iter().position(|l| l == OTHER);

    // Cross-validation: fold f holds the tickets at positions f, f + folds, ...
    // of a seeded shuffle.
    let folds = if o.folds >= 2 {
        o.folds.min(x.len())
    } else {
        0
    };
    let mut confusion = vec![vec![0u64; k]; k];
    if folds >= 2 {
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.shuffle(&mut ChaCha8Rng::seed_from_u64(o.seed ^ 0x5eed));
        let mut fold_of = vec![0usize; x.len()];
        for (pos, &i) in order.iter().enumerate() {
            fold_of[i] = pos % folds;
        }
        let results: Vec<Vec<(usize, usize)>> = (0..folds)
            .into_par_iter()
            .map(|f| {
                let (train_x, train_y): (Vec<&Sparse>, Vec<usize>) = (0..x.len())
                    .filter(|&i| fold_of[i] != f)
                    .map(|i| (&x[i], y[i]))
                    .unzip();
                let p = train(&train_x, &train_y, rows, k, init, o);
                (0..x.len())
                    .filter(|&i| fold_of[i] == f)
                    .map(|i| (y[i], decide(&p.probabilities(&x[i]), threshold, other)))
                    .collect()
            })
            .collect();
        for (t, pr) in results.into_iter().flatten() {
            confusion[t][pr] += 1;
        }
    }
    let xs: Vec<&Sparse> = x.iter().collect();
    let p = train(&xs, &y, rows, k, init, o);
    let mut model = TextModel {
        labels: all.clone(),
        names: vocab.names,
        weights: p.w,
        bias: p.b,
        threshold,
        index: vocab.index,
    };
    model.prune(1e-4);
    let held: u64 = confusion.iter().flatten().sum();
    let right: u64 = (0..k).map(|i| confusion[i][i]).sum();
    let (cv_accuracy, cv_macro_f1) = if held == 0 {
        (f64::NAN, f64::NAN)
    } else {
        (right as f64 / held as f64, macro_f1(&confusion))
    };
    let report = FitReport {
        labels: all,
        tickets: x.len(),
        folds,
        cv_accuracy,
        cv_macro_f1,
        confusion,
    };
    Ok((model, report))
}

fn macro_f1(c: &[Vec<u64>]) -> f64 {
    let k = c.len();
    let mut sum = 0.0;
    let mut present = 0;
    for (i, row) in c.iter().enumerate() {
        let tp = row[i] as f64;
        let truth: u64 = row.iter().sum();
        let pred: u64 = (0..k).map(|t| c[t][i]).sum();
        if truth == 0 {
            continue;
        }
        present += 1;
        let (p, r) = (tp / pred.max(1) as f64, tp / truth as f64);
        sum += if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
    }
    sum / f64::from(present.max(1))
}

impl TextModel {
    /// Drops features whose weights are all within `eps` of zero.
    fn prune(&mut self, eps: f32) {
        let k = self.labels.len().max(1);
        let keep: Vec<bool> = self
            .weights
            .chunks(k)
            .map(|w| w.iter().any(|x| x.abs() > eps))
            .collect();
        let mut names = Vec::new();
        let mut weights = Vec::new();
        let mut new_row = vec![None; keep.len()];
        for (i, (n, w)) in self.names.drain(..).zip(self.weights.chunks(k)).enumerate() {
            if keep[i] {
                new_row[i] = Some(names.len() as u32);
                names.push(n);
                weights.extend_from_slice(w);
            }
        }
        self.names = names;
        self.weights = weights;
        self.index.retain(|_, r| match new_row[*r as usize] {
            Some(n) => {
                *r = n;
                true
            }
            None => false,
        });
    }

    /// The model with weights rounded to `decimals` places (a smaller JSON
    /// form; used for the built-in model).
    pub fn rounded(mut self, decimals: i32) -> Self {
        let f = 10f32.powi(decimals);
        for w in self.weights.iter_mut().chain(self.bias.iter_mut()) {
            *w = (*w * f).round() / f;
        }
        self.prune(0.0);
        self
    }

    /// A copy with another `unclassified` threshold.
    ///
    /// # Errors
    /// `invalid_config` outside [0, 1].
    pub fn with_threshold(mut self, threshold: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(Error::invalid_config(format!(
                "threshold {threshold} is not in [0, 1]"
            )));
        }
        self.threshold = threshold;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClassificationTable, Router, RuleSet, Ticket, UNCLASSIFIED};
    use super::*;

    fn corpus() -> (Vec<Ticket>, Vec<String>) {
        let rows = [
            ("The invoice PDF comes out blank", "pdf_export"),
            ("pdf export of invoices is empty", "pdf_export"),
            ("exported pdf has no content", "pdf_export"),
            (
                "blank pages when I download the invoice as pdf",
                "pdf_export",
            ),
            ("Can't log in since this morning", "login_failed"),
            ("login keeps failing, invalid credentials", "login_failed"),
            ("unable to sign in to my account", "login_failed"),
            ("locked out after the update", "login_failed"),
            ("do you support multi-currency?", OTHER),
            ("how do I add a second user?", OTHER),
            ("great product, thanks!", OTHER),
            ("what does the pro plan cost?", OTHER),
        ];
        let t = rows.iter().map(|(s, _)| Ticket::new(*s)).collect();
        let l = rows.iter().map(|(_, l)| (*l).to_owned()).collect();
        (t, l)
    }

    fn rules_only() -> Router {
        Router::new(ClassificationTable::builtin(), RuleSet::builtin()).with_model(None)
    }

    #[test]
    fn every_feature_name_reads_back_to_its_key() {
        let mut n = 0;
        text::features(
            "Can't log in? QuickBooks",
            "Résumé: how do I fix it, please",
            &["HTTP 503"],
            |name, _| {
                n += 1;
                assert_eq!(text::key_of(&name.to_string()), Some(name.key()), "{name}");
            },
        );
        assert!(n > 20);
        let r = Name::Rule("api_errors");
        assert_eq!(text::key_of(&r.to_string()), Some(r.key()));
    }

    #[test]
    fn fit_learns_new_labels_and_is_deterministic() {
        let (t, l) = corpus();
        let o = FitOptions {
            folds: 3,
            ..FitOptions::default()
        };
        let mut a = rules_only();
        let ra = a.fit(&t, &l, &o).unwrap();
        let mut b = rules_only();
        let rb = b.fit(&t, &l, &o).unwrap();
        assert_eq!(a, b);
        assert_eq!(ra.confusion, rb.confusion);
        assert_eq!(ra.folds, 3);
        let held: u64 = ra.confusion.iter().flatten().sum();
        assert_eq!(held, 12);
        let route = |s: &str| a.route_ticket(&Ticket::new(s)).unwrap();
        assert_eq!(route("my invoice pdf is blank").issue_type, "pdf_export");
        let q = route("do you support payroll?");
        assert_eq!(q.issue_type, UNCLASSIFIED);
        assert_eq!(q.candidates[0].issue_type, OTHER);
        let r = route("login failed again");
        assert_eq!(r.issue_type, "login_failed");
        assert!(
            r.evidence
                .iter()
                .any(|e| e.starts_with("keyword") || e.starts_with("phrase")),
            "{:?}",
            r.evidence
        );
        let sum: f64 = r.candidates.iter().map(|c| c.probability).sum();
        assert!(sum <= 1.0 + 1e-9 && r.confidence == r.candidates[0].probability);
        assert_eq!(q.confidence, 0.0);
    }

    #[test]
    fn model_round_trips_and_bad_forms_are_refused() {
        let (t, l) = corpus();
        let mut r = rules_only();
        r.fit(
            &t,
            &l,
            &FitOptions {
                folds: 0,
                ..FitOptions::default()
            },
        )
        .unwrap();
        let json = serde_json::to_string(&r).unwrap();
        let back: Router = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        let m = serde_json::to_value(r.model().unwrap()).unwrap();
        let mut bad = m.clone();
        bad["version"] = 2.into();
        let e = serde_json::from_value::<TextModel>(bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("version"), "{e}");
        let mut bad = m.clone();
        bad["features"][0][0] = "zz".into();
        assert!(serde_json::from_value::<TextModel>(bad).is_err());
        let mut bad = m;
        bad["threshold"] = 2.0.into();
        assert!(serde_json::from_value::<TextModel>(bad).is_err());
    }

    #[test]
    fn fit_checks_its_inputs() {
        let (t, l) = corpus();
        let mut r = rules_only();
        let o = FitOptions::default();
        assert_eq!(
            r.fit(&t[..3], &l, &o).unwrap_err().code(),
            "dimension_mismatch"
        );
        assert_eq!(
            r.fit(&t[..2], &l[..2], &o).unwrap_err().code(),
            "invalid_input"
        );
        let bad = FitOptions {
            epochs: 0,
            ..FitOptions::default()
        };
        assert_eq!(r.fit(&t, &l, &bad).unwrap_err().code(), "invalid_config");
        let mut labels = l.clone();
        labels[0] = String::new();
        assert!(
            r.fit(&t, &labels, &o)
                .unwrap_err()
                .message
                .starts_with("labels[0]")
        );
    }
}

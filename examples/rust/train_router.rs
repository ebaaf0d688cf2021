//! Trains the built-in router's text model on the corpus in
//! `examples/data/tickets` and writes it where the crate includes it:
//!
//! ```text
//! cargo run --release -p opsbrain-examples --example train_router -- \
//!     examples/data/tickets/train.jsonl examples/data/tickets/dev.jsonl \
//!     core/src/classify/model.json
//! ```
//!
//! The model is fitted on the train split with the built-in rules' evidence
//! as features (five-fold cross-validation reported); the `unclassified`
//! threshold is the one of a grid that gives the best macro-F1 on the dev
//! split; the shipped model is then fitted on train + dev with the same
//! options and takes that threshold. The test split is never read here.
//! Deterministic: the same files give the same model. The options (chosen
//! on the dev split and the train split's cross-validation: no character
//! n-grams, crude stemming, features of at least two tickets, learning rate
//! 0.2, 20 epochs, L2 1e-4) are `FitOptions::default()`.

use std::error::Error;
use std::fs;

use opsbrain::classify::{
    ClassificationTable, FitOptions, OTHER, Router, RuleSet, Ticket, UNCLASSIFIED,
};
use serde::Deserialize;

#[derive(Deserialize)]
struct Labelled {
    #[allow(dead_code)]
    id: String,
    subject: String,
    body: String,
    error_codes: Vec<String>,
    channel: opsbrain::Channel,
    label: String,
}

fn read(path: &str) -> Result<(Vec<Ticket>, Vec<String>), Box<dyn Error>> {
    let mut tickets = Vec::new();
    let mut labels = Vec::new();
    for line in fs::read_to_string(path)?
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let t: Labelled = serde_json::from_str(line)?;
        tickets.push(Ticket {
            subject: t.subject,
            body: t.body,
            error_codes: t.error_codes,
            channel: t.channel,
        });
        labels.push(t.label);
    }
    Ok((tickets, labels))
}

/// Accuracy and macro-F1 over the labels present, `other` = unclassified.
fn score(truth: &[String], predicted: &[String]) -> (f64, f64) {
    let pred: Vec<&str> = predicted
        .iter()
        .map(|p| if p == UNCLASSIFIED { OTHER } else { p.as_str() })
        .collect();
    let n = truth.len() as f64;
    let acc = truth.iter().zip(&pred).filter(|(t, p)| t == *p).count() as f64 / n;
    let mut labels: Vec<&str> = truth.iter().map(String::as_str).collect();
    labels.sort_unstable();
    labels.dedup();
    let mut f1 = 0.0;
    for &l in &labels {
        let count = |f: &dyn Fn(&str, &str) -> bool| {
            truth.iter().zip(&pred).filter(|(t, p)| f(t, p)).count() as f64
        };
        let tp = count(&|t, p| t == l && p == l);
        let fp = count(&|t, p| t != l && p == l);
        let fn_ = count(&|t, p| t == l && p != l);
        let (pr, re) = (tp / (tp + fp).max(1.0), tp / (tp + fn_).max(1.0));
        f1 += if pr + re > 0.0 {
            2.0 * pr * re / (pr + re)
        } else {
            0.0
        };
    }
    (acc, f1 / labels.len() as f64)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (train, dev, out, extra) = match args.as_slice() {
        [t, d, o] => (t, d, o, "{}"),
        [t, d, o, x] => (t, d, o, x.as_str()),
        _ => {
            return Err("usage: train_router TRAIN.jsonl DEV.jsonl OUT.json [OPTIONS-JSON]".into());
        }
    };
    let (tickets, labels) = read(train)?;
    let mut router =
        Router::new(ClassificationTable::builtin(), RuleSet::builtin()).with_model(None);
    // Options beyond the defaults (tuned on the dev split only), as JSON.
    let mut options: FitOptions = serde_json::from_str(extra)?;
    options.warm_start = false;
    options.threshold = Some(0.0);
    let started = std::time::Instant::now();
    let report = router.fit(&tickets, &labels, &options)?;
    eprintln!(
        "fit on {} tickets ({} labels) in {:.2?}: {}-fold CV accuracy {:.3}, macro-F1 {:.3}",
        report.tickets,
        report.labels.len(),
        started.elapsed(),
        report.folds,
        report.cv_accuracy,
        report.cv_macro_f1
    );
    let (dev_tickets, dev_labels) = read(dev)?;
    let rules_only = Router::builtin().with_model(None);
    let r: Vec<String> = rules_only
        .route_batch(&dev_tickets)?
        .into_iter()
        .map(|r| r.issue_type)
        .collect();
    let (a, f) = score(&dev_labels, &r);
    eprintln!("dev, rules alone: accuracy {a:.3}, macro-F1 {f:.3}");
    // Weights to two decimals (features whose weights all round to zero
    // are dropped): a smaller file; the dev scores below are of this form.
    let model = router.model().cloned().ok_or("no model")?.rounded(2);
    eprintln!("{} features after rounding", model.len());
    let mut best = (f64::NEG_INFINITY, 0.0, 0.0);
    for step in 0..=16 {
        let threshold = f64::from(step) * 0.05;
        let candidate = router
            .clone()
            .with_model(Some(model.clone().with_threshold(threshold)?));
        let pred: Vec<String> = candidate
            .route_batch(&dev_tickets)?
            .into_iter()
            .map(|r| r.issue_type)
            .collect();
        let (acc, f1) = score(&dev_labels, &pred);
        eprintln!("dev, threshold {threshold:.2}: accuracy {acc:.3}, macro-F1 {f1:.3}");
        if f1 > best.0 + 1e-12 {
            best = (f1, threshold, acc);
        }
    }
    eprintln!(
        "chosen threshold {:.2} (dev macro-F1 {:.3}, accuracy {:.3})",
        best.1, best.0, best.2
    );
    // The shipped model: the same options on train + dev, the dev threshold.
    let (mut all_t, mut all_l) = (tickets, labels);
    all_t.extend(dev_tickets);
    all_l.extend(dev_labels);
    let mut fin = Router::builtin().with_model(None);
    let report = fin.fit(
        &all_t,
        &all_l,
        &FitOptions {
            folds: 0,
            ..options
        },
    )?;
    eprintln!("final fit on {} tickets (train + dev)", report.tickets);
    let model = fin.model().cloned().ok_or("no model")?;
    let model = model.with_threshold(best.1)?.rounded(2);
    eprintln!("{} features", model.len());
    fs::write(out, serde_json::to_string(&model)? + "\n")?;
    Ok(())
}

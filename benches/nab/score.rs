//! NAB scoring, written from NAB's published description (Lavin & Ahmad
//! 2015, and the rules of its scorer): anomaly windows, a scaled sigmoid
//! reward by position, a probationary period, one threshold per detector and
//! profile optimised over the whole corpus, and normalisation so that the
//! null detector scores 0 and a perfect one 100.

/// An application profile's weights (NAB's `config/profiles.json`, with the
/// published signs folded in: a false positive costs `fp`, a miss `fn_`).
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    pub name: &'static str,
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

/// The three published profiles.
pub const PROFILES: [Profile; 3] = [
    Profile {
        name: "standard",
        tp: 1.0,
        fp: 0.11,
        fn_: 1.0,
    },
    Profile {
        name: "reward_low_FP_rate",
        tp: 1.0,
        fp: 0.22,
        fn_: 1.0,
    },
    Profile {
        name: "reward_low_FN_rate",
        tp: 1.0,
        fp: 0.11,
        fn_: 2.0,
    },
];

/// One labelled series as the scorer sees it: its length and its windows
/// as inclusive row ranges.
#[derive(Clone, Debug)]
pub struct Labelled {
    pub rows: usize,
    pub windows: Vec<(usize, usize)>,
}

/// NAB's scaled sigmoid of a relative position: about 0.987 at a window's
/// left edge (-1), 0 at its right edge (0), towards -1 past it, and -1 from
/// 3 window lengths on.
pub fn scaled_sigmoid(position: f64) -> f64 {
    if position >= 3.0 {
        -1.0
    } else {
        2.0 / (1.0 + (5.0 * position).exp()) - 1.0
    }
}

/// Rows of the probationary period: 15% of the file, at most 750 rows
/// (15% of 5000).
pub fn probation(rows: usize) -> usize {
    ((rows as f64 * 0.15).floor()).min(750.0) as usize
}

/// A scored row: its detector score, what detecting it is worth (before
/// profile weights: the sigmoid value) and its window (global id), if any.
#[derive(Clone, Copy, Debug)]
struct Row {
    score: f64,
    /// Scaled sigmoid value: a true positive's reward in `(0, 1]` once
    /// divided by the left-edge value, or a false positive's (negative)
    /// factor.
    value: f64,
    window: Option<usize>,
}

/// The rows of one series after the probationary period, with the sigmoid
/// values, windows numbered from `first_window`.
fn rows(series: &Labelled, scores: &[f64], first_window: usize) -> Vec<Row> {
    let max_tp = scaled_sigmoid(-1.0);
    let skip = probation(series.rows);
    let mut out = Vec::with_capacity(series.rows.saturating_sub(skip));
    let mut prev: Option<(usize, usize)> = None; // (right index, width)
    for (i, &score) in scores.iter().enumerate().take(series.rows) {
        let inside = series.windows.iter().position(|&(l, r)| l <= i && i <= r);
        let (value, window) = match inside {
            Some(w) => {
                let (l, r) = series.windows[w];
                let width = (r - l + 1) as f64;
                let pos = -((r - i + 1) as f64) / width;
                (scaled_sigmoid(pos) / max_tp, Some(first_window + w))
            }
            None => {
                let pos = match prev {
                    None => 3.0,
                    Some((r, width)) => (i - r) as f64 / (width as f64 - 1.0).max(1.0),
                };
                (scaled_sigmoid(pos), None)
            }
        };
        if let Some(w) = inside {
            let (l, r) = series.windows[w];
            if i == r {
                prev = Some((r, r - l + 1));
            }
        }
        if i >= skip {
            out.push(Row {
                score,
                value,
                window,
            });
        }
    }
    out
}

/// The corpus result for one detector and profile.
#[allow(dead_code)] // the counts are for tests and debugging
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The optimised threshold (detect when score >= threshold).
    pub threshold: f64,
    /// Raw NAB score at that threshold.
    pub raw: f64,
    /// Normalised: null 0, perfect 100.
    pub normalised: f64,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

/// Scores a detector's output on a corpus (`scores[k]` for `series[k]`) for
/// one profile, optimising the threshold over all rows of all series.
pub fn score_corpus(series: &[Labelled], scores: &[Vec<f64>], profile: Profile) -> Outcome {
    let mut all = Vec::new();
    let mut windows = 0;
    for (s, sc) in series.iter().zip(scores) {
        all.extend(rows(s, sc, windows));
        windows += s.windows.len();
    }
    // Windows with at least one row after probation count as misses when
    // undetected (NAB drops probationary rows before scoring).
    let mut scorable = vec![false; windows];
    for r in &all {
        if let Some(w) = r.window {
            scorable[w] = true;
        }
    }
    let n_scorable = scorable.iter().filter(|s| **s).count();
    let null = -profile.fn_ * n_scorable as f64;
    let perfect = profile.tp * windows as f64;
    all.sort_by(|a, b| b.score.total_cmp(&a.score));

    // Sweep thresholds from high to low: a window's part is its best
    // (earliest) detection, or -fn while undetected.
    let mut part: Vec<Option<f64>> = vec![None; windows];
    let mut fp_sum = 0.0;
    let mut tp_sum = 0.0;
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut best = Outcome {
        threshold: f64::INFINITY,
        raw: null,
        normalised: 0.0,
        tp: 0,
        fp: 0,
        fn_: n_scorable,
    };
    let mut i = 0;
    while i < all.len() {
        let t = all[i].score;
        while i < all.len() && all[i].score == t {
            let r = all[i];
            match r.window {
                None => {
                    fp_sum += r.value * profile.fp;
                    fp += 1;
                }
                Some(w) => {
                    let v = r.value * profile.tp;
                    match part[w] {
                        None => {
                            tp += 1;
                            tp_sum += v;
                            part[w] = Some(v);
                        }
                        Some(old) if v > old => {
                            tp_sum += v - old;
                            part[w] = Some(v);
                        }
                        Some(_) => {}
                    }
                }
            }
            i += 1;
        }
        let raw = tp_sum + fp_sum - profile.fn_ * (n_scorable - tp) as f64;
        if raw > best.raw {
            best = Outcome {
                threshold: t,
                raw,
                normalised: 0.0,
                tp,
                fp,
                fn_: n_scorable - tp,
            };
        }
    }
    best.normalised = 100.0 * (best.raw - null) / (perfect - null);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Vec<Labelled> {
        vec![
            Labelled {
                rows: 1000,
                windows: vec![(300, 399), (700, 799)],
            },
            Labelled {
                rows: 500,
                windows: vec![(200, 249)],
            },
        ]
    }

    fn detections(
        series: &[Labelled],
        at: impl Fn(usize, usize) -> Option<usize>,
    ) -> Vec<Vec<f64>> {
        series
            .iter()
            .map(|s| {
                let mut v = vec![0.0; s.rows];
                for (l, r) in &s.windows {
                    if let Some(i) = at(*l, *r) {
                        v[i] = 1.0;
                    }
                }
                v
            })
            .collect()
    }

    #[test]
    fn perfect_is_100_and_null_is_0() {
        let c = corpus();
        for p in PROFILES {
            let perfect = score_corpus(&c, &detections(&c, |l, _| Some(l)), p);
            assert!((perfect.normalised - 100.0).abs() < 1e-9, "{perfect:?}");
            assert_eq!((perfect.tp, perfect.fp, perfect.fn_), (3, 0, 0));
            let null = score_corpus(&c, &detections(&c, |_, _| None), p);
            assert!(null.normalised.abs() < 1e-12, "{null:?}");
        }
    }

    #[test]
    fn early_detection_beats_late() {
        let c = corpus();
        let p = PROFILES[0];
        let early = score_corpus(&c, &detections(&c, |l, _| Some(l + 5)), p);
        let mid = score_corpus(&c, &detections(&c, |l, r| Some((l + r) / 2)), p);
        let late = score_corpus(&c, &detections(&c, |_, r| Some(r)), p);
        assert!(early.normalised > mid.normalised && mid.normalised > late.normalised);
        assert!(late.normalised > 0.0, "a late detection still beats a miss");
    }

    #[test]
    fn false_positives_cost_more_far_from_windows() {
        let c = vec![Labelled {
            rows: 1000,
            windows: vec![(300, 399)],
        }];
        let score_with_fp = |at: usize| {
            let mut v = vec![0.0; 1000];
            v[300] = 1.0;
            v[at] = 1.0;
            score_corpus(&c, &[v], PROFILES[0]).raw
        };
        // Just after the window costs almost nothing; far after costs fp.
        assert!(score_with_fp(401) > score_with_fp(600));
        assert!((score_with_fp(900) - (1.0 - 0.11)).abs() < 1e-9);
        // Before any window: the full fp cost.
        assert!((score_with_fp(200) - (1.0 - 0.11)).abs() < 1e-9);
    }

    #[test]
    fn probation_is_ignored_and_threshold_is_optimised() {
        let c = vec![Labelled {
            rows: 1000,
            windows: vec![(300, 399)],
        }];
        let mut v = vec![0.0; 1000];
        v[10] = 1.0; // in probation (150 rows): not an FP
        v[310] = 0.9;
        v[600] = 0.5; // an FP only at thresholds <= 0.5
        let o = score_corpus(&c, &[v], PROFILES[0]);
        assert_eq!(o.threshold, 0.9);
        assert_eq!((o.tp, o.fp), (1, 0));
        assert_eq!(probation(1000), 150);
        assert_eq!(probation(20000), 750);
    }
}

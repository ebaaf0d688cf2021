use ndarray::{Array2, ShapeBuilder, array, s};
use proptest::prelude::*;
use rand::Rng as _;

use super::*;
use crate::stats::percentile_sorted;

/// Deterministic pseudo-random data: a Gaussian-ish blob plus a few far
/// points at the end.
fn blob(n: usize, d: usize, outliers: usize, seed: u64) -> Array2<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Array2::from_shape_fn((n + outliers, d), |(i, _)| {
        let v: f64 = (0..4).map(|_| rng.gen_range(-1.0..1.0)).sum();
        if i >= n { 8.0 + v } else { v }
    })
}

fn in_pool<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(f)
}

#[test]
fn same_model_and_scores_whatever_the_thread_count() {
    let x = blob(3000, 3, 30, 1);
    let params = IsolationForestParams::new()
        .contamination(Contamination::Fraction(0.05))
        .seed(11);
    let one = in_pool(1, || params.fit(&x).unwrap());
    let two = in_pool(2, || params.fit(&x).unwrap());
    assert_eq!(one, two);
    let s1 = in_pool(1, || one.score_samples(&x).unwrap());
    let s2 = in_pool(2, || two.score_samples(&x).unwrap());
    assert_eq!(s1, s2);
    let other = IsolationForestParams::new().seed(12).fit(&x).unwrap();
    assert_ne!(other.score_samples(&x).unwrap(), s1);
}

#[test]
fn outliers_score_lowest_and_contamination_sets_the_offset() {
    let x = blob(2000, 2, 20, 2);
    let m = IsolationForestParams::new()
        .contamination(Contamination::Fraction(0.01))
        .seed(3)
        .fit(&x)
        .unwrap();
    let labels = m.predict(&x).unwrap();
    let flagged = labels.iter().filter(|&&v| v == -1).count();
    // The offset is the 1st percentile of the training scores: 1% flagged.
    assert!((18..=23).contains(&flagged), "{flagged}");
    // The planted outliers are the ones flagged.
    assert!(labels.slice(s![2000..]).iter().all(|&v| v == -1));
    let scores = m.score_samples(&x).unwrap();
    let mut sorted = scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(m.offset(), percentile_sorted(&sorted, 1.0));
}

#[test]
fn auto_contamination_offset_is_minus_a_half() {
    let x = blob(500, 2, 0, 4);
    let m = IsolationForestParams::new().fit(&x).unwrap();
    assert_eq!(m.offset(), -0.5);
    let s = m.score_samples(&x).unwrap();
    let d = m.decision_function(&x).unwrap();
    for (a, b) in s.iter().zip(&d) {
        assert_eq!(*a + 0.5, *b);
    }
}

#[test]
fn trees_respect_depth_and_hold_every_sample() {
    let x = blob(1000, 4, 0, 5);
    let m = IsolationForestParams::new()
        .n_estimators(20)
        .fit(&x)
        .unwrap();
    assert_eq!(m.max_samples(), 256);
    for t in m.trees() {
        assert!(t.n_nodes() < 2 * 256);
        // Walk: leaf value = depth + c(n) with depth <= 8.
        let mut stack = vec![(0usize, 0u32)];
        let mut leaves = 0;
        while let Some((i, depth)) = stack.pop() {
            if t.feature[i] == LEAF {
                leaves += 1;
                assert!(depth <= 8);
                let adj = t.value[i] - f64::from(depth);
                assert!(adj >= 0.0 && adj <= average_path_length(256));
            } else {
                let l = t.left[i] as usize;
                stack.push((l, depth + 1));
                stack.push((l + 1, depth + 1));
            }
        }
        assert_eq!(2 * leaves - 1, t.n_nodes());
    }
}

#[test]
fn path_lengths_match_a_direct_count_for_a_tiny_forest() {
    // Two distinct points: every tree splits once, each leaf holds one point
    // at depth 1, so E[h] = 1 and the score is -2^(-1/c(2)) = -0.5.
    let x = array![[0.0], [1.0]];
    let m = IsolationForestParams::new()
        .n_estimators(3)
        .fit(&x)
        .unwrap();
    assert_eq!(m.score_samples(&x).unwrap(), array![-0.5, -0.5]);
    // Identical rows cannot be split: a single leaf holding both, depth 0 +
    // c(2) = 1, so the same score.
    let same = array![[3.0], [3.0]];
    let m = IsolationForestParams::new()
        .n_estimators(3)
        .fit(&same)
        .unwrap();
    assert!(m.trees().iter().all(|t| t.n_nodes() == 1));
    assert_eq!(m.score_samples(&same).unwrap(), array![-0.5, -0.5]);
}

#[test]
fn any_memory_layout_scores_the_same() {
    let x = blob(700, 3, 5, 6);
    let m = IsolationForestParams::new().seed(9).fit(&x).unwrap();
    let c = m.score_samples(&x).unwrap();
    let mut f = Array2::zeros(x.dim().f());
    f.assign(&x);
    assert!(f.as_slice().is_none());
    assert_eq!(m.score_samples(&f).unwrap(), c);
    // A strided view (every other row).
    let every_other = x.slice(s![..;2, ..]);
    let expect: Vec<f64> = c.iter().step_by(2).copied().collect();
    assert_eq!(m.score_samples(&every_other).unwrap().to_vec(), expect);
}

#[test]
fn feature_subsets_and_bootstrap_are_used() {
    let x = blob(400, 5, 4, 7);
    let m = IsolationForestParams::new()
        .max_features(MaxFeatures::Count(2))
        .bootstrap(true)
        .fit(&x)
        .unwrap();
    for t in m.trees() {
        let used: std::collections::BTreeSet<u32> =
            t.feature.iter().copied().filter(|&f| f != LEAF).collect();
        assert!(used.len() <= 2, "{used:?}");
    }
    let frac = IsolationForestParams::new()
        .max_features(MaxFeatures::Fraction(0.1))
        .fit(&x)
        .unwrap();
    assert!(frac.trees().iter().all(|t| {
        t.feature
            .iter()
            .filter(|&&f| f != LEAF)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            <= 1
    }));
}

#[test]
fn bad_input_is_a_clear_error() {
    let ok = blob(10, 2, 0, 8);
    let p = IsolationForestParams::new();
    let code = |r: Result<IsolationForest>| r.unwrap_err().code();
    assert_eq!(code(p.fit(&Array2::<f64>::zeros((0, 2)))), "invalid_input");
    assert_eq!(code(p.fit(&Array2::<f64>::zeros((1, 2)))), "invalid_input");
    assert_eq!(code(p.fit(&Array2::<f64>::zeros((5, 0)))), "invalid_input");
    let mut nan = ok.clone();
    nan[[3, 1]] = f64::NAN;
    let e = p.fit(&nan).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    assert!(e.message.contains("row 3, column 1"), "{}", e.message);
    nan[[3, 1]] = f64::INFINITY;
    assert_eq!(code(p.fit(&nan)), "invalid_input");
    for c in [0.0, -0.1, 0.51, f64::NAN] {
        let q = p.clone().contamination(Contamination::Fraction(c));
        assert_eq!(code(q.fit(&ok)), "invalid_config", "{c}");
    }
    assert_eq!(code(p.clone().n_estimators(0).fit(&ok)), "invalid_config");
    assert_eq!(
        code(p.clone().n_estimators(usize::MAX).fit(&ok)),
        "limit_exceeded"
    );
    assert_eq!(
        code(
            p.clone()
                .n_estimators(MAX_ESTIMATORS)
                .max_samples(MaxSamples::Count(10_000))
                .fit(&blob(10_000, 1, 0, 1))
        ),
        "limit_exceeded"
    );
    assert_eq!(
        code(p.clone().max_samples(MaxSamples::Count(0)).fit(&ok)),
        "invalid_config"
    );
    assert_eq!(
        code(p.clone().max_samples(MaxSamples::Fraction(1.5)).fit(&ok)),
        "invalid_config"
    );
    assert_eq!(
        code(p.clone().max_samples(MaxSamples::Fraction(0.05)).fit(&ok)),
        "invalid_input"
    );
    assert_eq!(
        code(p.clone().max_features(MaxFeatures::Count(3)).fit(&ok)),
        "invalid_config"
    );
    assert_eq!(
        code(p.clone().max_features(MaxFeatures::Fraction(0.0)).fit(&ok)),
        "invalid_config"
    );

    let m = p.fit(&ok).unwrap();
    let e = m.score_samples(&Array2::<f64>::zeros((3, 3))).unwrap_err();
    assert_eq!(e.code(), "dimension_mismatch");
    assert_eq!(
        m.predict(&array![[f64::NAN, 0.0]]).unwrap_err().code(),
        "invalid_input"
    );
    // Zero rows to score is fine: no scores.
    assert_eq!(
        m.score_samples(&Array2::<f64>::zeros((0, 2)))
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn max_samples_larger_than_the_data_is_clipped_with_a_warning() {
    let x = blob(50, 2, 0, 9);
    let m = IsolationForestParams::new()
        .max_samples(MaxSamples::Count(1000))
        .fit(&x)
        .unwrap();
    assert_eq!(m.max_samples(), 50);
    assert_eq!(m.warnings().len(), 1);
    let f = IsolationForestParams::new()
        .max_samples(MaxSamples::Fraction(0.5))
        .fit(&x)
        .unwrap();
    assert_eq!(f.max_samples(), 25);
    assert!(f.warnings().is_empty());
}

#[test]
fn json_round_trip_and_corrupt_models() {
    let x = blob(300, 2, 3, 10);
    let m = IsolationForestParams::new()
        .n_estimators(10)
        .contamination(Contamination::Fraction(0.1))
        .fit(&x)
        .unwrap();
    let text = m.to_json();
    let back = IsolationForest::from_json(&text).unwrap();
    assert_eq!(
        back.score_samples(&x).unwrap(),
        m.score_samples(&x).unwrap()
    );
    assert_eq!(back.offset(), m.offset());

    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["trees"][0]["left"][0] = serde_json::json!(100_000);
    assert_eq!(
        IsolationForest::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["trees"][0]["feature"][0] = serde_json::json!(7);
    assert_eq!(
        IsolationForest::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "invalid_input"
    );
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["format_version"] = serde_json::json!(2);
    assert_eq!(
        IsolationForest::from_json(&v.to_string())
            .unwrap_err()
            .code(),
        "unsupported_version"
    );
    assert_eq!(
        IsolationForest::from_json("{}").unwrap_err().code(),
        "missing_key"
    );
    assert_eq!(
        IsolationForest::from_json("[1,").unwrap_err().code(),
        "parse_error"
    );
}

#[test]
fn average_path_length_matches_the_paper() {
    // c(n) = 2 H(n-1) - 2 (n-1)/n with H(i) ~ ln(i) + Euler's constant.
    assert_eq!(average_path_length(0), 0.0);
    assert!(
        (average_path_length(3) - (2.0 * (2f64.ln() + 0.5772156649015329) - 4.0 / 3.0)).abs()
            < 1e-12
    );
    assert_eq!(ceil_log2(256), 8);
    assert_eq!(ceil_log2(257), 9);
    assert_eq!(ceil_log2(2), 1);
    assert_eq!(ceil_log2(3), 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn scores_are_bounded_and_duplicates_score_alike(
        rows in proptest::collection::vec(proptest::collection::vec(-1e6f64..1e6, 3), 2..60),
        dup in 0usize..60,
        seed in any::<u64>(),
    ) {
        let mut rows = rows;
        let d = dup % rows.len();
        rows.push(rows[d].clone());
        let n = rows.len();
        let x = Array2::from_shape_vec((n, 3), rows.concat()).unwrap();
        let m = IsolationForestParams::new().n_estimators(20).seed(seed).fit(&x).unwrap();
        let a = m.anomaly_score(&x).unwrap();
        prop_assert!(a.iter().all(|v| *v > 0.0 && *v <= 1.0));
        prop_assert_eq!(a[d], a[n - 1]);
    }
}

/// Finite data spanning more than f64::MAX used to panic in rand's sampler
/// (range overflow); it now fits and scores finite values in [-1, 0).
#[test]
fn data_spanning_more_than_f64_max_fits() {
    let x = array![[-1e308], [1e308], [0.0], [f64::MAX], [-f64::MAX]];
    let m = IsolationForestParams::new().seed(3).fit(&x).unwrap();
    let scores = m.score_samples(&x).unwrap();
    assert!(
        scores
            .iter()
            .all(|s| s.is_finite() && (-1.0..0.0).contains(s)),
        "{scores}"
    );
    let d = m.decision_function(&x).unwrap();
    assert!(d.iter().all(|v| v.is_finite()), "{d}");
}

/// Tampered models are refused on load with a coded error naming the tree.
#[test]
fn tampered_models_are_refused() {
    let x = blob(300, 2, 3, 9);
    let m = IsolationForestParams::new()
        .n_estimators(4)
        .seed(5)
        .fit(&x)
        .unwrap();
    let good: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
    let leaf = |t: &serde_json::Value| {
        t["feature"]
            .as_array()
            .unwrap()
            .iter()
            .position(|f| f.as_u64() == Some(u64::from(LEAF)))
            .unwrap()
    };
    let refused = |edit: &dyn Fn(&mut serde_json::Value), says: &str| {
        let mut v = good.clone();
        edit(&mut v);
        let e = IsolationForest::from_json(&v.to_string()).unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{e}");
        assert!(e.to_string().contains(says), "{e} lacks {says:?}");
    };
    for bad in [-1e308, 1.7e308, -1.0, 1e6] {
        refused(
            &|v| {
                let i = leaf(&v["trees"][0]);
                v["trees"][0]["value"][i] = bad.into();
            },
            "trees[0]: corrupt tree: leaf path length",
        );
    }
    refused(
        &|v| v["params"]["n_estimators"] = 5.into(),
        "4 trees but params.n_estimators is 5",
    );
    refused(&|v| v["n_features"] = (1u64 << 32).into(), "n_features");
    // Chains: node 2i splits into a leaf (2i + 1) and the next link (2i + 2).
    let chain = |links: usize| {
        let n = 2 * links + 1;
        let mut feature = vec![LEAF; n];
        let mut left = vec![0u32; n];
        for i in 0..links {
            feature[2 * i] = 0;
            left[2 * i] = (2 * i + 1) as u32;
        }
        serde_json::json!({"feature": feature, "value": vec![1.0; n], "left": left})
    };
    // max_samples is 256, so depth 8 at most: 12 links are too deep ...
    assert_eq!(good["max_samples"], 256);
    refused(
        &|v| v["trees"][1] = chain(12),
        "trees[1]: corrupt tree: deeper than max_samples allows",
    );
    // ... and 200,000 are more nodes than 256 samples can make.
    refused(
        &|v| v["trees"][1] = chain(200_000),
        "trees[1]: corrupt tree: more nodes than max_samples allows",
    );
    // 8 links are within the bounds.
    let mut ok = good.clone();
    ok["trees"][1] = chain(8);
    assert!(IsolationForest::from_json(&ok.to_string()).is_ok());
    assert!(IsolationForest::from_json(&good.to_string()).is_ok());
}

#[test]
fn attributions_name_the_column_that_isolates() {
    // Five columns of ordinary values; a row extreme in one column at a
    // time, inside the training data (as the monitor's batch detection
    // scores) and outside it (as a fitted group scores new rows). That
    // column must carry most of the row's attribution.
    let reference = [11.0; 5];
    for j in 0..5 {
        let mut x = Array2::from_shape_fn((300, 5), |(i, k)| ((i * 31 + k * 7) % 23) as f64);
        x[[3, j]] = -60.0;
        let m = IsolationForestParams::new().seed(5).fit(&x).unwrap();
        let mut probe = Array2::from_elem((1, 5), 11.0);
        probe[[0, j]] = 95.0;
        for (a, r) in [
            (m.feature_attributions(&x, &reference).unwrap(), 3),
            (m.feature_attributions(&probe, &reference).unwrap(), 0),
        ] {
            let row = a.row(r);
            let best = (0..5).max_by(|&p, &q| row[p].total_cmp(&row[q])).unwrap();
            assert_eq!(best, j, "{row:?}");
            assert!(row[j] > 0.4, "{row:?}");
            for r in a.rows() {
                let s = r.sum();
                assert!(s == 0.0 || (s - 1.0).abs() < 1e-9, "{r:?}");
                assert!(r.iter().all(|v| (0.0..=1.0).contains(v)));
            }
        }
    }
    // Identical rows are never split: no column changes anything.
    let same = Array2::from_elem((10, 2), 4.0);
    let m = IsolationForestParams::new().fit(&same).unwrap();
    let a = m.feature_attributions(&same, &[0.0, 9.0]).unwrap();
    assert!(a.iter().all(|v| *v == 0.0));
    // Checked as scoring is.
    let e = m
        .feature_attributions(&Array2::<f64>::zeros((2, 3)), &[0.0; 3])
        .unwrap_err();
    assert_eq!(e.code(), "dimension_mismatch");
    let e = m.feature_attributions(&same, &[0.0]).unwrap_err();
    assert_eq!(e.code(), "dimension_mismatch");
}

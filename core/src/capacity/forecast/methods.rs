//! The forecasting methods: seasonal naive, Holt-Winters additive (fitted
//! by Nelder-Mead on the one-step squared errors) and an MSTL-style
//! daily + weekly decomposition whose seasonally adjusted part is forecast
//! as an AR(1) around its recent mean.
//!
//! Every method returns, for `h = 1..=H`, the point forecast and the
//! variance of the `h`-step error, from the variance `sigma^2` of its
//! in-sample one-step errors (see [`Fit`]).

use super::optim::{logistic, logit, nelder_mead};

/// A fitted method's forecast.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    pub mean: Vec<f64>,
    /// Variance of the `h`-step forecast error, `h = 1..=H`.
    pub var: Vec<f64>,
    /// Root mean square of the in-sample one-step errors.
    pub sigma: f64,
    /// Fitted Holt-Winters smoothing parameters.
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub gamma: Option<f64>,
    /// Autoregression of MSTL's adjusted series.
    pub phi: Option<f64>,
    /// Damping of the Holt-Winters trend.
    pub damping: Option<f64>,
}

/// Most objective evaluations per Nelder-Mead fit.
const MAX_EVALS: usize = 400;

/// Seasonal naive with period `m`: `y[n + h] = y[n + h - m * (k + 1)]`,
/// `k = (h - 1) / m`; error variance `sigma^2 * (k + 1)`, with `sigma^2` the
/// mean square of `y[t] - y[t - m]` (zero when the history is one season).
pub(crate) fn seasonal_naive(y: &[f64], m: usize, h: usize) -> Fit {
    let n = y.len();
    let sse: f64 = (m..n).map(|t| (y[t] - y[t - m]).powi(2)).sum();
    let s2 = if n > m { sse / (n - m) as f64 } else { 0.0 };
    let mean = (0..h).map(|i| y[n - m + i % m]).collect();
    let var = (0..h).map(|i| s2 * ((i / m) + 1) as f64).collect();
    Fit {
        mean,
        var,
        sigma: s2.sqrt(),
        alpha: None,
        beta: None,
        gamma: None,
        phi: None,
        damping: None,
    }
}

/// Holt-Winters additive in error-correction form with period `m`:
/// `yhat = l + phi b + s[t-m]`, `e = y - yhat`, `l += phi b + alpha e`,
/// `b = phi b + beta e`, `s[t] = s[t-m] + gamma e`, with `0 < alpha < 1`,
/// `0 < beta < alpha`, `0 < gamma < 1 - alpha`; `phi = 1` (no damping)
/// unless `damped`, when `phi` is fitted in `[0.8, 0.98]` with the others
/// (the range of Hyndman & Athanasopoulos, section 8.2: below 0.8 the
/// trend vanishes within a few steps, above 0.98 damping is invisible) and
/// the trend's contribution flattens to `b phi (1 - phi^h) / (1 - phi)`.
/// Initial states from the first two seasons, after Hyndman &
/// Athanasopoulos: `b0` the difference of the two seasons' means over `m`,
/// `l0` the first season's mean moved back along `b0` to just before the
/// first point, and `s` the first season minus that line. Needs `2 m`
/// points.
pub(crate) fn holt_winters(y: &[f64], m: usize, h: usize, damped: bool) -> Fit {
    let n = y.len();
    let mean1 = y[..m].iter().sum::<f64>() / m as f64;
    let mean2 = y[m..2 * m].iter().sum::<f64>() / m as f64;
    let b0 = (mean2 - mean1) / m as f64;
    // mean1 is the level in the middle of the first season: move it back to
    // just before the first point along b0, and detrend the first season.
    let l0 = mean1 - b0 * (m + 1) as f64 / 2.0;
    let s0: Vec<f64> = y[..m]
        .iter()
        .enumerate()
        .map(|(i, v)| v - (l0 + b0 * (i + 1) as f64))
        .collect();
    let params = |x: &[f64]| {
        let a = logistic(x[0]).clamp(1e-4, 1.0 - 1e-4);
        let phi = if damped {
            DAMPING_MIN + (DAMPING_MAX - DAMPING_MIN) * logistic(x[3])
        } else {
            1.0
        };
        (a, a * logistic(x[1]), (1.0 - a) * logistic(x[2]), phi)
    };
    let mut season = vec![0.0; m];
    let run = |(a, b, g, phi): (f64, f64, f64, f64), season: &mut Vec<f64>| -> (f64, f64, f64) {
        season.copy_from_slice(&s0);
        let (mut l, mut tr, mut sse) = (l0, b0, 0.0);
        for (t, &v) in y.iter().enumerate() {
            let j = t % m;
            let e = v - (l + phi * tr + season[j]);
            sse += e * e;
            l += phi * tr + a * e;
            tr = phi * tr + b * e;
            season[j] += g * e;
        }
        (l, tr, sse)
    };
    let x0 = [logit(0.3), logit(0.1), logit(0.1), logit(0.5)];
    let x0 = if damped { &x0[..] } else { &x0[..3] };
    let mut obj = |x: &[f64]| run(params(x), &mut season).2;
    let (x, _) = nelder_mead(&mut obj, x0, 1.0, MAX_EVALS, 1e-10);
    let (a, b, g, phi) = params(&x);
    let (l, tr, sse) = run((a, b, g, phi), &mut season);
    let s2 = sse / n as f64;
    let mut mean = Vec::with_capacity(h);
    let mut damp_sum = 0.0; // phi + phi^2 + ... + phi^(i+1)
    let mut ph = 1.0;
    for i in 0..h {
        ph *= phi;
        damp_sum += ph;
        mean.push(l + damp_sum * tr + season[(n + i) % m]);
    }
    let var = if damped {
        // ETS(A,Ad,A): var_h = s2 (1 + sum_{j<h} c_j^2) with
        // c_j = alpha + beta phi (1 - phi^j) / (1 - phi) + gamma [j % m == 0]
        // (Hyndman et al. 2008, table 6.1, class 1).
        let mut var = Vec::with_capacity(h);
        let (mut acc, mut pj) = (0.0, 1.0);
        for hh in 1..=h {
            var.push(s2 * (1.0 + acc));
            pj *= phi; // phi^hh
            let c = a + b * phi * (1.0 - pj) / (1.0 - phi) + if hh % m == 0 { g } else { 0.0 };
            acc += c * c;
        }
        var
    } else {
        (1..=h)
            .map(|hh| {
                let hf = hh as f64;
                let k = ((hh - 1) / m) as f64;
                s2 * (1.0
                    + (hf - 1.0) * (a * a + a * b * hf + b * b * hf * (2.0 * hf - 1.0) / 6.0)
                    + k * (g * (2.0 * a + g) + b * g * (k + 1.0)))
            })
            .collect()
    };
    Fit {
        mean,
        var,
        sigma: s2.sqrt(),
        alpha: Some(a),
        beta: Some(b),
        gamma: Some(g),
        phi: None,
        damping: damped.then_some(phi),
    }
}

/// Range of the fitted damping parameter.
const DAMPING_MIN: f64 = 0.8;
const DAMPING_MAX: f64 = 0.98;

/// Centred moving average of window `w` (a 2 x w average when `w` is even),
/// held constant beyond the first and last centred positions. Needs
/// `x.len() > w`.
fn centred_ma(x: &[f64], w: usize) -> Vec<f64> {
    let n = x.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0);
    for &v in x {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + v);
    }
    let sum = |a: usize, b: usize| prefix[b] - prefix[a]; // x[a..b]
    let half = w / 2;
    let mut out = vec![0.0; n];
    let (first, last) = (half, n - 1 - half);
    for (t, slot) in out.iter_mut().enumerate().take(last + 1).skip(first) {
        *slot = if w % 2 == 1 {
            sum(t - half, t + half + 1) / w as f64
        } else {
            (sum(t - half, t + half) + sum(t - half + 1, t + half + 1)) / (2 * w) as f64
        };
    }
    let (a, b) = (out[first], out[last]);
    out[..first].fill(a);
    out[last + 1..].fill(b);
    out
}

/// Per-phase medians of `x - trend` over the centred positions of the last
/// `cycles` cycles, centred to
/// sum to zero over the period.
fn seasonal_medians(x: &[f64], trend: &[f64], m: usize, half: usize, cycles: usize) -> Vec<f64> {
    let n = x.len();
    let mut buckets: Vec<Vec<f64>> = vec![Vec::new(); m];
    let from = n.saturating_sub(cycles * m).max(half);
    for t in from..n - half {
        buckets[t % m].push(x[t] - trend[t]);
    }
    let mut s: Vec<f64> = buckets
        .iter_mut()
        .map(|b| {
            b.sort_by(f64::total_cmp);
            match b.len() {
                0 => 0.0,
                k if k % 2 == 1 => b[k / 2],
                k => 0.5 * (b[k / 2 - 1] + b[k / 2]),
            }
        })
        .collect();
    let c = s.iter().sum::<f64>() / m as f64;
    s.iter_mut().for_each(|v| *v -= c);
    s
}

/// Cycles of each season the MSTL-style seasonal estimates use (the most
/// recent ones), so that the pattern can drift over months and one odd week
/// (a holiday) is outvoted by the median.
const RECENT_WEEKS: usize = 6;
const RECENT_DAYS: usize = 28;

/// MSTL-style decomposition `y = daily + weekly + adjusted`: two passes that
/// each estimate the daily component from `y - weekly` (centred moving
/// average over a day, per-phase medians over the last 28 days) and then
/// the weekly component from `y - daily` (moving average over a week,
/// medians over the last 6 weeks). The adjusted series is forecast as an
/// AR(1) around its mean over the last week,
/// `mu + phi^h (z[n] - mu)`, with `phi` by least squares (clamped to
/// [0, 0.999]) and error variance `sigma^2 (1 - phi^(2h)) / (1 - phi^2)`;
/// both seasonal components are repeated. Needs `2 * week` points.
pub(crate) fn mstl(y: &[f64], day: usize, week: usize, h: usize) -> Fit {
    let n = y.len();
    let mut daily = vec![0.0; day];
    let mut weekly = vec![0.0; week];
    let mut x = vec![0.0; n];
    for _ in 0..2 {
        for t in 0..n {
            x[t] = y[t] - weekly[t % week];
        }
        daily = seasonal_medians(&x, &centred_ma(&x, day), day, day / 2, RECENT_DAYS);
        for t in 0..n {
            x[t] = y[t] - daily[t % day];
        }
        weekly = seasonal_medians(&x, &centred_ma(&x, week), week, week / 2, RECENT_WEEKS);
    }
    let z: Vec<f64> = (0..n)
        .map(|t| y[t] - daily[t % day] - weekly[t % week])
        .collect();
    let recent = &z[n - week..];
    let mu = recent.iter().sum::<f64>() / week as f64;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for w in recent.windows(2) {
        sxy += (w[0] - mu) * (w[1] - mu);
        sxx += (w[0] - mu) * (w[0] - mu);
    }
    let phi = if sxx > 0.0 {
        (sxy / sxx).clamp(0.0, 0.999)
    } else {
        0.0
    };
    let s2 = recent
        .windows(2)
        .map(|w| (w[1] - mu - phi * (w[0] - mu)).powi(2))
        .sum::<f64>()
        / (week - 1) as f64;
    let last = z[n - 1] - mu;
    let mut mean = Vec::with_capacity(h);
    let mut var = Vec::with_capacity(h);
    let (mut ph, mut acc) = (1.0, 0.0);
    for i in 0..h {
        acc += ph * ph; // sum of phi^(2j), j < h
        ph *= phi;
        mean.push(mu + ph * last + daily[(n + i) % day] + weekly[(n + i) % week]);
        var.push(s2 * acc);
    }
    Fit {
        mean,
        var,
        sigma: s2.sqrt(),
        alpha: None,
        beta: None,
        gamma: None,
        phi: Some(phi),
        damping: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pattern(n: usize, m: usize) -> Vec<f64> {
        (0..n)
            .map(|t| 10.0 + ((t % m) as f64 * 0.7).sin() * 3.0 + (t % m) as f64 * 0.1)
            .collect()
    }

    #[test]
    fn every_method_reproduces_a_pure_seasonal_series() {
        let (day, week) = (24, 168);
        let y = pattern(4 * week, week);
        let truth = pattern(5 * week, week)[4 * week..].to_vec();
        for fit in [
            seasonal_naive(&y, week, week),
            holt_winters(&y, week, week, false),
            holt_winters(&y, week, week, true),
            mstl(&y, day, week, week),
        ] {
            for (a, b) in fit.mean.iter().zip(&truth) {
                assert!((a - b).abs() < 1e-9, "{a} vs {b}");
            }
            assert!(fit.sigma < 1e-9);
        }
    }

    #[test]
    fn holt_winters_follows_a_trend() {
        let m = 24;
        let y: Vec<f64> = (0..10 * m)
            .map(|t| 5.0 + 0.05 * t as f64 + ((t % m) as f64).cos())
            .collect();
        let fit = holt_winters(&y, m, m, false);
        let want = 5.0 + 0.05 * (10 * m) as f64 + 1.0;
        assert!(
            (fit.mean[0] - want).abs() < 0.05,
            "{} vs {want}",
            fit.mean[0]
        );
        assert!(fit.var.windows(2).all(|w| w[1] >= w[0]));
    }

    #[test]
    fn moving_average_of_a_line_is_the_line() {
        let x: Vec<f64> = (0..50).map(|t| t as f64).collect();
        let ma = centred_ma(&x, 6);
        for (t, v) in ma.iter().enumerate().take(47).skip(3) {
            assert!((v - t as f64).abs() < 1e-12);
        }
        assert_eq!(ma[0], 3.0);
    }
}

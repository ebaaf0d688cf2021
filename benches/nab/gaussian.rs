//! NAB's windowed Gaussian baseline, as NAB describes it: the mean and
//! standard deviation of a window of up to 6400 past values (refreshed at
//! every value while the window fills, then every 100 values), and the
//! score `1 - Q(|x - mean| / std)`, the Gaussian tail probability of the
//! current value (0 for the first value).

/// The complementary error function (Chebyshev fit, relative error below
/// 1.2e-7 everywhere).
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// Gaussian upper tail probability `Q(z)`.
pub fn q(z: f64) -> f64 {
    0.5 * erfc(z / std::f64::consts::SQRT_2)
}

pub fn scores(values: &[f64]) -> Vec<f64> {
    const WINDOW: usize = 6400;
    const STEP: usize = 100;
    let mut window: Vec<f64> = Vec::new();
    let mut buffer: Vec<f64> = Vec::new();
    let (mut mean, mut std) = (0.0, 1.0);
    let refresh = |w: &[f64]| {
        let n = w.len() as f64;
        let m = w.iter().sum::<f64>() / n;
        let v = w.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n;
        let s = v.sqrt();
        (m, if s == 0.0 { 1e-6 } else { s })
    };
    values
        .iter()
        .map(|&x| {
            let score = if window.is_empty() {
                0.0
            } else {
                1.0 - q((x - mean).abs() / std)
            };
            if window.len() < WINDOW {
                window.push(x);
                (mean, std) = refresh(&window);
            } else {
                buffer.push(x);
                if buffer.len() == STEP {
                    window.drain(..STEP);
                    window.append(&mut buffer);
                    (mean, std) = refresh(&window);
                }
            }
            score
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn erfc_matches_known_values() {
        for (x, e) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (2.0, 0.004_677_735),
            (-1.0, 1.842_700_793),
        ] {
            assert!(
                (super::erfc(x) - e).abs() < 1e-7 * e.max(1e-3) * 10.0,
                "{x}"
            );
        }
    }
}

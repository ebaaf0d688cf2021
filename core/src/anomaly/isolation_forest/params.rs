//! Parameters (scikit-learn's meanings) and the fit.

use super::*;

/// How many rows each tree is grown on.
///
/// Reads as scikit-learn's `max_samples` does: `"auto"`, an integer (a
/// count) or a float (a fraction); `{"count": n}` and `{"fraction": x}`
/// (the form it is written in) read too. The same rule holds for
/// [`MaxFeatures`] (no `"auto"`) and [`Contamination`] (`"auto"` or a
/// number). JavaScript has one number type, so in Node an integral value is
/// a count; write `{fraction: 1}` for all rows.
///
/// ```
/// use opsbrain::anomaly::{Contamination, MaxFeatures, MaxSamples};
/// let m: MaxSamples = serde_json::from_str("128")?;
/// assert_eq!(m, MaxSamples::Count(128));
/// let m: MaxSamples = serde_json::from_str("1.0")?;
/// assert_eq!(m, MaxSamples::Fraction(1.0));
/// let m: MaxSamples = serde_json::from_str(r#"{"count": 3}"#)?;
/// assert_eq!(m, MaxSamples::Count(3));
/// let f: MaxFeatures = serde_json::from_str("0.5")?;
/// assert_eq!(f, MaxFeatures::Fraction(0.5));
/// let c: Contamination = serde_json::from_str(r#""auto""#)?;
/// assert_eq!(c, Contamination::Auto);
/// assert!(serde_json::from_str::<MaxSamples>("-3").is_err());
/// assert!(serde_json::from_str::<MaxFeatures>(r#""auto""#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxSamples {
    /// `min(256, n_rows)`, the paper's and scikit-learn's default.
    Auto,
    /// This many rows; more than there are is clipped to the row count (and a
    /// warning recorded, as scikit-learn warns).
    Count(usize),
    /// This fraction of the rows, in `(0, 1]` (`floor(fraction x n_rows)`).
    Fraction(f64),
}

/// How the decision threshold ([`IsolationForest::offset`]) is set.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Contamination {
    /// Offset -0.5, as in the original paper.
    Auto,
    /// The expected share of outliers, in `(0, 0.5]`: the offset is this
    /// percentile of the training scores.
    Fraction(f64),
}

/// How many columns each tree sees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxFeatures {
    /// This many columns, at most the number of columns.
    Count(usize),
    /// This fraction of the columns, in `(0, 1]` (at least one column).
    Fraction(f64),
}

/// Hyperparameters, with scikit-learn's defaults: 100 trees, `max_samples`
/// auto, contamination auto, all features, no bootstrap, seed 0.
///
/// # Example
/// ```
/// use opsbrain::anomaly::{IsolationForestParams, MaxSamples};
///
/// let params = IsolationForestParams::new().n_estimators(50).max_samples(MaxSamples::Count(128));
/// assert_eq!(params.n_estimators, 50);
/// assert!(params.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct IsolationForestParams {
    /// Number of trees (1 to [`MAX_ESTIMATORS`]).
    pub n_estimators: usize,
    /// Rows per tree.
    pub max_samples: MaxSamples,
    /// Sets the decision threshold.
    pub contamination: Contamination,
    /// Columns per tree.
    pub max_features: MaxFeatures,
    /// Draw each tree's rows with replacement.
    pub bootstrap: bool,
    /// Seed of every random draw (`random_state` reads too).
    #[serde(alias = "random_state")]
    pub seed: u64,
}

impl Default for IsolationForestParams {
    fn default() -> Self {
        Self {
            n_estimators: 100,
            max_samples: MaxSamples::Auto,
            contamination: Contamination::Auto,
            max_features: MaxFeatures::Fraction(1.0),
            bootstrap: false,
            seed: 0,
        }
    }
}

impl IsolationForestParams {
    /// The defaults (see the type's documentation).
    ///
    /// ```
    /// let p = opsbrain::anomaly::IsolationForestParams::new();
    /// assert_eq!(p.n_estimators, 100);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the number of trees.
    ///
    /// ```
    /// let p = opsbrain::anomaly::IsolationForestParams::new().n_estimators(10);
    /// assert_eq!(p.n_estimators, 10);
    /// ```
    pub fn n_estimators(mut self, n: usize) -> Self {
        self.n_estimators = n;
        self
    }

    /// Sets the rows per tree.
    ///
    /// ```
    /// use opsbrain::anomaly::{IsolationForestParams, MaxSamples};
    /// let p = IsolationForestParams::new().max_samples(MaxSamples::Fraction(0.5));
    /// assert_eq!(p.max_samples, MaxSamples::Fraction(0.5));
    /// ```
    pub fn max_samples(mut self, m: MaxSamples) -> Self {
        self.max_samples = m;
        self
    }

    /// Sets the contamination.
    ///
    /// ```
    /// use opsbrain::anomaly::{Contamination, IsolationForestParams};
    /// let p = IsolationForestParams::new().contamination(Contamination::Fraction(0.1));
    /// assert_eq!(p.contamination, Contamination::Fraction(0.1));
    /// ```
    pub fn contamination(mut self, c: Contamination) -> Self {
        self.contamination = c;
        self
    }

    /// Sets the columns per tree.
    ///
    /// ```
    /// use opsbrain::anomaly::{IsolationForestParams, MaxFeatures};
    /// let p = IsolationForestParams::new().max_features(MaxFeatures::Count(2));
    /// assert_eq!(p.max_features, MaxFeatures::Count(2));
    /// ```
    pub fn max_features(mut self, m: MaxFeatures) -> Self {
        self.max_features = m;
        self
    }

    /// Draw rows with replacement.
    ///
    /// ```
    /// let p = opsbrain::anomaly::IsolationForestParams::new().bootstrap(true);
    /// assert!(p.bootstrap);
    /// ```
    pub fn bootstrap(mut self, b: bool) -> Self {
        self.bootstrap = b;
        self
    }

    /// Sets the seed.
    ///
    /// ```
    /// let p = opsbrain::anomaly::IsolationForestParams::new().seed(42);
    /// assert_eq!(p.seed, 42);
    /// ```
    pub fn seed(mut self, s: u64) -> Self {
        self.seed = s;
        self
    }

    /// Checks the values that do not depend on the data.
    ///
    /// ```
    /// use opsbrain::anomaly::{Contamination, IsolationForestParams};
    /// let bad = IsolationForestParams::new().contamination(Contamination::Fraction(0.7));
    /// assert_eq!(bad.validate().unwrap_err().code(), "invalid_config");
    /// ```
    pub fn validate(&self) -> Result<()> {
        if self.n_estimators == 0 {
            return Err(Error::invalid_config("`n_estimators` must be at least 1"));
        }
        if self.n_estimators > MAX_ESTIMATORS {
            return Err(Error::limit(format!(
                "`n_estimators` {} is over the limit of {MAX_ESTIMATORS}",
                self.n_estimators
            )));
        }
        match self.max_samples {
            MaxSamples::Count(0) => {
                return Err(Error::invalid_config("`max_samples` must be at least 1"));
            }
            MaxSamples::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(Error::invalid_config(format!(
                    "`max_samples` fraction must be in (0, 1], got {f}"
                )));
            }
            _ => {}
        }
        if let Contamination::Fraction(c) = self.contamination
            && !(c > 0.0 && c <= 0.5)
        {
            return Err(Error::invalid_config(format!(
                "`contamination` must be \"auto\" or in (0, 0.5], got {c}"
            )));
        }
        match self.max_features {
            MaxFeatures::Count(0) => {
                return Err(Error::invalid_config("`max_features` must be at least 1"));
            }
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(Error::invalid_config(format!(
                    "`max_features` fraction must be in (0, 1], got {f}"
                )));
            }
            _ => {}
        }
        Ok(())
    }

    /// Grows the forest on `x` (rows are points, columns features), in
    /// parallel on the current rayon pool.
    ///
    /// Errors: invalid parameters (`invalid_config`), fewer than 2 rows, no
    /// columns or a NaN/infinite value (`invalid_input`), more trees or
    /// nodes than the limits (`limit_exceeded`).
    ///
    /// ```
    /// use opsbrain::anomaly::IsolationForestParams;
    /// use opsbrain::ndarray::array;
    /// let model = IsolationForestParams::new().n_estimators(10).fit(&array![[1.0], [2.0], [3.0]])?;
    /// assert_eq!(model.n_features(), 1);
    /// assert_eq!(model.max_samples(), 3);
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    pub fn fit<X: AsRows + ?Sized>(&self, x: &X) -> Result<IsolationForest> {
        let x = x.as_rows();
        self.validate()?;
        let (n_rows, n_cols) = x.dim();
        if n_rows < 2 {
            return Err(Error::invalid_input(format!(
                "need at least 2 rows to fit an isolation forest, got {n_rows}"
            )));
        }
        if n_cols == 0 {
            return Err(Error::invalid_input("the data has no columns"));
        }
        if n_cols > MAX_FEATURES {
            return Err(Error::limit(format!("{n_cols} columns is over the limit")));
        }
        check_finite(x)?;
        let mut warnings = Vec::new();
        let max_samples = match self.max_samples {
            MaxSamples::Auto => n_rows.min(256),
            MaxSamples::Count(m) if m > n_rows => {
                warnings.push(format!(
                    "max_samples ({m}) is greater than the number of rows ({n_rows}); \
                     max_samples is set to {n_rows}"
                ));
                n_rows
            }
            MaxSamples::Count(m) => m,
            MaxSamples::Fraction(f) => (f * n_rows as f64) as usize,
        };
        if max_samples < 2 {
            return Err(Error::invalid_input(format!(
                "max_samples resolves to {max_samples} row(s) for {n_rows} rows; trees need at least 2"
            )));
        }
        let nodes_per_tree = 2 * max_samples - 1;
        if nodes_per_tree.saturating_mul(self.n_estimators) > MAX_TOTAL_NODES {
            return Err(Error::limit(format!(
                "{} trees of up to {nodes_per_tree} nodes is over the limit of {MAX_TOTAL_NODES} nodes",
                self.n_estimators
            )));
        }
        let features_per_tree = match self.max_features {
            MaxFeatures::Count(k) if k > n_cols => {
                return Err(Error::invalid_config(format!(
                    "max_features {k} is more than the {n_cols} columns"
                )));
            }
            MaxFeatures::Count(k) => k,
            MaxFeatures::Fraction(f) => ((f * n_cols as f64) as usize).max(1),
        };
        let max_depth = ceil_log2(max_samples);
        let mut master = ChaCha8Rng::seed_from_u64(self.seed);
        let seeds: Vec<u64> = (0..self.n_estimators).map(|_| master.r#gen()).collect();
        let spec = GrowSpec {
            x,
            max_samples,
            features_per_tree,
            max_depth,
            bootstrap: self.bootstrap,
        };
        let trees: Vec<Tree> = seeds.par_iter().map(|&s| spec.grow(s)).collect();
        let mut model = IsolationForest {
            format_version: FORMAT_VERSION,
            params: self.clone(),
            n_features: n_cols,
            max_samples,
            offset: -0.5,
            compiled: trees.iter().map(Compiled::new).collect(),
            trees,
            warnings,
        };
        if let Contamination::Fraction(c) = self.contamination {
            let scores = model.score_samples(&x)?;
            model.offset = percentile(&scores.to_vec(), 100.0 * c);
        }
        Ok(model)
    }
}

/// What a count-or-fraction parameter read.
enum Read {
    Auto,
    Count(usize),
    Fraction(f64),
}

/// Reads `"auto"` (when `auto`), an integer (a count when `count`, else a
/// fraction), a float, or `{"count": n}` / `{"fraction": x}`.
struct CountOrFraction {
    name: &'static str,
    auto: bool,
    count: bool,
}

impl CountOrFraction {
    fn read<'de, D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<Read, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for CountOrFraction {
    type Value = Read;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match (self.auto, self.count) {
            (true, true) => "\"auto\", a count or a fraction",
            (false, true) => "a count or a fraction",
            _ => "\"auto\" or a number",
        })
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Read, E> {
        match v {
            "auto" if self.auto => Ok(Read::Auto),
            _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
        }
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Read, E> {
        if self.count {
            return usize::try_from(v).map(Read::Count).map_err(E::custom);
        }
        // Exact below 2^53; larger values are out of range either way.
        #[allow(clippy::cast_precision_loss)]
        Ok(Read::Fraction(v as f64))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Read, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) if self.count => Err(E::custom(format_args!(
                "{} must be at least 1, got {v}",
                self.name
            ))),
            #[allow(clippy::cast_precision_loss)]
            Err(_) => Ok(Read::Fraction(v as f64)),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Read, E> {
        Ok(Read::Fraction(v))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Read, A::Error> {
        use serde::de::Error as _;
        let read = match map.next_key::<String>()?.as_deref() {
            Some("count") if self.count => Read::Count(map.next_value()?),
            Some("fraction") => Read::Fraction(map.next_value()?),
            Some("auto") if self.auto => {
                map.next_value::<serde::de::IgnoredAny>()?;
                Read::Auto
            }
            Some(k) => return Err(A::Error::unknown_field(k, &["count", "fraction"])),
            None => {
                return Err(A::Error::custom(format_args!(
                    "{}: give count or fraction",
                    self.name
                )));
            }
        };
        if map.next_key::<String>()?.is_some() {
            return Err(A::Error::custom(format_args!(
                "{}: give exactly one of count or fraction",
                self.name
            )));
        }
        Ok(read)
    }
}

impl<'de> Deserialize<'de> for MaxSamples {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let how = CountOrFraction {
            name: "max_samples",
            auto: true,
            count: true,
        };
        Ok(match how.read(d)? {
            Read::Auto => MaxSamples::Auto,
            Read::Count(n) => MaxSamples::Count(n),
            Read::Fraction(f) => MaxSamples::Fraction(f),
        })
    }
}

impl<'de> Deserialize<'de> for MaxFeatures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let how = CountOrFraction {
            name: "max_features",
            auto: false,
            count: true,
        };
        Ok(match how.read(d)? {
            Read::Count(n) => MaxFeatures::Count(n),
            Read::Fraction(f) => MaxFeatures::Fraction(f),
            // The reader gives no "auto" here.
            Read::Auto => return Err(serde::de::Error::custom("max_features has no \"auto\"")),
        })
    }
}

impl<'de> Deserialize<'de> for Contamination {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let how = CountOrFraction {
            name: "contamination",
            auto: true,
            count: false,
        };
        Ok(match how.read(d)? {
            Read::Auto => Contamination::Auto,
            Read::Fraction(f) => Contamination::Fraction(f),
            // The reader gives no count here.
            Read::Count(_) => return Err(serde::de::Error::custom("contamination is a fraction")),
        })
    }
}

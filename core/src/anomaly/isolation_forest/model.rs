//! The fitted forest and its serialised form.

use super::*;

/// A fitted isolation forest. Serialisable (serde, JSON through
/// [`IsolationForest::to_json`]) with a format version, so a model fitted in
/// one language loads in the others.
///
/// ```
/// use opsbrain::anomaly::{IsolationForest, IsolationForestParams};
/// use opsbrain::ndarray::array;
///
/// let x = array![[1.0, 2.0], [1.1, 2.1], [0.9, 1.9], [5.0, -3.0]];
/// let model = IsolationForestParams::new().seed(3).fit(&x)?;
/// let again = IsolationForest::from_json(&model.to_json())?;
/// assert_eq!(model.score_samples(&x)?, again.score_samples(&x)?);
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ForestRepr")]
pub struct IsolationForest {
    pub(crate) format_version: u32,
    pub(crate) params: IsolationForestParams,
    pub(crate) n_features: usize,
    pub(crate) max_samples: usize,
    pub(crate) offset: f64,
    pub(crate) trees: Vec<Tree>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
    /// The trees in the form the scorer walks (derived, not serialised).
    #[serde(skip)]
    pub(crate) compiled: Vec<Compiled>,
}

/// The serialised fields, checked and compiled by `TryFrom`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ForestRepr {
    pub(crate) format_version: u32,
    pub(crate) params: IsolationForestParams,
    pub(crate) n_features: usize,
    pub(crate) max_samples: usize,
    pub(crate) offset: f64,
    pub(crate) trees: Vec<Tree>,
    #[serde(default)]
    pub(crate) warnings: Vec<String>,
}

impl TryFrom<ForestRepr> for IsolationForest {
    type Error = Error;

    fn try_from(r: ForestRepr) -> Result<Self> {
        if r.format_version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::UnsupportedVersion,
                format!(
                    "isolation forest format_version {}; this build reads {FORMAT_VERSION}",
                    r.format_version
                ),
            ));
        }
        r.params.validate()?;
        if r.trees.is_empty() || r.n_features == 0 || r.max_samples < 2 {
            return Err(Error::invalid_input(
                "corrupt model: no trees, no features or max_samples < 2",
            ));
        }
        if !r.offset.is_finite() {
            return Err(Error::invalid_input("corrupt model: offset is not finite"));
        }
        if r.n_features > MAX_FEATURES {
            return Err(Error::invalid_input(format!(
                "corrupt model: n_features {} is over the limit of {MAX_FEATURES}",
                r.n_features
            )));
        }
        if r.trees.len() != r.params.n_estimators {
            return Err(Error::invalid_input(format!(
                "corrupt model: {} trees but params.n_estimators is {}",
                r.trees.len(),
                r.params.n_estimators
            )));
        }
        for (i, t) in r.trees.iter().enumerate() {
            t.check(r.n_features, r.max_samples)
                .map_err(|e| e.at(format!("trees[{i}]")))?;
        }
        Ok(IsolationForest {
            compiled: r.trees.iter().map(Compiled::new).collect(),
            format_version: r.format_version,
            params: r.params,
            n_features: r.n_features,
            max_samples: r.max_samples,
            offset: r.offset,
            trees: r.trees,
            warnings: r.warnings,
        })
    }
}

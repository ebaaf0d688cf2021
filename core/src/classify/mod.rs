//! Issue classification and ticket routing.
//!
//! - [`ClassificationTable`]: issue type -> tier, priority, department (the
//!   framework's table built in; user tables in JSON or TOML replace or extend it).
//! - [`RuleSet`]: phrases, keywords and error-code patterns that choose an
//!   issue type from a ticket's free text (a default set ships built in).
//! - [`Router`]: both together; [`Router::route_ticket`] returns a [`Routing`]
//!   with the type, the rule that matched, a confidence and the [`Route`].
//!
//! # Examples
//! ```
//! use opsbrain::classify::{ClassificationTable, Router, Ticket};
//!
//! let route = ClassificationTable::builtin().classify("api_errors");
//! assert_eq!((route.tier.get(), route.priority.as_str()), (2, "high"));
//!
//! let routing = Router::builtin().route_ticket(&Ticket::new("Webhook deliveries failing with 500"))?;
//! assert_eq!(routing.issue_type, "webhook_failures");
//! # Ok::<(), opsbrain::Error>(())
//! ```

mod config;
mod model;
mod router;
mod rules;
mod table;
mod text;

pub use model::{
    FitOptions, FitReport, MAX_FEATURES as MAX_MODEL_FEATURES, MAX_FIT_TICKETS, MAX_LABELS,
    MODEL_VERSION, OTHER, TextModel,
};
pub use router::{
    Candidate, Router, Routing, Ticket, UNCLASSIFIED, builtin_model, check_batch, default_router,
};
#[cfg(feature = "ops")]
pub(crate) use rules::Kind as LiteralKind;
pub use rules::{RuleSet, RuleSpec};
pub use table::{Classification, ClassificationTable, Route, first_response_target};

//! Value classes more than one family takes as an argument (the shared
//! types layer: family files import them, never each other).

use chrono::TimeDelta;
use opsbrain::Channel;
use opsbrain::classify::{ClassificationTable, Route};
use opsbrain::sla::SlaPolicy;
use pyo3::prelude::*;

use crate::convert::{Opt, opt_arg, string};
use crate::errors::Res;
use crate::{getters, value_class};

value_class! {
    /// Tier, priority, department and first-response target for one issue type.
    ///
    /// Frozen; compares by value; pickles through its JSON form. `priority` and
    /// `channel` are plain ``str`` (``route.priority == "high"``).
    PyRoute(Route) as "Route"
}

getters!(PyRoute {
    /// The issue type that was classified.
    issue_type -> &str = |v| &v.issue_type;
    /// Support tier, 1 to 4.
    tier -> u8 = |v| v.tier.get();
    /// "low", "medium", "high" or "critical".
    priority -> &'static str = |v| v.priority.as_str();
    /// Owning department.
    department -> &str = |v| &v.department;
    /// "chat", "email", "phone" or "portal".
    channel -> &'static str = |v| v.channel.as_str();
    /// The tier's first-response target as a ``datetime.timedelta``.
    first_response -> TimeDelta = |v| v.first_response;
    /// The first-response target in seconds.
    first_response_secs -> i64 = |v| v.first_response.num_seconds();
});

value_class! {
    /// Issue type -> tier, priority, department. ``ClassificationTable()`` is the
    /// framework's built-in table; ``from_json`` / ``from_toml`` read user tables.
    PyClassificationTable(ClassificationTable) as "ClassificationTable", new = builtin, toml
}

#[pymethods]
impl PyClassificationTable {
    /// Classifies ``issue_type`` for ``channel``; unknown types get the default.
    #[pyo3(signature = (issue_type, channel = None))]
    fn classify(&self, issue_type: &Bound<'_, PyAny>, channel: Opt<'_, '_>) -> Res<PyRoute> {
        let ch: Channel = opt_arg(channel, "channel", 1)?;
        let t = string(issue_type, "issue_type")?;
        Ok(PyRoute(self.0.classify_for(&t, ch)))
    }
    /// The issue types with their own entry, in table order.
    fn issue_types(&self) -> Vec<String> {
        self.0.iter().map(|(t, _)| t.to_owned()).collect()
    }
    fn __len__(&self) -> usize {
        self.0.len()
    }
    fn __contains__(&self, issue_type: &Bound<'_, PyAny>) -> bool {
        string(issue_type, "issue_type").is_ok_and(|t| self.0.contains(&t))
    }
}

value_class! {
    /// SLA targets per (tier, priority, channel) on business calendars;
    /// ``SlaPolicy()`` is the framework's built-in policy.
    ///
    /// ``SlaPolicy.from_json`` (or ``from_toml``) reads ``{"calendars":
    /// {name: calendar}, "targets": [...], "warning_percents": [50, 75, 90,
    /// 100]}``; a calendar is as ``BusinessCalendar.from_json`` reads it
    /// (``{"time_zone", "weekly": {"mon": [["09:00", "17:00"]], ...},
    /// "holidays": ["2026-12-25"], "holiday_rule"}``); a target is ``{"tier"?,
    /// "priority"?, "channel"?, "first_response_secs"?, "resolution_secs"?,
    /// "calendar"}``, and for each metric the first target matching the
    /// ticket and defining that metric wins. ``to_json()`` shows the built-in
    /// policy in this form.
    PySlaPolicy(SlaPolicy) as "SlaPolicy", new = builtin, toml
}

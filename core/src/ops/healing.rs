//! Self-healing plans: health-check results in, an ordered remediation
//! plan out. The plan is data; opsbrain executes nothing.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The results of one round of health checks. Every check is optional: an
/// absent one was not run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HealthChecks {
    /// The database accepts connections (`pg_isready`).
    pub database_reachable: Option<bool>,
    /// The cache answers `PING`.
    pub cache_ping: Option<bool>,
    /// HTTP status of the application's health URL; 0 when there was no
    /// response at all (curl's `%{http_code}` prints `000`). 2xx and 3xx
    /// are healthy, like `curl -f`.
    pub app_health_status: Option<u16>,
    /// Disk usage of the root filesystem, percent.
    pub disk_usage_percent: Option<f64>,
    /// Steps already tried in this incident (their ids): when a routine
    /// step did not help, the plan escalates instead of repeating it.
    pub already_tried: Vec<String>,
}

/// The plan's thresholds and targets; defaults are the framework's.
///
/// # Examples
/// ```
/// let o = opsbrain::ops::HealingOptions::default();
/// assert_eq!((o.disk_cleanup_percent, o.tmp_age_days, o.log_age_days), (85.0, 7, 30));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct HealingOptions {
    /// Clean up above this disk usage (percent; 85).
    pub disk_cleanup_percent: f64,
    /// Escalate above this disk usage even after cleaning (percent; 90, the
    /// framework's disk alert level).
    pub disk_alert_percent: f64,
    /// Delete temporary files older than this (days; 7).
    pub tmp_age_days: u32,
    /// Delete logs older than this (days; 30).
    pub log_age_days: u32,
    /// Temporary-file directory (`/tmp`).
    pub tmp_dir: String,
    /// Log directory (`/var/log`).
    pub log_dir: String,
    /// Kubernetes deployment of the database proxy (`database-proxy`).
    pub database_proxy_deployment: String,
    /// Kubernetes deployment of the application (`app`).
    pub app_deployment: String,
}

impl Default for HealingOptions {
    fn default() -> Self {
        HealingOptions {
            disk_cleanup_percent: 85.0,
            disk_alert_percent: 90.0,
            tmp_age_days: 7,
            log_age_days: 30,
            tmp_dir: "/tmp".into(),
            log_dir: "/var/log".into(),
            database_proxy_deployment: "database-proxy".into(),
            app_deployment: "app".into(),
        }
    }
}

/// Whether a step can lose data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Safety {
    /// Restarts, reconnects and escalations: nothing is lost.
    Safe,
    /// Deletes data (cache contents, files).
    Destructive,
}

/// One step of a remediation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemediationStep {
    /// Stable id (`restart_database_pool`, `reconnect_cache`,
    /// `flush_cache`, `restart_app_instances`, `cleanup_temp_files`,
    /// `cleanup_old_logs`, `escalate_*`).
    pub id: String,
    /// The check that called for it.
    pub check: String,
    /// Why, with the observed value.
    pub reason: String,
    /// What to do, in words.
    pub action: String,
    /// A command that would do it (for the operator or an executor you
    /// write; opsbrain runs nothing).
    pub command: Option<String>,
    /// Safe or destructive.
    pub safety: Safety,
    /// The step must not run without a person's explicit confirmation.
    pub requires_confirmation: bool,
}

/// An ordered remediation plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RemediationPlan {
    /// `true` when every check given passed.
    pub healthy: bool,
    /// The checks that failed, in check order.
    pub failed_checks: Vec<String>,
    /// Steps in the order to run them: dependencies first (database, cache,
    /// application), then disk.
    pub steps: Vec<RemediationStep>,
}

fn step(
    id: &str,
    check: &str,
    reason: String,
    action: &str,
    command: Option<String>,
    safety: Safety,
    confirm: bool,
) -> RemediationStep {
    RemediationStep {
        id: id.to_owned(),
        check: check.to_owned(),
        reason,
        action: action.to_owned(),
        command,
        safety,
        requires_confirmation: confirm,
    }
}

/// The remediation plan for a round of health checks, in the order the
/// framework's `monitor_and_heal` runs them: database, cache, application,
/// disk.
///
/// Routine steps restart or reconnect (safe) and clean files past their
/// retention (destructive but routine: no confirmation). When a routine
/// step is in [`HealthChecks::already_tried`] and its check still fails, the
/// plan escalates instead. The framework's cache remedy, `FLUSHALL`, wipes
/// every key and does not fix a connection: it is never routine. It
/// appears only after a reconnect failed, as a destructive step that
/// requires confirmation, after the escalation.
///
/// # Errors
/// `invalid_input` for a disk usage outside `[0, 100]` or an HTTP status
/// over 599; `invalid_config` for bad options.
///
/// # Examples
/// ```
/// use opsbrain::ops::{healing_plan, HealingOptions, HealthChecks, Safety};
/// let checks = HealthChecks { cache_ping: Some(false), disk_usage_percent: Some(91.0), ..Default::default() };
/// let plan = healing_plan(&checks, &HealingOptions::default())?;
/// let ids: Vec<_> = plan.steps.iter().map(|s| s.id.as_str()).collect();
/// assert_eq!(ids, ["reconnect_cache", "cleanup_temp_files", "cleanup_old_logs", "escalate_disk"]);
/// assert!(plan.steps.iter().all(|s| s.id != "flush_cache"));
/// # Ok::<(), opsbrain::Error>(())
/// ```
pub fn healing_plan(checks: &HealthChecks, options: &HealingOptions) -> Result<RemediationPlan> {
    for (name, v) in [
        ("disk_cleanup_percent", options.disk_cleanup_percent),
        ("disk_alert_percent", options.disk_alert_percent),
    ] {
        if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
            return Err(Error::invalid_config(format!(
                "options.{name}: {v} is not a percent"
            )));
        }
    }
    for (name, v) in [
        ("tmp_age_days", options.tmp_age_days),
        ("log_age_days", options.log_age_days),
    ] {
        if v == 0 || v > 36_500 {
            return Err(Error::invalid_config(format!(
                "options.{name}: {v} is not in 1..=36500"
            )));
        }
    }
    if let Some(d) = checks.disk_usage_percent
        && !(d.is_finite() && (0.0..=100.0).contains(&d))
    {
        return Err(Error::invalid_input(format!(
            "disk_usage_percent: {d} is not a percent"
        )));
    }
    if let Some(s) = checks.app_health_status
        && (s > 599 || (1..100).contains(&s))
    {
        return Err(Error::invalid_input(format!(
            "app_health_status: {s} is not an HTTP status (0 = no response)"
        )));
    }
    if checks.already_tried.len() > 1000 {
        return Err(Error::limit("already_tried: more than 1000 entries"));
    }
    let tried = |id: &str| checks.already_tried.iter().any(|t| t == id);
    let mut steps = Vec::new();
    let mut failed = Vec::new();

    if checks.database_reachable == Some(false) {
        failed.push("database_reachable".to_owned());
        let reason = "the database does not accept connections (pg_isready failed)".to_owned();
        if tried("restart_database_pool") {
            steps.push(step(
                "escalate_database",
                "database_reachable",
                format!("{reason} after the connection pool was restarted"),
                "page the database on-call: check the server, its storage and failover",
                None,
                Safety::Safe,
                false,
            ));
        } else {
            steps.push(step(
                "restart_database_pool",
                "database_reachable",
                reason,
                "gracefully restart the database connection pool (proxy)",
                Some(format!(
                    "kubectl rollout restart deployment/{}",
                    options.database_proxy_deployment
                )),
                Safety::Safe,
                false,
            ));
        }
    }

    if checks.cache_ping == Some(false) {
        failed.push("cache_ping".to_owned());
        let reason = "the cache does not answer PING".to_owned();
        if tried("reconnect_cache") {
            steps.push(step(
                "escalate_cache",
                "cache_ping",
                format!("{reason} after the application reconnected"),
                "page the cache on-call: check the cache server's memory, persistence and network",
                None,
                Safety::Safe,
                false,
            ));
            steps.push(step(
                "flush_cache",
                "cache_ping",
                format!(
                    "{reason} after a reconnect; FLUSHALL deletes every key in every database of the \
                     cache and sends all reads to the database until it warms up; it only helps when \
                     the cache's data itself is the fault (memory full, corrupt entries)"
                ),
                "flush the cache (only with the cache owner's confirmation)",
                Some(format!("kubectl exec deployment/{} -- redis-cli flushall", options.app_deployment)),
                Safety::Destructive,
                true,
            ));
        } else {
            steps.push(step(
                "reconnect_cache",
                "cache_ping",
                reason,
                "drop the application's cache connection pool and reconnect (no data is touched)",
                Some(format!(
                    "kubectl rollout restart deployment/{}",
                    options.app_deployment
                )),
                Safety::Safe,
                false,
            ));
        }
    }

    if let Some(status) = checks.app_health_status
        && (status == 0 || status >= 400)
    {
        failed.push("app_health_status".to_owned());
        let reason = if status == 0 {
            "the health URL gave no response".to_owned()
        } else {
            format!("the health URL answered HTTP {status}")
        };
        let dependency_down =
            checks.database_reachable == Some(false) || checks.cache_ping == Some(false);
        let note = if dependency_down {
            " (restart after the steps above: a failed dependency may be the cause)"
        } else {
            ""
        };
        if tried("restart_app_instances") {
            steps.push(step(
                "escalate_application",
                "app_health_status",
                format!("{reason} after the instances were restarted"),
                "page the application on-call; consider rolling back the last deployment",
                None,
                Safety::Safe,
                false,
            ));
        } else {
            steps.push(step(
                "restart_app_instances",
                "app_health_status",
                format!("{reason}{note}"),
                "rolling restart of the application instances",
                Some(format!(
                    "kubectl rollout restart deployment/{}",
                    options.app_deployment
                )),
                Safety::Safe,
                false,
            ));
        }
    }

    if let Some(disk) = checks.disk_usage_percent
        && disk > options.disk_cleanup_percent
    {
        failed.push("disk_usage_percent".to_owned());
        let reason = format!(
            "disk usage is {disk}%, over {}%",
            options.disk_cleanup_percent
        );
        if !tried("cleanup_temp_files") {
            steps.push(step(
                "cleanup_temp_files",
                "disk_usage_percent",
                reason.clone(),
                &format!(
                    "delete temporary files older than {} days",
                    options.tmp_age_days
                ),
                Some(format!(
                    "find {} -type f -mtime +{} -delete",
                    options.tmp_dir, options.tmp_age_days
                )),
                Safety::Destructive,
                false,
            ));
        }
        if !tried("cleanup_old_logs") {
            steps.push(step(
                "cleanup_old_logs",
                "disk_usage_percent",
                reason.clone(),
                &format!("delete log files older than {} days", options.log_age_days),
                Some(format!(
                    "find {} -name \"*.log\" -mtime +{} -delete",
                    options.log_dir, options.log_age_days
                )),
                Safety::Destructive,
                false,
            ));
        }
        let cleaned = tried("cleanup_temp_files") && tried("cleanup_old_logs");
        if disk > options.disk_alert_percent || cleaned {
            steps.push(step(
                "escalate_disk",
                "disk_usage_percent",
                if cleaned {
                    format!("{reason} after cleaning up")
                } else {
                    format!(
                        "disk usage is {disk}%, over the {}% alert level",
                        options.disk_alert_percent
                    )
                },
                "page the infrastructure on-call: grow the volume or find what fills it",
                None,
                Safety::Safe,
                false,
            ));
        }
    }

    Ok(RemediationPlan {
        healthy: failed.is_empty(),
        failed_checks: failed,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(p: &RemediationPlan) -> Vec<&str> {
        p.steps.iter().map(|s| s.id.as_str()).collect()
    }

    #[test]
    fn all_failing_in_framework_order() {
        let c = HealthChecks {
            database_reachable: Some(false),
            cache_ping: Some(false),
            app_health_status: Some(503),
            disk_usage_percent: Some(86.0),
            already_tried: vec![],
        };
        let p = healing_plan(&c, &HealingOptions::default()).unwrap();
        assert!(!p.healthy);
        assert_eq!(
            ids(&p),
            [
                "restart_database_pool",
                "reconnect_cache",
                "restart_app_instances",
                "cleanup_temp_files",
                "cleanup_old_logs"
            ]
        );
        assert!(p.steps[2].reason.contains("dependency"));
        assert_eq!(
            p.steps[3].command.as_deref(),
            Some("find /tmp -type f -mtime +7 -delete")
        );
        assert_eq!(
            p.steps[4].command.as_deref(),
            Some("find /var/log -name \"*.log\" -mtime +30 -delete")
        );
    }

    #[test]
    fn healthy_and_unchecked() {
        let p = healing_plan(&HealthChecks::default(), &HealingOptions::default()).unwrap();
        assert!(p.healthy && p.steps.is_empty());
        let c = HealthChecks {
            database_reachable: Some(true),
            cache_ping: Some(true),
            app_health_status: Some(200),
            disk_usage_percent: Some(85.0),
            ..Default::default()
        };
        assert!(
            healing_plan(&c, &HealingOptions::default())
                .unwrap()
                .healthy
        );
    }

    #[test]
    fn flush_never_routine_only_confirmed_after_reconnect() {
        let mut c = HealthChecks {
            cache_ping: Some(false),
            ..Default::default()
        };
        let p = healing_plan(&c, &HealingOptions::default()).unwrap();
        assert_eq!(ids(&p), ["reconnect_cache"]);
        assert_eq!(p.steps[0].safety, Safety::Safe);
        c.already_tried = vec!["reconnect_cache".into()];
        let p = healing_plan(&c, &HealingOptions::default()).unwrap();
        assert_eq!(ids(&p), ["escalate_cache", "flush_cache"]);
        let f = &p.steps[1];
        assert_eq!(f.safety, Safety::Destructive);
        assert!(f.requires_confirmation);
        assert!(f.reason.contains("deletes every key"));
        // No other step ever needs confirmation or mentions flushall.
        for s in p.steps.iter().filter(|s| s.id != "flush_cache") {
            assert!(!s.requires_confirmation);
            assert!(!s.command.as_deref().unwrap_or("").contains("flushall"));
        }
    }

    #[test]
    fn no_response_and_bad_statuses() {
        let c = HealthChecks {
            app_health_status: Some(0),
            ..Default::default()
        };
        let p = healing_plan(&c, &HealingOptions::default()).unwrap();
        assert!(p.steps[0].reason.contains("no response"));
        for bad in [42, 600] {
            let c = HealthChecks {
                app_health_status: Some(bad),
                ..Default::default()
            };
            assert_eq!(
                healing_plan(&c, &HealingOptions::default())
                    .unwrap_err()
                    .code(),
                "invalid_input"
            );
        }
        let c = HealthChecks {
            disk_usage_percent: Some(101.0),
            ..Default::default()
        };
        assert!(
            healing_plan(&c, &HealingOptions::default())
                .unwrap_err()
                .message
                .contains("disk_usage_percent")
        );
    }

    #[test]
    fn disk_escalates_when_cleaning_did_not_help() {
        let c = HealthChecks {
            disk_usage_percent: Some(88.0),
            already_tried: vec!["cleanup_temp_files".into(), "cleanup_old_logs".into()],
            ..Default::default()
        };
        let p = healing_plan(&c, &HealingOptions::default()).unwrap();
        assert_eq!(ids(&p), ["escalate_disk"]);
    }
}

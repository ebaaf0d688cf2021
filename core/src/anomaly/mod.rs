//! Anomaly scoring: Isolation Forest and the framework's proactive monitoring.

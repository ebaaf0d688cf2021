//! KPIs and SLOs: support quality, uptime and error budgets with burn-rate
//! alerts, and user-journey funnels.

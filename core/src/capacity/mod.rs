//! Capacity planning: threshold scaling, the Kubernetes HPA replica
//! calculator, forecasts and maintenance windows.

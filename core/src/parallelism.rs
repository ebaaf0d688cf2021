//! Where the batch and scoring calls run their data-parallel work: the
//! current rayon pool, a pool of your own, or one worker thread.
//!
//! opsbrain imposes no thread pool: the batch calls (`route_batch`,
//! `sla_status_batch`, `support_kpis`, calendar batches, policy comparison,
//! forest fitting and scoring, ...) run on whatever rayon pool is current
//! when they are called, which is rayon's global pool unless the caller
//! installs another. [`Parallelism`] makes that choice explicit for one call
//! or a group of calls. Results never depend on it.
//!
//! # Async hosts
//! Every opsbrain call is synchronous and CPU-bound: it never awaits, never
//! does I/O and never reads a clock. In an async service (tokio, axum), a
//! call that may take more than a few hundred microseconds belongs on a
//! blocking thread, so that it does not stall the executor:
//!
//! ```
//! # async fn handler(router: std::sync::Arc<opsbrain::classify::Router>,
//! #                  tickets: Vec<opsbrain::classify::Ticket>) -> opsbrain::Result<()> {
//! // inside an async fn, with tokio:
//! // let routings = tokio::task::spawn_blocking(move || router.route_batch(&tickets)).await??;
//! # Ok(()) }
//! ```
//!
//! Orders of magnitude measured on a 2-vCPU AMD EPYC VM (release build, one
//! core unless said): routing a ticket with the built-in router about 5 to
//! 6 µs (so 1,000 tickets about 6 ms: a batch goes to `spawn_blocking`, a
//! single ticket can stay inline); an SLA status from a short event log a
//! few µs; support KPIs about 23 µs per ticket (44k tickets/s); scoring
//! 100,000 rows with a 100-tree forest 115 to 132 ms; fitting a forest of 100
//! trees on 256-row samples a few ms; a 12-week hourly `auto` forecast tens
//! of ms. The examples' axum service (`examples/rust/service.rs`) shows the
//! pattern end to end.
//!
//! # Examples
//! ```
//! use opsbrain::classify::{Router, Ticket};
//! use opsbrain::Parallelism;
//! let tickets = vec![Ticket::new("Site is down"), Ticket::new("Forgot my password")];
//! let router = Router::builtin();
//! let everywhere = Parallelism::Current.run(|| router.route_batch(&tickets))?;
//! let one_thread = Parallelism::Sequential.run(|| router.route_batch(&tickets))?;
//! assert_eq!(everywhere, one_thread);
//! let pool = std::sync::Arc::new(opsbrain::rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap());
//! let mine = Parallelism::Pool(pool).run(|| router.route_batch(&tickets))?;
//! assert_eq!(mine, one_thread);
//! # Ok::<(), opsbrain::Error>(())
//! ```

use std::sync::{Arc, OnceLock};

/// Where a call's data-parallel work runs (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Parallelism {
    /// The rayon pool current at the call: the global pool, or the pool
    /// whose `install` the call runs in. The default.
    #[default]
    Current,
    /// One worker thread: the work runs sequentially on a shared
    /// single-thread pool (the calling thread waits for it), so a call
    /// never occupies more than one core.
    Sequential,
    /// A pool of your own (for instance sized to leave cores to the host).
    Pool(Arc<rayon::ThreadPool>),
}

impl Parallelism {
    /// Runs `f` (one or more opsbrain calls) with this parallelism and
    /// returns its result.
    ///
    /// ```
    /// use opsbrain::Parallelism;
    /// assert_eq!(Parallelism::Sequential.run(opsbrain::rayon::current_num_threads), 1);
    /// ```
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> T {
        match self {
            Parallelism::Current => f(),
            Parallelism::Sequential => match single_thread() {
                Some(pool) => pool.install(f),
                None => f(),
            },
            Parallelism::Pool(pool) => pool.install(f),
        }
    }
}

/// The shared one-thread pool, started on first use; `None` if the thread
/// cannot start (the work then runs on the caller's current pool).
fn single_thread() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| rayon::ThreadPoolBuilder::new().num_threads(1).build().ok())
        .as_ref()
}

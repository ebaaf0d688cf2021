//! opsbrain behind an HTTP API: an axum service that routes tickets, reports
//! SLA timers and scores metric rows with an Isolation Forest.
//!
//! ```text
//! cargo run --release -p opsbrain-examples --example service            # 127.0.0.1:3000 ($PORT), Ctrl-C stops it
//! cargo run -p opsbrain-examples --example service -- --self-test       # what scripts/test runs
//! curl -s localhost:3000/route -d '{"subject": "Site down", "channel": "chat"}'
//! ```
//!
//! | route | body | answer |
//! |---|---|---|
//! | `POST /route` | a ticket `{"subject", "body", "error_codes", "channel"}` | the `Routing` |
//! | `POST /route/batch` | `{"tickets": [ticket, ...]}` | `{"routings": [...]}` |
//! | `POST /sla/status` | `{"events": [SlaEvent, ...], "now": "RFC 3339"}` | the `SlaStatus` (built-in policy) |
//! | `POST /score` | `{"rows": [[f64, ...], ...]}` | `{"scores": [...]}`: `decision_function`, below 0 is an outlier |
//!
//! # The pattern
//!
//! **State built once.** The router (its rules compiled), the SLA policy and
//! the Isolation Forest are built at start and shared read-only through
//! `Arc`s in the axum state. The forest is fitted at start on seeded
//! synthetic data (three columns: latency ms, error rate, CPU share), or
//! read from the JSON a previous `to_json` wrote when `$OPSBRAIN_MODEL`
//! names a file. Both take a fraction of a second (about 0.2 s in a debug
//! build here) and happen before the socket is bound, so a bad model stops
//! the service instead of failing requests.
//!
//! **What blocks, and where it runs.** opsbrain is synchronous and pure: no
//! I/O, no clock, no `async`. Every call is CPU work that holds the calling
//! thread until it returns. Routing one ticket or folding one ticket's SLA
//! event log is microseconds for a usual request, and at most a 1 MiB body's
//! worth of work (the body limit below), so it runs inline on the tokio
//! worker. A batch of tickets or a block of rows to score is milliseconds
//! to seconds, long enough to stall every connection that worker serves, so
//! those calls go to `tokio::task::spawn_blocking`.
//!
//! **Threads.** opsbrain starts no threads of its own and has no global
//! pool: with its `parallel` feature (on by default) the batch functions and
//! the forest split their work with rayon on whichever rayon pool the calling
//! thread is in: rayon's lazily started global pool (one thread per core)
//! unless the caller installs another. This service builds one pool at start
//! ([`Parallelism::Pool`], all cores but one, at least one) and runs every
//! heavy call inside it from its `spawn_blocking` thread. However many batches arrive,
//! their CPU work stays on that pool, and a core is left for tokio's I/O
//! and the inline calls.
//!
//! **Limits, tightened.** The crate's bounds are sized for batch jobs (a
//! 64 MiB request body, 10,000,000 tickets per batch, 100,000 events per
//! ticket). A public endpoint needs far less, so the service refuses more,
//! and earlier:
//! - bodies over [`BODY_LIMIT`] (1 MiB): a declared `Content-Length` is
//!   refused before any byte is read; a body without one (chunked) is cut
//!   off by axum's `DefaultBodyLimit` while it is read;
//! - [`MAX_BATCH`] tickets, [`MAX_EVENTS`] events and [`MAX_ROWS`] rows per
//!   request, counted on the parsed JSON before any ticket, event or row is
//!   read and before any work is queued.
//!
//! Each of these answers with opsbrain's `limit_exceeded`.
//!
//! **Errors.** Bodies are read with `opsbrain::input::from_body` (not axum's
//! `Json` extractor, whose rejections carry no opsbrain code), so a bad field
//! gets the same code and path-prefixed message it gets in Rust, Python and
//! Node. Every error answers `{"code", "message"}` with the status
//! [`status_for`] chooses. The `Content-Type` is not checked: every body is
//! read as JSON.

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use opsbrain::Parallelism;
use opsbrain::anomaly::{IsolationForest, IsolationForestParams};
use opsbrain::classify::{Router, Routing, Ticket};
use opsbrain::ndarray::Array2;
use opsbrain::sla::{SlaEvent, SlaPolicy, SlaStatus, sla_status};
use opsbrain::{Error, ErrorKind, input};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

type BoxError = Box<dyn StdError + Send + Sync>;

/// Largest request body (the crate's own bound, `limits::MAX_REQUEST_BYTES`,
/// is 64 MiB).
const BODY_LIMIT: usize = 1024 * 1024;

/// Most tickets per `/route/batch` request (the crate's bound is 10,000,000).
const MAX_BATCH: usize = 1_000;

/// Most events per `/sla/status` request (the crate's bound is 100,000).
const MAX_EVENTS: usize = 1_000;

/// Most rows per `/score` request.
const MAX_ROWS: usize = 10_000;

/// Concurrent full batches (and as many single tickets) in the self-test.
const BURST: usize = 8;

/// Rows and seed of the synthetic training data.
const TRAIN_ROWS: usize = 2_000;
const SEED: u64 = 24;

// ---------------------------------------------------------------- errors --

/// The HTTP status for an opsbrain error kind, the one place it is decided:
///
/// | kind | status | why |
/// |---|---|---|
/// | `parse_error` | 400 | the body is not JSON (or not UTF-8) |
/// | `invalid_input`, `invalid_type`, `missing_key`, `dimension_mismatch` | 422 | JSON, but not a valid request: the message names the bad field |
/// | `limit_exceeded` | 413 | over one of this service's bounds or the crate's |
/// | `invalid_config`, `not_fitted`, `unsupported_version` and any later kind | 500 | the server's own tables, policy or model are wrong: nothing the client can fix |
fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::ParseError => StatusCode::BAD_REQUEST,
        ErrorKind::InvalidInput
        | ErrorKind::InvalidType
        | ErrorKind::MissingKey
        | ErrorKind::DimensionMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::LimitExceeded => StatusCode::PAYLOAD_TOO_LARGE,
        // invalid_config, not_fitted, unsupported_version; ErrorKind is
        // non_exhaustive, and a kind this service does not know yet is
        // treated as its own fault until someone decides otherwise.
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A failed request: an opsbrain error, or a blocking task that panicked
/// (answered 500 with this service's own code `internal`, which is not one of
/// opsbrain's).
#[derive(Debug)]
enum ApiError {
    Opsbrain(Error),
    Internal(String),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Opsbrain(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            ApiError::Opsbrain(e) => (status_for(e.kind), e.code(), e.message),
            ApiError::Internal(message) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", message),
        };
        (status, Json(json!({"code": code, "message": message}))).into_response()
    }
}

fn limit(message: String) -> ApiError {
    Error::new(ErrorKind::LimitExceeded, message).into()
}

/// Refuses an array at `field` longer than `max` (counted on the parsed JSON,
/// before any element is read); a non-array is left to the reader, which
/// names its type.
fn check_count(value: &Value, field: &str, max: usize) -> Result<(), ApiError> {
    match value.as_array() {
        Some(items) if items.len() > max => Err(limit(format!(
            "{field}: {} items; this service takes at most {max} per request",
            items.len()
        ))),
        _ => Ok(()),
    }
}

// ------------------------------------------------------------------ body --

/// The request body as text, at most [`BODY_LIMIT`] bytes, every refusal an
/// opsbrain error (axum's own `String`/`Json` rejections are plain text).
#[derive(Debug)]
struct Body(String);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // A declared length is checked before a byte of the body is read.
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(n) = declared
            && n > BODY_LIMIT as u64
        {
            return Err(limit(format!(
                "request body is {n} bytes (its Content-Length); this service takes at most {BODY_LIMIT}"
            )));
        }
        // Without one, DefaultBodyLimit stops reading past the limit.
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                limit(format!(
                    "request body passed {BODY_LIMIT} bytes while it was read; this service takes at most {BODY_LIMIT}"
                ))
            } else {
                Error::new(
                    ErrorKind::ParseError,
                    format!("could not read the request body: {}", r.body_text()),
                )
                .into()
            }
        })?;
        let text = String::from_utf8(bytes.into()).map_err(|e| {
            Error::new(
                ErrorKind::ParseError,
                format!("request body is not UTF-8: {}", e.utf8_error()),
            )
        })?;
        Ok(Body(text))
    }
}

// ----------------------------------------------------------------- state --

/// Everything the handlers share, built once at start.
#[derive(Clone)]
struct AppState {
    router: Arc<Router>,
    policy: Arc<SlaPolicy>,
    model: Arc<IsolationForest>,
    /// The one rayon pool opsbrain's parallel work runs on.
    compute: Parallelism,
}

impl AppState {
    /// Runs `f` on a blocking thread, inside the compute pool.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&AppState) -> opsbrain::Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let state = self.clone();
        tokio::task::spawn_blocking(move || state.compute.run(|| f(&state)))
            .await
            .map_err(|e| ApiError::Internal(format!("the request's computation failed: {e}")))?
            .map_err(ApiError::from)
    }
}

/// Builds the state: the CPU-bound part (compiling the router, fitting or
/// reading the forest) on a blocking thread inside the compute pool.
async fn load_state() -> Result<AppState, BoxError> {
    let started = Instant::now();
    // All cores but one (at least one), as joblib reads n_jobs = -2.
    let threads = opsbrain::anomaly::threads(Some(-2))?.unwrap_or(1);
    let compute = Parallelism::Pool(Arc::new(
        opsbrain::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()?,
    ));
    let pool = compute.clone();
    let (router, model) = tokio::task::spawn_blocking(move || {
        pool.run(|| -> Result<_, BoxError> { Ok((Router::builtin(), load_model()?)) })
    })
    .await??;
    eprintln!(
        "service: router and model ({} trees, {} features) ready in {:.0?}",
        model.trees().len(),
        model.n_features(),
        started.elapsed()
    );
    Ok(AppState {
        router: Arc::new(router),
        policy: Arc::new(SlaPolicy::builtin()),
        model: Arc::new(model),
        compute,
    })
}

/// The forest from `$OPSBRAIN_MODEL` (a file `IsolationForest::to_json`
/// wrote), or fitted on [`training_rows`].
fn load_model() -> Result<IsolationForest, BoxError> {
    if let Some(path) = std::env::var_os("OPSBRAIN_MODEL") {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("OPSBRAIN_MODEL={}: {e}", path.to_string_lossy()))?;
        let model = IsolationForest::from_json(&text)
            .map_err(|e| format!("OPSBRAIN_MODEL={}: {e}", path.to_string_lossy()))?;
        return Ok(model);
    }
    Ok(IsolationForestParams::new()
        .n_estimators(100)
        .seed(SEED)
        .fit(&training_rows())?)
}

/// Healthy service metrics: latency around 120 ms, error rate around 1 %,
/// CPU share around 0.5, with seeded uniform noise (xorshift64).
fn training_rows() -> Array2<f64> {
    let mut state = SEED.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
    };
    Array2::from_shape_fn((TRAIN_ROWS, 3), |(_, column)| match column {
        0 => 120.0 + 60.0 * noise(),
        1 => 0.01 + 0.01 * noise(),
        _ => 0.5 + 0.3 * noise(),
    })
}

// -------------------------------------------------------------- handlers --

fn app(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/route", post(route_one))
        .route("/route/batch", post(route_batch))
        .route("/sla/status", post(sla))
        .route("/score", post(score))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// One ticket: cheap, inline.
async fn route_one(State(s): State<AppState>, Body(text): Body) -> Result<Json<Routing>, ApiError> {
    let ticket: Ticket = input::from_body(&text)?;
    Ok(Json(s.router.route_ticket(&ticket)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchRequest {
    tickets: Value,
}

/// A batch: counted, then read and routed on the compute pool.
async fn route_batch(State(s): State<AppState>, Body(text): Body) -> Result<Json<Value>, ApiError> {
    let req: BatchRequest = input::from_body(&text)?;
    check_count(&req.tickets, "tickets", MAX_BATCH)?;
    let routings = s
        .blocking(move |s| {
            let tickets = Ticket::list(&req.tickets, "tickets")?;
            s.router.route_batch(&tickets)
        })
        .await?;
    Ok(Json(json!({ "routings": routings })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SlaRequest {
    events: Value,
    now: String,
}

/// One ticket's timers: cheap once the event count is bounded, inline.
async fn sla(State(s): State<AppState>, Body(text): Body) -> Result<Json<SlaStatus>, ApiError> {
    let req: SlaRequest = input::from_body(&text)?;
    let now = input::parse_instant(&req.now).map_err(|e| e.at("now"))?;
    check_count(&req.events, "events", MAX_EVENTS)?;
    let events: Vec<SlaEvent> = input::from_value_at(&req.events, "events")?;
    Ok(Json(sla_status(&s.policy, &events, now)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreRequest {
    rows: Value,
}

/// Rows to score: counted, then read and scored on the compute pool.
async fn score(State(s): State<AppState>, Body(text): Body) -> Result<Json<Value>, ApiError> {
    let req: ScoreRequest = input::from_body(&text)?;
    check_count(&req.rows, "rows", MAX_ROWS)?;
    let scores = s
        .blocking(move |s| {
            let rows: Vec<Vec<f64>> = input::from_value_at(&req.rows, "rows")?;
            let x = to_matrix(&rows, s.model.n_features())?;
            s.model.decision_function(&x)
        })
        .await?;
    Ok(Json(json!({ "scores": scores.to_vec() })))
}

/// Rows of the model's width as a matrix; a row of another width is
/// `dimension_mismatch` naming it.
fn to_matrix(rows: &[Vec<f64>], width: usize) -> opsbrain::Result<Array2<f64>> {
    if let Some((i, row)) = rows.iter().enumerate().find(|(_, r)| r.len() != width) {
        return Err(Error::new(
            ErrorKind::DimensionMismatch,
            format!(
                "rows[{i}] has {} values; the model was fitted on {width} features",
                row.len()
            ),
        ));
    }
    Array2::from_shape_vec((rows.len(), width), rows.concat())
        .map_err(|e| Error::new(ErrorKind::DimensionMismatch, format!("rows: {e}")))
}

// ------------------------------------------------------------------ main --

#[tokio::main]
async fn main() -> ExitCode {
    let self_test = std::env::args().skip(1).any(|a| a == "--self-test")
        || std::env::var_os("OPSBRAIN_SERVICE_SELF_TEST").is_some();
    let outcome = if self_test {
        run_self_test().await
    } else {
        serve().await
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("service: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Serves on 127.0.0.1:3000 (or `$PORT`) until Ctrl-C.
async fn serve() -> Result<(), BoxError> {
    let port = match std::env::var("PORT") {
        Ok(p) => p.parse::<u16>().map_err(|e| format!("PORT={p:?}: {e}"))?,
        Err(_) => 3000,
    };
    let state = load_state().await?;
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("service: listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            if let Err(e) = tokio::signal::ctrl_c().await {
                eprintln!("service: cannot listen for Ctrl-C ({e}); stop the process instead");
                std::future::pending::<()>().await;
            }
            eprintln!("service: shutting down");
        })
        .await?;
    Ok(())
}

// ------------------------------------------------------------- self-test --
//
// The self-test speaks HTTP/1.1 over a real socket with a few lines of tokio
// I/O instead of an HTTP client crate: the requests are fixed, each closes its
// connection, and the answers are JSON with a Content-Length, so a client
// crate (reqwest: hyper-util's client, a connection pool, url, ...) would add
// build time and nothing the test needs. It also lets the test send what a
// polite client would not: a body without a length, bytes that are not UTF-8.

/// Binds 127.0.0.1:0, serves, sends the checks, shuts down; at most 30 s.
async fn run_self_test() -> Result<(), BoxError> {
    let started = Instant::now();
    let state = load_state().await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app(state))
            .with_graceful_shutdown(async {
                // A dropped sender stops the server too.
                stopped.await.ok();
            })
            .into_future(),
    );

    let checked = tokio::time::timeout(Duration::from_secs(30), checks(addr)).await;
    stop.send(()).ok();
    let shut = tokio::time::timeout(Duration::from_secs(5), server).await;

    let (requests, failures) = checked.map_err(|_| "the checks did not finish within 30 s")?;
    match shut {
        Err(_) => return Err("the server did not shut down within 5 s".into()),
        Ok(Err(e)) => return Err(format!("the server task failed: {e}").into()),
        Ok(Ok(Err(e))) => return Err(format!("the server failed: {e}").into()),
        Ok(Ok(Ok(()))) => {}
    }
    if !failures.is_empty() {
        return Err(format!(
            "self-test: {} of {requests} requests failed:\n  {}",
            failures.len(),
            failures.join("\n  ")
        )
        .into());
    }
    println!(
        "service self-test: {requests} requests on http://{addr} passed, server shut down; {:.2?} in all",
        started.elapsed()
    );
    Ok(())
}

/// What a check expects: a status, and for an error the opsbrain code and a
/// piece of the message.
enum Expect {
    Ok(fn(&Value) -> Result<(), String>),
    Error(u16, &'static str, &'static str),
}

/// How a check sends its body.
enum Payload {
    /// With a Content-Length.
    Sized(Vec<u8>),
    /// Declares this Content-Length and sends no body.
    DeclaredOnly(usize),
    /// `Transfer-Encoding: chunked`, in 64 KiB chunks.
    Chunked(Vec<u8>),
}

/// Sends every check; returns how many were sent and what failed.
async fn checks(addr: SocketAddr) -> (usize, Vec<String>) {
    let ticket = json!({"subject": "Our account was hacked",
        "body": "Someone logged in from an unknown country and exported client data.",
        "channel": "chat"});
    let t0 = "2026-11-30T09:00:00Z";
    let events = json!([
        {"type": "created", "at": t0, "tier": 1, "priority": "high", "channel": "chat"},
        {"type": "paused", "at": "2026-11-30T09:05:00Z"},
        {"type": "resumed", "at": "2026-11-30T09:30:00Z"}]);
    let many = vec![json!({"subject": "a"}); MAX_BATCH + 1];
    let rows = vec![json!([120.0, 0.01, 0.5]); MAX_ROWS + 1];
    let big = format!(
        "{{\"subject\": \"{}\"}}",
        "x".repeat(BODY_LIMIT + 64 * 1024)
    );
    let sized = |v: Value| Payload::Sized(v.to_string().into_bytes());

    let cases: Vec<(&str, &str, Payload, Expect)> = vec![
        (
            "one ticket",
            "/route",
            sized(ticket.clone()),
            Expect::Ok(|v| field_is(v, "/route/department", &json!("security"))),
        ),
        (
            "a batch",
            "/route/batch",
            sized(
                json!({"tickets": [ticket, {"subject": "Forgot my password"}, {"subject": "Site is down"}]}),
            ),
            Expect::Ok(|v| {
                let n = v["routings"].as_array().map(Vec::len);
                if n == Some(3) {
                    Ok(())
                } else {
                    Err(format!("expected 3 routings, got {v}"))
                }
            }),
        ),
        (
            "SLA status",
            "/sla/status",
            sized(json!({"events": events, "now": "2026-11-30T09:35:00Z"})),
            Expect::Ok(|v| {
                field_is(v, "/first_response/elapsed_secs", &json!(600))?;
                field_is(
                    v,
                    "/first_response/breach_at",
                    &json!("2026-11-30T09:40:00Z"),
                )
            }),
        ),
        (
            "scores",
            "/score",
            sized(json!({"rows": [[118.0, 0.012, 0.48], [2400.0, 0.6, 0.99]]})),
            Expect::Ok(|v| {
                let s: Vec<f64> = v["scores"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_f64)
                    .collect();
                match s[..] {
                    [inlier, outlier] if inlier > 0.0 && outlier < 0.0 => Ok(()),
                    _ => Err(format!(
                        "expected one inlier (> 0) then one outlier (< 0), got {v}"
                    )),
                }
            }),
        ),
        (
            "unknown key",
            "/route",
            sized(json!({"subject": "x", "chanel": "chat"})),
            Expect::Error(422, "invalid_input", "chanel: unknown field"),
        ),
        (
            "missing key",
            "/route",
            sized(json!({"body": "no subject"})),
            Expect::Error(422, "missing_key", "missing field `subject`"),
        ),
        (
            "bad channel",
            "/route",
            sized(json!({"subject": "x", "channel": "fax"})),
            Expect::Error(422, "invalid_input", "channel: unknown channel \"fax\""),
        ),
        (
            "bad ticket in a batch",
            "/route/batch",
            sized(json!({"tickets": [{"subject": "ok"}, {"subject": 7}]})),
            Expect::Error(422, "invalid_type", "tickets[1].subject"),
        ),
        (
            "naive now",
            "/sla/status",
            sized(json!({"events": events, "now": "2026-11-30T09:35:00"})),
            Expect::Error(
                422,
                "invalid_input",
                "now: \"2026-11-30T09:35:00\" has no UTC offset",
            ),
        ),
        (
            "naive event",
            "/sla/status",
            sized(
                json!({"events": [{"type": "created", "at": "2026-11-30T09:00:00", "tier": 1, "priority": "high"}],
                "now": "2026-11-30T09:35:00Z"}),
            ),
            Expect::Error(
                422,
                "invalid_input",
                "events[0].at: \"2026-11-30T09:00:00\" has no UTC offset",
            ),
        ),
        (
            "ragged rows",
            "/score",
            sized(json!({"rows": [[1.0, 2.0, 3.0], [1.0, 2.0]]})),
            Expect::Error(422, "dimension_mismatch", "rows[1] has 2 values"),
        ),
        (
            "oversize batch",
            "/route/batch",
            sized(json!({"tickets": many})),
            Expect::Error(413, "limit_exceeded", "tickets: 1001 items"),
        ),
        (
            "too many rows",
            "/score",
            sized(json!({"rows": rows})),
            Expect::Error(413, "limit_exceeded", "rows: 10001 items"),
        ),
        (
            "oversize body, declared",
            "/route",
            Payload::DeclaredOnly(BODY_LIMIT + 1),
            Expect::Error(413, "limit_exceeded", "request body is 1048577 bytes"),
        ),
        (
            "oversize body, chunked",
            "/route",
            Payload::Chunked(big.into_bytes()),
            Expect::Error(
                413,
                "limit_exceeded",
                "passed 1048576 bytes while it was read",
            ),
        ),
        (
            "malformed JSON",
            "/route",
            Payload::Sized(b"{\"subject\": ".to_vec()),
            Expect::Error(400, "parse_error", "invalid JSON"),
        ),
        (
            "not UTF-8",
            "/route",
            Payload::Sized(b"{\"subject\": \"\xff\"}".to_vec()),
            Expect::Error(400, "parse_error", "not UTF-8"),
        ),
    ];

    let mut failures = Vec::new();
    let total = cases.len();
    for (name, path, send, expect) in cases {
        let verdict = match exchange(addr, path, send).await {
            Err(e) => Err(format!("no answer: {e}")),
            Ok((status, body)) => judge(status, &body, &expect),
        };
        if let Err(why) = verdict {
            failures.push(format!("{name} (POST {path}): {why}"));
        }
    }

    // A burst: full batches and single tickets at once, so blocking work and
    // inline work overlap; every one must be answered in full.
    let batch = json!({ "tickets": vec![ticket; MAX_BATCH] }).to_string();
    let mut burst = tokio::task::JoinSet::new();
    for i in 0..BURST {
        let body = batch.clone().into_bytes();
        burst.spawn(async move {
            let answer = exchange(addr, "/route/batch", Payload::Sized(body)).await;
            let verdict = match answer {
                Err(e) => Err(format!("no answer: {e}")),
                Ok((200, v)) if v["routings"].as_array().map(Vec::len) == Some(MAX_BATCH) => Ok(()),
                Ok((status, v)) => Err(format!(
                    "expected 200 with {MAX_BATCH} routings, got {status}: {}",
                    short(&v)
                )),
            };
            verdict.map_err(|why| format!("burst batch {i} (POST /route/batch): {why}"))
        });
        let body = json!({"subject": "Site is down"}).to_string().into_bytes();
        burst.spawn(async move {
            let answer = exchange(addr, "/route", Payload::Sized(body)).await;
            let verdict = match answer {
                Err(e) => Err(format!("no answer: {e}")),
                Ok((200, v)) if v["route"]["department"] == "infrastructure" => Ok(()),
                Ok((status, v)) => Err(format!(
                    "expected 200 routed to infrastructure, got {status}: {v}"
                )),
            };
            verdict.map_err(|why| format!("burst ticket {i} (POST /route): {why}"))
        });
    }
    let total = total + burst.len();
    while let Some(done) = burst.join_next().await {
        match done {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(why),
            Err(e) => failures.push(format!("a burst request's task failed: {e}")),
        }
    }
    (total, failures)
}

/// The first 300 characters of a JSON answer.
fn short(v: &Value) -> String {
    v.to_string().chars().take(300).collect()
}

fn field_is(v: &Value, pointer: &str, want: &Value) -> Result<(), String> {
    match v.pointer(pointer) {
        Some(got) if got == want => Ok(()),
        got => Err(format!("{pointer}: expected {want}, got {got:?} in {v}")),
    }
}

fn judge(status: u16, body: &Value, expect: &Expect) -> Result<(), String> {
    match *expect {
        Expect::Ok(check) if status == 200 => check(body),
        Expect::Ok(_) => Err(format!("expected 200, got {status}: {body}")),
        Expect::Error(want, code, part) => {
            let message = body["message"].as_str().unwrap_or_default();
            if status == want && body["code"] == code && message.contains(part) {
                Ok(())
            } else {
                Err(format!(
                    "expected {want} {code} with a message containing {part:?}, got {status}: {body}"
                ))
            }
        }
    }
}

/// One POST on its own connection; the status and the JSON answer.
async fn exchange(addr: SocketAddr, path: &str, send: Payload) -> Result<(u16, Value), BoxError> {
    let mut head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nConnection: close\r\n"
    );
    let body = match send {
        Payload::Sized(body) => {
            head += &format!("Content-Length: {}\r\n\r\n", body.len());
            body
        }
        Payload::DeclaredOnly(n) => {
            head += &format!("Content-Length: {n}\r\n\r\n");
            Vec::new()
        }
        Payload::Chunked(body) => {
            head += "Transfer-Encoding: chunked\r\n\r\n";
            let mut out = Vec::with_capacity(body.len() + 1024);
            for chunk in body.chunks(64 * 1024) {
                out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                out.extend_from_slice(chunk);
                out.extend_from_slice(b"\r\n");
            }
            out.extend_from_slice(b"0\r\n\r\n");
            out
        }
    };
    let mut stream = TcpStream::connect(addr).await?;
    let (mut reader, mut writer) = stream.split();
    // The server may answer a refused body before it has all of it, so the
    // body is written while the answer is read, and a failed write is not a
    // failed check (the answer decides). The write half stays open until the
    // answer is in: hyper takes a half-closed connection for a gone client.
    let send = async {
        writer.write_all(head.as_bytes()).await?;
        writer.write_all(&body).await?;
        writer.flush().await
    };
    let mut raw = Vec::new();
    let (sent, read) = tokio::join!(send, reader.read_to_end(&mut raw));
    let text = String::from_utf8_lossy(&raw);
    let Some((head, rest)) = text.split_once("\r\n\r\n") else {
        return Err(format!(
            "no complete answer ({} bytes; write: {sent:?}; read: {read:?})",
            raw.len()
        )
        .into());
    };
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line in {head:?}"))?;
    let length = head.lines().find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    let body = match length {
        Some(n) if rest.len() >= n => &rest[..n],
        Some(n) => return Err(format!("answer cut short: {} of {n} bytes", rest.len()).into()),
        None => return Err(format!("answer without Content-Length: {head:?}").into()),
    };
    let value =
        serde_json::from_str(body).map_err(|e| format!("answer is not JSON ({e}): {body:?}"))?;
    Ok((status, value))
}

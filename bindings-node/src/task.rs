//! The one async task: core work prepared on the JS thread (arguments
//! read), run on the libuv thread pool, its serde result written back by
//! the one writer. A failure at any step rejects the promise with our
//! `.code`; nothing throws synchronously.

use napi::bindgen_prelude::{AsyncTask, Unknown};
use napi::{Env, ScopedTask};
use serde_json::Value;

use crate::convert::value::{Shape, write};
use crate::errors::{Failure, guard};

/// The work of one task: runs the core and returns its serde result.
pub type Work = Box<dyn FnOnce() -> opsbrain::Result<Value> + Send>;

/// A task running a [`Work`] and writing its result per a [`Shape`].
pub struct Job {
    work: Option<std::result::Result<Work, Failure>>,
    shape: &'static Shape,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

/// The promise of `prepare`'s work: `prepare` runs now (reading the
/// arguments), the work it returns runs off the JS thread.
pub fn spawn(
    shape: &'static Shape,
    prepare: impl FnOnce() -> opsbrain::Result<Work>,
) -> AsyncTask<Job> {
    AsyncTask::new(Job {
        work: Some(guard(prepare)),
        shape,
    })
}

/// Boxes a closure returning a serialisable core result as [`Work`].
pub fn work<T: serde::Serialize>(
    f: impl FnOnce() -> opsbrain::Result<T> + Send + 'static,
) -> opsbrain::Result<Work> {
    Ok(Box::new(move || Ok(serde_json::to_value(f()?)?)))
}

impl<'task> ScopedTask<'task> for Job {
    type Output = std::result::Result<Value, Failure>;
    type JsValue = Unknown<'task>;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        // napi calls `compute` once; the work moves out of the task.
        let work = self
            .work
            .take()
            .unwrap_or_else(|| Err(Failure::Panic("the task ran twice".into())));
        Ok(work.and_then(|w| guard(w)))
    }

    fn resolve(&mut self, env: &'task Env, output: Self::Output) -> napi::Result<Self::JsValue> {
        let shape = self.shape;
        output
            .and_then(|v| guard(|| write(env, &v, shape)))
            .map_err(|failure| failure.into_rejection(*env))
    }
}

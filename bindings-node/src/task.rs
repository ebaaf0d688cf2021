//! The one async task: core work prepared on the JS thread (arguments
//! read), run on the libuv thread pool, its result written back on the JS
//! thread. A failure at any step rejects the promise with our `.code`;
//! nothing throws synchronously.
//!
//! The same prepared work also runs at once ([`now`]), so an entry point and
//! its `...Async` twin are declared together ([`twins!`]).

use napi::bindgen_prelude::{AsyncTask, ToNapiValue, Unknown};
use napi::{Env, ScopedTask};
use serde::Serialize;

use crate::convert::scalar::bad;
use crate::convert::value::{Shape, result};
use crate::errors::{self, Failure, guard, run};

/// Writes a finished result as a JS value (on the JS thread).
pub type Write = Box<dyn for<'e> FnOnce(&'e Env) -> opsbrain::Result<Unknown<'e>> + Send>;

/// The work of one task: runs the core, returns how to write its result.
pub type Work = Box<dyn FnOnce() -> opsbrain::Result<Write> + Send>;

/// Boxes a writer (the bound makes the closure generic over the lifetime).
fn boxed<F>(f: F) -> Write
where
    F: for<'e> FnOnce(&'e Env) -> opsbrain::Result<Unknown<'e>> + Send + 'static,
{
    Box::new(f)
}

/// A task running a [`Work`].
pub struct Job {
    work: Option<std::result::Result<Work, Failure>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

/// The promise of `prepare`'s work: `prepare` runs now (reading the
/// arguments), the work it returns runs off the JS thread.
pub fn spawn(prepare: impl FnOnce() -> opsbrain::Result<Work>) -> AsyncTask<Job> {
    AsyncTask::new(Job {
        work: Some(guard(prepare)),
    })
}

/// Runs `prepare` and its work at once, on the JS thread: the synchronous
/// twin of [`spawn`].
pub fn now<'e>(
    env: &'e Env,
    prepare: impl FnOnce() -> opsbrain::Result<Work>,
) -> errors::Result<Unknown<'e>> {
    run(|| prepare()?()?(env))
}

/// Declares an entry point and its `...Async` twin from one `prepare`
/// function that reads the arguments (by reference) and returns the
/// [`Work`]: the entry point runs the work at once ([`now`]), the twin on
/// the thread pool ([`spawn`]); `impl Class { ... }` declares methods
/// calling `self.prepare`; `prepare[a, b]` passes `a` and `b` first. Both take the `#[napi(...)]` attributes
/// given; each has its own doc and TypeScript return type (string literals:
/// napi renders doc comments passed through a macro with their raw-string
/// prefix).
macro_rules! twins {
    (impl $class:ident {$(
        #[napi($($attr:tt)*)]
        $doc:literal fn $name:ident -> $ret:literal;
        $adoc:literal fn $name_async:ident -> $aret:literal;
        with $prepare:ident $([$($pre:expr),+])? ($($arg:ident: $ty:ty),* $(,)?);
    )*}) => {
        #[napi]
        impl $class {$(
            #[doc = $doc]
            #[napi($($attr)*, ts_return_type = $ret)]
            #[allow(clippy::too_many_arguments)] // a JS signature
            pub fn $name<'e>(
                &self,
                env: &'e napi::Env,
                $($arg: $ty),*
            ) -> $crate::errors::Result<napi::bindgen_prelude::Unknown<'e>> {
                $crate::task::now(env, || self.$prepare($($($pre,)+)? $(&$arg),*))
            }

            #[doc = $adoc]
            #[napi($($attr)*, ts_return_type = $aret)]
            pub fn $name_async(
                &self,
                $($arg: $ty),*
            ) -> napi::bindgen_prelude::AsyncTask<$crate::task::Job> {
                $crate::task::spawn(|| self.$prepare($($($pre,)+)? $(&$arg),*))
            }
        )*}
    };
    ($(
        #[napi($($attr:tt)*)]
        $doc:literal fn $name:ident -> $ret:literal;
        $adoc:literal fn $name_async:ident -> $aret:literal;
        with $prepare:ident $([$($pre:expr),+])? ($($arg:ident: $ty:ty),* $(,)?);
    )*) => {$(
        #[doc = $doc]
        #[napi($($attr)*, ts_return_type = $ret)]
        pub fn $name<'e>(
            env: &'e napi::Env,
            $($arg: $ty),*
        ) -> $crate::errors::Result<napi::bindgen_prelude::Unknown<'e>> {
            $crate::task::now(env, || $prepare($($($pre,)+)? $(&$arg),*))
        }

        #[doc = $adoc]
        #[napi($($attr)*, ts_return_type = $aret)]
        pub fn $name_async(
            $($arg: $ty),*
        ) -> napi::bindgen_prelude::AsyncTask<$crate::task::Job> {
            $crate::task::spawn(|| $prepare($($($pre,)+)? $(&$arg),*))
        }
    )*};
}

pub(crate) use twins;

/// Runs `f` (arguments read, the core called) on the JS thread and writes
/// its serialisable result per `shape`.
pub fn reply<'e, T: Serialize>(
    env: &'e Env,
    shape: &Shape,
    f: impl FnOnce() -> opsbrain::Result<T>,
) -> errors::Result<Unknown<'e>> {
    run(|| result(env, &f()?, shape))
}

/// A native value (a class instance, a typed array) as a JS value.
pub fn js<T: ToNapiValue>(env: &Env, value: T) -> opsbrain::Result<Unknown<'_>> {
    value.into_unknown(env).map_err(|e| bad("result", e.reason))
}

/// Work whose result is written by `write`.
pub fn work_with<T: Send + 'static>(
    f: impl FnOnce() -> opsbrain::Result<T> + Send + 'static,
    write: for<'e> fn(&'e Env, T) -> opsbrain::Result<Unknown<'e>>,
) -> opsbrain::Result<Work> {
    Ok(Box::new(move || {
        let out = f()?;
        Ok(boxed(move |env| write(env, out)))
    }))
}

/// Work whose serialisable result is written per `shape`.
pub fn work<T: Serialize + Send + 'static>(
    shape: &'static Shape,
    f: impl FnOnce() -> opsbrain::Result<T> + Send + 'static,
) -> opsbrain::Result<Work> {
    Ok(Box::new(move || {
        let out = f()?;
        Ok(boxed(move |env| result(env, &out, shape)))
    }))
}

impl<'task> ScopedTask<'task> for Job {
    type Output = std::result::Result<Write, Failure>;
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
        output
            .and_then(|write| guard(|| write(env)))
            .map_err(|failure| failure.into_rejection(*env))
    }
}

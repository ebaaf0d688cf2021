//! The single error mapping: `opsbrain::Error` -> JS `Error` whose `.code` is
//! the core's stable [`ErrorKind::code`] and whose message is the core message.
//!
//! napi 3's `napi::Error<S: AsRef<str>>` is generic over its "status": whatever
//! string `S` yields becomes the thrown error's `.code` (napi passes it as the
//! `code` argument of `napi_create_error`). [`Code`] is that status here, so
//! every function of the binding returns [`Result`] and can only throw one
//! of our codes, never one of napi's (`InvalidArg`, `StringExpected`, ...).
//!
//! Every call into the core goes through [`run`] (or [`guard`] off the JS
//! thread), which also turns a panic into an error instead of letting it
//! unwind into Node. A panic is a bug and the core has no error kind for it,
//! so it is the one error whose code is not an `ErrorKind::code()`:
//! `internal_error`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::{Function, Object, Unknown};
use napi::{Env, JsError};
use opsbrain::{Error, ErrorKind};

/// The `.code` of every error the binding throws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(&'static str);

impl Code {
    /// A core error kind's stable code.
    pub const fn of(kind: ErrorKind) -> Self {
        Code(kind.code())
    }

    /// Reported only when the core panicked (see the module docs).
    pub const INTERNAL: Code = Code("internal_error");
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// What every exposed function returns. (napi-derive recognises a fallible
/// function by the last path segment of its return type being `Result`, so
/// this alias must keep that name: write `errors::Result<T>`.)
pub type Result<T> = napi::Result<T, Code>;

/// Runs `f` (conversions and core calls), catching panics.
pub fn guard<T>(f: impl FnOnce() -> opsbrain::Result<T>) -> std::result::Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(Failure::Core),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            Err(Failure::Panic(detail))
        }
    }
}

/// Runs `f` on the JS thread and maps its error for JS.
pub fn run<T>(f: impl FnOnce() -> opsbrain::Result<T>) -> Result<T> {
    guard(f).map_err(Failure::into_js)
}

/// Why [`guard`] failed.
#[derive(Debug)]
pub enum Failure {
    /// The core (or a conversion) returned an error.
    Core(Error),
    /// The core panicked (a bug); the payload's text.
    Panic(String),
}

impl Failure {
    /// The JS error for this failure.
    pub fn into_js(self) -> napi::Error<Code> {
        match self {
            // `.code` = the core error's code, message unchanged.
            Failure::Core(e) => napi::Error::new(Code::of(e.kind), e.message),
            Failure::Panic(detail) => napi::Error::new(
                Code::INTERNAL,
                format!("opsbrain panicked (this is a bug, please report it): {detail}"),
            ),
        }
    }

    /// For rejecting a promise: napi's `Task` can only fail with a
    /// `napi::Error<Status>`, whose `.code` would be a napi status. So the JS
    /// error object is built here, with our code, and handed over as a
    /// retained JS value, which napi rejects the promise with unchanged.
    pub fn into_rejection(self, env: Env) -> napi::Error {
        let value: Unknown<'_> = JsError::from(self.into_js()).into_unknown(env);
        napi::Error::from(value)
    }
}

/// Wraps every exported class and function (at load time, in JS) so that
/// what napi or V8 refuses before our code runs still throws one of our
/// codes: a method called on a foreign `this` (V8's "Illegal invocation",
/// napi's `InvalidArg`), a class called without `new`, an argument napi
/// could not convert. Errors already carrying one of our codes pass through
/// unchanged.
const GUARD: &str = include_str!("guard.js");

/// Installs [`GUARD`] on the module's exports.
pub fn install_guard(exports: Object, env: Env) -> napi::Result<()> {
    let make: Function<'_, Vec<String>, Function<'_, Object, Unknown>> = env.run_script(GUARD)?;
    let codes = ErrorKind::ALL.iter().map(|k| k.code().to_owned());
    let codes = codes.chain([Code::INTERNAL.0.to_owned()]).collect();
    let apply = make.call(codes)?;
    apply.call(exports)?;
    Ok(())
}

//! Shared types: the run-time objects of the core's string enums, the
//! [`class!`] declaration of classes wrapping core values, the `SlaPolicy`
//! class that the sla and kpi families both take, and the shape of SLA
//! values that the sla and escalation families both write.

use napi::Env;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi_derive::napi;
use opsbrain::cache::{CacheStrategy, Policy};
use opsbrain::calendar::HolidayRule;
use opsbrain::{Channel, Priority, sla};

use crate::convert::scalar;
use crate::convert::value::{Shape, camel};
use crate::errors::{self, run};

/// The shape of SLA events and statuses, which the sla and escalation
/// families both read and write.
pub const SLA_SHAPE: Shape = Shape {
    instants: &["at", "met_at", "breach_at"],
    ..Shape::PLAIN
};

/// Sets the run-time objects of the core's string enums on the exports:
/// `Priority`, `Channel`, `HolidayRule`, `cache.Policy` and
/// `cache.CacheStrategy`, each mapping the PascalCase of a name to the name
/// (`cache.Policy.WTinyLfu === 'w_tiny_lfu'`). Their TypeScript unions are
/// in header.d.ts.
pub fn install_enums(env: &Env, exports: &Object<'_>) -> napi::Result<()> {
    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|&x| name(x)).collect()
    }
    let enums = [
        ("", "Priority", names(Priority::ALL, Priority::as_str)),
        ("", "Channel", names(Channel::ALL, Channel::as_str)),
        (
            "",
            "HolidayRule",
            names(HolidayRule::ALL, HolidayRule::as_str),
        ),
        ("cache", "Policy", names(Policy::ALL, Policy::as_str)),
        (
            "cache",
            "CacheStrategy",
            names(CacheStrategy::ALL, CacheStrategy::as_str),
        ),
    ];
    for (namespace, name, values) in enums {
        let mut object = Object::new(env)?;
        for value in values {
            let mut key = camel(value);
            key[..1].make_ascii_uppercase();
            object.set(key, value)?;
        }
        let mut target = match namespace {
            "" => *exports,
            ns => exports.get_named_property::<Object<'_>>(ns)?,
        };
        target.set(name, object)?;
    }
    Ok(())
}

/// Declares a class holding a core value (`inner`, with `From`) and the
/// members listed after it, each delegating to the core type's item of the
/// same name: `new` (the constructor), `builtin` (also `Default`) and any
/// other factory give the value `= expr`; `from_json`/`from_toml` parse and validate a text;
/// `to_json` writes one; `length` is the getter of `len()`; and
/// `fn name: Type (as "TsType") = |inner| value` is any other getter, and
/// `fn name => "TsType" = Core::method` one returning the method's serde
/// value (keys in camelCase). Docs are string literals, one per line (napi
/// renders doc comments passed through a macro with their raw-string
/// prefix).
macro_rules! class {
    (
        $($doc:literal)+
        #[napi $attr:tt]
        pub struct $class:ident($core:ty);
        $($($mdoc:literal)+ fn $member:ident $(: $ty:ty $(as $ts:literal)?)? $(=> $json:literal)?
            $(= $value:expr)?;)*
    ) => {
        $(#[doc = $doc])+
        #[napi $attr]
        #[derive(Debug, Clone)]
        pub struct $class {
            /// The core value.
            pub(crate) inner: $core,
        }

        impl From<$core> for $class {
            fn from(inner: $core) -> Self {
                $class { inner }
            }
        }

        $($crate::types::class!(
            @member $member [$($ty)?] [$($($ts)?)?] [$($json)?] $attr $class $core [$($mdoc)+]
            $($value)?
        );)*
    };
    (@member $name:ident [] [] [] $($rest:tt)*) => { $crate::types::class!(@$name $($rest)*); };
    (@member $name:ident [$ty:ty] [$($ts:literal)?] [] $($rest:tt)*) => {
        $crate::types::class!(@method (getter $(, ts_return_type = $ts)?) $name [$ty] $($rest)*);
    };
    (@member $name:ident [] [] [$ts:literal] $attr:tt $class:ident $core:ty [$($doc:literal)+] $f:expr) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(getter, ts_return_type = $ts)]
            pub fn $name<'e>(
                &self,
                env: &'e napi::Env,
            ) -> $crate::errors::Result<napi::bindgen_prelude::Unknown<'e>> {
                let shape = &$crate::convert::value::Shape::PLAIN;
                $crate::errors::run(|| $crate::convert::value::result(env, &($f)(&self.inner), shape))
            }
        }
    };
    (@new $($rest:tt)*) => { $crate::types::class!(@make constructor new $($rest)*); };
    (@builtin $attr:tt $class:ident $($rest:tt)*) => {
        $crate::types::class!(@make factory builtin $attr $class $($rest)*);

        impl Default for $class {
            fn default() -> Self {
                Self::builtin()
            }
        }
    };
    (@make $kind:ident $name:ident $attr:tt $class:ident $core:ty [$($doc:literal)+] $value:expr) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi($kind)]
            pub fn $name() -> Self {
                $class { inner: $value }
            }
        }
    };
    (@from_json $($rest:tt)*) => { $crate::types::class!(@parse from_json $($rest)*); };
    (@from_toml $($rest:tt)*) => { $crate::types::class!(@parse from_toml $($rest)*); };
    (@parse $name:ident $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi(factory, ts_args_type = "text: string")]
            pub fn $name(text: napi::bindgen_prelude::Unknown<'_>) -> $crate::errors::Result<Self> {
                $crate::types::parsed("text", &text, <$core>::$name)
            }
        }
    };
    (@$name:ident $attr:tt $class:ident $core:ty [$($doc:literal)+] $value:expr) => {
        $crate::types::class!(@make factory $name $attr $class $core [$($doc)+] $value);
    };
    (@length $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        $crate::types::class!(@method (getter) length [u32] $attr $class $core [$($doc)+]
            |c: &$core| u32::try_from(c.len()).unwrap_or(u32::MAX));
    };
    (@to_json $attr:tt $class:ident $core:ty [$($doc:literal)+]) => {
        $crate::types::class!(@method () to_json [String] $attr $class $core [$($doc)+]
            <$core>::to_json);
    };
    (@method $kind:tt $name:ident [$ty:ty] $attr:tt $class:ident $core:ty [$($doc:literal)+] $f:expr) => {
        #[napi $attr]
        impl $class {
            $(#[doc = $doc])+
            #[napi $kind]
            pub fn $name(&self) -> $ty {
                let f: fn(&$core) -> $ty = $f;
                f(&self.inner)
            }
        }
    };
}

pub(crate) use class;

/// A class of the core value that `parse` reads from the string argument `v`.
pub fn parsed<C, T: From<C>>(
    path: &str,
    v: &Unknown<'_>,
    parse: impl FnOnce(&str) -> opsbrain::Result<C>,
) -> errors::Result<T> {
    run(|| parse(&scalar::string(path, v)?).map(T::from))
}

class! {
    "SLA targets per tier and priority, on business calendars."
    #[napi()]
    pub struct SlaPolicy(sla::SlaPolicy);
    "The built-in policy."
    fn new = sla::SlaPolicy::builtin();
    "The framework's built-in policy."
    fn builtin = sla::SlaPolicy::builtin();
    "Parses and validates a JSON policy."
    fn from_json;
    "Parses and validates a TOML policy."
    fn from_toml;
    "The policy as JSON."
    fn to_json;
}

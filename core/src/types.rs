//! Value types shared by every module: [`Tier`], [`Priority`], [`Channel`].
//!
//! Enums serialise as snake_case strings; [`Tier`] serialises as its number.
//!
//! # Examples
//! ```
//! use opsbrain::{Channel, Priority, Tier};
//! assert!(Priority::Critical > Priority::Low);
//! assert_eq!("portal".parse::<Channel>()?, Channel::Portal);
//! assert_eq!(serde_json::to_string(&Tier::new(2)?).unwrap(), "2");
//! assert_eq!("urgent".parse::<Priority>().unwrap_err().code(), "invalid_input");
//! # Ok::<(), opsbrain::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A support tier, validated to lie in 1..=4.
///
/// Tier 1 is user support, 2 technical issues and integrations, 3 system
/// administration, 4 executive escalation (the framework's ladder).
///
/// # Examples
/// ```
/// use opsbrain::Tier;
/// let t = Tier::new(3)?;
/// assert_eq!(t.get(), 3);
/// assert_eq!(Tier::new(7).unwrap_err().code(), "invalid_input");
/// # Ok::<(), opsbrain::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Tier(pub(crate) u8);

impl Tier {
    /// The lowest tier.
    pub const MIN: Tier = Tier(1);
    /// The highest tier.
    pub const MAX: Tier = Tier(4);

    /// Validates `n` as a tier.
    ///
    /// # Errors
    /// `invalid_input` when `n` is outside 1..=4.
    pub fn new(n: i64) -> Result<Tier> {
        match u8::try_from(n) {
            Ok(v @ 1..=4) => Ok(Tier(v)),
            _ => Err(Error::invalid_input(format!("tier {n} is outside 1..=4"))),
        }
    }

    /// The tier number, 1 to 4.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for Tier {
    type Error = Error;
    fn try_from(n: i64) -> Result<Tier> {
        Tier::new(n)
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.0
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Declares a closed string enum with snake_case names, `as_str`, `FromStr`
/// and the list of accepted names (used in error messages).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The snake_case name (the serde form).
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(Error::invalid_input(format!(
                        concat!("unknown ", $what, " {:?}; expected one of {}"),
                        s,
                        [$($text),+].join(", ")
                    ))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// Reads the snake_case name through [`FromStr`], so serde and
        /// `parse` give the same message for the same mistake.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                struct Name;
                impl serde::de::Visitor<'_> for Name {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", $what, " name"))
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<$name, E> {
                        s.parse().map_err(|e: Error| E::custom(e.message))
                    }
                }
                d.deserialize_str(Name)
            }
        }
    };
}

string_enum! {
    /// How urgent an issue is. Ordered: `Low < Medium < High < Critical`.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::Priority;
    /// let p: Priority = "critical".parse()?;
    /// assert!(p > Priority::High);
    /// assert_eq!(p.as_str(), "critical");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    Priority, "priority" {
        /// Can wait.
        Low => "low",
        /// The default.
        Medium => "medium",
        /// Affects work now.
        High => "high",
        /// Outage, security or data at risk.
        Critical => "critical",
    }
}

string_enum! {
    /// The channel a ticket arrived on; tier 1's response target depends on it.
    ///
    /// # Examples
    /// ```
    /// use opsbrain::Channel;
    /// assert_eq!("chat".parse::<Channel>()?, Channel::Chat);
    /// assert_eq!("fax".parse::<Channel>().unwrap_err().code(), "invalid_input");
    /// # Ok::<(), opsbrain::Error>(())
    /// ```
    Channel, "channel" {
        /// In-app live chat.
        Chat => "chat",
        /// Email.
        Email => "email",
        /// Phone lines.
        Phone => "phone",
        /// The self-service portal's ticket form.
        Portal => "portal",
    }
}

/// Email: the channel assumed when a ticket or event names none.
impl Default for Channel {
    fn default() -> Self {
        Channel::Email
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_bounds() {
        assert!(Tier::new(0).is_err());
        assert!(Tier::new(5).is_err());
        assert!(Tier::new(-1).is_err());
        assert!(Tier::new(i64::MAX).is_err());
        assert_eq!(Tier::new(4).map(Tier::get), Ok(4));
    }

    #[test]
    fn tier_serde_validates() {
        assert_eq!(serde_json::to_string(&Tier(2)).ok().as_deref(), Some("2"));
        assert!(serde_json::from_str::<Tier>("7").is_err());
        assert_eq!(serde_json::from_str::<Tier>("3").ok(), Some(Tier(3)));
    }

    #[test]
    fn enums_round_trip_through_strings() {
        for p in Priority::ALL {
            assert_eq!(p.as_str().parse::<Priority>().ok(), Some(*p));
            let json = serde_json::to_string(p).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
        for c in Channel::ALL {
            assert_eq!(c.as_str().parse::<Channel>().ok(), Some(*c));
        }
        let err = "urgent".parse::<Priority>().unwrap_err();
        assert!(err.message.contains("\"urgent\""), "{}", err.message);
        assert!(err.message.contains("critical"), "{}", err.message);
    }
}

//! What every target asserts about an error: it carries one of the crate's
//! codes and a message (never a panic, never an empty explanation).

pub fn check_error(e: &opsbrain::Error) {
    assert!(
        opsbrain::ErrorKind::ALL.contains(&e.kind),
        "unknown error kind {:?}",
        e.kind
    );
    assert!(!e.message.is_empty(), "an error without a message: {e:?}");
}

/// A fixed instant (the core reads no clock; the targets neither).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc
        .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

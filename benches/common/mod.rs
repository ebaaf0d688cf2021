// Each bench uses only part of this module.
#![allow(dead_code)]

//! Seeded data generators shared by the benches.

use opsbrain::Channel;
use opsbrain::classify::Ticket;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Whether criterion runs for real (`cargo bench`) rather than once as a
/// smoke test (`cargo test --benches`), so smoke runs can use tiny inputs.
pub fn full_run() -> bool {
    std::env::args().any(|a| a == "--bench")
}

const SUBJECTS: &[&str] = &[
    "Can't log in since this morning",
    "Forgot my password and the reset link expired",
    "Authenticator app codes rejected",
    "QuickBooks sync failed overnight",
    "API returning 429 Too Many Requests",
    "Webhook deliveries failing",
    "Dashboard is extremely slow",
    "Site is down",
    "Wrong totals in client ledger after import",
    "We think our account was hacked",
    "Unknown login from another country",
    "Report sent to the wrong client",
    "Card declined on renewal",
    "All documents from March are gone",
    "GDPR request not processed in time",
    "How do I export a report to PDF?",
    "Question about seat pricing",
    "Feature request: bulk edit",
    "Upload keeps timing out",
    "Invoice shows the wrong amount",
];

const SENTENCES: &[&str] = &[
    "It started after the update yesterday afternoon.",
    "Three people in our office see the same thing.",
    "We tried clearing the cache and a different browser.",
    "The error appears every time we open the client list.",
    "Our month-end close is blocked until this is fixed.",
    "Please call me back as soon as possible.",
    "Screenshots are attached to this message.",
    "The sync with QuickBooks Online stopped at 2am.",
    "Every page takes forever to load.",
    "We get 503 Service Unavailable on every page.",
    "Someone logged in from an unknown device.",
    "The invoice charges for twelve seats but we have nine.",
    "Our webhook endpoint stopped receiving events.",
    "The API call returns internal server error.",
    "I keep getting invalid credentials.",
    "The verification code never arrives.",
    "Balances don't match the bank statement.",
    "All payroll entries for December were deleted.",
    "Thanks for your help, the team loves the product.",
    "This is a compliance issue for our auditors.",
];

const CODES: &[&str] = &[
    "QB-1021",
    "HTTP 503",
    "HTTP 500",
    "WH-504",
    "card_declined",
    "AUTH-17",
    "E-42",
    "SEC-9",
];

/// `n` realistic tickets (subject, 2 to 5 body sentences, sometimes error
/// codes), the same for a given seed.
pub fn tickets(n: usize, seed: u64) -> Vec<Ticket> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let mut t = Ticket::new(*SUBJECTS.choose(&mut rng).unwrap_or(&""));
            let k = rng.gen_range(2..=5);
            let body: Vec<&str> = (0..k)
                .map(|_| *SENTENCES.choose(&mut rng).unwrap_or(&""))
                .collect();
            t.body = body.join(" ");
            if rng.gen_bool(0.3) {
                t.error_codes
                    .push((*CODES.choose(&mut rng).unwrap_or(&"")).to_owned());
            }
            t.channel = *Channel::ALL.choose(&mut rng).unwrap_or(&Channel::Email);
            t
        })
        .collect()
}

/// `n` keys drawn from a Zipf(`s`) distribution over `universe` keys
/// (inverse-CDF sampling; rank 1 is the hottest), shuffled key ids.
pub fn zipf_keys(n: usize, universe: usize, s: f64, seed: u64) -> Vec<u64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut cdf = Vec::with_capacity(universe);
    let mut total = 0.0;
    for rank in 1..=universe {
        total += 1.0 / (rank as f64).powf(s);
        cdf.push(total);
    }
    (0..n)
        .map(|_| {
            let u = rng.r#gen::<f64>() * total;
            let rank = cdf.partition_point(|&c| c < u);
            opsbrain::cache::mix64(rank as u64)
        })
        .collect()
}

//! Routes a sample of realistic support tickets and prints a routing table.
//!
//! ```text
//! cargo run --release -p opsbrain-examples --example route_tickets [tickets.json]
//! ```
//! The file is a JSON array of `{"id", "subject", "body", "error_codes", "channel"}`;
//! by default the shipped `examples/data/sample_tickets.json`.

use std::path::PathBuf;

use opsbrain::classify::{Router, Ticket};
use serde::Deserialize;

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(flatten)]
    ticket: Ticket,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample_tickets.json")
        });
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let records: Vec<Record> = serde_json::from_str(&text)?;
    let tickets: Vec<Ticket> = records.iter().map(|r| r.ticket.clone()).collect();

    let routings = Router::builtin().route_batch(&tickets)?;

    println!(
        "{:<7} {:<6} {:<22} {:>4} {:>4} {:<8} {:<14} {:>5}  subject",
        "id", "chan", "issue type", "conf", "tier", "priority", "department", "first"
    );
    for (rec, r) in records.iter().zip(&routings) {
        let subject: String = rec.ticket.subject.chars().take(44).collect();
        println!(
            "{:<7} {:<6} {:<22} {:>4.2} {:>4} {:<8} {:<14} {:>4}m  {}",
            rec.id,
            r.route.channel.as_str(),
            r.issue_type,
            r.confidence,
            r.route.tier.get(),
            r.route.priority.as_str(),
            r.route.department,
            r.route.first_response.num_minutes(),
            subject
        );
    }
    let unclassified = routings.iter().filter(|r| r.rule.is_none()).count();
    println!(
        "\n{} tickets routed, {unclassified} unclassified (sent to the default route)",
        routings.len()
    );
    Ok(())
}

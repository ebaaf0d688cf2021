// Routes a sample of realistic support tickets and prints a routing table:
// the Node twin of `cargo run -p opsbrain-examples --example route_tickets`.
//
//   node examples/node/route_tickets.mjs [tickets.json]
//
// The file is a JSON array of {"id", "subject", "body", "error_codes", "channel"};
// by default the shipped examples/data/sample_tickets.json. Build the package
// first: cd bindings-node && npm install && npm run build.

import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const { routeTickets } = require('../../bindings-node')

const here = dirname(fileURLToPath(import.meta.url))
const path = process.argv[2] ? resolve(process.argv[2]) : join(here, '..', 'data', 'sample_tickets.json')
const records = JSON.parse(readFileSync(path, 'utf8'))

// The file uses the serde form; JS tickets spell error codes `errorCodes`.
const tickets = records.map(({ id, error_codes, ...rest }) =>
  error_codes === undefined ? rest : { ...rest, errorCodes: error_codes },
)

const routings = routeTickets(tickets)

const left = (v, n) => String(v).padEnd(n)
const right = (v, n) => String(v).padStart(n)

console.log(
  [left('id', 7), left('chan', 6), left('issue type', 22), right('conf', 4), right('tier', 4),
    left('priority', 8), left('department', 14), right('first', 5)].join(' ') + '  subject',
)
records.forEach((rec, i) => {
  const r = routings[i]
  const subject = Array.from(rec.subject).slice(0, 44).join('')
  const minutes = Math.trunc(r.route.firstResponseSecs / 60)
  console.log(
    [left(rec.id, 7), left(r.route.channel, 6), left(r.issueType, 22), right(r.confidence.toFixed(2), 4),
      right(r.route.tier, 4), left(r.route.priority, 8), left(r.route.department, 14),
      right(minutes, 4) + 'm'].join(' ') + `  ${subject}`,
  )
})
const unclassified = routings.filter((r) => r.rule === null).length
console.log(`\n${routings.length} tickets routed, ${unclassified} unclassified (sent to the default route)`)

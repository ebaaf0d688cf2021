// Type-checked (tsc --strict) and run by ../../scripts/test against the installed package.
import { classify, routeTicket, Router, type Route, type Routing, type Ticket } from 'opsbrain'
import opsbrain = require('opsbrain')

const route: Route = classify('api_errors')
const tier: number = route.tier
const ticket: Ticket = { subject: 'Password reset link expired', errorCodes: ['HTTP 503'] }
const routing: Routing = routeTicket(ticket)
const rule: string | null = routing.rule
const router: Router = new opsbrain.Router()
// @ts-expect-error a ticket needs a subject
export const noSubject = () => routeTicket({ body: 'no subject' })
const high: opsbrain.Priority = opsbrain.Priority.High
const policy: opsbrain.cache.Policy = opsbrain.cache.Policy.WTinyLfu
let code = 'none'
try {
  opsbrain.RuleSet.fromJson('{')
} catch (e) {
  if (e instanceof opsbrain.OpsbrainError) code = e.code
}
if (code !== 'parse_error' || high !== 'high' || policy !== 'w_tiny_lfu') throw new Error(`enums or OpsbrainError: ${code}`)
console.log(tier, rule, typeof router, opsbrain.classify === classify)

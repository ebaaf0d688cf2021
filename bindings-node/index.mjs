// The package's ES module entry point (`import ... from 'opsbrain'`): the
// CommonJS module's names, and the module itself as the default export.
import { createRequire } from 'node:module'

const binding = createRequire(import.meta.url)('./main.js')

export default binding
export const {
  BusinessCalendar,
  ClassificationTable,
  EscalationPolicy,
  FittedGroup,
  IsolationForest,
  ProactiveMonitor,
  OpsbrainError,
  Router,
  RuleSet,
  SlaPolicy,
  averagePathLength,
  classify,
  escalationRate,
  escalationTimeline,
  routeTicket,
  routeTickets,
  routeTicketsAsync,
  slaStatus,
  slaStatusBatch,
  anomaly,
  cache,
  capacity,
  kpi,
  ops,
  Priority,
  Channel,
  HolidayRule,
} = binding

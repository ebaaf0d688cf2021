// Type-checked (tsc --strict) and run by ../../scripts/test against the installed package.
import opsbrain, { classify, routeTicket, type Priority } from 'opsbrain'

const p: Priority = classify('api_errors').priority
const issue: string = routeTicket({ subject: 'QuickBooks sync failed' }).issueType
// @ts-expect-error 'urgent' is not a Priority
const bad: Priority = 'urgent'
console.log(p, issue, bad, opsbrain.classify === classify)

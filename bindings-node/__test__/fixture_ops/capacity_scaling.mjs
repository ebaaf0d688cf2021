// Fixture ops for \`capacity_scaling\`, dispatched from conformance.test.mjs.
// Inputs arrive with snake_case keys; results are compared after camelCase
// keys are turned back into snake_case.

export function run(op, input) {
  throw new Error(`unknown op ${JSON.stringify(op)}: every op must be mapped in every runner`)
}

// The README's parity table names every core entry point in both bindings;
// every Node name in it must resolve (the Python test checks the Python column).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ob = require('../index.js')

function parityRows() {
  const text = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const block = text.split('<!-- parity:start -->')[1].split('<!-- parity:end -->')[0]
  const rows = []
  for (const line of block.split('\n')) {
    const cells = [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1])
    if (line.startsWith('| `') && cells.length >= 3) {
      rows.push([cells[0], cells[cells.length - 2], cells[cells.length - 1]])
    }
  }
  return rows
}

function resolve(root, dotted) {
  let obj = root
  for (const part of dotted.split('.')) {
    if (obj == null) return undefined
    if (part in obj) {
      obj = obj[part]
    } else if (typeof obj === 'function' && obj.prototype && part in obj.prototype) {
      obj = obj.prototype[part]
    } else {
      return undefined
    }
  }
  return obj
}

test('every Node name in the README parity table resolves', () => {
  const rows = parityRows()
  assert.ok(rows.length >= 70, `only ${rows.length} rows`)
  const missing = rows.filter(([, , node]) => typeof resolve(ob, node) !== 'function')
  assert.deepEqual(
    missing.map(([core, , node]) => `${core}: ${node}`),
    [],
    'missing in Node',
  )
})

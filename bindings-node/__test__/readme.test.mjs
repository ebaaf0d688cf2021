// The README's Node examples run as written (console.assert made to throw).
import { test } from 'node:test'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const pkg = require('../index.js')
const readme = readFileSync(path.join(here, '..', '..', 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])

test('README has Node examples', () => {
  if (blocks.length === 0) throw new Error('no js blocks in README.md')
})

blocks.forEach((code, i) => {
  test(`README js block ${i + 1}`, () => {
    const strictConsole = {
      assert: (cond, ...msg) => {
        if (!cond) throw new Error(`README assertion failed: ${msg.join(' ')}`)
      },
      log: () => {},
    }
    const fakeRequire = (name) => (name === 'opsbrain' ? pkg : require(name))
    new Function('require', 'console', code)(fakeRequire, strictConsole)
  })
})

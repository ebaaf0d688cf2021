// The package's entry points: require() (main.js) and import (index.mjs) give
// the same module, the README's examples run, and a missing platform binary
// gives an error naming the platform and saying how to build from source.
// Also run by ../scripts/test against the packed and installed package.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const cjs = require(join(pkgDir, 'main.js'))
const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'))

test('require and import give the same names and objects', async () => {
  const esm = await import(pathToFileURL(join(pkgDir, 'index.mjs')).href)
  const names = Object.keys(cjs).filter((k) => !k.startsWith('__')).sort()
  const esmNames = Object.keys(esm).filter((k) => k !== 'default').sort()
  assert.deepEqual(esmNames, names)
  for (const k of names) assert.equal(esm[k], cjs[k], k)
  assert.equal(esm.default, cjs)
  assert.equal(cjs.classify, require(join(pkgDir, 'index.js')).classify)
})

test('package.json entry points exist and are listed in files', () => {
  // Only the platform binaries are installed with the package.
  assert.equal(manifest.dependencies, undefined)
  const { require: req, import: imp } = manifest.exports['.']
  for (const f of [manifest.main, manifest.types, req.default, req.types, imp.default, imp.types]) {
    assert.ok(manifest.files.includes(f.replace(/^\.\//, '')), `${f} in files`)
    readFileSync(join(pkgDir, f))
  }
})

const readme = readFileSync(join(pkgDir, 'README.md'), 'utf8')
const blocks = (lang) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1])

test('README CommonJS example runs', () => {
  const code = blocks('js')
  assert.ok(code.length > 0)
  const strictConsole = {
    assert: (cond, ...msg) => {
      if (!cond) throw new Error(`README assertion failed: ${msg.join(' ')}`)
    },
    log: () => {},
  }
  const fakeRequire = (name) => (name === 'opsbrain' ? cjs : require(name))
  for (const c of code) new Function('require', 'console', c)(fakeRequire, strictConsole)
})

test('README ES module example runs', () => {
  const code = blocks('mjs')
  assert.ok(code.length > 0)
  const dir = mkdtempSync(join(tmpdir(), 'opsbrain-readme-'))
  try {
    const entry = pathToFileURL(join(pkgDir, 'index.mjs')).href
    code.forEach((c, i) => {
      const file = join(dir, `block${i}.mjs`)
      writeFileSync(file, c.replaceAll("from 'opsbrain'", `from ${JSON.stringify(entry)}`))
      const r = spawnSync(process.execPath, [file], { encoding: 'utf8' })
      assert.equal(r.status, 0, r.stderr)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a missing platform binary names the platform and how to build from source', () => {
  // The JavaScript files alone, away from any .node file or node_modules.
  const dir = mkdtempSync(join(tmpdir(), 'opsbrain-nobinary-'))
  try {
    for (const f of ['main.js', 'index.js', 'package.json']) copyFileSync(join(pkgDir, f), join(dir, f))
    const env = { ...process.env }
    delete env.NAPI_RS_NATIVE_LIBRARY_PATH
    delete env.NODE_PATH
    const r = spawnSync(
      process.execPath,
      ['-e', "try { require('./main.js') } catch (e) { console.log(JSON.stringify({ message: e.message, code: e.code, cause: !!e.cause })) }"],
      { cwd: dir, encoding: 'utf8', env },
    )
    assert.equal(r.status, 0, r.stderr)
    const e = JSON.parse(r.stdout)
    const platform = `${process.platform}-${process.arch}`
    assert.match(e.message, new RegExp(`no native binary could be loaded for ${platform}`))
    assert.match(e.message, /build from source/)
    assert.match(e.message, /npm run build/)
    assert.match(e.message, /Cannot find native binding/)
    assert.equal(e.code, 'ERR_OPSBRAIN_NATIVE_BINDING')
    assert.equal(e.cause, true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('OpsbrainError: instanceof holds for every error opsbrain throws, and only those', () => {
  const { OpsbrainError } = cjs
  assert.ok(OpsbrainError.codes.includes('invalid_input') && OpsbrainError.codes.includes('parse_error'))
  assert.ok(Object.isFrozen(OpsbrainError.codes))
  const thrown = []
  for (const f of [() => cjs.classify(42), () => cjs.RuleSet.fromJson('{'), () => cjs.routeTicket(42),
    () => cjs.IsolationForest.fromJson('{"format_version": 99}')]) {
    try { f(); assert.fail('no error') } catch (e) { thrown.push(e) }
  }
  for (const e of thrown) {
    assert.ok(e instanceof OpsbrainError, `${e.code}: ${e.message}`)
    assert.ok(e instanceof Error)
    assert.ok(OpsbrainError.codes.includes(e.code))
  }
  assert.ok(!(new Error('plain') instanceof OpsbrainError))
  const foreign = new Error('x'); foreign.code = 'ENOENT'
  assert.ok(!(foreign instanceof OpsbrainError))
  assert.ok(!('boom' instanceof OpsbrainError))
  assert.throws(() => new OpsbrainError(), (e) => e.code === 'invalid_type')
})

test('the string enums exist at run time as declared in index.d.ts', () => {
  assert.deepEqual({ ...cjs.Priority }, { Low: 'low', Medium: 'medium', High: 'high', Critical: 'critical' })
  assert.equal(cjs.Channel.Portal, 'portal')
  assert.equal(cjs.HolidayRule.ShiftStartDate, 'shift_start_date')
  assert.equal(cjs.cache.Policy.WTinyLfu, 'w_tiny_lfu')
  assert.equal(cjs.cache.CacheStrategy.CacheAside, 'cache_aside')
  const dts = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8')
  for (const name of ['Priority', 'Channel', 'HolidayRule', 'OpsbrainError']) {
    assert.match(dts, new RegExp(`export declare (const|class) ${name}\\b`), name)
  }
  assert.match(dts, /export const Policy: \{/)
})

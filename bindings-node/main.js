'use strict'
// The package's CommonJS entry point (`require('opsbrain')`). It loads the
// loader napi-rs generates (index.js, which must stay as generated) and, when
// no native binary can be loaded for this platform, replaces that loader's
// generic "Cannot find native binding" with a message naming the platform and
// saying how to build the binary from source. The loader's error is kept as
// `cause`.

const PREBUILT = [
  'linux-x64-gnu',
  'linux-arm64-gnu',
  'linux-x64-musl',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64-msvc',
]

function glibcVersion() {
  try {
    const report = process.report && process.report.getReport()
    return (report && report.header && report.header.glibcVersionRuntime) || null
  } catch {
    return null
  }
}

function platformName() {
  let name = `${process.platform}-${process.arch}`
  if (process.platform === 'linux') {
    name += glibcVersion() ? '-gnu' : '-musl'
  } else if (process.platform === 'win32') {
    name += '-msvc'
  }
  return name
}

function bindingError(cause) {
  const platform = platformName()
  const glibc = glibcVersion()
  const lines = [
    `opsbrain: no native binary could be loaded for ${platform}` +
      (glibc ? ` (glibc ${glibc})` : '') +
      ` on Node ${process.version} (N-API ${process.versions.napi}).`,
  ]
  if (PREBUILT.includes(platform)) {
    lines.push(
      `A prebuilt binary for ${platform} ships in the optional dependency opsbrain-${platform}, ` +
        'which was not installed or did not load. Reinstall without --omit=optional / --no-optional; ' +
        'with npm, remove node_modules and package-lock.json first (https://github.com/npm/cli/issues/4828).' +
        (platform === 'linux-x64-gnu' ? ' That binary needs glibc 2.17 or newer.' : ''),
    )
  } else {
    lines.push(`No prebuilt binary is published for ${platform} (prebuilt: ${PREBUILT.join(', ')}).`)
  }
  lines.push(
    'To build from source: install Rust 1.88 or newer (https://rustup.rs), get the opsbrain ' +
      'repository and run `cd bindings-node && npm ci && npm run build`, which writes ' +
      `bindings-node/opsbrain.${platform}.node. Then either install that folder ` +
      '(`npm install /path/to/opsbrain/bindings-node`) or set NAPI_RS_NATIVE_LIBRARY_PATH ' +
      'to the .node file.',
  )
  lines.push(`Loader error: ${cause && cause.message ? cause.message : String(cause)}`)
  const error = new Error(lines.join('\n'))
  error.code = 'ERR_OPSBRAIN_NATIVE_BINDING'
  error.cause = cause
  return error
}

let binding
try {
  binding = require('./index.js')
} catch (err) {
  throw bindingError(err)
}

module.exports = binding

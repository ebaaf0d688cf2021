// Packs the npm packages into DEST with `npm pack`:
//   node pack.mjs DEST
// - opsbrain: a staged copy of this folder's `files` whose package.json gains
//   `optionalDependencies` on every platform package in npm/ (at this version)
//   and loses the development-only `scripts` and `devDependencies`. The
//   committed package.json cannot list them: `npm ci` needs every dependency in
//   package-lock.json, and the platform packages are not on the registry until
//   the first release (`napi prepublish` adds them the same way when publishing).
// - opsbrain-<platform>, for each npm/<platform>/ whose binary
//   (opsbrain.<platform>.node) is in this folder or already in npm/<platform>/:
//   the binary and the licence files are copied in, then packed. A -gnu binary
//   must pass ../scripts/check-glibc (glibc 2.17 at most) when packed on Linux.
// Prints the tarballs' paths.
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const dest = resolve(process.argv[2] ?? '')
if (!process.argv[2]) {
  console.error('usage: node pack.mjs DEST')
  process.exit(2)
}
mkdirSync(dest, { recursive: true })
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const pack = (dir) =>
  join(dest, execFileSync(npm, ['pack', '--silent', '--pack-destination', dest], { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' }).trim().split('\n').pop())

const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'))
const licences = ['LICENSE-MIT', 'LICENSE-APACHE']
const platforms = readdirSync(join(here, 'npm'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()
const tarballs = []

// The platform packages.
for (const platform of platforms) {
  const dir = join(here, 'npm', platform)
  const sub = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  if (sub.version !== manifest.version) throw new Error(`npm/${platform}: version ${sub.version}, expected ${manifest.version}`)
  const binary = `${manifest.napi.binaryName}.${platform}.node`
  if (existsSync(join(here, binary))) copyFileSync(join(here, binary), join(dir, binary))
  if (!existsSync(join(dir, binary))) continue
  // A glibc binary must not need more than glibc 2.17 (npm run build:dist,
  // not the plain npm run build, makes such a binary).
  if (platform.endsWith('-gnu') && process.platform === 'linux') {
    execFileSync('bash', [join(here, '..', 'scripts', 'check-glibc'), join(dir, binary)], { stdio: 'inherit' })
  }
  for (const f of licences) copyFileSync(join(here, f), join(dir, f))
  tarballs.push(pack(dir))
}

// The main package, staged.
const stage = mkdtempSync(join(tmpdir(), 'opsbrain-stage-'))
try {
  for (const f of manifest.files) cpSync(join(here, f), join(stage, f), { recursive: true })
  const staged = { ...manifest }
  delete staged.scripts
  delete staged.devDependencies
  staged.optionalDependencies = Object.fromEntries(
    platforms.map((p) => [JSON.parse(readFileSync(join(here, 'npm', p, 'package.json'), 'utf8')).name, manifest.version]),
  )
  writeFileSync(join(stage, 'package.json'), JSON.stringify(staged, null, 2) + '\n')
  tarballs.unshift(pack(stage))
} finally {
  rmSync(stage, { recursive: true, force: true })
}

for (const t of tarballs) console.log(t)

// Keeps the diff in README.md (between the "single-player diff" markers) equal to
// `diff -u src/SinglePlayer.tsx src/Whiteboard.tsx`. `node scripts/readme-diff.mjs --write`
// rewrites it; without --write it exits 1 when the README is out of date.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const r = spawnSync('diff', ['-u', '--label', 'src/SinglePlayer.tsx', '--label', 'src/Whiteboard.tsx', 'src/SinglePlayer.tsx', 'src/Whiteboard.tsx'], { cwd: dir, encoding: 'utf8' })
if (r.status !== 1) {
  console.error(`diff failed (status ${r.status}): ${r.stderr}`)
  process.exit(2)
}
const begin = '<!-- single-player diff: begin -->'
const end = '<!-- single-player diff: end -->'
const readmePath = path.join(dir, 'README.md')
const readme = fs.readFileSync(readmePath, 'utf8')
const i = readme.indexOf(begin)
const j = readme.indexOf(end)
if (i < 0 || j < i) {
  console.error('README.md has no diff markers')
  process.exit(2)
}
const block = `${begin}\n\`\`\`diff\n${r.stdout}\`\`\`\n${end}`
const next = readme.slice(0, i) + block + readme.slice(j + end.length)
if (process.argv.includes('--write')) {
  fs.writeFileSync(readmePath, next)
  console.log('README.md diff updated')
} else if (next !== readme) {
  console.error('examples/whiteboard/README.md: the single-player diff is out of date (run: node examples/whiteboard/scripts/readme-diff.mjs --write)')
  process.exit(1)
} else {
  console.log('README.md diff is up to date')
}

// Renders the engine comparison (bench/run.sh) as a Markdown table and writes it into
// bench/RESULTS.md between the "engine" markers.
import fs from 'node:fs'
import os from 'node:os'

const [yjsFile, ourFile] = process.argv.slice(2)
const yjs = JSON.parse(fs.readFileSync(yjsFile, 'utf8').trim().split('\n').pop())
const ours = JSON.parse(fs.readFileSync(ourFile, 'utf8').trim().split('\n').pop())
const ms = v => v == null || v < 0 ? 'n/a' : `${v < 10 ? v.toFixed(2) : v.toFixed(0)} ms`
const mb = v => v == null ? 'n/a' : `${(v / 1e6).toFixed(2)} MB`
const rows = [
  ['B4 remote apply (259,778 updates)', ms(yjs.b4.remote_apply_ms), ms(ours.remote_ms), '≤ 40 ms'],
  ['B4 local edits (Text API)', ms(yjs.b4.local_edit_ms), ms(ours.local_ms), '≤ 30 ms'],
  ['B4 encode state (v1)', ms(yjs.b4.encode_v1_ms), ms(ours.encode_ms), '≤ 2 ms'],
  ['B4 decode state into a fresh doc', ms(yjs.b4.decode_v1_ms), ms(ours.decode_ms), '≤ 5 ms'],
  ['B4 document memory', mb(yjs.b4.heap_bytes), mb(ours.doc_bytes), '≤ 5 MB'],
  ['B4 state size (v1)', `${yjs.b4.state_v1_bytes} B`, `${ours.state_bytes} B`, 'same bytes'],
  ['B4x100 load from encoded state', ms(yjs.b4x100 && yjs.b4x100.decode_v1_ms), ms(ours.b4x100_load_ms), '≤ 300 ms'],
]
const date = new Date().toISOString().slice(0, 10)
const table = [
  `Measured ${date} on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, Yjs ${yjs.yjs} on Node ${yjs.node}.`,
  'Command: `bash bench/run.sh`. Yjs times are wall clock (`performance.now()`); ours are the',
  "benchmark thread's CPU time (equal to wall time on an idle machine, and not inflated when the",
  'machine is busy). Both engines process the same bytes (Yjs writes them to `build/bench/`).',
  '',
  '| task | Yjs 13.6 | Symphony | target |',
  '|---|---:|---:|---:|',
  ...rows.map(r => `| ${r.join(' | ')} |`),
].join('\n')
console.log(table)
const file = 'bench/RESULTS.md'
const begin = '<!-- engine:begin -->'
const end = '<!-- engine:end -->'
let doc = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmark results\n\n## CRDT engine\n\n${begin}\n${end}\n`
if (!doc.includes(begin)) doc += `\n## CRDT engine\n\n${begin}\n${end}\n`
doc = doc.replace(new RegExp(`${begin}[\\s\\S]*${end}`), () => `${begin}\n${table}\n${end}`)
fs.writeFileSync(file, doc)

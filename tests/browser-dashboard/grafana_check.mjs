// Checks of deploy/grafana/symphony-dashboard.json against a running server's /metrics text:
// the JSON parses, it has the ${DS_PROMETHEUS} input and every panel uses it, every metric named
// in an expression is exposed, every `by (label)` is a label of one of the expression's
// metrics, and the brackets of each expression balance. Returns a list of problems (empty: ok).
import fs from 'node:fs'
import path from 'node:path'
import { ROOT } from './lib.mjs'

export const GRAFANA_JSON = path.join(ROOT, 'deploy/grafana/symphony-dashboard.json')

// Metric sample names of a Prometheus text exposition -> set of label names seen on them.
export function parseExposition (text) {
  const metrics = new Map()
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/.exec(line)
    if (!m) continue
    const labels = metrics.get(m[1]) ?? new Set()
    for (const pair of (m[3] ?? '').split(',')) {
      const k = pair.split('=')[0].trim()
      if (k) labels.add(k)
    }
    metrics.set(m[1], labels)
  }
  return metrics
}

function* expressions (dash) {
  const walk = function * (panels) {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) yield { where: `panel "${p.title}" ${t.refId}`, expr: t.expr, ds: t.datasource }
      yield * walk(p.panels)
    }
  }
  yield * walk(dash.panels)
  for (const v of dash.templating?.list ?? []) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query
    if (q) yield { where: `variable ${v.name}`, expr: q, ds: v.datasource }
  }
}

const BUILTIN_LABELS = new Set(['le', 'instance', 'job'])

export function checkGrafana (metricsText) {
  const problems = []
  let dash
  try {
    dash = JSON.parse(fs.readFileSync(GRAFANA_JSON, 'utf8'))
  } catch (err) {
    return { problems: [`${GRAFANA_JSON} does not parse: ${err.message}`], expressions: 0, metrics: [] }
  }
  const input = (dash.__inputs ?? []).find((i) => i.name === 'DS_PROMETHEUS')
  if (!input || input.type !== 'datasource' || input.pluginId !== 'prometheus') problems.push('no DS_PROMETHEUS datasource input')
  const exposed = parseExposition(metricsText)
  let count = 0
  const used = new Set()
  for (const { where, expr, ds } of expressions(dash)) {
    count++
    if (!expr || typeof expr !== 'string') {
      problems.push(`${where}: empty expression`)
      continue
    }
    if (ds?.uid !== '${DS_PROMETHEUS}') problems.push(`${where}: datasource is not \${DS_PROMETHEUS}`)
    let depth = 0
    for (const c of expr) {
      if ('([{'.includes(c)) depth++
      if (')]}'.includes(c)) depth--
      if (depth < 0) break
    }
    if (depth !== 0) problems.push(`${where}: unbalanced brackets in ${expr}`)
    // Metric names: identifiers of our namespaces, outside label matchers and strings.
    const bare = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}')
    const names = [...new Set(bare.match(/\b(symphony|process)_[a-zA-Z0-9_:]*/g) ?? [])]
    if (!names.length) problems.push(`${where}: names no symphony_ or process_ metric: ${expr}`)
    for (const n of names) {
      used.add(n)
      if (!exposed.has(n)) problems.push(`${where}: ${n} is not exposed by /metrics`)
    }
    for (const m of bare.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
      for (const label of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
        if (BUILTIN_LABELS.has(label)) continue
        if (!names.some((n) => exposed.get(n)?.has(label))) problems.push(`${where}: label "${label}" is on none of ${names.join(', ')}`)
      }
    }
  }
  if (count < 10) problems.push(`only ${count} expressions`)
  return { problems, expressions: count, metrics: [...used].sort() }
}

// A collapsible view of a JSON value (nested <details>), bounded so that a large document stays
// cheap to show: at most `maxChildren` entries per object or array, `maxNodes` in all, strings
// cut at `maxString` characters; what is left out is counted on screen.
import { h } from './dom.js'

// openState: Map of node path -> open for the nodes the user opened or closed in an earlier tree
// of the same document (see toggledState); other nodes are open down to `openDepth`.
export function jsonTree (value, { openDepth, maxChildren = 200, maxNodes = 4000, maxString = 2000, openState = new Map() } = {}) {
  // A small document opens deeper than a large one.
  openDepth ??= countNodes(value, 301) <= 300 ? 4 : 2
  let budget = maxNodes
  let truncated = false

  const scalar = (v) => {
    if (v === null) return h('span', { class: 'j-null' }, 'null')
    if (typeof v === 'string') {
      const cut = v.length > maxString
      if (cut) truncated = true
      return h('span', { class: 'j-str' }, JSON.stringify(cut ? v.slice(0, maxString) : v),
        cut ? h('span', { class: 'j-more' }, ` … ${v.length - maxString} more characters`) : null)
    }
    return h('span', { class: `j-${typeof v}` }, String(v))
  }

  const label = (key) => (key === undefined ? null : [h('span', { class: 'j-key' }, typeof key === 'number' ? String(key) : JSON.stringify(key)), ': '])

  const node = (key, v, depth, path) => {
    budget--
    if (v === null || typeof v !== 'object') return h('div', { class: 'j-row' }, label(key), scalar(v))
    const isArray = Array.isArray(v)
    const keys = isArray ? null : Object.keys(v)
    const n = isArray ? v.length : keys.length
    const [ob, cb] = isArray ? ['[', ']'] : ['{', '}']
    if (!n) return h('div', { class: 'j-row' }, label(key), `${ob}${cb}`)
    const count = `${n} ${isArray ? (n === 1 ? 'item' : 'items') : (n === 1 ? 'key' : 'keys')}`
    const kids = []
    for (let i = 0; i < Math.min(n, maxChildren); i++) {
      const k = isArray ? i : keys[i]
      const x = v[k]
      if (budget <= 0) break
      kids.push(node(k, x, depth + 1, `${path}/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`))
    }
    if (kids.length < n) {
      truncated = true
      kids.push(h('div', { class: 'j-row j-more' }, `… ${n - kids.length} more not shown`))
    }
    const byDefault = depth < openDepth
    const open = openState.has(path) ? openState.get(path) : byDefault
    return h('details', { class: 'j-node', open, dataset: { path, open: byDefault } },
      h('summary', {}, label(key), h('span', { class: 'j-brace' }, ob), h('span', { class: 'j-count' }, ` ${count} `), h('span', { class: 'j-brace' }, cb)),
      h('div', { class: 'j-children' }, kids))
  }

  const el = h('div', { class: 'json-tree' }, node(undefined, value, 0, ''))
  return { el, truncated }
}

// The nodes of a tree made by jsonTree that are not as jsonTree opened them: path -> open.
export function toggledState (el) {
  const state = new Map()
  for (const d of el.querySelectorAll('details[data-path]')) {
    if (String(d.open) !== d.dataset.open) state.set(d.dataset.path, d.open)
  }
  return state
}

// Opens or closes every node of a tree made by jsonTree.
export function setAllOpen (el, open) {
  for (const d of el.querySelectorAll('details')) d.open = open
}

// Objects, arrays and values in `v`, counting up to `limit` only.
function countNodes (v, limit) {
  let n = 0
  const walk = (x) => {
    if (++n >= limit || x === null || typeof x !== 'object') return
    for (const k in x) {
      walk(x[k])
      if (n >= limit) return
    }
  }
  walk(v)
  return n
}

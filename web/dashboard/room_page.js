// One room: its figures, its connections over time (accumulated in this browser since the page
// opened), the people present (awareness states) and a preview of the document as JSON.
import { api } from './api.js'
import { h, replaceChildren } from './dom.js'
import { TimeChart } from './chart.js'
import { formatAgo, formatBytes, formatCount, formatDateTime, formatDuration, formatTime } from './format.js'
import { jsonTree, setAllOpen, toggledState } from './json_tree.js'
import { describeError } from './notices.js'

const POLL_MS = 3000
const JSON_AUTO_MAX = 256 * 1024 // refresh the preview by itself only while it is this small
const JSON_MIN_INTERVAL_MS = 2000
const CHART_MIN_WINDOW_MS = 60 * 1000

// [key, label, value(row, now), small print(row, now)]
const FIGURES = [
  ['connections', 'Users now', (r) => formatCount(r.connections)],
  ['peak_connections', 'Peak', (r) => formatCount(r.peak_connections), (r) => r.total_connections !== undefined ? `${formatCount(r.total_connections)} connections in all` : ''],
  ['doc_bytes', 'Document', (r) => formatBytes(r.doc_bytes), (r) => r.snapshot_bytes !== undefined ? `snapshot ${formatBytes(r.snapshot_bytes)}` : ''],
  ['log_bytes', 'Log', (r) => formatBytes(r.log_bytes), (r) => r.log_records !== undefined ? `${formatCount(r.log_records)} records` : ''],
  ['cpu_ms', 'CPU time', (r) => formatDuration(r.cpu_ms), (r) => (r.loaded ? '' : 'loaded rooms only')],
  ['mem_bytes', 'Memory', (r) => formatBytes(r.mem_bytes), (r) => (r.loaded ? '' : 'loaded rooms only')],
  ['last_active_ms', 'Last active', (r, now) => formatAgo(r.last_active_ms, now), (r) => formatDateTime(r.last_active_ms)],
  ['created_ms', 'Created', (r) => formatDateTime(r.created_ms).slice(0, 10), (r, now) => `${formatDateTime(r.created_ms).slice(11)} · ${formatAgo(r.created_ms, now)}`]
]

// A CSS colour from an awareness state, or null (anything else is ignored, not injected).
function safeColor (c) {
  return typeof c === 'string' && c.length < 64 && CSS.supports('color', c) ? c : null
}

// { name, color } shown for one awareness state.
export function personOf (client) {
  const st = client.state && typeof client.state === 'object' ? client.state : {}
  const user = st.user && typeof st.user === 'object' ? st.user : {}
  const name = [user.name, st.name, user.username].find((n) => typeof n === 'string' && n.trim())
  return { name: name ? name.trim() : null, color: safeColor(user.color) || safeColor(st.color) }
}

export class RoomView {
  constructor (app, id) {
    this.app = app
    this.id = id
    this.openedAt = app.serverNow()
    this.info = null // GET /api/rooms/{id}
    this.presenceLoaded = undefined // whether the room was loaded when presence was last asked
    this.notFound = false
    this.timers = []
    this.abort = new AbortController()
    this.json = { loading: false, bytes: 0, at: 0, docBytes: undefined, value: undefined, error: null }

    this.badge = h('span', { class: 'badge' })
    this.figures = FIGURES.map(([key, label, value, sub]) => {
      const v = h('div', { class: 'fig-value', dataset: { key } }, '–')
      const s = h('div', { class: 'fig-sub' })
      return { key, value, sub, v, s, el: h('div', { class: 'fig' }, h('div', { class: 'fig-label' }, label), v, s) }
    })
    this.chart = new TimeChart({ height: 180, axes: true, step: true, integer: true, format: (v) => formatCount(v), label: 'Connections over time' })
    this.chartNote = h('span', { class: 'muted' })
    this.people = h('ul', { class: 'people', dataset: { testid: 'people' } })
    this.peopleCount = h('span', { class: 'muted' })
    this.jsonMeta = h('span', { class: 'muted' })
    this.jsonBody = h('div', { class: 'json-body', dataset: { testid: 'json' } }, h('p', { class: 'muted' }, 'Loading…'))
    this.el = h('div', { class: 'room-page' },
      h('nav', { class: 'crumbs' }, h('a', { href: '#/' }, '← All rooms')),
      h('div', { class: 'room-head' }, h('h1', {}, h('span', { class: 'muted' }, 'Room '), h('span', { class: 'room-id' }, id)), this.badge),
      this.figuresEl = h('section', { class: 'panel figures' }, this.figures.map((f) => f.el)),
      this.gridEl = h('div', { class: 'room-grid' },
        h('section', { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'Connections'), this.chartNote),
          h('div', { class: 'chart-box', dataset: { testid: 'chart' } }, this.chart.el)),
        h('section', { class: 'panel' },
          h('div', { class: 'panel-head' }, h('h2', {}, 'People here'), this.peopleCount),
          this.people)),
      this.jsonEl = h('section', { class: 'panel' },
        h('div', { class: 'panel-head' }, h('h2', {}, 'Document'), this.jsonMeta, h('span', { class: 'grow' }),
          h('button', { type: 'button', onclick: () => setAllOpen(this.jsonBody, true) }, 'Expand all'),
          h('button', { type: 'button', onclick: () => setAllOpen(this.jsonBody, false) }, 'Collapse all'),
          h('button', { type: 'button', onclick: () => this.loadJson() }, 'Refresh'),
          h('a', { class: 'button', href: api.jsonUrl(id), target: '_blank', rel: 'noopener' }, 'Raw JSON')),
        this.jsonBody))
  }

  mount (root) {
    root.append(this.el)
    document.title = `${this.id} · Symphony dashboard`
    this.poll()
    this.timers.push(setInterval(() => this.poll(), POLL_MS))
    this.update()
  }

  unmount () {
    for (const t of this.timers) clearInterval(t)
    this.abort.abort()
    this.app.notices.clear('room')
    document.title = 'Symphony dashboard'
  }

  // The room's figures: the stored ones (refreshed by poll) under the live ones.
  row () { return this.app.rooms.get(this.id) }

  // Room figures and presence, every few seconds.
  async poll () {
    const signal = this.abort.signal
    try {
      const info = await api.room(this.id, { signal })
      this.info = info
      this.notFound = false
      this.app.rooms.upsertStored(info)
      this.app.rooms.history.add(this.id, this.app.serverNow(), info.connections ?? 0)
      this.app.notices.clear('room')
      this.app.apiOk()
      // The document only once the room is known to exist (fetching it would create the room).
      if (this.json.value === undefined && !this.json.loading && !this.json.error) this.loadJson()
    } catch (err) {
      if (err.name === 'AbortError') return
      if (err.status === 404) this.notFound = true
      if (err.status === 401) {
        replaceChildren(this.jsonBody, h('p', { class: 'muted' }, 'Sign in (see above) to see the document.'))
        this.renderPeople([], 'Sign in (see above) to see who is here.')
      }
      this.app.apiFailed('room', `Room ${this.id}`, err)
      this.update()
      return
    }
    await this.pollPresence()
    this.update()
  }

  // Presence lives in loaded rooms only: an unloaded room is not asked (asking would not load it,
  // but there is nothing to learn).
  async pollPresence () {
    const r = this.row()
    if (!r) return
    this.presenceLoaded = !!r.loaded
    if (!r.loaded && !(r.connections > 0)) {
      this.renderPeople([], 'Nobody: the room is not loaded.')
      return
    }
    try {
      this.renderPeople(await api.presence(this.id, { signal: this.abort.signal }))
    } catch (err) {
      if (err.name === 'AbortError') return
      this.app.apiFailed('room', `People in ${this.id}`, err)
    }
  }

  async loadJson () {
    if (this.json.loading) return
    this.json.loading = true
    this.json.at = Date.now()
    this.jsonMeta.textContent = 'loading…'
    try {
      const { body, bytes } = await api.json(this.id, { signal: this.abort.signal })
      this.json = { ...this.json, value: body, bytes, error: null, docBytes: this.row()?.doc_bytes }
      this.renderJson()
    } catch (err) {
      if (err.name === 'AbortError') return
      this.json.error = err
      replaceChildren(this.jsonBody, h('p', { class: 'error-text' }, describeError('Document', err)))
      this.jsonMeta.textContent = ''
      if (err.status === 401) this.app.apiFailed('room', 'Document', err)
    } finally {
      this.json.loading = false
    }
  }

  renderJson () {
    // Keep what the user opened or closed across refreshes.
    const { el, truncated } = jsonTree(this.json.value, { openState: toggledState(this.jsonBody) })
    replaceChildren(this.jsonBody, el)
    this.jsonMeta.textContent = `${formatBytes(this.json.bytes)} of JSON${truncated ? ' · preview truncated' : ''} · fetched ${formatTime(Date.now())}`
  }

  renderPeople (clients, emptyText = 'Nobody is here right now.') {
    this.peopleCount.textContent = `${clients.length}`
    if (!clients.length) {
      replaceChildren(this.people, h('li', { class: 'muted' }, emptyText))
      return
    }
    const rows = clients.map((c) => ({ c, p: personOf(c) }))
      .sort((a, b) => (a.p.name ?? '\uffff').localeCompare(b.p.name ?? '\uffff') || a.c.client_id - b.c.client_id)
    replaceChildren(this.people, rows.map(({ c, p }) =>
      h('li', { class: 'person', dataset: { clientId: c.client_id } },
        h('span', { class: 'swatch', style: p.color ? { background: p.color } : {} }),
        h('span', { class: p.name ? 'person-name' : 'person-name anonymous' }, p.name ?? `client ${c.client_id}`),
        p.name ? h('span', { class: 'muted small' }, `client ${c.client_id}`) : null)))
  }

  // Called on every stats event and after each poll.
  update () {
    const r = this.row()
    const now = this.app.serverNow()
    if (r) {
      this.badge.textContent = r.loaded ? 'loaded' : 'stored'
      this.badge.className = `badge ${r.loaded ? 'badge-on' : 'badge-off'}`
      for (const f of this.figures) {
        f.v.textContent = f.value(r, now)
        f.v.dataset.value = r[f.key] ?? ''
        f.s.textContent = f.sub ? f.sub(r, now) : ''
      }
    } else if (this.notFound) {
      this.badge.textContent = 'not found'
      this.badge.className = 'badge badge-err'
    }
    // An unknown room: the banner and the badge say so, nothing else to show.
    this.figuresEl.hidden = this.gridEl.hidden = this.jsonEl.hidden = !r && this.notFound
    // Loaded (or unloaded) since presence was asked: ask again now rather than at the next poll.
    if (r && this.presenceLoaded !== undefined && !!r.loaded !== this.presenceLoaded) this.pollPresence()
    const points = this.app.rooms.history.series(this.id)
    const since = this.app.firstTs || this.openedAt
    const from = Math.min(since, points.length ? points[0][0] : now, now - CHART_MIN_WINDOW_MS)
    this.chart.draw(points, from, now)
    this.chartNote.textContent = `since ${formatTime(since)}, when this dashboard was opened`
    // The document changed: refresh a small preview by itself.
    if (r && !this.notFound && this.json.value !== undefined && !this.json.error && r.doc_bytes !== this.json.docBytes &&
        this.json.bytes <= JSON_AUTO_MAX && Date.now() - this.json.at >= JSON_MIN_INTERVAL_MS) {
      this.loadJson()
    }
  }
}

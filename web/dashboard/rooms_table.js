// The table of every room (stored or loaded): search by id, sort by any column, click through
// to the room page. Rows are reused across updates (keyed by room id), so a refresh every
// second keeps the hover and focus, and at most MAX_ROWS rows are drawn.
import { h } from './dom.js'
import { formatAgo, formatBytes, formatCount, formatDateTime, formatDuration } from './format.js'
import { filterRooms, sortRooms } from './rooms.js'

const MAX_ROWS = 500

export const roomHref = (id) => `#/room/${encodeURIComponent(id)}`

// cell(row, app) -> text; title(row) -> tooltip. `num`: right-aligned figures.
const COLUMNS = [
  { key: 'id', label: 'Room', first: 'asc' },
  { key: 'loaded', label: 'Status', cell: (r) => (r.loaded ? 'loaded' : 'stored'), title: (r) => (r.loaded ? 'in memory' : 'in storage only') },
  { key: 'connections', label: 'Users now', num: true, cell: (r) => formatCount(r.connections) },
  { key: 'peak_connections', label: 'Peak', num: true, cell: (r) => formatCount(r.peak_connections), title: (r) => r.total_connections !== undefined ? `${formatCount(r.total_connections)} connections in all` : '' },
  { key: 'doc_bytes', label: 'Document', num: true, cell: (r) => formatBytes(r.doc_bytes) },
  { key: 'log_bytes', label: 'Log', num: true, cell: (r) => formatBytes(r.log_bytes), title: (r) => r.log_records !== undefined ? `${formatCount(r.log_records)} records, snapshot ${formatBytes(r.snapshot_bytes)}` : '' },
  { key: 'last_active_ms', label: 'Last active', num: true, cell: (r, app) => formatAgo(r.last_active_ms, app.serverNow()), title: (r) => formatDateTime(r.last_active_ms) },
  { key: 'created_ms', label: 'Created', num: true, cell: (r) => formatDateTime(r.created_ms) },
  { key: 'cpu_ms', label: 'CPU time', num: true, cell: (r) => formatDuration(r.cpu_ms), title: () => 'loaded rooms only' },
  { key: 'mem_bytes', label: 'Memory', num: true, cell: (r) => formatBytes(r.mem_bytes), title: () => 'loaded rooms only' }
]

export class RoomsTable {
  constructor (app) {
    this.app = app
    this.ui = app.ui // { query, sortKey, sortDir }: kept while the user visits room pages
    this.rows = new Map() // id -> { tr, cells: [td] }
    this.order = []

    this.search = h('input', {
      type: 'search',
      class: 'search',
      placeholder: 'Search rooms by id',
      'aria-label': 'Search rooms',
      value: this.ui.query,
      oninput: () => {
        this.ui.query = this.search.value
        this.update()
      }
    })
    this.count = h('span', { class: 'muted', dataset: { testid: 'rooms-count' } })
    this.headers = COLUMNS.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '', dataset: { key: c.key } },
      h('button', { type: 'button', class: 'sort', onclick: () => this.sortBy(c) }, c.label, h('span', { class: 'sort-mark', 'aria-hidden': 'true' }))))
    this.tbody = h('tbody')
    this.empty = h('p', { class: 'empty' })
    this.more = h('p', { class: 'muted more' })
    this.el = h('section', { class: 'panel rooms' },
      h('div', { class: 'panel-head' }, h('h2', {}, 'Rooms'), this.count, h('span', { class: 'grow' }), this.search),
      h('div', { class: 'table-wrap' }, h('table', { class: 'rooms-table' }, h('thead', {}, h('tr', {}, this.headers)), this.tbody)),
      this.empty, this.more)
  }

  sortBy (col) {
    if (this.ui.sortKey === col.key) this.ui.sortDir = this.ui.sortDir === 'asc' ? 'desc' : 'asc'
    else {
      this.ui.sortKey = col.key
      this.ui.sortDir = col.first || 'desc'
    }
    this.update()
  }

  update () {
    const all = this.app.rooms.all()
    const matching = filterRooms(all, this.ui.query)
    const sorted = sortRooms(matching, this.ui.sortKey, this.ui.sortDir)
    const shown = sorted.slice(0, MAX_ROWS)
    const loaded = all.filter((r) => r.loaded).length
    this.count.textContent = `${formatCount(all.length)} ${all.length === 1 ? 'room' : 'rooms'} · ${formatCount(loaded)} loaded`

    for (const th of this.headers) {
      const active = th.dataset.key === this.ui.sortKey
      th.setAttribute('aria-sort', active ? (this.ui.sortDir === 'asc' ? 'ascending' : 'descending') : 'none')
      th.querySelector('.sort-mark').textContent = active ? (this.ui.sortDir === 'asc' ? ' ▲' : ' ▼') : ''
    }

    const keep = new Set()
    const trs = shown.map((r) => {
      keep.add(r.id)
      return this.row(r)
    })
    for (const id of this.rows.keys()) if (!keep.has(id)) this.rows.delete(id)
    const order = shown.map((r) => r.id)
    if (order.length !== this.order.length || order.some((id, i) => id !== this.order[i])) {
      this.tbody.replaceChildren(...trs)
      this.order = order
    }

    this.empty.hidden = shown.length > 0
    this.empty.textContent = all.length === 0
      ? (this.app.roomsListed ? 'No rooms yet: connect a Yjs client to ws://<this server>/<room name>.' : 'Loading rooms…')
      : `No room matches “${this.ui.query.trim()}”.`
    this.more.hidden = sorted.length <= shown.length
    this.more.textContent = `Showing ${formatCount(shown.length)} of ${formatCount(sorted.length)} rooms: search to narrow down.`
  }

  row (r) {
    let entry = this.rows.get(r.id)
    if (!entry) {
      const cells = COLUMNS.map((c) => h('td', { class: c.num ? 'num' : '', dataset: { key: c.key } }))
      cells[0].append(h('a', { href: roomHref(r.id), class: 'room-link' }, r.id))
      entry = { tr: h('tr', { dataset: { room: r.id } }, cells), cells }
      this.rows.set(r.id, entry)
    }
    entry.tr.classList.toggle('unloaded', !r.loaded)
    COLUMNS.forEach((c, i) => {
      const td = entry.cells[i]
      const raw = c.key === 'loaded' ? String(!!r.loaded) : r[c.key] ?? ''
      if (td.dataset.value !== String(raw)) td.dataset.value = raw
      if (c.cell) {
        const text = c.cell(r, this.app)
        if (td.textContent !== text) td.textContent = text
      }
      const title = c.title ? c.title(r) : ''
      if (title) td.title = title
      if (c.key === 'loaded') td.className = r.loaded ? 'status-loaded' : 'status-stored'
    })
    return entry.tr
  }
}

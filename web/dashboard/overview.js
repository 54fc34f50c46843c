// The overview page: live figures with sparklines, and the table of every room.
import { h } from './dom.js'
import { TimeChart } from './chart.js'
import { formatBytes, formatCount, formatPercent, formatRate } from './format.js'
import { RoomsTable } from './rooms_table.js'

const WINDOW_MS = 5 * 60 * 1000 // sparklines show the last 5 minutes (or since the page opened)

// key: the OverviewHistory series; value(latest): the figure; sub(latest, app): the small print.
const CARDS = [
  { key: 'connections', label: 'Connections', step: true, value: (l) => l.stats.connections, fmt: formatCount, sub: () => 'open sockets' },
  {
    key: 'rooms',
    label: 'Rooms loaded',
    step: true,
    value: (l) => l.stats.rooms_loaded,
    fmt: formatCount,
    sub: (l, app) => app.roomsListed ? `${formatCount(app.rooms.stored.size)} stored` : 'in memory'
  },
  { key: 'messages', label: 'Messages / s', value: (l) => l.rates?.messages, fmt: formatRate, sub: () => 'in + out' },
  { key: 'bytesIn', label: 'Received / s', value: (l) => l.rates?.bytesIn, fmt: formatBytes, sub: (l) => `${formatBytes(l.stats.bytes_in_total)} in total` },
  { key: 'bytesOut', label: 'Sent / s', value: (l) => l.rates?.bytesOut, fmt: formatBytes, sub: (l) => `${formatBytes(l.stats.bytes_out_total)} in total` },
  { key: 'cpuPercent', label: 'CPU', value: (l) => l.rates?.cpuPercent, fmt: formatPercent, minMax: 5, sub: (l) => `of one core · ${(l.stats.cpu_seconds ?? 0).toFixed(1)} s in total` },
  { key: 'rss', label: 'Memory', value: (l) => l.stats.rss_bytes, fmt: formatBytes, minMax: 1024 * 1024, sub: () => 'resident (RSS)' },
  { key: 'documentBytes', label: 'Documents', value: (l) => l.stats.document_bytes, fmt: formatBytes, minMax: 1024, sub: () => 'loaded, encoded size' }
]

export class OverviewView {
  constructor (app) {
    this.app = app
    this.cards = CARDS.map((c) => {
      const chart = new TimeChart({ height: 36, step: c.step, minMax: c.minMax ?? 1, label: `${c.label}, last 5 minutes` })
      const valueEl = h('div', { class: 'card-value' }, '–')
      const subEl = h('div', { class: 'card-sub' }, '')
      const el = h('section', { class: 'card metric', dataset: { metric: c.key } },
        h('div', { class: 'card-label' }, c.label), valueEl, chart.el, subEl)
      return { ...c, chart, valueEl, subEl, el }
    })
    this.table = new RoomsTable(app)
  }

  mount (root) {
    root.append(
      h('h1', { class: 'visually-hidden' }, 'Overview'),
      h('div', { class: 'cards' }, this.cards.map((c) => c.el)),
      this.table.el)
    this.update()
  }

  update () {
    const latest = this.app.overview.latest
    const to = this.app.serverNow()
    const first = this.app.overview.series.connections.t[0] ?? to
    const from = Math.max(to - WINDOW_MS, first)
    for (const c of this.cards) {
      if (latest) {
        const v = c.value(latest)
        c.valueEl.textContent = c.fmt(v) + (c.key.startsWith('bytes') && v !== undefined ? '/s' : '')
        c.valueEl.dataset.value = v ?? ''
        c.subEl.textContent = c.sub(latest, this.app)
      }
      c.chart.draw(this.app.overview.series[c.key].since(from), from, to)
    }
    this.table.update()
  }

  unmount () {}
}

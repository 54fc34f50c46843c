// The dashboard: one live feed (server-sent events), the rooms list polled every few seconds, and
// a hash router between the overview (#/) and a room (#/room/<url-encoded id>).
import { api } from './api.js'
import { h, replaceChildren } from './dom.js'
import { formatTime } from './format.js'
import { LiveFeed } from './live.js'
import { Notices, describeError } from './notices.js'
import { OverviewHistory } from './rates.js'
import { RoomsModel } from './rooms.js'
import { OverviewView } from './overview.js'
import { RoomView } from './room_page.js'

const ROOMS_POLL_MS = 5000

const STATUS_TEXT = { connecting: 'connecting…', live: 'live', disconnected: 'disconnected', unauthorized: 'not signed in' }

class App {
  constructor () {
    this.notices = new Notices(document.getElementById('notices'))
    this.statusEl = document.getElementById('status')
    this.updatedEl = document.getElementById('updated')
    this.viewEl = document.getElementById('view')
    this.feed = new LiveFeed('/api/events')
    this.overview = new OverviewHistory(600)
    this.rooms = new RoomsModel()
    this.roomsListed = false // /api/rooms answered at least once
    this.ui = { query: '', sortKey: 'connections', sortDir: 'desc' }
    this.view = null
    this.firstTs = 0 // server time of the first stats event: live history starts there
    this.lastTs = 0 // server time of the latest stats event
    this.lastTsAt = 0 // browser time it arrived
    this.frame = 0
  }

  // The server's clock now, from the latest stats event (charts and "ago" use the server's time,
  // so a browser with a wrong clock still shows the right figures).
  serverNow () {
    return this.lastTs ? this.lastTs + (Date.now() - this.lastTsAt) : Date.now()
  }

  start () {
    // The server set the cookie when it answered /dashboard?token=T: keep the token out of the
    // address bar and the history.
    const params = new URLSearchParams(location.search)
    if (params.has('token')) {
      params.delete('token')
      const rest = params.toString()
      history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`)
    }

    this.feed.addEventListener('stats', (ev) => this.onStats(ev.detail))
    this.feed.addEventListener('status', (ev) => this.onStatus(ev.detail))
    this.onStatus(this.feed.status)
    this.feed.start()

    this.pollRooms()
    setInterval(() => { if (!document.hidden) this.pollRooms() }, ROOMS_POLL_MS)
    window.addEventListener('hashchange', () => this.route())
    this.route()
  }

  onStats (stats) {
    this.lastTs = stats.ts_ms ?? Date.now()
    this.firstTs ||= this.lastTs
    this.lastTsAt = Date.now()
    this.overview.add(stats)
    this.rooms.setLive(stats)
    this.notices.clear('auth')
    this.updatedEl.textContent = `updated ${formatTime(this.lastTs)}`
    this.render()
  }

  onStatus (status) {
    this.statusEl.dataset.status = status
    this.statusEl.textContent = STATUS_TEXT[status] ?? status
    if (status === 'disconnected') {
      this.notices.set('live', 'warn', 'Disconnected from the server: the figures below are not live. Reconnecting…')
    } else {
      this.notices.clear('live')
    }
    if (status === 'unauthorized') this.showAuth()
  }

  async pollRooms () {
    try {
      this.rooms.setStored(await api.rooms())
      this.roomsListed = true
      this.notices.clear('rooms')
      this.apiOk()
    } catch (err) {
      this.apiFailed('rooms', 'Listing rooms', err)
    }
    this.render()
  }

  apiOk () { this.notices.clear('auth') }

  // Shows a failed call in the banner (the sign-in hint for 401, one banner per `key`).
  apiFailed (key, what, err) {
    if (err.status === 401) {
      this.showAuth()
      return
    }
    if (err.status === 0 && this.feed.status !== 'live') return // the "disconnected" banner says it
    this.notices.set(key, 'error', describeError(what, err))
  }

  showAuth () {
    if (this.notices.has('auth')) return // shown already (and maybe being typed into)
    const input = h('input', { type: 'password', name: 'token', placeholder: 'admin token', 'aria-label': 'Admin token', autocomplete: 'off' })
    const form = h('form', {
      class: 'auth-form',
      action: '/dashboard',
      method: 'get',
      onsubmit: (ev) => {
        ev.preventDefault()
        if (input.value) location.assign(`/dashboard?token=${encodeURIComponent(input.value)}${location.hash}`)
      }
    }, input, h('button', { type: 'submit' }, 'Sign in'))
    this.notices.set('auth', 'error',
      h('strong', {}, 'Unauthorized (401). '),
      'This server requires its admin token: open ', h('code', {}, '/dashboard?token=<admin token>'),
      ' once (it sets a cookie), or enter it here: ', form)
  }

  route () {
    const hash = location.hash.replace(/^#\/?/, '')
    if (this.view) this.view.unmount()
    replaceChildren(this.viewEl)
    if (hash.startsWith('room/')) {
      let id
      try {
        id = decodeURIComponent(hash.slice(5))
      } catch {
        id = hash.slice(5)
      }
      this.view = new RoomView(this, id)
    } else {
      this.view = new OverviewView(this)
      document.title = 'Symphony dashboard'
    }
    this.view.mount(this.viewEl)
    window.scrollTo(0, 0)
  }

  // At most one redraw per animation frame.
  render () {
    if (this.frame) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.view?.update()
    })
  }
}

new App().start()

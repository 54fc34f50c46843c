// The live feed: server-sent events from /api/events, one `stats` event a second.
//
// status: 'connecting' (no event yet), 'live', 'disconnected' (the browser is reconnecting, or
// we retry), 'unauthorized' (the server answered 401). EventSource retries by itself after a
// dropped connection, but gives up for good on an HTTP error or a wrong content type; then we
// ask /api/rooms why (401?) and open a new one with backoff. A watchdog treats a stream that
// stays silent for several seconds as gone (a half-open connection never errors).

const SILENCE_MS = 5000

export class LiveFeed extends EventTarget {
  constructor (url = '/api/events') {
    super()
    this.url = url
    this.status = 'connecting'
    this.source = null
    this.lastEventAt = 0
    this.retryMs = 1000
    this.retryTimer = null
    this.watchdog = null
  }

  start () {
    this.open()
    this.watchdog = setInterval(() => {
      if (this.status === 'live' && Date.now() - this.lastEventAt > SILENCE_MS) {
        this.setStatus('disconnected')
        this.reopen(0)
      }
    }, 1000)
  }

  open () {
    clearTimeout(this.retryTimer)
    const es = new EventSource(this.url)
    this.source = es
    es.addEventListener('stats', (ev) => {
      let stats
      try {
        stats = JSON.parse(ev.data)
      } catch {
        return
      }
      this.lastEventAt = Date.now()
      this.retryMs = 1000
      this.setStatus('live')
      this.dispatchEvent(new CustomEvent('stats', { detail: stats }))
    })
    es.addEventListener('error', () => {
      if (es !== this.source) return
      if (es.readyState === EventSource.CLOSED) {
        this.diagnose()
      } else if (this.status !== 'unauthorized') {
        this.setStatus('disconnected') // the browser reconnects by itself
      }
    })
  }

  reopen (delay) {
    if (this.source) this.source.close()
    this.source = null
    clearTimeout(this.retryTimer)
    this.retryTimer = setTimeout(() => this.open(), delay)
  }

  // The stream was refused: find out whether it is the admin token, then retry.
  async diagnose () {
    let status = 0
    try {
      status = (await fetch('/api/rooms', { cache: 'no-store', credentials: 'same-origin' })).status
    } catch {}
    this.setStatus(status === 401 ? 'unauthorized' : 'disconnected')
    this.reopen(this.retryMs)
    this.retryMs = Math.min(this.retryMs * 2, 10000)
  }

  setStatus (s) {
    if (s === this.status) return
    this.status = s
    this.dispatchEvent(new CustomEvent('status', { detail: s }))
  }
}

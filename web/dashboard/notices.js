// The banners at the top of the page: at most one per key ('auth', 'live', 'rooms', ...), set
// while a problem lasts and cleared when it is over.
import { h, replaceChildren } from './dom.js'

export class Notices {
  constructor (el) {
    this.el = el
    this.items = new Map() // key -> { level, content }
  }

  // level: 'error' | 'warn' | 'info'; content: a string or nodes.
  set (key, level, ...content) {
    this.items.set(key, { level, content })
    this.render()
  }

  clear (key) {
    if (this.items.delete(key)) this.render()
  }

  has (key) { return this.items.has(key) }

  render () {
    replaceChildren(this.el, [...this.items].map(([key, { level, content }]) =>
      h('div', { class: `notice notice-${level}`, role: level === 'error' ? 'alert' : 'status', dataset: { notice: key } }, content)))
  }
}

// The message for an API error: the server's code and message, or the sign-in hint on 401.
export function describeError (what, err) {
  if (err.status === 0) return `${what}: the server cannot be reached.`
  return `${what}: ${err.message} (${err.code}, HTTP ${err.status})`
}

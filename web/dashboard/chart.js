// Time charts drawn as SVG in pixel coordinates (redrawn at the element's current width, so text
// and markers never stretch): a bare sparkline for the overview, and a chart with axes for a
// room's connections.
import { s } from './dom.js'
import { formatTime } from './format.js'

// The smallest of 1, 2, 5 x 10^k that is >= v (at least `min`).
export function niceMax (v, min = 1) {
  if (!(v > min)) return min
  const p = 10 ** Math.floor(Math.log10(v))
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p
  return 10 * p
}

export class TimeChart {
  // height: px; axes: draw value and time labels; step: hold each value until the next point
  // (counts), else straight lines (rates); format: value label; minMax: lowest y-axis maximum.
  // integer: values are counts (the y-axis' half-way label stays a whole number).
  constructor ({ height = 36, axes = false, step = false, format = String, minMax = 1, integer = false, label = '' } = {}) {
    Object.assign(this, { height, axes, step, format, minMax, integer })
    this.el = s('svg', { class: axes ? 'chart chart-axes' : 'sparkline', height, role: 'img', 'aria-label': label, 'data-points': 0 })
  }

  // points: [[t, v]] oldest first; [from, to]: the time window shown.
  draw (points, from, to) {
    const W = Math.max(60, Math.round(this.el.clientWidth || this.el.getBoundingClientRect().width || 240))
    const H = this.height
    const pad = this.axes ? { l: 34, r: 8, t: 8, b: 18 } : { l: 1, r: 1, t: 3, b: 2 }
    const w = W - pad.l - pad.r
    const hgt = H - pad.t - pad.b
    const shown = points.filter(([t]) => t >= from && t <= to)
    if (this.step && points.length) {
      // A step chart holds each value: from the window's start, and until its end.
      const before = points.filter(([t]) => t < from).pop()
      if (before) shown.unshift([from, before[1]])
      const last = shown[shown.length - 1]
      if (last && last[0] < to) shown.push([to, last[1]])
    }
    let max = niceMax(Math.max(0, ...shown.map(([, v]) => v)), this.minMax)
    if (this.integer && max % 2) max += 1
    const x = (t) => pad.l + ((t - from) / Math.max(1, to - from)) * w
    const y = (v) => pad.t + hgt - (Math.max(0, v) / max) * hgt

    const kids = []
    if (this.axes) {
      for (const frac of [0, 0.5, 1]) {
        const yy = pad.t + hgt - frac * hgt
        kids.push(s('line', { class: 'grid', x1: pad.l, x2: W - pad.r, y1: yy, y2: yy }))
        kids.push(s('text', { class: 'axis', x: pad.l - 6, y: yy + 4, 'text-anchor': 'end' }, this.format(max * frac)))
      }
      kids.push(s('text', { class: 'axis', x: pad.l, y: H - 4 }, formatTime(from)))
      kids.push(s('text', { class: 'axis', x: W - pad.r, y: H - 4, 'text-anchor': 'end' }, 'now'))
    }
    if (shown.length) {
      let d = ''
      shown.forEach(([t, v], i) => {
        if (i === 0) d += `M${x(t).toFixed(1)},${y(v).toFixed(1)}`
        else {
          if (this.step) d += `H${x(t).toFixed(1)}`
          d += `L${x(t).toFixed(1)},${y(v).toFixed(1)}`
        }
      })
      const first = x(shown[0][0]).toFixed(1)
      const last = x(shown[shown.length - 1][0]).toFixed(1)
      const base = (pad.t + hgt).toFixed(1)
      kids.push(s('path', { class: 'area', d: `${d}L${last},${base}L${first},${base}Z` }))
      kids.push(s('path', { class: 'line', d }))
      if (this.axes) {
        // A marker on each real change (not on the start and end points added above).
        for (const [t, v] of points) {
          if (t >= from && t <= to) kids.push(s('circle', { class: 'dot', cx: x(t).toFixed(1), cy: y(v).toFixed(1), r: 2.5 }))
        }
      }
    } else if (this.axes) {
      kids.push(s('text', { class: 'axis empty', x: pad.l + w / 2, y: pad.t + hgt / 2, 'text-anchor': 'middle' }, 'no data yet'))
    }
    this.el.setAttribute('viewBox', `0 0 ${W} ${H}`)
    this.el.dataset.points = points.filter(([t]) => t >= from && t <= to).length
    this.el.replaceChildren(...kids)
  }
}

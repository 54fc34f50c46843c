// Number, size, rate and time formatting for the dashboard (pure functions, no DOM).

const DASH = '–'
const ok = (n) => typeof n === 'number' && Number.isFinite(n)

// 1536 -> "1.5 KiB"
export function formatBytes (n) {
  if (!ok(n)) return DASH
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let v = Math.abs(n)
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const digits = i === 0 ? 0 : v < 10 ? 1 : 0
  return `${n < 0 ? '-' : ''}${v.toFixed(digits)} ${units[i]}`
}

// 12345 -> "12,345"; rates keep one decimal below 10.
export function formatCount (n) {
  if (!ok(n)) return DASH
  return Math.round(n).toLocaleString('en-US')
}

export function formatRate (n) {
  if (!ok(n)) return DASH
  if (n !== 0 && Math.abs(n) < 10) return n.toFixed(1)
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)} M`
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)} k`
  return formatCount(n)
}

export function formatPercent (n) {
  if (!ok(n)) return DASH
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} %`
}

// CPU time: "350 ms", "4.2 s", "3 min 20 s", "2 h 5 min".
export function formatDuration (ms) {
  if (!ok(ms)) return DASH
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${Math.floor(s % 60)} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

// Time since `ms` as "just now", "12 s ago", "5 min ago", "3 h ago", "4 d ago".
export function formatAgo (ms, now = Date.now()) {
  if (!ok(ms) || ms <= 0) return DASH
  const s = Math.max(0, (now - ms) / 1000)
  if (s < 2) return 'just now'
  if (s < 60) return `${Math.floor(s)} s ago`
  if (s < 3600) return `${Math.floor(s / 60)} min ago`
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`
  return `${Math.floor(s / 86400)} d ago`
}

const pad = (n) => String(n).padStart(2, '0')

// Local date and time, "2026-11-23 10:04".
export function formatDateTime (ms) {
  if (!ok(ms) || ms <= 0) return DASH
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatTime (ms) {
  if (!ok(ms) || ms <= 0) return DASH
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

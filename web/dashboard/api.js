// The server's HTTP API. Same origin: when the server runs with --admin-token, the cookie set
// by /dashboard?token=T goes with every request, so nothing here handles tokens.

// A failed call: HTTP status (0 when the server could not be reached), the error's code and
// message from the server's JSON body {"error":{"code","message"}} when it sent one.
export class ApiError extends Error {
  constructor (status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }

  get unauthorized () { return this.status === 401 }
}

export async function getJson (path, { signal } = {}) {
  let res
  try {
    res = await fetch(path, { headers: { accept: 'application/json' }, cache: 'no-store', credentials: 'same-origin', signal })
  } catch (err) {
    if (err.name === 'AbortError') throw err
    throw new ApiError(0, 'unreachable', 'cannot reach the server')
  }
  let body = null
  let text = ''
  try {
    text = await res.text()
    body = JSON.parse(text)
  } catch {}
  if (!res.ok) {
    const e = body && body.error
    throw new ApiError(res.status, e?.code || `http_${res.status}`,
      e?.message || `${res.status} ${res.statusText || ''}`.trim())
  }
  if (body === null) throw new ApiError(res.status, 'bad_json', `${path} did not answer JSON`)
  return { body, bytes: text.length }
}

const roomPath = (id) => `/api/rooms/${encodeURIComponent(id)}`

export const api = {
  rooms: (opts) => getJson('/api/rooms', opts).then((r) => r.body.rooms || []),
  room: (id, opts) => getJson(roomPath(id), opts).then((r) => r.body),
  presence: (id, opts) => getJson(`${roomPath(id)}/presence`, opts).then((r) => r.body.clients || []),
  json: (id, opts) => getJson(`${roomPath(id)}/json`, opts),
  jsonUrl: (id) => `${roomPath(id)}/json`
}

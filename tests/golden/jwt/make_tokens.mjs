// Makes tests/golden/jwt/tokens.json: JSON Web Tokens signed by Node's own crypto (createHmac),
// independently of libjwt, with what src/server/auth/token.cc must answer for each at
// NOW = 1750000000 (2025-06-15T15:06:40Z). Run: node tests/golden/jwt/make_tokens.mjs
// The output is committed; re-running gives the same bytes (nothing random, fixed times).
import { createHmac } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SECRET = 'symphony-golden-secret'
const OTHER_SECRET = 'not-the-secret'
const NOW = 1750000000

const b64url = (buf) => Buffer.from(buf).toString('base64url')
const part = (obj) => b64url(JSON.stringify(obj))
const sign = (input, secret, alg = 'sha256') => b64url(createHmac(alg, secret).update(input).digest())
function jwt(payload, { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' }, hmac = 'sha256' } = {}) {
  const input = `${part(header)}.${part(payload)}`
  return `${input}.${sign(input, secret, hmac)}`
}

const base = { room: 'board-1', access: 'rw', sub: 'user-42', name: 'Ada Lovelace', iat: 1700000000, exp: 4102444800 }
const good = jwt(base)
const [h, , s] = good.split('.')
const cases = [
  { name: 'read-write token', token: good,
    expect: { room: 'board-1', access: 'rw', sub: 'user-42', name: 'Ada Lovelace', iat: 1700000000, exp: 4102444800 } },
  { name: 'read-only prefix token', token: jwt({ room: 'team-7/*', access: 'r', sub: 'u7', exp: 1800000000 }),
    expect: { room: 'team-7/*', access: 'r', sub: 'u7', name: '', iat: 0, exp: 1800000000 } },
  { name: 'no typ, no sub, no exp', token: jwt({ room: 'r', access: 'rw' }, { header: { alg: 'HS256' } }),
    expect: { room: 'r', access: 'rw', sub: '', name: '', iat: 0, exp: 0 } },
  { name: 'fractional exp, unicode name', token: jwt({ room: 'Zoë', access: 'r', name: 'Zoë 🎹', exp: 4102444800.75 }),
    expect: { room: 'Zoë', access: 'r', sub: '', name: 'Zoë 🎹', iat: 0, exp: 4102444800 } },
  { name: 'nbf in the past', token: jwt({ room: 'r', access: 'rw', nbf: NOW - 1 }),
    expect: { room: 'r', access: 'rw', sub: '', name: '', iat: 0, exp: 0 } },
  { name: 'wrong secret', token: jwt(base, { secret: OTHER_SECRET }), error: 'bad signature' },
  { name: 'tampered payload', token: `${h}.${part({ ...base, room: 'board-2' })}.${s}`, error: 'bad signature' },
  { name: 'tampered signature', token: `${h}.${good.split('.')[1]}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BA' : 'AA'}`,
    error: 'bad signature' },
  { name: 'expired', token: jwt({ ...base, exp: NOW - 60 }), error: 'token expired at 2025-06-15T15:05:40Z' },
  { name: 'expires exactly now', token: jwt({ ...base, exp: NOW }), error: 'token expired at 2025-06-15T15:06:40Z' },
  { name: 'not valid yet', token: jwt({ ...base, nbf: NOW + 3600 }), error: 'token not valid before 2025-06-15T16:06:40Z' },
  { name: 'alg none', token: `${part({ alg: 'none', typ: 'JWT' })}.${part(base)}.`,
    error: 'unsupported algorithm none (only HS256 is accepted)' },
  { name: 'alg none with a signature', token: `${part({ alg: 'none' })}.${part(base)}.${s}`,
    error: 'unsupported algorithm none (only HS256 is accepted)' },
  { name: 'alg hs256 lowercase', token: jwt(base, { header: { alg: 'hs256', typ: 'JWT' } }),
    error: 'unsupported algorithm hs256 (only HS256 is accepted)' },
  { name: 'HS512', token: jwt(base, { header: { alg: 'HS512', typ: 'JWT' }, hmac: 'sha512' }),
    error: 'unsupported algorithm HS512 (only HS256 is accepted)' },
  { name: 'RS256 header', token: jwt(base, { header: { alg: 'RS256', typ: 'JWT' } }),
    error: 'unsupported algorithm RS256 (only HS256 is accepted)' },
  { name: 'no room', token: jwt({ access: 'rw', exp: 4102444800 }), error: 'token has no room claim' },
  { name: 'empty room', token: jwt({ room: '', access: 'rw' }), error: 'token has no room claim' },
  { name: 'room not a string', token: jwt({ room: 7, access: 'rw' }), error: 'room must be a string' },
  { name: 'access admin', token: jwt({ room: 'r', access: 'admin' }), error: 'access must be rw or r (got admin)' },
  { name: 'no access', token: jwt({ room: 'r' }), error: 'access must be rw or r (got none)' },
  { name: 'exp a string', token: jwt({ room: 'r', access: 'rw', exp: 'tomorrow' }),
    error: 'exp must be a number (unix seconds)' },
  { name: 'sub a number', token: jwt({ room: 'r', access: 'rw', sub: 42 }), error: 'sub must be a string' },
  { name: 'typ not JWT', token: jwt(base, { header: { alg: 'HS256', typ: 'JWE' } }),
    error: "malformed token: the header's typ is not JWT" },
  { name: 'payload an array', token: (() => { const i = `${h}.${b64url('[1,2]')}`; return `${i}.${sign(i, SECRET)}` })(),
    error: 'malformed token: the payload is not a base64url-encoded JSON object' },
  { name: 'two parts', token: `${h}.${good.split('.')[1]}`,
    error: "malformed token: expected three base64url parts separated by '.', found 2" },
  { name: 'padding', token: `${good}=`, error: 'malformed token: the signature is not base64url' },
  { name: 'garbage', token: 'hello', error: "malformed token: expected three base64url parts separated by '.', found 1" },
]
const out = { generator: 'tests/golden/jwt/make_tokens.mjs (node:crypto createHmac)', node: process.version,
  secret: SECRET, now: NOW, cases }
const file = join(dirname(fileURLToPath(import.meta.url)), 'tokens.json')
writeFileSync(file, JSON.stringify(out, null, 2) + '\n')
console.log(`wrote ${cases.length} cases to ${file}`)

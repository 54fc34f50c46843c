/** Reconnection delays: exponential backoff with "equal jitter". */
export interface BackoffOptions {
  /** First delay in ms (default 250). */
  minMs?: number
  /** Largest delay in ms (default 10000). */
  maxMs?: number
}

/**
 * The delay before reconnection attempt `attempt` (0 for the first retry): the exponential step
 * `min(maxMs, minMs * 2^attempt)`, of which the upper half is random, so that many clients
 * dropped at once by a server restart do not all come back in the same millisecond.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = {}, random: () => number = Math.random): number {
  const min = opts.minMs ?? 250
  const max = opts.maxMs ?? 10000
  const step = Math.min(max, min * Math.pow(2, Math.min(attempt, 30)))
  return Math.round(step / 2 + (random() * step) / 2)
}

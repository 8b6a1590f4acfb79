import { ConnectionError, TimeoutError, VmAvailabilityError } from "../errors";
import { backoffDelay, sleep } from "./backoff";

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

/**
 * The one place that decides whether a failed call may be repeated. A call that may have started something on the
 * server (`idempotent: false`) is repeated only when the server provably did not act on it: the connection was never
 * made, or the server refused it (a gateway status, a busy object). A reset mid-request or a response timeout is
 * ambiguous: the caller reads the state back instead.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (!(error instanceof VmAvailabilityError) || !error.transient) return false;
  if (idempotent) return true;
  if (error instanceof ConnectionError) return !error.requestSent;
  return !(error instanceof TimeoutError);
}

export interface RetryOptions {
  idempotent: boolean;
  policy?: RetryPolicy;
  signal?: AbortSignal;
  /** Epoch ms after which no further try is started. */
  deadline?: number;
}

export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      const last = attempt + 1 >= policy.attempts;
      if (last || !isRetryable(error, options.idempotent)) throw error;
      const wait = backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs);
      if (options.deadline !== undefined && Date.now() + wait >= options.deadline) throw error;
      await sleep(wait, options.signal);
    }
  }
}

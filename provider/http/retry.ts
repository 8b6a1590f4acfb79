import { backoffDelay, sleep } from "./backoff";
import { classify, mayRepeat } from "./failure";

export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 };

export interface RetryOptions {
  /** False for a call that starts work: it is repeated only when the server provably did not act on it. */
  idempotent: boolean;
  /** Epoch ms: the operation's deadline. No try starts, and no wait runs, past it. */
  deadline: number;
  policy?: RetryPolicy;
  signal?: AbortSignal;
}

/**
 * Makes a call, repeating it after a failure that `mayRepeat` allows, with backoff and jitter, and never sooner than
 * the server's Retry-After. Gives up with the last error when the attempts are spent or the next try would start after
 * the deadline.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      const last = attempt + 1 >= policy.attempts;
      if (last || !mayRepeat(error, options.idempotent)) throw error;
      const wait = Math.max(backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs), classify(error).retryAfterMs ?? 0);
      if (Date.now() + wait >= options.deadline) throw error;
      await sleep(wait, options.signal);
    }
  }
}

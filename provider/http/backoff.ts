/** Exponential backoff with full jitter, bounded by `maxMs`: attempt 0 waits up to `baseMs`. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Resolves after `ms`, or rejects with the signal's reason when aborted first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // Declared before use: Pulumi's closure serializer cannot capture a binding that is used before its declaration.
    let timer: NodeJS.Timeout | undefined = undefined;
    function onAbort(): void {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

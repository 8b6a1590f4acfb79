/**
 * Deadlines are epoch milliseconds: one per operation (a resource's `timeoutSeconds`), handed down to every wait,
 * retry and request inside it.
 */

/** The bound of the reads `check` and `diff` make at preview, where no `timeoutSeconds` applies yet. */
export const PREVIEW_READ_SECONDS = 120;

export function deadlineAfter(seconds: number): number {
  return Date.now() + seconds * 1000;
}

/** Milliseconds left before `deadline` (0 when it has passed). */
export function remainingMs(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

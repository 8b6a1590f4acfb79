/**
 * Process-wide state of the provider (HTTP agents, sessions, tokens, parsed schemas, secrets to redact).
 *
 * Why a slot on globalThis and not module-level variables: Pulumi serializes the provider object by closure. Code from a
 * local path is captured BY VALUE, and captured Maps, zod schemas and undici Agents do not survive that. Everything
 * stateful is therefore created lazily at run time, inside the host process, and reached through this function.
 */
export interface RuntimeState {
  cache: Map<string, unknown>;
  secrets: Set<string>;
  stackConfig: Record<string, string>;
  configured: boolean;
  requestCount: number;
}

export function runtimeState(): RuntimeState {
  const slots = globalThis as unknown as Record<string, RuntimeState | undefined>;
  const key = "__pulumiVmAvailabilityRuntime@1";
  let state = slots[key];
  if (!state) {
    state = { cache: new Map(), secrets: new Set(), stackConfig: {}, configured: false, requestCount: 0 };
    slots[key] = state;
  }
  return state;
}

/** Returns the value cached under `key`, making it on first use. */
export function memo<T>(key: string, make: () => T): T {
  const cache = runtimeState().cache;
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

/** Drops cached values whose key starts with `prefix` (sessions after a configuration change, tests). */
export function forget(prefix: string): void {
  const cache = runtimeState().cache;
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}

import { memo } from "../runtime";
import type * as connections from "./connection";

/**
 * Serializes mutating operations per VM inside the provider process: the engine runs resources in parallel, and two
 * tasks on one VM would otherwise trip vSphere's TaskInProgress. Locks are keyed by endpoint: vm-101 on one vCenter is
 * not vm-101 on another.
 */
export async function withVmLock<T>(connection: connections.VsphereConnection, vmId: string, work: () => Promise<T>): Promise<T> {
  const tails = memo("vsphere.vmLocks", () => new Map<string, Promise<unknown>>());
  const key = `${connection.endpointKey}|${vmId}`;
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}

import { memo } from "../runtime";

/**
 * Serializes mutating operations per VM inside the provider process: the engine runs resources in parallel, and two
 * tasks on one VM would otherwise trip vSphere's TaskInProgress.
 */
export async function withVmLock<T>(vmId: string, work: () => Promise<T>): Promise<T> {
  const tails = memo("vsphere.vmLocks", () => new Map<string, Promise<unknown>>());
  const previous = tails.get(vmId) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(vmId, tail);
  try {
    return await run;
  } finally {
    if (tails.get(vmId) === tail) tails.delete(vmId);
  }
}

import * as ftSecondary from "../../provider/resources/vsphere/ftSecondary/provider";
import * as vmPowerState from "../../provider/resources/vsphere/vmPowerState/provider";
import { useVsphereBehindFront } from "./vsphereFront";

/**
 * Property waits (FT protection, guest shutdown) on a server that never reports a change of the VM they watch: the
 * front drops every `modify` ObjectUpdate of a VirtualMachine from the WaitForUpdatesEx answers (the filter's first
 * `enter` still comes, so the wait knows the old state and hears nothing after it). Only the wait's own reads can see
 * the change, and the operation still ends with the state vSphere reached.
 */

const twin = useVsphereBehindFront({ ftSyncMs: 300, guestOperationMs: 300 });

interface UpdateSetShape {
  filterSet?: Array<{ objectSet?: Array<{ kind: string; obj: { type: string } }> }>;
}

/** Arms the silence; returns how many VM changes it kept from the client so far. */
function silenceVmChanges(): () => number {
  let dropped = 0;
  twin.front.arm({
    match: "/WaitForUpdatesEx",
    misbehave: {
      kind: "rewrite",
      body: (json) => {
        const updates = json as UpdateSetShape | null;
        for (const filterUpdate of updates?.filterSet ?? []) {
          const kept = (filterUpdate.objectSet ?? []).filter((update) => !(update.kind === "modify" && update.obj.type === "VirtualMachine"));
          dropped += (filterUpdate.objectSet ?? []).length - kept.length;
          filterUpdate.objectSet = kept;
        }
        return updates;
      },
    },
  });
  return () => dropped;
}

const readsAfter = (method: string): number => {
  const start = twin.front.log.findIndex((entry) => entry.path.includes(`/${method}`));
  return twin.front.log.slice(start + 1).filter((entry) => entry.path.includes("/RetrievePropertiesEx")).length;
};

it("a guest shutdown the collector never reports is seen by the wait's own read: the VM is recorded poweredOff", async () => {
  const dropped = silenceVmChanges();
  const vmId = twin.newVm({ powerState: "poweredOn" });
  const created = await vmPowerState.create({ vmId, state: "poweredOff", shutdownMode: "guest", guestShutdownTimeoutSeconds: 60, forceAfterTimeout: false });
  expect(created.outs).toMatchObject({ powerState: "poweredOff", lastAction: "guestShutdown" });
  expect(dropped()).toBeGreaterThanOrEqual(1);
  // The read that saw poweredOff, and the read-back.
  expect(readsAfter("ShutdownGuest")).toBeGreaterThanOrEqual(2);
});

it("an FT group whose protection the collector never reports is seen protected by the wait's own read", async () => {
  const dropped = silenceVmChanges();
  const vmId = twin.newVm({ powerState: "poweredOn" });
  const created = await ftSecondary.create({ vmId, waitForProtection: true });
  expect(created.outs).toMatchObject({ faultToleranceState: "running" });
  expect(dropped()).toBeGreaterThanOrEqual(1);
  expect(readsAfter("CreateSecondaryVMEx_Task")).toBeGreaterThanOrEqual(2);
});

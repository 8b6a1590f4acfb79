import * as pulumi from "@pulumi/pulumi";
import { vmPowerStateProvider } from "../../provider/resources/vsphere/vmPowerState/resource";
import { vmSnapshotProvider } from "../../provider/resources/vsphere/vmSnapshot/resource";

describe("the providers serialize as Pulumi captures them", () => {
  for (const [name, provider] of [["VmSnapshot", vmSnapshotProvider], ["VmPowerState", vmPowerStateProvider]] as const) {
    test(`${name}: no Map, zod schema, agent or class instance is captured`, async () => {
      const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
      expect(serialized.text).toContain("exports.handler");
      // Captured values would appear as top-level `var __x = new Map(...)`; state is created lazily inside functions.
      expect(serialized.text).not.toMatch(/^var __\w+ = new (Map|Set|Agent)\(/m);
    }, 60_000);
  }
});

import * as pulumi from "@pulumi/pulumi";
import { lookupVirtualMachine, VmPowerState, VmSnapshot } from "../../provider";
import { useVsphereTwin } from "./support/vsphereTwin";

/**
 * lookupVirtualMachine called the way a Pulumi program calls it, run by the SDK itself: `pulumi.runtime.setMocks`
 * stands in for the engine (it records each registration), `runInPulumiStack` runs the program's async body as the
 * Node language host runs an exported async function, and the stack config is set as the language host sets it (the
 * password a secret). A lookup is program code: the engine-protocol harness only drives the provider host and would not
 * run it. The vCenter is the offline twin over loopback HTTP.
 */
const twin = useVsphereTwin({ taskDurationMs: 20 });

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

function startProgram(preview: boolean): Registration[] {
  const registered: Registration[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "vm-lookup",
    "dev",
    preview,
  );
  pulumi.runtime.setAllConfig({ "vsphere:vsphereServer": twin.sim.url, "vsphere:user": twin.sim.username, "vsphere:password": twin.sim.password }, ["vsphere:password"]);
  return registered;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** A program: one lookup awaited in its async body, one wrapped in pulumi.output(...) and used as an Output. */
async function program(): Promise<{ snapshot: VmSnapshot; power: VmPowerState; batchPath: pulumi.Output<string> }> {
  const db = await lookupVirtualMachine({ name: "db-01" });
  const snapshot = new VmSnapshot("db-01-pre-change", { vmId: db.vmId, name: "pre-change" });
  const batch = pulumi.output(lookupVirtualMachine({ inventoryPath: `${twin.sim.world.datacenter.name}/vm/batch/batch-01` }));
  const power = new VmPowerState("batch-01-off", { vmId: batch.vmId, state: "poweredOff" });
  return { snapshot, power, batchPath: batch.inventoryPath };
}

describe.each([
  ["pulumi up", false],
  ["pulumi preview", true],
])("a program's lookups under %s", (_command, preview) => {
  it("resolve the VMs before the resources that use them are registered, on the stack's settings", async () => {
    const registered = startProgram(preview);
    let made: Awaited<ReturnType<typeof program>> | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      made = await program();
      return { batchPath: made.batchPath };
    });
    expect(await valueOf(made!.power.vmId)).toBe("vm-105");
    expect(await valueOf(made!.batchPath)).toBe(`${twin.sim.world.datacenter.name}/vm/batch/batch-01`);
    const byName = Object.fromEntries(registered.map((entry) => [entry.name, entry]));
    expect(byName["db-01-pre-change"]).toMatchObject({ type: "pulumi-nodejs:dynamic/vsphere:VmSnapshot", inputs: { vmId: "vm-103", name: "pre-change" } });
    expect(byName["batch-01-off"]).toMatchObject({ type: "pulumi-nodejs:dynamic/vsphere:VmPowerState", inputs: { vmId: "vm-105", state: "poweredOff" } });
  });
});

import * as pulumi from "@pulumi/pulumi";

/**
 * The resource classes as a program uses them, under `pulumi.runtime.setMocks` (which serializes each provider but
 * never calls it): typed args, every output present on the object (the `declare` rule), the type token.
 */
const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, mockedOutput: "present" } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

async function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

describe("resource classes", () => {
  it("register with the dynamic type tokens and expose every declared output", async () => {
    const pkg = await import("../../provider");
    const ft = new pkg.FtSecondary("ft", { vmId: "vm-101" });
    const snapshot = new pkg.VmSnapshot("snap", { vmId: "vm-101", name: "pre-change" });
    const power = new pkg.VmPowerState("power", { vmId: "vm-101", state: "poweredOff" });
    const recovery = new pkg.VmInstanceRecovery("recovery", { vmInstanceUuid: "0123456789abcdef0123456789abcdef" });

    expect(await value(ft.vmId)).toBe("vm-101");
    expect(await value(snapshot.name)).toBe("pre-change");
    expect(await value(power.state)).toBe("poweredOff");
    expect(await value(recovery.vmInstanceUuid)).toBe("0123456789abcdef0123456789abcdef");
    for (const [resource, outputs] of [
      [ft, ["secondaryVmId", "secondaryHost", "faultToleranceState", "faultToleranceType", "instanceUuids", "powerOnAttempted"]],
      [snapshot, ["snapshotId", "createTime", "powerState", "quiesced", "parentSnapshotId", "isCurrent"]],
      [power, ["powerState", "toolsRunningStatus"]],
      [recovery, ["name", "state", "hostUuid", "recovered"]],
    ] as const) {
      for (const output of outputs) expect(pulumi.Output.isInstance((resource as unknown as Record<string, unknown>)[output])).toBe(true);
    }
    const types = created.map((c) => c.type).sort();
    expect(types).toEqual(
      ["pulumi-nodejs:dynamic/vsphere:FtSecondary", "pulumi-nodejs:dynamic/vsphere:VmPowerState", "pulumi-nodejs:dynamic/vsphere:VmSnapshot", "pulumi-nodejs:dynamic/zstack:VmInstanceRecovery"].sort(),
    );
    for (const resource of created) expect(typeof resource.inputs["__provider"]).toBe("string");
  });
});

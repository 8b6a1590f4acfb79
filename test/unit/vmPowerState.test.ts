import { recordStackConfig } from "../../provider/config";
import { ConfigurationError } from "../../provider/errors";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";
import { forget } from "../../provider/runtime";
import * as crud from "../../provider/resources/vsphere/vmPowerState/provider";

const OUTS = {
  vmId: "vm-42",
  state: "poweredOn",
  shutdownMode: "guest",
  guestShutdownTimeoutSeconds: 300,
  forceAfterTimeout: true,
  timeoutSeconds: 900,
  powerState: "poweredOn",
  toolsRunningStatus: "guestToolsRunning",
  host: "host-9",
  lastAction: "none",
};
const DECLARED = { vmId: "vm-42", state: "poweredOn", shutdownMode: "guest", guestShutdownTimeoutSeconds: 300, forceAfterTimeout: true, timeoutSeconds: 900, connection: "vsphere" };

beforeEach(() => {
  forget("vsphere.");
  recordStackConfig({});
  for (const name of ["VSPHERE_SERVER", "VSPHERE_USER", "VSPHERE_PASSWORD"]) delete process.env[name];
});

describe("VmPowerState check", () => {
  test("applies the defaults (no API call when the inputs did not change)", async () => {
    const result = await crud.check({ vmId: "vm-42", state: "poweredOn" }, { vmId: "vm-42", state: "poweredOn" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toEqual(DECLARED);
  });

  test("each bad input fails naming its property and what is allowed", async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ state: "poweredOn" }, "vmId", /vmId is required/],
      [{ vmId: "", state: "poweredOn" }, "vmId", /vmId must not be empty/],
      [{ vmId: "vm 42", state: "poweredOn" }, "vmId", /managed object id/],
      [{ vmId: "vm-42" }, "state", /poweredOn.*poweredOff.*suspended/],
      [{ vmId: "vm-42", state: "on" }, "state", /^state must be one of "poweredOn", "poweredOff", "suspended"; got "on"$/],
      [{ vmId: "vm-42" }, "state", /^state is required: one of "poweredOn", "poweredOff", "suspended"$/],
      [{ vmId: "vm-42", state: "poweredOff", shutdownMode: "acpi" }, "shutdownMode", /one of "guest", "hard" \(default "guest"\); got "acpi"/],
      [{ vmId: "vm-42", state: "poweredOff", timeoutSeconds: -1 }, "timeoutSeconds", /from 1 to \d+ \(default \d+\); got -?\d+/],
      [{ vmId: "vm-42", state: "poweredOff", timeoutSeconds: 1.5 }, "timeoutSeconds", /whole number/],
      [{ vmId: "vm-42", state: "poweredOff", guestShutdownTimeoutSeconds: 0 }, "guestShutdownTimeoutSeconds", /from 1 to \d+ \(default \d+\); got -?\d+/],
      [{ vmId: "vm-42", state: "poweredOff", forceAfterTimeout: "yes" }, "forceAfterTimeout", /true or false/],
      [{ vmId: "vm-42", state: "poweredOff", guestShutdownTimeoutSeconds: 900, timeoutSeconds: 900 }, "guestShutdownTimeoutSeconds", /less than timeoutSeconds/],
      [{ vmId: "vm-42", state: "poweredOn", color: "red" }, "color", /not an input/],
    ];
    for (const [news, property, reason] of cases) {
      const result = await crud.check({}, news);
      expect(result.failures?.map((failure) => failure.property)).toEqual([property]);
      expect(result.failures?.[0]?.reason).toMatch(reason);
    }
  });

  test("the guest wait may be as long as it likes when it is not used", async () => {
    const news = { vmId: "vm-42", state: "poweredOn", guestShutdownTimeoutSeconds: 900, timeoutSeconds: 60 };
    expect((await crud.check(news, news)).failures).toEqual([]);
  });

  test("unknown values pass at preview, without a live check", async () => {
    const result = await crud.check({}, { vmId: UNKNOWN_VALUE, state: "poweredOn" });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ vmId: UNKNOWN_VALUE, state: "poweredOn" });
  });

  test("a new VM needs vCenter at preview: an unconfigured vCenter is an error naming the setting", async () => {
    const error = await crud.check({}, { vmId: "vm-42", state: "poweredOn" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/^Checking vmId of VmPowerState needs vCenter: .*vsphere:vsphereServer/);
  });
});

describe("VmPowerState diff", () => {
  test("no change when the declared inputs and the actual state match", async () => {
    expect(await crud.diff("vm-42", OUTS, DECLARED)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  test("defaults recorded or omitted compare equal", async () => {
    expect((await crud.diff("vm-42", OUTS, { vmId: "vm-42", state: "poweredOn" })).changes).toBe(false);
  });

  test("drift: the VM is off while poweredOn is declared", async () => {
    expect(await crud.diff("vm-42", { ...OUTS, powerState: "poweredOff" }, DECLARED)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  });

  test("a new declared state or option updates in place; another VM replaces", async () => {
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, state: "suspended" })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, shutdownMode: "hard" })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, timeoutSeconds: 60 })).toMatchObject({ changes: true, replaces: [] });
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, vmId: "vm-43" })).toMatchObject({ changes: true, replaces: ["vmId"] });
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, vmId: UNKNOWN_VALUE })).toMatchObject({ changes: true, replaces: ["vmId"] });
    expect(await crud.diff("vm-42", OUTS, { ...DECLARED, state: UNKNOWN_VALUE })).toMatchObject({ changes: true, replaces: [] });
  });

  test("ignores __provider", async () => {
    expect((await crud.diff("vm-42", { ...OUTS, __provider: "a" }, { ...DECLARED, __provider: "b" })).changes).toBe(false);
  });
});

describe("VmPowerState delete", () => {
  test("leaves the VM alone without any call (no configuration needed)", async () => {
    await expect(crud.delete("vm-42", OUTS)).resolves.toBeUndefined();
  });
});

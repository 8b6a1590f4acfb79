import { z } from "zod";
import { checkInputs } from "../../provider/resources/common/checkInputs";
import { jsonOutputs } from "../../provider/resources/common/jsonOutputs";
import { dynamicProvider } from "../../provider/resources/common/dynamicProvider";
import { UNKNOWN_VALUE } from "../../provider/resources/common/unknown";

const schema = z.object({
  vmId: z.string({ error: "vmId is required" }).min(1),
  timeoutSeconds: z.number().int().positive().default(600),
  tags: z.array(z.string()).optional(),
});

describe("checkInputs", () => {
  it("applies defaults and returns the parsed value when everything is known", () => {
    const result = checkInputs<{ vmId: string; timeoutSeconds: number }>(schema, { vmId: "vm-1" });
    expect(result.failures).toEqual([]);
    expect(result.value).toEqual({ vmId: "vm-1", timeoutSeconds: 600 });
    expect(result.inputs).toEqual({ vmId: "vm-1", timeoutSeconds: 600 });
  });
  it("lets unknown values pass, also inside lists, and still checks the known ones", () => {
    const result = checkInputs(schema, { vmId: UNKNOWN_VALUE, timeoutSeconds: -1, tags: ["a", UNKNOWN_VALUE] });
    expect(result.value).toBeUndefined();
    expect(result.failures.map((f) => f.property)).toEqual(["timeoutSeconds"]);
    expect(result.inputs["vmId"]).toBe(UNKNOWN_VALUE);
  });
  it("names nested properties and unknown input names", () => {
    const result = checkInputs(schema, { vmId: "vm-1", tags: ["a", 3], vmid: "typo" });
    expect(result.failures.map((f) => f.property).sort()).toEqual(["tags.1", "vmid"]);
    expect(result.failures.find((f) => f.property === "vmid")?.reason).toContain("allowed inputs: vmId, timeoutSeconds, tags");
  });
});

describe("jsonOutputs", () => {
  it("drops undefined, turns Dates into ISO strings and non-finite numbers into null", () => {
    const when = new Date("2026-01-02T03:04:05.000Z");
    expect(jsonOutputs({ a: undefined, b: when, c: [1, undefined, Infinity], d: { e: undefined, f: "x" } })).toEqual({
      b: "2026-01-02T03:04:05.000Z",
      c: [1, null],
      d: { f: "x" },
    });
  });
});

describe("check failures as the engine shows them", () => {
  it("drop a leading property name, since the engine prints the property and its value before the reason", async () => {
    const provider = dynamicProvider({
      check: async () => ({
        inputs: {},
        failures: [
          { property: "vmId", reason: "vmId: vm-9 is a template; a template cannot be powered on." },
          { property: "timeoutSeconds", reason: "timeoutSeconds must be a whole number of seconds from 1 to 900 (default 900); got 0" },
        ],
      }),
      diff: async () => ({}),
      create: async () => ({ id: "x" }),
      read: async () => ({}),
      update: async () => ({}),
      delete: async () => undefined,
    });
    const result = await provider.check!({}, {});
    expect(result.failures).toEqual([
      { property: "vmId", reason: "vm-9 is a template; a template cannot be powered on." },
      { property: "timeoutSeconds", reason: "timeoutSeconds must be a whole number of seconds from 1 to 900 (default 900); got 0" },
    ]);
  });
});

/**
 * Bad input, property-based: every resource's check (olds {} and realistic olds) and diff get hostile values for every
 * input (wrong types, 1 MB strings, unicode, `%` sequences, traversal and injection attempts, bad timeouts, the unknown
 * sentinel anywhere, nested values, extra keys). Check never throws, refuses what is invalid with failures that name the
 * input in a sentence, and an input that fails validation never reaches the network: every vendor setting points at a
 * loopback front that records each request target before forwarding it to the simulator.
 */
import fc from "fast-check";
import { VmAvailabilityError } from "../../provider/errors";
import { useRecordedTwin } from "./recordedTwin";
import { UNKNOWN, hostileValue, isSentence, namesInput, newsFor, segmentsAreClean, type GeneratedNews } from "./hostile";
import { RESOURCES, type ResourceSpec } from "./resources";

const RUNS = Number(process.env["PROPERTY_RUNS"] ?? 60);

const twin = useRecordedTwin();
const fixture: Record<string, string> = {};

beforeAll(() => {
  fixture["vm"] = twin.vsphere.world.addVm({ name: "prop-vm", powerState: "poweredOn", toolsInstalled: true, toolsRunning: true }).id;
  fixture["uuid"] = twin.zstack.world.addVm({ name: "prop-zs", state: "Destroyed" }).uuid;
  fixture["plan"] = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
});

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The inputs the oracle says are invalid (known values only), plus missing required ones. */
function invalidInputs(spec: ResourceSpec, generated: GeneratedNews): string[] {
  const invalid: string[] = [];
  for (const [name, field] of Object.entries(spec.fields)) {
    const present = Object.prototype.hasOwnProperty.call(generated.news, name);
    const value = present ? generated.news[name] : undefined;
    if (!present || value === undefined) {
      if (field.required) invalid.push(name);
      continue;
    }
    if (containsUnknown(value)) continue;
    if (!field.accepts(value)) invalid.push(name);
  }
  return invalid;
}

function describeValue(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
  } catch {
    return String(value);
  }
}

async function checkProperty(spec: ResourceSpec, olds: () => Record<string, unknown>): Promise<void> {
  const inputNames = Object.keys(spec.fields);
  const front = twin.fronts[spec.vendor];
  await fc.assert(
    fc.asyncProperty(newsFor(spec.fields, spec.outputNames), async (generated) => {
      const before = front.paths.length;
      let result;
      try {
        result = await spec.crud.check(olds(), generated.news);
      } catch (error) {
        throw new Error(`check threw for news ${describeValue(generated.news)}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
      const sent = front.paths.slice(before);
      const failures = result.failures ?? [];
      expect(Array.isArray(failures)).toBe(true);
      for (const failure of failures) {
        if (!namesInput(failure.property, inputNames, generated.extras)) throw new Error(`failure names no input: ${describeValue(failure)}`);
        if (!isSentence(failure.reason)) throw new Error(`failure reason is not a sentence: ${describeValue(failure)}`);
      }
      const invalid = invalidInputs(spec, generated);
      for (const name of invalid) {
        if (!failures.some((failure) => failure.property === name || failure.property.startsWith(`${name}.`))) {
          throw new Error(`invalid ${name} = ${describeValue(generated.news[name])} was accepted (failures: ${describeValue(failures)})`);
        }
      }
      for (const extra of generated.extras) {
        if (!failures.some((failure) => failure.property === extra)) throw new Error(`extra key ${JSON.stringify(extra)} was not refused (failures: ${describeValue(failures)})`);
      }
      if (invalid.length > 0 || generated.extras.length > 0) {
        if (sent.length > 0) throw new Error(`input that fails validation reached the network: ${describeValue(sent)} for ${describeValue(generated.news)}`);
      }
      if (!spec.liveCheck && sent.length > 0) throw new Error(`a pure check made requests: ${describeValue(sent)}`);
      for (const target of sent) {
        if (!segmentsAreClean(target)) throw new Error(`unencoded path segment sent: ${target}`);
      }
      // The engine stores inputs as a protobuf Struct: they must stay an object.
      expect(typeof result.inputs).toBe("object");
    }),
    { numRuns: RUNS },
  );
}

describe.each(RESOURCES.map((spec) => [spec.name, spec] as const))("%s", (_name, spec) => {
  it("check with olds {} never throws, refuses invalid inputs by name, and keeps them off the network", async () => {
    await checkProperty(spec, () => ({}));
  });

  it("check with realistic olds does the same", async () => {
    await checkProperty(spec, () => spec.realistic(fixture));
  });

  it("check accepts the realistic inputs, and the unknown sentinel in any input", async () => {
    const valid = spec.realistic(fixture);
    expect((await spec.crud.check({}, valid)).failures ?? []).toEqual([]);
    for (const name of Object.keys(spec.fields)) {
      for (const unknown of [UNKNOWN, [UNKNOWN], { nested: UNKNOWN }]) {
        const result = await spec.crud.check(valid, { ...valid, [name]: unknown });
        const failures = (result.failures ?? []).filter((failure) => failure.property === name || failure.property.startsWith(`${name}.`));
        expect(failures).toEqual([]);
      }
    }
  });

  it("diff is pure, never throws, and always answers changes as a boolean with replaces naming inputs", async () => {
    const inputNames = Object.keys(spec.fields);
    const keys = [...inputNames, ...spec.outputNames];
    const side = fc.dictionary(fc.constantFrom(...keys, "__provider", "__proto__", "constructor"), hostileValue(), { maxKeys: keys.length });
    const front = twin.fronts[spec.vendor];
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), side, side, async (id, olds, news) => {
        const before = front.paths.length;
        const first = await spec.crud.diff(id, olds, news);
        const second = await spec.crud.diff(id, olds, news);
        expect(front.paths.length).toBe(before);
        expect(typeof first.changes).toBe("boolean");
        expect(second).toEqual(first);
        for (const name of first.replaces ?? []) expect(inputNames).toContain(name);
        if ((first.replaces ?? []).length > 0) expect(first.changes).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("diff of checked inputs against themselves is no change", async () => {
    const checked = await spec.crud.check({}, spec.realistic(fixture));
    const inputs = checked.inputs as Record<string, unknown>;
    const result = await spec.crud.diff("id-1", { ...inputs, ...spec.steadyOutputs }, inputs);
    expect(result).toMatchObject({ changes: false, replaces: [] });
  });
});

describe("prototype keys in JSON values", () => {
  it("outputs keep a \"__proto__\" key of a JSON input as data (no perpetual diff, no prototype change)", async () => {
    const { jsonOutputs } = await import("../../provider/resources/common/jsonOutputs");
    const triggers = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const outs = jsonOutputs({ triggers });
    const kept = outs["triggers"] as Record<string, unknown>;
    expect(Object.keys(kept).sort()).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

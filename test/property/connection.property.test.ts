/**
 * The `connection` input, property-based: any value (a namespace name, a hostile string, a non-string) is accepted only
 * when it names a namespace that holds the resource's vendor settings, and is otherwise refused by check with a sentence
 * that names the input, the keys and the environment variables to set; check never throws and never reaches the
 * network. A namespace's environment variables are derived as documented (upper case, every run of other characters
 * `_`), so names that differ only in case or in `-`/`_` share them, and settings resolve from them.
 */
import fc from "fast-check";
import { recordStackConfig, settingSources, veeamSettings, vsphereSettings, zstackSettings, type Vendor } from "../../provider/config";
import { ConfigurationError } from "../../provider/errors";
import { runtimeState } from "../../provider/runtime";
import { HUGE, NASTY_STRINGS, isSentence } from "./hostile";
import { useRecordedTwin } from "./recordedTwin";
import * as ftFailoverTest from "../../provider/resources/vsphere/ftFailoverTest/provider";
import * as vmSnapshotRevert from "../../provider/resources/vsphere/vmSnapshotRevert/provider";
import { RESOURCES, type Crud, type ResourceSpec } from "./resources";

const RUNS = Number(process.env["PROPERTY_RUNS"] ?? 60);

const twin = useRecordedTwin();
const fixture: Record<string, string> = {};

/** The documented rule, written again: a letter, then letters, digits, `-` or `_`, at most 63 characters. */
const isNamespaceName = (value: unknown): value is string => typeof value === "string" && /^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(value);
/** The documented environment prefix, written again. */
const prefixOf = (namespace: string): string => namespace.toUpperCase().replace(/[^A-Z0-9]+/g, "_");

const SERVER_KEY: Record<Vendor, { key: string; suffix: string }> = {
  vsphere: { key: "vsphereServer", suffix: "SERVER" },
  veeam: { key: "server", suffix: "SERVER" },
  zstack: { key: "endpoint", suffix: "ENDPOINT" },
};

const namespaceName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/);

const connectionValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: namespaceName },
  { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "vsphere", "veeam", "zstack", "vsphere-dr", "VSPHERE", "Vsphere", "vsphere dr", "vsphere/dr", "vsphere:dr", "vsphere\\dr", "-vsphere", "1vsphere",
      "vsphere.dr", "vsphere%2fdr", "vsphere-dr ", " vsphere-dr", "toString", "hasOwnProperty", "a".repeat(63), "a".repeat(64), HUGE,
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 70 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 0, 1, true, false, [], {}, ["vsphere"], { namespace: "vsphere" }) },
);

/** The environment of the jest process must not hold vendor settings: only the stack config below does. */
const savedEnvironment: Record<string, string> = {};
beforeAll(() => {
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VSPHERE|VEEAM|ZSTACK)_/.test(key) && value !== undefined) {
      savedEnvironment[key] = value;
      delete process.env[key];
    }
  }
  fixture["vm"] = twin.vsphere.world.addVm({ name: "prop-connection", powerState: "poweredOn" }).id;
  fixture["uuid"] = twin.zstack.world.addVm({ name: "prop-connection", state: "Destroyed" }).uuid;
  fixture["plan"] = "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11";
});
afterAll(() => {
  Object.assign(process.env, savedEnvironment);
});

function requestsSent(): number {
  return Object.values(twin.fronts).reduce((sum, front) => sum + front.paths.length, 0);
}

function shown(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** Every declared resource: the property suite's five, and the run-style ones (their inputs written here). */
const SUBJECTS: Array<Pick<ResourceSpec, "name" | "vendor" | "crud" | "realistic">> = [
  ...RESOURCES,
  { name: "FtFailoverTest", vendor: "vsphere", crud: ftFailoverTest as unknown as Crud, realistic: (f) => ({ vmId: f["vm"], mode: "failover", waitForProtection: true, timeoutSeconds: 1800 }) },
  { name: "VmSnapshotRevert", vendor: "vsphere", crud: vmSnapshotRevert as unknown as Crud, realistic: (f) => ({ vmId: f["vm"], suppressPowerOn: false, timeoutSeconds: 1800 }) },
];

describe.each(SUBJECTS.map((spec) => [spec.name, spec] as const))("%s: connection", (_name, spec) => {
  const server = SERVER_KEY[spec.vendor];

  it("any value is accepted only when it names a namespace holding this vendor's server, or refused naming the input, keys and variables; never a throw, never a request", async () => {
    // Olds equal to the news (but for connection): a check that accepts makes no live call either, so any request is a leak.
    const olds = spec.realistic(fixture);
    await fc.assert(
      fc.asyncProperty(connectionValue, async (value) => {
        const before = requestsSent();
        let result;
        try {
          result = await spec.crud.check(olds, { ...olds, connection: value });
        } catch (error) {
          throw new Error(`check threw for connection ${shown(value)}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
        }
        expect(requestsSent()).toBe(before);
        const failures = result.failures ?? [];
        if (value === spec.vendor) {
          expect(failures).toEqual([]);
          return;
        }
        const refusal = failures.find((failure) => failure.property === "connection");
        if (!refusal) throw new Error(`connection ${shown(value)} was accepted (failures: ${JSON.stringify(failures)})`);
        expect(failures.filter((failure) => failure.property !== "connection")).toEqual([]);
        expect(isSentence(refusal.reason)).toBe(true);
        if (isNamespaceName(value)) {
          expect(refusal.reason).toContain(`namespace "${value}"`);
          expect(refusal.reason).toContain(`${value}:${server.key}`);
          expect(refusal.reason).toContain(`${prefixOf(value)}_${server.suffix}`);
        } else {
          expect(refusal.reason).toMatch(/^connection must /);
          expect(refusal.reason).toMatch(new RegExp(`set [A-Za-z][A-Za-z0-9_-]*:${server.key}, .* \\(or [A-Z][A-Z0-9_]*_${server.suffix}, `));
        }
        // The value appears at most once, quoted and bounded: never a megabyte of it.
        expect(refusal.reason.length).toBeLessThan(1_000);
      }),
      { numRuns: RUNS },
    );
  });
});

describe("environment variables of a namespace", () => {
  // These properties record their own stack config: the twin's is put back afterwards.
  let twinConfig: Record<string, string>;
  beforeAll(() => {
    twinConfig = { ...runtimeState().stackConfig };
  });
  afterAll(() => recordStackConfig(twinConfig));

  const READERS: Record<Vendor, (namespace: string) => { endpoint: string }> = { vsphere: vsphereSettings, veeam: veeamSettings, zstack: zstackSettings };

  /** The same name with letters in another case and `-` / `_` swapped: it must map to the same variables. */
  const variant = (name: string, flips: boolean[]): string =>
    [...name].map((character, index) => (!flips[index % flips.length] ? character : character === "-" ? "_" : character === "_" ? "-" : character === character.toUpperCase() ? character.toLowerCase() : character.toUpperCase())).join("");

  it.each(["vsphere", "veeam", "zstack"] as const)("%s: derived as documented, shared by names that differ only in case or -/_, and read when the stack config is silent", async (vendor) => {
    await fc.assert(
      fc.property(namespaceName, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (name, flips) => {
        const sources = settingSources(vendor, name);
        for (const source of Object.values(sources)) {
          expect(source.envVar).toMatch(/^[A-Z][A-Z0-9_]*$/);
          expect(source.envVar.startsWith(`${prefixOf(name)}_`)).toBe(true);
          expect(source.configKey.startsWith(`${name}:`)).toBe(true);
        }
        const other = variant(name, flips);
        expect(Object.values(settingSources(vendor, other)).map((source) => source.envVar)).toEqual(Object.values(sources).map((source) => source.envVar));

        recordStackConfig({});
        const required = Object.values(sources).slice(0, 3);
        const url = twin.fronts[vendor].url;
        required.forEach((source, index) => {
          process.env[source.envVar] = index === 0 ? url : "from-the-environment";
        });
        try {
          expect(READERS[vendor](name).endpoint).toBe(url);
          expect(READERS[vendor](other).endpoint).toBe(url);
        } finally {
          for (const source of required) delete process.env[source.envVar];
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("settings of any value as a namespace are read or refused with a ConfigurationError, never another exception", () => {
    fc.assert(
      fc.property(connectionValue, fc.constantFrom<Vendor>("vsphere", "veeam", "zstack"), (value, vendor) => {
        recordStackConfig({});
        try {
          READERS[vendor](value as string);
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw new Error(`${vendor} settings of ${shown(value)} threw ${String(error)}`);
          expect(error.setting).toBe(isNamespaceName(value) ? `${value}:${SERVER_KEY[vendor].key}` : "connection");
          return;
        }
        throw new Error(`${vendor} settings of ${shown(value)} resolved with nothing configured`);
      }),
      { numRuns: RUNS },
    );
  });
});

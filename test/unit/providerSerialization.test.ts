import * as pulumi from "@pulumi/pulumi";
import * as pkg from "../../provider";

/**
 * Every provider object the package exports is serialized as `pulumi.dynamic.Resource` captures it, and its text must
 * hold no captured state: a Map, a zod schema, an undici Agent, a Date or any other class instance at module level does
 * not survive serialization (see provider/runtime.ts). Zod schemas and Agents make the serializer throw; every other
 * instance shows in the text as a variable built with `Object.create(<prototype>)`.
 */
function isProvider(value: unknown): value is pulumi.dynamic.ResourceProvider {
  return typeof value === "object" && value !== null && typeof (value as { create?: unknown }).create === "function" && typeof (value as { read?: unknown }).read === "function";
}

function isResourceClass(value: unknown): boolean {
  return typeof value === "function" && value.prototype instanceof pulumi.CustomResource;
}

/** The captured values of a serialized function that are class instances (a captured class's own prototype is not one). */
function capturedInstances(text: string): string[] {
  return [...text.matchAll(/^var (__\w+) = Object\.create\(.*\);$/gm)].filter((match) => !match[1]!.endsWith("_prototype")).map((match) => match[0]);
}

async function serialized(provider: unknown): Promise<string> {
  return (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })).text;
}

const providers = Object.entries(pkg).filter(([, value]) => isProvider(value));

describe("the providers serialize as Pulumi captures them", () => {
  it("one provider object is exported per resource class", () => {
    expect(providers.length).toBe(Object.values(pkg).filter(isResourceClass).length);
    expect(providers.length).toBeGreaterThan(0);
  });

  it("the check sees a captured Map, Date or class instance", async () => {
    class Session {
      constructor(readonly id: string) {}
    }
    const sessions = new Map<string, Session>();
    const opened = new Date();
    const current = new Session("s-1");
    const leaky: pulumi.dynamic.ResourceProvider = {
      create: async () => ({ id: "leaky", outs: { sessions, opened, current } }),
      read: async (id) => ({ id }),
    };
    expect(capturedInstances(await serialized(leaky))).toEqual([
      expect.stringContaining("Object.create(global.Map.prototype)"),
      expect.stringContaining("Object.create(global.Date.prototype)"),
      expect.stringMatching(/^var __current = Object\.create\(/),
    ]);
  }, 60_000);

  test.each(providers.map(([name, provider]) => [name, provider] as const))("%s: no Map, zod schema, agent or class instance is captured", async (_name, provider) => {
    const text = await serialized(provider);
    expect(text).toContain("exports.handler");
    expect(capturedInstances(text)).toEqual([]);
  }, 60_000);
});

import type * as pulumi from "@pulumi/pulumi";
import * as config from "../../config";
import * as errors from "../../errors";
import * as outputs from "./jsonOutputs";

/**
 * What a resource's provider.ts implements. Inputs arrive as the engine sends them (plain JSON, `__provider` included);
 * each method validates what it needs.
 */
export interface ResourceCrud {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: Record<string, unknown>): Promise<pulumi.dynamic.CreateResult>;
  read(id: string, props: Record<string, unknown>): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.UpdateResult>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

interface ConfigSource {
  get(key: string): string | undefined;
}

/** The default namespaces' keys, asked one by one when the config source does not expose all of its keys. */
const DEFAULT_KEYS = (["vsphere", "veeam", "zstack"] as const).flatMap((vendor) => Object.values(config.settingSources(vendor)).map((source) => source.configKey));

/**
 * Records the stack config handed to `configure`: every namespace (a resource may name any in its `connection`), read
 * from the host's config object (`rawConfig` holds every key); a source that exposes only `get` is asked for the default
 * namespaces' keys. Never throws: a throw here would leave the host's provider unconfigured for good.
 */
export async function configure(request: { config: ConfigSource }): Promise<void> {
  const values: Record<string, string | undefined> = {};
  const raw = (request.config as { rawConfig?: unknown }).rawConfig;
  if (raw && typeof raw === "object") {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) if (typeof value === "string") values[key] = value;
  }
  for (const key of DEFAULT_KEYS) {
    if (key in values) continue;
    try {
      values[key] = request.config.get(key);
    } catch {
      values[key] = undefined;
    }
  }
  config.recordStackConfig(values);
}

/**
 * Wraps a resource's CRUD into the object Pulumi serializes. It stays small on purpose: the serialized text of this
 * object is stored in the state of every resource, and `crud` is reached through its module so an installed package is
 * captured by `require`, not by value.
 */
export function dynamicProvider(crud: ResourceCrud): pulumi.dynamic.ResourceProvider {
  return {
    configure: (request) => configure(request),
    check: async (olds, news) => {
      const result = await crud.check(olds, news);
      return result.failures === undefined ? result : { ...result, failures: result.failures.map(asShownByTheEngine) };
    },
    diff: (id, olds, news) => crud.diff(id, olds, news),
    create: async (inputs) => {
      try {
        const result = await crud.create(inputs);
        return { id: result.id, outs: result.outs === undefined ? undefined : outputs.jsonOutputs(result.outs) };
      } catch (error) {
        throw withProviderInPartialState(error, inputs);
      }
    },
    read: async (id, props) => {
      const result = await crud.read(id, props);
      return {
        id: result.id,
        props: result.props === undefined ? undefined : outputs.jsonOutputs(result.props),
        ...(result.inputs === undefined ? {} : { inputs: outputs.jsonOutputs(result.inputs) }),
      };
    },
    update: async (id, olds, news) => {
      try {
        const result = await crud.update(id, olds, news);
        return { outs: result.outs === undefined ? undefined : outputs.jsonOutputs(result.outs) };
      } catch (error) {
        throw withProviderInPartialState(error, news);
      }
    },
    delete: (id, props) => crud.delete(id, props),
  };
}

/**
 * The engine prints a check failure as "…'s property 'vmId' value "vm-105" has a problem: <reason>": a reason that starts
 * by naming its property again (as this package's messages do, so they read well on their own) loses that prefix.
 */
function asShownByTheEngine(failure: pulumi.dynamic.CheckFailure): pulumi.dynamic.CheckFailure {
  const prefix = `${failure.property}: `;
  return failure.reason.startsWith(prefix) ? { property: failure.property, reason: failure.reason.slice(prefix.length) } : failure;
}

/** A partial failure's properties become the resource's state; they must carry `__provider` or later deletes cannot run. */
function withProviderInPartialState(error: unknown, inputs: Record<string, unknown>): unknown {
  if (!errors.isPartialFailure(error)) return error;
  // The host packs these into a protobuf Struct, which throws on undefined and leaves the gRPC call unanswered.
  const properties = outputs.jsonOutputs({ ...error.properties, __provider: inputs["__provider"] });
  return Object.assign(error, { properties });
}

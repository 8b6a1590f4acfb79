import { GrpcCallError, type HostProcess } from "./host";

/**
 * A stand-in for the Pulumi engine's resource lifecycle, driving a real dynamic-provider host over gRPC the way the
 * engine does: Check then Diff on preview (unknowns as the sentinel, no Create/Update), Create/Update/Delete on up,
 * Read on refresh (an empty id removes the resource), Delete in reverse order on destroy; secrets stripped before every
 * call and outputs re-marked secret by key name.
 */

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Another resource's output (`"id"`: its id), as the engine resolves it: unknown during preview when it will change. */
export type OutputLookup = (resourceName: string, output: string) => unknown;

export interface DeclaredResource {
  name: string;
  /** "<module>:<Type>", e.g. "vsphere:VmSnapshot". */
  type: string;
  /** The serialized provider text, as `pulumi.dynamic.Resource` stores it in `__provider`. */
  provider: string;
  /** Inputs; a function may use other resources' outputs (unknown during preview when those will change). */
  inputs: Record<string, unknown> | ((output: OutputLookup) => Record<string, unknown>);
  /** Input names marked secret by the program. */
  secretInputs?: string[];
}

export interface StateEntry {
  name: string;
  type: string;
  urn: string;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  secretKeys: string[];
}

export type StepOp = "create" | "update" | "replace" | "delete" | "same" | "refresh-same" | "refresh-update" | "refresh-delete" | "failed";

/** How properties differ, as the CLI's `[diff: +a ~b -c]` shows it. */
export interface PropertyDiff {
  adds: string[];
  updates: string[];
  deletes: string[];
}

export interface Step {
  resource: string;
  type: string;
  op: StepOp;
  /** Property names that differ (inputs for create/update/replace, outputs for refresh). */
  changed: string[];
  /** The same properties by kind of change (update, replace and refresh-update steps). */
  diff?: PropertyDiff;
  /**
   * Refresh steps: whether the provider's Diff of the refreshed state against the recorded inputs finds a change. The
   * CLI's refresh asks exactly that (refreshed outputs and inputs as the olds, the recorded inputs as the news) and
   * shows an update only then; `op` keeps what the outputs did.
   */
  drifted?: boolean;
  /** Why a replace: the properties the provider named. */
  replaces?: string[];
  error?: string;
  partialId?: string;
}

export interface ConfigValue {
  value: string;
  secret?: boolean;
}

export class EngineSimulation {
  readonly state = new Map<string, StateEntry>();
  private order: string[] = [];

  constructor(
    private readonly host: HostProcess,
    private readonly options: { project: string; stack: string },
  ) {}

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.options.stack}::${this.options.project}::pulumi-nodejs:dynamic/${type}::${name}`;
  }

  async configure(config: Record<string, ConfigValue>): Promise<void> {
    const args: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(config)) args[key] = item.secret ? { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value: item.value } : item.value;
    const request = this.message("ConfigureRequest");
    request["setArgs"]!(this.struct(args) as never);
    request["setAcceptsecrets"]!(true as never);
    request["setAcceptresources"]!(true as never);
    await this.host.call("configure", request);
  }

  async preview(program: DeclaredResource[]): Promise<Step[]> {
    return this.run(program, true);
  }

  async up(program: DeclaredResource[]): Promise<Step[]> {
    return this.run(program, false);
  }

  async refresh(): Promise<Step[]> {
    const steps: Step[] = [];
    for (const name of [...this.order]) {
      const entry = this.state.get(name);
      if (!entry) continue;
      const request = this.message("ReadRequest");
      request["setId"]!(entry.id as never);
      request["setUrn"]!(entry.urn as never);
      request["setProperties"]!(this.struct(entry.outputs) as never);
      request["setInputs"]!(this.struct(entry.inputs) as never);
      try {
        const response = await this.host.call<Message>("read", request);
        const id = response["getId"]!() as string;
        if (!id) {
          this.forget(name);
          steps.push({ resource: name, type: entry.type, op: "refresh-delete", changed: [] });
          continue;
        }
        const outputs = toJs(response["getProperties"]!());
        const inputs = response["getInputs"]!() ? toJs(response["getInputs"]!()) : undefined;
        const diff = propertyDiff(entry.outputs, outputs);
        const changed = keysOf(diff);
        const declared = entry.inputs;
        entry.outputs = outputs;
        entry.id = id;
        if (inputs && Object.keys(inputs).length > 0) entry.inputs = inputs;
        const drifted = ((await this.askDiff(entry, outputs, entry.inputs, declared))["getChanges"]!() as number) !== 1;
        steps.push({ resource: name, type: entry.type, op: changed.length > 0 ? "refresh-update" : "refresh-same", changed, diff, drifted });
      } catch (error) {
        steps.push({ resource: name, type: entry.type, op: "failed", changed: [], error: messageOf(error) });
      }
    }
    return steps;
  }

  /** The provider's Diff of `news` against what `olds` (outputs) and `oldInputs` record. */
  private async askDiff(entry: StateEntry, olds: Record<string, unknown>, oldInputs: Record<string, unknown>, news: Record<string, unknown>): Promise<Message> {
    const diff = this.message("DiffRequest");
    diff["setId"]!(entry.id as never);
    diff["setUrn"]!(entry.urn as never);
    diff["setOlds"]!(this.struct(olds) as never);
    diff["setNews"]!(this.struct(news) as never);
    diff["setOldInputs"]!(this.struct(oldInputs) as never);
    return this.host.call<Message>("diff", diff);
  }

  async destroy(): Promise<Step[]> {
    const steps: Step[] = [];
    for (const name of [...this.order].reverse()) {
      const entry = this.state.get(name);
      if (!entry) continue;
      try {
        await this.delete(entry);
        this.forget(name);
        steps.push({ resource: name, type: entry.type, op: "delete", changed: [] });
      } catch (error) {
        steps.push({ resource: name, type: entry.type, op: "failed", changed: [], error: messageOf(error) });
      }
    }
    return steps;
  }

  private async run(program: DeclaredResource[], preview: boolean): Promise<Step[]> {
    const steps: Step[] = [];
    const changing = new Set<string>();
    const declared = new Set(program.map((resource) => resource.name));
    const lookup: OutputLookup = (resourceName, output) => {
      if (preview && changing.has(resourceName)) return UNKNOWN;
      const entry = this.state.get(resourceName);
      return (output === "id" ? entry?.id : entry?.outputs[output]) ?? UNKNOWN;
    };
    for (const resource of program) {
      const step = await this.apply(resource, lookup, preview).catch((error: unknown): Step => ({ resource: resource.name, type: resource.type, op: "failed", changed: [], error: messageOf(error) }));
      if (step.op !== "same") changing.add(resource.name);
      steps.push(step);
      if (step.op === "failed" && !preview) return steps;
    }
    for (const name of [...this.order].reverse()) {
      if (declared.has(name)) continue;
      const entry = this.state.get(name)!;
      if (!preview) {
        await this.delete(entry);
        this.forget(name);
      }
      steps.push({ resource: name, type: entry.type, op: "delete", changed: [] });
    }
    return steps;
  }

  private async apply(resource: DeclaredResource, lookup: OutputLookup, preview: boolean): Promise<Step> {
    const urn = this.urn(resource.type, resource.name);
    const declaredInputs = typeof resource.inputs === "function" ? resource.inputs(lookup) : resource.inputs;
    const news = { ...stripSecrets(declaredInputs), __provider: resource.provider };
    const old = this.state.get(resource.name);

    const check = this.message("CheckRequest");
    check["setUrn"]!(urn as never);
    check["setOlds"]!(this.struct(old?.inputs ?? {}) as never);
    check["setNews"]!(this.struct(news) as never);
    const checked = await this.host.call<Message>("check", check);
    const failures = (checked["getFailuresList"]!() as Message[]).map((f) => `${f["getProperty"]!() as string}: ${f["getReason"]!() as string}`);
    if (failures.length > 0) return { resource: resource.name, type: resource.type, op: "failed", changed: [], error: failures.join("; ") };
    const inputs = toJs(checked["getInputs"]!());

    if (!old) {
      if (preview) return { resource: resource.name, type: resource.type, op: "create", changed: Object.keys(inputs).filter((k) => k !== "__provider").sort() };
      return this.create(resource, urn, inputs, "create", Object.keys(inputs).filter((k) => k !== "__provider").sort());
    }

    const answer = await this.askDiff(old, old.outputs, old.inputs, inputs);
    const changes = answer["getChanges"]!() as number;
    const replaces = answer["getReplacesList"]!() as string[];
    const diff = propertyDiff(old.inputs, inputs);
    const changed = keysOf(diff);
    if (changes === 0) throw new Error(`Diff of ${resource.name} answered DIFF_UNKNOWN: the engine would then diff inputs itself, including __provider`);
    if (changes === 1) return { resource: resource.name, type: resource.type, op: "same", changed: [] };
    if (replaces.length > 0) {
      if (preview) return { resource: resource.name, type: resource.type, op: "replace", changed, diff, replaces };
      const deleteFirst = answer["getDeletebeforereplace"]!() as boolean;
      if (deleteFirst) {
        await this.delete(old);
        this.forget(resource.name);
      }
      const step = await this.create(resource, urn, inputs, "replace", changed);
      if (!deleteFirst && step.op === "replace") await this.delete(old);
      return { ...step, diff, replaces };
    }
    if (preview) return { resource: resource.name, type: resource.type, op: "update", changed, diff };
    const update = this.message("UpdateRequest");
    update["setId"]!(old.id as never);
    update["setUrn"]!(urn as never);
    update["setOlds"]!(this.struct(old.outputs) as never);
    update["setNews"]!(this.struct(inputs) as never);
    update["setOldInputs"]!(this.struct(old.inputs) as never);
    try {
      const updated = await this.host.call<Message>("update", update);
      old.outputs = markSecrets(toJs(updated["getProperties"]!()), resource.secretInputs ?? []);
      old.inputs = inputs;
      return { resource: resource.name, type: resource.type, op: "update", changed, diff };
    } catch (error) {
      if (error instanceof GrpcCallError && error.initFailure) {
        old.outputs = error.initFailure.properties;
        old.inputs = inputs;
      }
      throw error;
    }
  }

  private async create(resource: DeclaredResource, urn: string, inputs: Record<string, unknown>, op: StepOp, changed: string[]): Promise<Step> {
    const request = this.message("CreateRequest");
    request["setUrn"]!(urn as never);
    request["setProperties"]!(this.struct(inputs) as never);
    try {
      const created = await this.host.call<Message>("create", request);
      const id = created["getId"]!() as string;
      this.remember({ name: resource.name, type: resource.type, urn, id, inputs, outputs: markSecrets(toJs(created["getProperties"]!()), resource.secretInputs ?? []), secretKeys: resource.secretInputs ?? [] });
      return { resource: resource.name, type: resource.type, op, changed };
    } catch (error) {
      if (error instanceof GrpcCallError && error.initFailure) {
        const { id, properties } = error.initFailure;
        this.remember({ name: resource.name, type: resource.type, urn, id, inputs, outputs: properties, secretKeys: [] });
        return { resource: resource.name, type: resource.type, op: "failed", changed, error: error.message, partialId: id };
      }
      throw error;
    }
  }

  private async delete(entry: StateEntry): Promise<void> {
    const request = this.message("DeleteRequest");
    request["setId"]!(entry.id as never);
    request["setUrn"]!(entry.urn as never);
    request["setProperties"]!(this.struct(stripSecrets(entry.outputs)) as never);
    request["setOldInputs"]!(this.struct(stripSecrets(entry.inputs)) as never);
    await this.host.call("delete", request);
  }

  private remember(entry: StateEntry): void {
    this.state.set(entry.name, entry);
    if (!this.order.includes(entry.name)) this.order.push(entry.name);
  }

  private forget(name: string): void {
    this.state.delete(name);
    this.order = this.order.filter((n) => n !== name);
  }

  private message(name: string): Message {
    const Type = this.host.proto.provproto[name];
    if (!Type) throw new Error(`no ${name} in provider_pb`);
    return new Type();
  }

  private struct(value: Record<string, unknown>): unknown {
    return this.host.proto.structproto.Struct.fromJavaScript(value);
  }
}

type Message = Record<string, (...args: never[]) => unknown>;

function toJs(struct: unknown): Record<string, unknown> {
  if (!struct) return {};
  return (struct as { toJavaScript(): Record<string, unknown> }).toJavaScript();
}

/** The engine sends plaintext to a provider that does not accept secrets. */
export function stripSecrets(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) result[key] = unwrap(member);
  return result;
}

function unwrap(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE) return unwrap(record["value"]);
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(record)) result[key] = unwrap(member);
    return result;
  }
  if (Array.isArray(value)) return value.map(unwrap);
  return value;
}

function markSecrets(outputs: Record<string, unknown>, secretKeys: string[]): Record<string, unknown> {
  const result = { ...outputs };
  for (const key of secretKeys) if (key in result) result[key] = { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value: result[key] };
  return result;
}

/** The properties that differ, by kind, `__provider` left out (a provider-code change is not a property change). */
export function propertyDiff(before: Record<string, unknown>, after: Record<string, unknown>): PropertyDiff {
  const diff: PropertyDiff = { adds: [], updates: [], deletes: [] };
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => key !== "__provider").sort();
  for (const key of keys) {
    if (!(key in before)) diff.adds.push(key);
    else if (!(key in after)) diff.deletes.push(key);
    else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff.updates.push(key);
  }
  return diff;
}

function keysOf(diff: PropertyDiff): string[] {
  return [...diff.adds, ...diff.updates, ...diff.deletes].sort();
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function secret(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value };
}

import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import * as config from "../../config";
import * as errors from "../../errors";
import { memo } from "../../runtime";
import { checkInputs, type CheckedInputs } from "./checkInputs";
import { canonicalJson } from "./canonicalJson";
import { containsUnknown } from "./unknown";

/**
 * A resource declared once: its inputs (a zod object whose fields carry their defaults and messages), the outputs that
 * are not inputs, and the inputs whose change replaces the resource. Check, diff, input parsing, the outputs recorded in
 * state and the resource class's output properties all derive from it.
 *
 * Every resource also takes `connection` (the stack-config namespace of its vendor's settings, default the vendor's own
 * namespace) and records `endpoint` (the server it spoke to, scheme://host:port).
 */
export interface ResourceDeclaration {
  vendor: config.Vendor;
  /** The type name: `pulumi-nodejs:dynamic/<vendor>:<type>`. */
  type: string;
  /** The input fields, without `connection`. Called once per process (zod instances cannot be serialized). */
  inputs: () => z.ZodRawShape;
  /** Output names that are not inputs, in the order the resource class shows them. */
  outputs: readonly string[];
  /** Inputs whose change replaces the resource. */
  replaces: readonly string[];
  /** A replacement deletes the old object before creating the new one (one object of its kind at a time). */
  deleteBeforeReplace?: boolean;
}

export const CONNECTION_INPUT = "connection";
export const ENDPOINT_OUTPUT = "endpoint";

/** A declaration, with the names of every property its resource class has (inputs, outputs and `endpoint`). */
export function declareResource<D extends ResourceDeclaration>(declaration: D): D & { propertyNames(): readonly string[] } {
  return { ...declaration, propertyNames: () => outputNames(declaration) };
}

/** The full input schema, `connection` included. */
export function inputSchema(declaration: ResourceDeclaration): z.ZodObject<z.ZodRawShape> {
  return memo(`schema:${declaration.vendor}:${declaration.type}`, () =>
    z.object({ ...declaration.inputs(), [CONNECTION_INPUT]: connectionField(declaration.vendor) }),
  );
}

function connectionField(vendor: config.Vendor) {
  return z
    .string({ error: (issue) => `connection ${config.namespaceProblem(issue.input) ?? "is invalid"}` })
    .superRefine((value, context) => {
      const problem = config.namespaceProblem(value);
      if (problem) context.addIssue({ code: "custom", message: `connection ${problem}` });
    })
    .default(vendor);
}

export function inputNames(declaration: ResourceDeclaration): string[] {
  return Object.keys(inputSchema(declaration).shape);
}

/** Every output the resource records: its inputs (as applied), its own outputs and `endpoint`. */
export function outputNames(declaration: ResourceDeclaration): string[] {
  return [...inputNames(declaration), ...declaration.outputs, ENDPOINT_OUTPUT];
}

/** The default of an input, as its schema declares it (undefined when it has none). */
export function inputDefault(declaration: ResourceDeclaration, name: string): unknown {
  return memo(`defaults:${declaration.vendor}:${declaration.type}`, () => {
    const defaults: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(inputSchema(declaration).shape)) {
      const parsed = (field as z.ZodType).safeParse(undefined);
      if (parsed.success && parsed.data !== undefined) defaults[key] = parsed.data;
    }
    return defaults;
  })[name];
}

/**
 * Validates inputs at check time: every known field on its own (a failure names the property and what is allowed), then
 * a namespace named in `connection`, which must hold this vendor's server (read from config: no API call). The default
 * namespace is looked at only when a check needs the server.
 */
export function checkDeclared<T>(declaration: ResourceDeclaration, news: Record<string, unknown>): CheckedInputs<T> {
  const checked = checkInputs<T>(inputSchema(declaration), news, [...declaration.outputs, ENDPOINT_OUTPUT]);
  const connection = news[CONNECTION_INPUT];
  if (checked.failures.some((failure) => failure.property === CONNECTION_INPUT) || typeof connection !== "string" || containsUnknown(connection)) return checked;
  const problem = connectionProblem(declaration.vendor, connection);
  if (problem === undefined) return checked;
  const { value: _dropped, ...rest } = checked;
  return { ...rest, failures: [...checked.failures, { property: CONNECTION_INPUT, reason: problem }] };
}

/** Why the settings of a namespace cannot be used (missing server, bad value), from config only; undefined when they can. */
export function connectionProblem(vendor: config.Vendor, namespace: string): string | undefined {
  try {
    settingsOf(vendor, namespace);
    return undefined;
  } catch (error) {
    if (error instanceof errors.ConfigurationError) return errors.errorMessage(error);
    throw error;
  }
}

function settingsOf(vendor: config.Vendor, namespace: string): { endpoint: string } {
  if (vendor === "vsphere") return config.vsphereSettings(namespace);
  if (vendor === "veeam") return config.veeamSettings(namespace);
  return config.zstackSettings(namespace);
}

/** The endpoint a namespace resolves to now, or undefined when its settings are incomplete. */
export function endpointOf(vendor: config.Vendor, namespace: string): string | undefined {
  try {
    return settingsOf(vendor, namespace).endpoint;
  } catch {
    return undefined;
  }
}

/** Parses inputs for create and update: all must be known and valid; the first failure is a ValidationError naming it. */
export function parseInputs<T>(declaration: ResourceDeclaration, raw: Record<string, unknown>, operation: string): T {
  const checked = checkInputs<T>(inputSchema(declaration), raw, [...declaration.outputs, ENDPOINT_OUTPUT]);
  const first = checked.failures[0];
  if (first) throw new errors.ValidationError(first.reason, first.property, { operation });
  if (checked.value === undefined) throw new errors.ValidationError(`The inputs of ${declaration.type} must be known before ${operation}.`, "(inputs)", { operation });
  return checked.value;
}

/**
 * The inputs recorded in a resource's old outputs (for read and delete, which get no inputs). A field missing or no
 * longer valid (state written by an older version, edited by hand) takes its default; one without default is left out.
 */
export function recordedInputs(declaration: ResourceDeclaration, props: Record<string, unknown>): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(inputSchema(declaration).shape)) {
    const recorded = Object.prototype.hasOwnProperty.call(props, key) ? props[key] : undefined;
    const parsed = (field as z.ZodType).safeParse(recorded);
    const value = parsed.success ? parsed.data : inputDefault(declaration, key);
    if (value !== undefined) inputs[key] = value;
  }
  return inputs;
}

export interface DeclaredDiff {
  /** Inputs whose value differs (defaults applied; an unknown value counts as a change). */
  changed: string[];
  replaces: string[];
}

/**
 * Pure: the inputs recorded in the old outputs against the new checked inputs, defaults applied, compared as canonical
 * JSON. A change of `connection` replaces the resource only when the new namespace resolves to another endpoint than the
 * one recorded (the same vCenter under another namespace or user is the same object).
 */
export function diffInputs(declaration: ResourceDeclaration, olds: Record<string, unknown>, news: Record<string, unknown>): DeclaredDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const name of inputNames(declaration)) {
    const before = olds[name] === undefined ? inputDefault(declaration, name) : olds[name];
    const after = news[name] === undefined ? inputDefault(declaration, name) : news[name];
    if (!containsUnknown(after) && canonicalJson(before) === canonicalJson(after)) continue;
    changed.push(name);
    if (name === CONNECTION_INPUT) {
      if (connectionMovesElsewhere(declaration.vendor, olds[ENDPOINT_OUTPUT], after)) replaces.push(name);
    } else if (declaration.replaces.includes(name)) replaces.push(name);
  }
  return { changed, replaces };
}

function connectionMovesElsewhere(vendor: config.Vendor, recordedEndpoint: unknown, namespace: unknown): boolean {
  if (typeof namespace !== "string" || containsUnknown(namespace)) return true;
  const next = endpointOf(vendor, namespace);
  return typeof recordedEndpoint !== "string" || next === undefined || next !== recordedEndpoint;
}

/** The DiffResult the engine gets for a declared diff (`changes` always explicit, see reference on dynamic providers). */
export function diffResult(declaration: ResourceDeclaration, diff: DeclaredDiff, extraChanges: string[] = []): pulumi.dynamic.DiffResult {
  const changes = diff.changed.length > 0 || extraChanges.length > 0;
  return { changes, replaces: diff.replaces, deleteBeforeReplace: diff.replaces.length > 0 && declaration.deleteBeforeReplace === true };
}

/** The outputs to record: the declared inputs (as applied), the resource's own outputs, and the endpoint spoken to. */
export function recordOutputs(declaration: ResourceDeclaration, inputs: object, observed: object, endpoint: string): Record<string, unknown> {
  const outs: Record<string, unknown> = {};
  const from = inputs as Record<string, unknown>;
  const seen = observed as Record<string, unknown>;
  for (const name of inputNames(declaration)) if (from[name] !== undefined) outs[name] = from[name];
  for (const name of declaration.outputs) if (seen[name] !== undefined) outs[name] = seen[name];
  outs[ENDPOINT_OUTPUT] = endpoint;
  return outs;
}

/** The namespace a resource's inputs or recorded outputs name (its vendor's default when absent or invalid). */
export function namespaceOf(declaration: ResourceDeclaration, values: Record<string, unknown>): string {
  const value = values[CONNECTION_INPUT];
  return typeof value === "string" && config.namespaceProblem(value) === undefined ? value : declaration.vendor;
}

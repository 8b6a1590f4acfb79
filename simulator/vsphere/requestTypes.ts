/**
 * The data objects of request bodies that the PropertyCollector and the vSphere world take, written out as plain types:
 * they reach the twin's public declarations (`pulumi-vm-availability/simulator`), which must not need zod. The schemas
 * in requestBodies.ts are declared with these types, so the compiler checks that what they accept fits them.
 */
import type { MoRef } from "./wire";

/** A MoRef argument: the same shape the server sends (`type` is one of the spec's managed object types). */
export type MoRefInput = MoRef;

/** SelectionSpec {name?} refers to a named TraversalSpec; TraversalSpec {name?, type, path, skip?, selectSet?} follows a property. */
export type SelectionSpecInput =
  | { _typeName: "SelectionSpec"; name?: string }
  | { _typeName: "TraversalSpec"; name?: string; type: string; path: string; skip?: boolean; selectSet?: SelectionSpecInput[] };
export type TraversalSpecInput = Extract<SelectionSpecInput, { _typeName: "TraversalSpec" }>;

export interface PropertySpecInput {
  _typeName: string;
  type: string;
  all?: boolean;
  pathSet?: string[];
}

export interface ObjectSpecInput {
  _typeName: string;
  obj: MoRefInput;
  skip?: boolean;
  selectSet?: SelectionSpecInput[];
}

export interface PropertyFilterSpecInput {
  _typeName: string;
  propSet: PropertySpecInput[];
  objectSet: ObjectSpecInput[];
  reportMissingObjectsInResults?: boolean;
}

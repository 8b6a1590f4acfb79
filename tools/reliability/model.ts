/** Types shared by the fault matrix: operations, what state records, how a cell ends. */
import type { ReliabilityTwin, Vendor } from "./twin";

export type Operation = "create" | "read" | "update" | "delete";
export const OPERATIONS: Operation[] = ["create", "read", "update", "delete"];

/** What Pulumi's state holds for one resource after an operation: its id and outputs. */
export interface StateRecord {
  id: string;
  outs: Record<string, unknown>;
}

/** survived: done as if no fault happened. failed-clean: a clear typed error and a consistent world. lost: anything else. */
export type Verdict = "survived" | "failed-clean" | "lost";

/** The provider.ts CRUD functions of one resource (the same code the dynamic-provider host runs). */
export interface Crud {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs?: Record<string, unknown>; failures?: Array<{ property: string; reason: string }> }>;
  diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<unknown>;
  create(inputs: Record<string, unknown>): Promise<{ id: string; outs?: Record<string, unknown> }>;
  read(id: string, props: Record<string, unknown>): Promise<{ id?: string; props?: Record<string, unknown> }>;
  update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ outs?: Record<string, unknown> }>;
  delete(id: string, props: Record<string, unknown>): Promise<void>;
}

/** One object under test (a fresh VM, snapshot's VM, ZStack VM or Veeam plan per cell). */
export interface Target {
  /** The vendor object the resource acts on: vmId, ZStack uuid, Veeam plan id. */
  key: string;
  /** Texts an error message may use to name the object (ids, names). */
  names: string[];
  label: string;
}

/**
 * How one resource type is driven and audited. Inputs use a short `timeoutSeconds` so deadlines and hangs stay cheap.
 */
export interface ResourceAdapter {
  /** e.g. "vsphere:VmSnapshot". */
  type: string;
  vendor: Vendor;
  crud: Crud;
  /** A fresh object in the state a create needs. */
  prepare(twin: ReliabilityTwin, label: string): Promise<Target>;
  createInputs(target: Target, copy: number, timeoutSeconds: number): Record<string, unknown>;
  /** New inputs for an update of `record` that makes an API call where the resource has one. */
  updateInputs(target: Target, record: StateRecord, timeoutSeconds: number): Record<string, unknown>;
  /** Contention: every copy of an operation other than create gets its own base resource (true) or shares one (false). */
  basePerCopy: boolean;
  /** Path text of the call that changes the world in `op` (the fault trigger); undefined: the operation makes none. */
  mutatingPath(op: Operation): string | undefined;
  /** Problems between the world and the records state holds (orphans, state claiming what the world lacks, outputs that differ). */
  audit(twin: ReliabilityTwin, target: Target, records: StateRecord[]): string[];
  /** After a successful operation: is the declared end state reached? Problems, if not. */
  reached(twin: ReliabilityTwin, target: Target, op: Operation, records: StateRecord[], bases: StateRecord[]): string[];
  /**
   * Makes the next task/job/run of `op` on the target fail. Returns a probe telling whether it was consumed (the fault
   * hit), or undefined when `op` starts no task/job/run.
   */
  armTaskFailure(twin: ReliabilityTwin, target: Target, op: Operation): (() => boolean) | undefined;
  /** Makes the next task/job/run of `op` on the target never finish (same return as armTaskFailure). */
  armHang(twin: ReliabilityTwin, target: Target, op: Operation): (() => boolean) | undefined;
  /** Removes an armed failure/hang that was not consumed, so it cannot hit a later cell. */
  disarm(twin: ReliabilityTwin, target: Target): void;
  /** Undoes armHang's world settings and lets hung work finish (strict: something finishing late must still be recorded). */
  settleHang(twin: ReliabilityTwin, target: Target): Promise<void>;
  /** Another client holds the object while the operation runs (vSphere: a task on the VM); undefined when not applicable. */
  occupy?(twin: ReliabilityTwin, target: Target): void;
  /** Changes the world between preview and apply; returns what it did. */
  outOfBand(twin: ReliabilityTwin, target: Target, op: Operation, records: StateRecord[]): string;
  /** Ends sessions/tokens on the vendor side. */
  expireSessions(twin: ReliabilityTwin): void;
}

export interface CellResult {
  resource: string;
  scenario: string;
  operation: Operation;
  verdict: Verdict;
  /** Whether the fault actually hit the operation (false: the operation made no call the fault applies to). */
  exercised: boolean;
  ms: number;
  /** How long the operation itself took (all copies), ms. */
  opMs: number;
  /** Errors the operation raised (first line each), for the report. */
  errors: string[];
  /** Why a cell is lost. */
  problems: string[];
}

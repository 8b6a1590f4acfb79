import type { MoRef } from "./moref";
import type { TaskInfo } from "./schemas";

/**
 * What a VI/JSON connection keeps besides its session: declared here, created with the connection, never attached later.
 * Everything in it belongs to one vCenter (and user): a second site's connection has its own.
 */

/** The session: replaced by a re-login; `generation` tells concurrent callers whether someone already re-logged in. */
export interface SessionState {
  id: string;
  generation: number;
  relogin?: Promise<void>;
}

/** A started vSphere task: what `*_Task` methods return. */
export interface TaskHandle {
  task: MoRef;
  operation: string;
  /** The object the task works on, for messages. */
  object: string;
}

/** One awaited task in the task collector. */
export interface TaskListener {
  handle: TaskHandle;
  deadline: number;
  info?: TaskInfo;
  /** The PropertyFilter watching this task, once CreateFilter answered. */
  filter?: MoRef;
  /** The waiter's progress callback (its filter then watches info.progress too). */
  onProgress?: (percent: number) => void;
  settled: boolean;
  settle: (outcome: { info: TaskInfo } | { error: unknown } | { deadline: true }) => void;
}

/**
 * One PropertyCollector per connection, one filter per awaited task (destroyed when the task settles), one
 * WaitForUpdatesEx long-poll loop for all of them.
 */
export interface TaskCollectorState {
  ref?: MoRef;
  creating?: Promise<MoRef>;
  version: string;
  listeners: Map<string, TaskListener>;
  looping: boolean;
  /** True while a WaitForUpdatesEx call is on the wire: only then is there a pending wait worth cancelling. */
  inFlight: boolean;
  /** Set when the server cannot do PropertyCollector waits: every wait polls Task.info instead. */
  unsupported: boolean;
}

/** A read waiting to join a batched RetrievePropertiesEx. */
export interface PendingRead {
  target: { type: string; value: string };
  paths: string[];
  deadline: number;
  resolve: (values: Record<string, unknown>) => void;
  reject: (error: unknown) => void;
}

export interface PropertyBatchState {
  queue: PendingRead[];
  scheduled: boolean;
  /** When the open batch received its first read, and its latest one (ms, monotonic). */
  openedAt: number;
  lastArrival: number;
  /** When the last batch was sent and how many reads it carried: a refresh in progress keeps batches open longer. */
  lastFlushAt: number;
  lastFlushSize: number;
}

/** What the server was found to support, learnt on first use. */
export interface Capabilities {
  /** False once the server answered that it does not know CreateSnapshotEx_Task (a release before it). */
  createSnapshotEx?: boolean;
}

export interface ConnectionState {
  taskCollector: TaskCollectorState;
  propertyBatch: PropertyBatchState;
  capabilities: Capabilities;
}

export function newConnectionState(): ConnectionState {
  return {
    taskCollector: { version: "", listeners: new Map(), looping: false, inFlight: false, unsupported: false },
    propertyBatch: { queue: [], scheduled: false, openedAt: 0, lastArrival: 0, lastFlushAt: -Infinity, lastFlushSize: 0 },
    capabilities: {},
  };
}

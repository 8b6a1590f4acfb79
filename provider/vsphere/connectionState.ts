import type { MoRef } from "./moref";
import type { ObjectUpdate } from "./schemas";

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

/**
 * One object watched through the connection's PropertyCollector: a task a wait is for, or an object whose properties a
 * wait watches. Each watch has its own PropertyFilter, destroyed when the watch ends.
 */
export interface CollectorWatch {
  obj: MoRef;
  /** Its PropertyFilter, once CreateFilter answered. */
  filter?: MoRef;
  ended: boolean;
  /** An update its filter reported for the object (kind enter, modify or leave), in the order reported. */
  onUpdate: (update: ObjectUpdate) => void;
  /** The collector cannot serve this watch (CreateFilter refused or unanswered, collector gone): it goes on without it. */
  onLost: () => void;
}

/**
 * One PropertyCollector per connection, shared by every wait (tasks and properties): one filter per watch, one
 * WaitForUpdatesEx long-poll loop for all of them.
 */
export interface CollectorState {
  ref?: MoRef;
  creating?: Promise<MoRef>;
  version: string;
  watches: Set<CollectorWatch>;
  looping: boolean;
  /** True while a WaitForUpdatesEx call is on the wire: only then is there a pending wait worth cancelling. */
  inFlight: boolean;
  /** Set when the server cannot do PropertyCollector waits: every wait polls instead. */
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
  collector: CollectorState;
  propertyBatch: PropertyBatchState;
  capabilities: Capabilities;
}

export function newConnectionState(): ConnectionState {
  return {
    collector: { version: "", watches: new Set(), looping: false, inFlight: false, unsupported: false },
    propertyBatch: { queue: [], scheduled: false, openedAt: 0, lastArrival: 0, lastFlushAt: -Infinity, lastFlushSize: 0 },
    capabilities: {},
  };
}

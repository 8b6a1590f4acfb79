/**
 * PropertyCollector: CreatePropertyCollector, DestroyPropertyCollector, CreateFilter (+ PropertyFilter/DestroyPropertyFilter),
 * WaitForUpdatesEx (long poll, event driven), CancelWaitForUpdates, RetrievePropertiesEx, ContinueRetrievePropertiesEx.
 * State is per session: the service's `propertyCollector` has session-specific filters; created collectors belong to
 * their session and die with it (pending waits then end with RequestCanceled).
 * Versions: each UpdateSet version remembers what the client has been told; passing an older version again replays the
 * changes since then, an unknown version is InvalidCollectorVersion, no version means "everything" (kind enter).
 * ObjectSpec.selectSet traverses (objectSelection.ts), e.g. a ContainerView's `view`; a filter that traverses follows
 * its traversals anew at each update, so objects enter and leave it as the inventory changes.
 * RetrievePropertiesEx pages: at most `options.maxObjects` objects (or the server's 1000) per answer, with a `token`
 * for ContinueRetrievePropertiesEx while more remain; the last page has no token.
 * Limits: partialUpdates is accepted but whole property values at the requested paths are reported.
 */
import { randomUUID } from "node:crypto";
import { faultBody, faults, vimFault, VimFaultError } from "../faults";
import type { VsphereWorld } from "../model/world";
import {
  continueRetrievePropertiesExBody,
  createFilterBody,
  NO_BODY,
  optionalBody,
  requiredBody,
  retrievePropertiesExBody,
  waitForUpdatesExBody,
} from "../requestBodies";
import type { PropertyFilterSpecInput } from "../requestTypes";
import type { Session } from "../sessions";
import { boxAny, moRef, type MoRef } from "../wire";
import { propertyPathType, readPropertyPath, topLevelProperties, MANAGED_OBJECT_PROPERTIES } from "./managedObjectProperties";
import { defineMethod } from "./defineMethod";
import type { CallContext, RegisteredMethod } from "./methodRegistry";
import { normalizeObjectSelection, objectKey, objectOfKey, selectObjects, type ObjectSelection, type SelectedObject } from "./objectSelection";

export const SERVICE_COLLECTOR_ID = "propertyCollector";
const MAX_KEPT_VERSIONS = 64;
/** Longest wait when the client sets no maxWaitSeconds ("policy may still cause it to return null"). */
const POLICY_MAX_WAIT_SECONDS = 600;

interface NormalizedSpec {
  selection: ObjectSelection;
  /** Paths per managed object type. */
  paths: Map<string, string[]>;
  reportMissing: boolean;
}

interface Filter {
  id: string;
  spec: NormalizedSpec;
  partialUpdates: boolean;
}

/** What the client was told: per filter, per object key, path → serialized value; plus objects reported missing. */
type ReportedObjects = Map<string, Map<string, string>>;
interface ReportedFilter {
  objects: ReportedObjects;
  missing: Set<string>;
}
type ReportedState = Map<string, ReportedFilter>;

interface Waiter {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  evaluate: () => boolean;
  timer?: NodeJS.Timeout;
}

interface Collector {
  id: string;
  sessionToken: string;
  filters: Map<string, Filter>;
  versions: Map<string, ReportedState>;
  nextVersion: number;
  waiters: Set<Waiter>;
  retrieveTokens: Map<string, { objects: unknown[]; pageSize: number }>;
  evaluationScheduled: boolean;
}

export class PropertyCollectorService {
  private readonly collectors = new Map<string, Collector>();
  private readonly filterOwners = new Map<string, string>();
  /** Most objects returned by one RetrievePropertiesEx when the client sets no maxObjects (server policy). */
  retrievePolicyMaxObjects = 1000;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly waitingListeners = new Set<(collectorId: string) => void>();

  constructor(private readonly world: VsphereWorld) {
    this.unsubscribe.push(world.onChange((type, id) => this.onChange(type, id)));
    this.unsubscribe.push(world.sessions.onEnd((session) => this.onSessionEnd(session)));
  }

  dispose(): void {
    for (const stop of this.unsubscribe) stop();
    this.waitingListeners.clear();
    for (const collector of this.collectors.values()) this.cancelWaiters(collector, faults.requestCanceled("The simulator is shutting down."));
    this.collectors.clear();
  }

  /**
   * Calls `listener` whenever a WaitForUpdatesEx call found nothing to report and is now waiting for a change (so a
   * change made from then on is one it wakes up for). Returns the unsubscribe function.
   */
  onWaiting(listener: (collectorId: string) => void): () => void {
    this.waitingListeners.add(listener);
    return () => this.waitingListeners.delete(listener);
  }

  // ---- collectors and filters ----------------------------------------------------------------------------------

  private collectorKey(session: Session, collectorId: string): string {
    return `${session.token}|${collectorId}`;
  }

  /** The session's state of a collector; ManagedObjectNotFound for another session's or a destroyed collector. */
  collector(session: Session, collectorId: string): Collector {
    const key = this.collectorKey(session, collectorId);
    let collector = this.collectors.get(key);
    if (!collector && collectorId === SERVICE_COLLECTOR_ID) {
      collector = this.newCollector(collectorId, session.token);
      this.collectors.set(key, collector);
    }
    if (!collector) throw faults.managedObjectNotFound(moRef("PropertyCollector", collectorId));
    return collector;
  }

  exists(session: Session | undefined, collectorId: string): boolean {
    if (collectorId === SERVICE_COLLECTOR_ID) return true;
    return session !== undefined && this.collectors.has(this.collectorKey(session, collectorId));
  }

  filterExists(session: Session | undefined, filterId: string): boolean {
    return session !== undefined && this.filterOwners.get(filterId)?.startsWith(`${session.token}|`) === true;
  }

  private newCollector(id: string, sessionToken: string): Collector {
    return { id, sessionToken, filters: new Map(), versions: new Map(), nextVersion: 1, waiters: new Set(), retrieveTokens: new Map(), evaluationScheduled: false };
  }

  createCollector(session: Session): MoRef {
    const id = `session[${session.key}]${randomUUID()}`;
    this.collectors.set(this.collectorKey(session, id), this.newCollector(id, session.token));
    return moRef("PropertyCollector", id);
  }

  destroyCollector(session: Session, collectorId: string): void {
    if (collectorId === SERVICE_COLLECTOR_ID) throw faults.invalidArgument(undefined, "The service's PropertyCollector cannot be destroyed.");
    const collector = this.collector(session, collectorId);
    this.cancelWaiters(collector, faults.requestCanceled("The PropertyCollector was destroyed."));
    for (const filterId of collector.filters.keys()) this.filterOwners.delete(filterId);
    this.collectors.delete(this.collectorKey(session, collectorId));
  }

  createFilter(session: Session, collectorId: string, spec: PropertyFilterSpecInput, partialUpdates: boolean): MoRef {
    const collector = this.collector(session, collectorId);
    const normalized = this.normalizeSpec(spec, session.token);
    const id = `session[${session.key}]${randomUUID()}`;
    collector.filters.set(id, { id, spec: normalized, partialUpdates });
    this.filterOwners.set(id, this.collectorKey(session, collectorId));
    this.scheduleEvaluation(collector);
    return moRef("PropertyFilter", id);
  }

  destroyFilter(session: Session, filterId: string): void {
    const owner = this.filterOwners.get(filterId);
    const collector = owner ? this.collectors.get(owner) : undefined;
    if (!owner || !collector || collector.sessionToken !== session.token) throw faults.managedObjectNotFound(moRef("PropertyFilter", filterId));
    collector.filters.delete(filterId);
    this.filterOwners.delete(filterId);
  }

  /** Validates a PropertyFilterSpec the way CreateFilter does. */
  private normalizeSpec(spec: PropertyFilterSpecInput, sessionToken: string): NormalizedSpec {
    if (spec.objectSet.length === 0) throw faults.invalidArgument("spec.objectSet", "The filter spec selects no objects.");
    const paths = new Map<string, string[]>();
    for (const propertySpec of spec.propSet) {
      if (!MANAGED_OBJECT_PROPERTIES[propertySpec.type]) throw vimFault("InvalidType", { argument: propertySpec.type }, `Unknown or unsupported managed object type '${propertySpec.type}'.`);
      const requested = propertySpec.all ? topLevelProperties(propertySpec.type) : (propertySpec.pathSet ?? []);
      for (const path of requested) propertyPathType(propertySpec.type, path);
      const existing = paths.get(propertySpec.type) ?? [];
      paths.set(propertySpec.type, [...existing, ...requested.filter((path) => !existing.includes(path))]);
    }
    const reportMissing = spec.reportMissingObjectsInResults === true;
    return { selection: normalizeObjectSelection(this.world, sessionToken, spec.objectSet, reportMissing), paths, reportMissing };
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /** Path → serialized value of the object's requested properties (unset ones left out); undefined if it does not exist. */
  private readObject(object: { type: string; id: string }, paths: string[], sessionToken: string): Map<string, string> | undefined {
    if (!this.world.exists(object.type, object.id, sessionToken)) return undefined;
    const values = new Map<string, string>();
    for (const path of paths) {
      let value: unknown;
      try {
        value = readPropertyPath(this.world, object.type, object.id, path);
      } catch (error) {
        if (error instanceof VimFaultError && error.body._typeName === "ManagedObjectNotFound") return undefined;
        throw error;
      }
      if (value !== undefined) values.set(path, JSON.stringify(value));
    }
    return values;
  }

  private dynamicProperty(type: string, path: string, serialized: string): Record<string, unknown> {
    return { _typeName: "DynamicProperty", name: path, val: boxAny(JSON.parse(serialized), propertyPathType(type, path)) };
  }

  // ---- RetrievePropertiesEx ------------------------------------------------------------------------------------

  retrieve(session: Session, collectorId: string, specSet: PropertyFilterSpecInput[], maxObjects: number | undefined): unknown {
    const collector = this.collector(session, collectorId);
    if (maxObjects !== undefined && maxObjects <= 0) throw faults.invalidArgument("options.maxObjects", "maxObjects must be positive.");
    const merged = new Map<string, { object: SelectedObject; paths: string[] }>();
    for (const spec of specSet) {
      const normalized = this.normalizeSpec(spec, session.token);
      for (const object of selectObjects(this.world, session.token, normalized.selection)) {
        if (object.skip) continue;
        const typePaths = normalized.paths.get(object.type);
        if (!typePaths) continue;
        const entry = merged.get(object.key) ?? { object, paths: [] };
        for (const path of typePaths) if (!entry.paths.includes(path)) entry.paths.push(path);
        merged.set(object.key, entry);
      }
    }
    const objects: unknown[] = [];
    for (const { object, paths } of merged.values()) {
      const values = this.readObject(object, paths, session.token);
      if (!values) continue;
      const content: Record<string, unknown> = { _typeName: "ObjectContent", obj: moRef(object.type, object.id) };
      if (values.size > 0) content.propSet = [...values].map(([path, serialized]) => this.dynamicProperty(object.type, path, serialized));
      objects.push(content);
    }
    if (objects.length === 0) return null;
    const pageSize = Math.min(maxObjects ?? Number.POSITIVE_INFINITY, this.retrievePolicyMaxObjects > 0 ? this.retrievePolicyMaxObjects : Number.POSITIVE_INFINITY);
    return this.page(collector, objects, pageSize);
  }

  continueRetrieve(session: Session, collectorId: string, token: string): unknown {
    const collector = this.collector(session, collectorId);
    const pending = collector.retrieveTokens.get(token);
    if (!pending) throw faults.invalidArgument("token", "The token does not match a previous RetrieveResult of this session and PropertyCollector.");
    collector.retrieveTokens.delete(token);
    return this.page(collector, pending.objects, pending.pageSize);
  }

  private page(collector: Collector, objects: unknown[], pageSize: number): Record<string, unknown> {
    if (objects.length <= pageSize) return { _typeName: "RetrieveResult", objects };
    const token = randomUUID();
    collector.retrieveTokens.set(token, { objects: objects.slice(pageSize), pageSize });
    return { _typeName: "RetrieveResult", token, objects: objects.slice(0, pageSize) };
  }

  // ---- WaitForUpdatesEx ----------------------------------------------------------------------------------------

  waitForUpdates(session: Session, collectorId: string, version: string | undefined, maxWaitSeconds: number | undefined, maxObjectUpdates: number | undefined): Promise<unknown> {
    const collector = this.collector(session, collectorId);
    if (maxWaitSeconds !== undefined && maxWaitSeconds < 0) throw faults.invalidArgument("options.maxWaitSeconds", "maxWaitSeconds must not be negative.");
    if (maxObjectUpdates !== undefined && maxObjectUpdates <= 0) throw faults.invalidArgument("options.maxObjectUpdates", "maxObjectUpdates must be positive.");
    let base: ReportedState;
    if (version === undefined || version === "") base = new Map();
    else {
      const known = collector.versions.get(version);
      if (!known) throw faults.invalidCollectorVersion();
      base = known;
    }
    const attempt = (): Record<string, unknown> | undefined => this.computeUpdates(collector, base, maxObjectUpdates);
    const immediate = attempt();
    if (immediate) return Promise.resolve(immediate);
    if (maxWaitSeconds === 0) return Promise.resolve(null);
    const waitSeconds = Math.min(maxWaitSeconds ?? POLICY_MAX_WAIT_SECONDS, POLICY_MAX_WAIT_SECONDS);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        evaluate: () => {
          const updates = attempt();
          if (!updates) return false;
          resolve(updates);
          return true;
        },
      };
      waiter.timer = setTimeout(() => {
        collector.waiters.delete(waiter);
        resolve(null);
      }, waitSeconds * 1000);
      collector.waiters.add(waiter);
      for (const listener of [...this.waitingListeners]) listener(collector.id);
    });
  }

  cancelWaits(session: Session, collectorId: string): void {
    this.cancelWaiters(this.collector(session, collectorId), faults.requestCanceled("CancelWaitForUpdates was called."));
  }

  private cancelWaiters(collector: Collector, error: VimFaultError): void {
    for (const waiter of collector.waiters) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    collector.waiters.clear();
  }

  /** Changes of the collector's filters since `base`; undefined when there are none. Records the new version. */
  private computeUpdates(collector: Collector, base: ReportedState, maxObjectUpdates: number | undefined): Record<string, unknown> | undefined {
    const next: ReportedState = new Map();
    const filterSet: Record<string, unknown>[] = [];
    let budget = maxObjectUpdates ?? Number.POSITIVE_INFINITY;
    let truncated = false;
    for (const filter of collector.filters.values()) {
      const previous = base.get(filter.id) ?? { objects: new Map(), missing: new Set<string>() };
      const reported: ReportedFilter = { objects: new Map(previous.objects), missing: new Set(previous.missing) };
      next.set(filter.id, reported);
      const objectSet: Record<string, unknown>[] = [];
      const missingSet: Record<string, unknown>[] = [];
      const selected = selectObjects(this.world, collector.sessionToken, filter.spec.selection);
      const selectedKeys = new Set(selected.map((object) => object.key));
      // An object a traversal no longer reaches leaves the filter, like one that no longer exists.
      const departed = [...previous.objects.keys()].filter((key) => !selectedKeys.has(key)).map((key) => ({ ...objectOfKey(key), key, skip: false, departed: true }));
      for (const object of [...selected, ...departed]) {
        if (object.skip) continue;
        const paths = filter.spec.paths.get(object.type);
        if (!paths) continue;
        const before = previous.objects.get(object.key);
        const now = "departed" in object ? undefined : this.readObject(object, paths, collector.sessionToken);
        if (!now && !before) {
          if (filter.spec.reportMissing && !previous.missing.has(object.key)) {
            missingSet.push({ _typeName: "MissingObject", obj: moRef(object.type, object.id), fault: faultBody("ManagedObjectNotFound", { obj: moRef(object.type, object.id) }) });
            reported.missing.add(object.key);
          }
          continue;
        }
        const update = this.objectUpdate(object, before, now);
        if (!update) continue;
        if (budget <= 0) {
          truncated = true;
          continue;
        }
        budget -= 1;
        objectSet.push(update);
        if (now) reported.objects.set(object.key, now);
        else reported.objects.delete(object.key);
      }
      if (objectSet.length || missingSet.length) {
        const filterUpdate: Record<string, unknown> = { _typeName: "PropertyFilterUpdate", filter: moRef("PropertyFilter", filter.id) };
        if (objectSet.length) filterUpdate.objectSet = objectSet;
        if (missingSet.length) filterUpdate.missingSet = missingSet;
        filterSet.push(filterUpdate);
      }
    }
    if (filterSet.length === 0) return undefined;
    const version = String(collector.nextVersion++);
    collector.versions.set(version, next);
    while (collector.versions.size > MAX_KEPT_VERSIONS) collector.versions.delete(collector.versions.keys().next().value as string);
    return { _typeName: "UpdateSet", version, filterSet, truncated };
  }

  private objectUpdate(object: SelectedObject, before: Map<string, string> | undefined, now: Map<string, string> | undefined): Record<string, unknown> | undefined {
    const obj = moRef(object.type, object.id);
    if (!now) return { _typeName: "ObjectUpdate", kind: "leave", obj };
    const changeSet: Record<string, unknown>[] = [];
    if (!before) {
      for (const [path, serialized] of now) changeSet.push({ _typeName: "PropertyChange", name: path, op: "assign", val: boxAny(JSON.parse(serialized), propertyPathType(object.type, path)) });
      const update: Record<string, unknown> = { _typeName: "ObjectUpdate", kind: "enter", obj };
      if (changeSet.length) update.changeSet = changeSet;
      return update;
    }
    const paths = new Set([...before.keys(), ...now.keys()]);
    for (const path of paths) {
      const old = before.get(path);
      const current = now.get(path);
      if (old === current) continue;
      const change: Record<string, unknown> = { _typeName: "PropertyChange", name: path, op: "assign" };
      if (current !== undefined) change.val = boxAny(JSON.parse(current), propertyPathType(object.type, path));
      changeSet.push(change);
    }
    if (changeSet.length === 0) return undefined;
    return { _typeName: "ObjectUpdate", kind: "modify", obj, changeSet };
  }

  // ---- change events -------------------------------------------------------------------------------------------

  private onChange(type: string, id: string): void {
    const key = objectKey(type, id);
    for (const collector of this.collectors.values()) {
      if (collector.waiters.size === 0 || collector.evaluationScheduled) continue;
      for (const filter of collector.filters.values()) {
        if (filter.spec.selection.followsInventory || filter.spec.selection.roots.some((root) => root.object.key === key)) {
          this.scheduleEvaluation(collector);
          break;
        }
      }
    }
  }

  /** Coalesces the notifications of one tick into one evaluation of the waiting calls. */
  private scheduleEvaluation(collector: Collector): void {
    if (collector.evaluationScheduled || collector.waiters.size === 0) return;
    collector.evaluationScheduled = true;
    setImmediate(() => {
      collector.evaluationScheduled = false;
      for (const waiter of [...collector.waiters]) {
        let done = false;
        try {
          done = waiter.evaluate();
        } catch (error) {
          waiter.reject(error);
          done = true;
        }
        if (done) {
          if (waiter.timer) clearTimeout(waiter.timer);
          collector.waiters.delete(waiter);
        }
      }
    });
  }

  private onSessionEnd(session: Session): void {
    for (const [key, collector] of [...this.collectors]) {
      if (collector.sessionToken !== session.token) continue;
      this.cancelWaiters(collector, faults.requestCanceled("The session was closed."));
      for (const filterId of collector.filters.keys()) this.filterOwners.delete(filterId);
      this.collectors.delete(key);
    }
  }
}

export function propertyCollectorMethods(service: PropertyCollectorService): RegisteredMethod[] {
  const session = (call: CallContext): Session => call.session as Session;
  return [
    defineMethod("PropertyCollector", "CreatePropertyCollector", { body: NO_BODY, privilege: "System.View" }, (call) => service.createCollector(session(call))),
    defineMethod("PropertyCollector", "DestroyPropertyCollector", { body: NO_BODY, privilege: "System.View" }, (call) => {
      service.destroyCollector(session(call), call.moId);
      return undefined;
    }),
    defineMethod("PropertyCollector", "CreateFilter", { body: requiredBody(createFilterBody), privilege: "System.View" }, (call) =>
      service.createFilter(session(call), call.moId, call.body.spec, call.body.partialUpdates),
    ),
    defineMethod("PropertyCollector", "RetrievePropertiesEx", { body: requiredBody(retrievePropertiesExBody), privilege: "System.Anonymous" }, (call) =>
      service.retrieve(session(call), call.moId, call.body.specSet, call.body.options.maxObjects),
    ),
    defineMethod("PropertyCollector", "ContinueRetrievePropertiesEx", { body: requiredBody(continueRetrievePropertiesExBody), privilege: "System.View" }, (call) =>
      service.continueRetrieve(session(call), call.moId, call.body.token),
    ),
    defineMethod("PropertyCollector", "WaitForUpdatesEx", { body: optionalBody(waitForUpdatesExBody), privilege: "System.View" }, (call) =>
      service.waitForUpdates(session(call), call.moId, call.body.version, call.body.options?.maxWaitSeconds, call.body.options?.maxObjectUpdates),
    ),
    defineMethod("PropertyCollector", "CancelWaitForUpdates", { body: NO_BODY, privilege: "System.View" }, (call) => {
      service.cancelWaits(session(call), call.moId);
      return undefined;
    }),
    defineMethod("PropertyFilter", "DestroyPropertyFilter", { body: NO_BODY, privilege: "System.View" }, (call) => {
      service.destroyFilter(session(call), call.moId);
      return undefined;
    }),
  ];
}

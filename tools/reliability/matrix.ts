/**
 * Runs the fault matrix: for every resource × scenario × operation, a fresh object, the operation driven in this
 * process through the resource's provider.ts (as the dynamic-provider host would call it, check first), the fault armed,
 * then an audit of the simulator's inventory against what Pulumi's state would hold afterwards, a refresh (read with
 * the fault gone) and a re-run of a failed operation (the user's next `pulumi up`/`destroy`).
 *
 * State after an operation follows the engine: create → the new record, or the partial failure's id and properties, or
 * nothing; update → the new outputs, the partial failure's properties, or the old record; delete → nothing, or the old
 * record on failure; read → the refreshed record, nothing when it reports the object gone, the old record on failure.
 */
import { CheckFailures, firstLine, judgeError } from "./errors";
import type { CellResult, Operation, ResourceAdapter, StateRecord, Target, Verdict } from "./model";
import { OPERATIONS } from "./model";
import type { Scenario } from "./scenarios";
import type { ReliabilityTwin } from "./twin";

/** Past the operation's own deadline by this much, a hang is declared (the cell is lost). */
const WATCHDOG_GRACE_MS = 45_000;
const BASE_TIMEOUT_SECONDS = 30;
/** An operation may overrun its deadline by this much (a last read, a cancel, undoing a half-made object). */
const OVERRUN_MS = 15_000;

interface OpOutcome {
  records: StateRecord[];
  error?: unknown;
}

function isPartial(error: unknown): error is { id: string; properties: Record<string, unknown> } {
  return !!error && typeof error === "object" && (error as { kind?: unknown }).kind === "partial" && typeof (error as { id?: unknown }).id === "string";
}

function withoutProvider(values: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...values };
  delete copy["__provider"];
  return copy;
}

async function checked(adapter: ResourceAdapter, olds: Record<string, unknown>, news: Record<string, unknown>, operation: string): Promise<Record<string, unknown>> {
  const result = await adapter.crud.check(olds, news);
  if (result.failures && result.failures.length > 0) throw new CheckFailures(operation, result.failures);
  return result.inputs ?? news;
}

/** One operation as the engine drives it, and the state records it leaves. */
async function runOp(adapter: ResourceAdapter, op: Operation, target: Target, base: StateRecord | undefined, copy: number, timeoutSeconds: number): Promise<OpOutcome> {
  const crud = adapter.crud;
  switch (op) {
    case "create": {
      try {
        const inputs = await checked(adapter, {}, adapter.createInputs(target, copy, timeoutSeconds), `check ${adapter.type}`);
        const result = await crud.create(inputs);
        return { records: [{ id: result.id, outs: result.outs ?? {} }] };
      } catch (error) {
        return { records: isPartial(error) ? [{ id: error.id, outs: withoutProvider(error.properties) }] : [], error };
      }
    }
    case "read": {
      const record = base as StateRecord;
      try {
        const result = await crud.read(record.id, record.outs);
        if (!result.id) return { records: [] };
        return { records: [{ id: result.id, outs: result.props ?? {} }] };
      } catch (error) {
        return { records: [record], error };
      }
    }
    case "update": {
      const record = base as StateRecord;
      try {
        const news = await checked(adapter, record.outs, adapter.updateInputs(target, record, timeoutSeconds), `check ${adapter.type}`);
        await crud.diff(record.id, record.outs, news);
        const result = await crud.update(record.id, record.outs, news);
        return { records: [{ id: record.id, outs: result.outs ?? {} }] };
      } catch (error) {
        return { records: [isPartial(error) ? { id: record.id, outs: withoutProvider(error.properties) } : record], error };
      }
    }
    case "delete": {
      const record = base as StateRecord;
      try {
        await crud.delete(record.id, record.outs);
        return { records: [] };
      } catch (error) {
        return { records: [record], error };
      }
    }
  }
}

/** Runs `work`, or reports a hang when it outlives its deadline by WATCHDOG_GRACE_MS. */
async function watched<T>(work: Promise<T>, timeoutSeconds: number): Promise<{ value?: T; hung: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<"hung">((resolve) => {
    timer = setTimeout(() => resolve("hung"), timeoutSeconds * 1000 + WATCHDOG_GRACE_MS);
  });
  const winner = await Promise.race([work, hang]);
  clearTimeout(timer);
  return winner === "hung" ? { hung: true } : { value: winner as T, hung: false };
}

/** Merges the records of parallel copies: one per id, kept when any copy kept it. */
function merge(outcomes: OpOutcome[]): StateRecord[] {
  const byId = new Map<string, StateRecord>();
  for (const outcome of outcomes) for (const record of outcome.records) byId.set(record.id, record);
  return [...byId.values()];
}

/** `pulumi refresh`: read every record with no fault armed; read reporting the object gone drops it. */
async function refresh(adapter: ResourceAdapter, records: StateRecord[], problems: string[], context: { target: Target; secrets: string[] }): Promise<StateRecord[]> {
  const refreshed: StateRecord[] = [];
  for (const record of records) {
    try {
      const result = await adapter.crud.read(record.id, record.outs);
      if (result.id) refreshed.push({ id: result.id, outs: result.props ?? {} });
    } catch (error) {
      problems.push(`refresh failed with the fault gone: ${firstLine(error)}`);
      problems.push(...judgeError(error, context.target, [record], context.secrets));
      refreshed.push(record);
    }
  }
  return refreshed;
}

export interface CellSpec {
  adapter: ResourceAdapter;
  scenario: Scenario;
  op: Operation;
}

let cellCounter = 0;

export async function runCell(twin: ReliabilityTwin, spec: CellSpec): Promise<CellResult> {
  const { adapter, scenario, op } = spec;
  cellCounter += 1;
  const label = `rel-${cellCounter}-${scenario.short.replace(/[^a-z0-9]+/gi, "-")}-${op}`;
  const route = { throughFronts: scenario.throughFront === true };
  twin.reset(route);
  const problems: string[] = [];
  const errorLines: string[] = [];
  const started = Date.now();
  const target = await adapter.prepare(twin, label);
  const copies = scenario.copies;

  // The resources the operation acts on (update, read, delete): created first, with no fault.
  const bases: StateRecord[] = [];
  if (op !== "create") {
    const count = adapter.basePerCopy ? copies : 1;
    for (let copy = 0; copy < count; copy += 1) {
      // Delete and read take timeoutSeconds from the recorded outputs: the base carries the scenario's.
      const made = await runOp(adapter, "create", target, undefined, copy, scenario.timeoutSeconds);
      if (made.error || made.records.length !== 1) throw new Error(`${adapter.type}: could not create the base resource for ${scenario.short}/${op}: ${made.error ? firstLine(made.error) : "no record"}`);
      bases.push(made.records[0] as StateRecord);
    }
  }
  if (scenario.preview) {
    // `pulumi preview` before the change: check + diff against the recorded state.
    if (op === "create") await adapter.crud.check({}, adapter.createInputs(target, 0, scenario.timeoutSeconds));
    if (op === "update") {
      const base = bases[0] as StateRecord;
      const news = await adapter.crud.check(base.outs, adapter.updateInputs(target, base, scenario.timeoutSeconds));
      await adapter.crud.diff(base.id, base.outs, news.inputs ?? {});
    }
  }

  const armed = scenario.arm({ twin, adapter, target, op, bases });
  const requestsBefore = requestCount(twin);
  const opStarted = Date.now();
  const work = Promise.all(
    Array.from({ length: copies }, (_unused, copy) => runOp(adapter, op, target, bases.length === 0 ? undefined : bases[copy % bases.length], copy, scenario.timeoutSeconds)),
  );
  const { value: outcomes, hung } = await watched(work, scenario.timeoutSeconds);
  const opMs = Date.now() - opStarted;
  const madeRequests = requestCount(twin) > requestsBefore;
  const exercised = armed.exercised();
  await armed.disarm();
  twin.reset(route);
  const ms = Date.now() - started;
  if (hung || !outcomes) {
    return { resource: adapter.type, scenario: scenario.short, operation: op, verdict: "lost", exercised, ms, opMs, errors: [], problems: [`the operation hung past its deadline (${scenario.timeoutSeconds} s + ${WATCHDOG_GRACE_MS / 1000} s)`] };
  }
  if (opMs > scenario.timeoutSeconds * 1000 + OVERRUN_MS) problems.push(`the operation ran ${Math.round(opMs / 1000)} s, past its deadline of ${scenario.timeoutSeconds} s`);
  const secrets = twin.secrets();
  const failed = outcomes.filter((outcome) => outcome.error !== undefined);
  for (const outcome of failed) {
    errorLines.push(firstLine(outcome.error));
    problems.push(...judgeError(outcome.error, target, [...outcome.records, ...bases], secrets));
  }
  // Work a fault left running (a task that went on after its answer was lost) ends before the audit.
  await sleep(250);
  let records = merge(outcomes);
  // A successful operation returned outputs that must match the world as it is.
  if (failed.length < outcomes.length) {
    const succeeded = merge(outcomes.filter((outcome) => outcome.error === undefined));
    problems.push(...adapter.reached(twin, target, op, records, bases));
    // An operation that made no request (FailoverPlanRun update, the deletes that leave the VM) can only echo state;
    // its outputs are held to the world after the refresh below.
    if (failed.length === 0 && madeRequests) problems.push(...adapter.audit(twin, target, succeeded).map((problem) => `returned outputs: ${problem}`));
  }
  // `pulumi refresh`, then the world and state must agree (orphans cannot be fixed by a refresh).
  records = await refresh(adapter, records, problems, { target, secrets });
  problems.push(...adapter.audit(twin, target, records).map((problem) => `after refresh: ${problem}`));

  // The user runs the operation again with the fault gone: it must end cleanly and leave the world consistent.
  if (failed.length > 0 && problems.length === 0) {
    const again = await rerun(adapter, op, target, records, bases, failed.length);
    for (const outcome of again) if (outcome.error) problems.push(...judgeError(outcome.error, target, [...outcome.records, ...bases], secrets).map((problem) => `re-run: ${problem}`));
    await sleep(200);
    const after = await refresh(adapter, again.length > 0 ? merge([{ records: records.filter((record) => !again.some((outcome) => outcome.touched === record.id)) }, ...again]) : records, problems, { target, secrets });
    problems.push(...adapter.audit(twin, target, after).map((problem) => `after re-run: ${problem}`));
  }

  const verdict: Verdict = problems.length > 0 ? "lost" : failed.length > 0 ? "failed-clean" : "survived";
  return { resource: adapter.type, scenario: scenario.short, operation: op, verdict, exercised, ms: Date.now() - started, opMs, errors: [...new Set(errorLines)], problems: [...new Set(problems)] };
}

/** The next `pulumi up` / `destroy` after a failure, with no fault: each failed copy runs again on what state holds. */
async function rerun(adapter: ResourceAdapter, op: Operation, target: Target, records: StateRecord[], bases: StateRecord[], failures: number): Promise<Array<OpOutcome & { touched?: string }>> {
  const runs: Array<OpOutcome & { touched?: string }> = [];
  if (op === "create") {
    // A recorded (partial) create is brought to the declared inputs by an update; a create that left nothing runs again.
    if (records.length > 0) {
      // (The engine updates a resource recorded with initialization errors on the next `pulumi up`.)
      for (const record of records) runs.push({ ...(await updateWithCreateInputs(adapter, target, record)), touched: record.id });
    } else {
      for (let copy = 0; copy < Math.min(failures, 2); copy += 1) runs.push(await runOp(adapter, "create", target, undefined, copy, BASE_TIMEOUT_SECONDS));
    }
    return runs;
  }
  if (op === "delete") {
    for (const record of records) runs.push({ ...(await runOp(adapter, "delete", target, record, 0, BASE_TIMEOUT_SECONDS)), touched: record.id });
    return runs;
  }
  if (op === "read") {
    for (const base of bases) if (records.some((record) => record.id === base.id)) runs.push({ ...(await runOp(adapter, "read", target, base, 0, BASE_TIMEOUT_SECONDS)), touched: base.id });
    return runs;
  }
  for (const record of records) runs.push({ ...(await runOp(adapter, "update", target, record, 0, BASE_TIMEOUT_SECONDS)), touched: record.id });
  return runs;
}

/** The update the next `pulumi up` runs on a partially created record: the program still declares the create inputs. */
async function updateWithCreateInputs(adapter: ResourceAdapter, target: Target, record: StateRecord): Promise<OpOutcome> {
  try {
    const news = await checked(adapter, record.outs, adapter.createInputs(target, 0, BASE_TIMEOUT_SECONDS), `check ${adapter.type}`);
    const result = await adapter.crud.update(record.id, record.outs, news);
    return { records: [{ id: record.id, outs: result.outs ?? {} }] };
  } catch (error) {
    return { records: [isPartial(error) ? { id: record.id, outs: withoutProvider(error.properties) } : record], error };
  }
}

function requestCount(twin: ReliabilityTwin): number {
  return twin.vsphere.server.stats.requests + twin.veeam.server.stats.requests + twin.zstack.server.stats.requests;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface MatrixOptions {
  resources: ResourceAdapter[];
  scenarios: Scenario[];
  operations?: Operation[];
  onCell?: (result: CellResult) => void;
}

/** Every resource × scenario × operation. */
export function allCells(options: Omit<MatrixOptions, "onCell">): CellSpec[] {
  const cells: CellSpec[] = [];
  for (const adapter of options.resources) {
    for (const scenario of options.scenarios) for (const op of options.operations ?? OPERATIONS) cells.push({ adapter, scenario, op });
  }
  return cells;
}

/**
 * The CI subset: every scenario on every resource for create, and for each scenario one of update / delete / read in
 * rotation (so every operation meets most faults), about half the full matrix.
 */
export function ciCells(resources: ResourceAdapter[], scenarios: Scenario[], part: "create" | "others"): CellSpec[] {
  const others: Operation[] = ["update", "delete", "read"];
  const cells: CellSpec[] = [];
  resources.forEach((adapter, resourceIndex) => {
    scenarios.forEach((scenario, scenarioIndex) => {
      cells.push({ adapter, scenario, op: part === "create" ? "create" : (others[(scenarioIndex + resourceIndex) % others.length] as Operation) });
    });
  });
  return cells;
}

export async function runCells(twin: ReliabilityTwin, cells: CellSpec[], onCell?: (result: CellResult) => void): Promise<CellResult[]> {
  const results: CellResult[] = [];
  for (const spec of cells) {
    let result: CellResult;
    try {
      result = await runCell(twin, spec);
    } catch (error) {
      result = { resource: spec.adapter.type, scenario: spec.scenario.short, operation: spec.op, verdict: "lost", exercised: false, ms: 0, opMs: 0, errors: [], problems: [`the harness failed: ${firstLine(error)}`] };
    }
    results.push(result);
    onCell?.(result);
  }
  return results;
}

export async function runMatrix(twin: ReliabilityTwin, options: MatrixOptions): Promise<CellResult[]> {
  return runCells(twin, allCells(options), options.onCell);
}

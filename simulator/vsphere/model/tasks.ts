/**
 * Tasks: a `*_Task` method answers a Task MoRef at once; the task goes queued → running (progress 0, 25, 50, 75) → success or
 * error after the configured duration. One running task per VM: a second one answers TaskInProgress {task}.
 * The work itself runs at completion (`complete`), so a change made out of band meanwhile can still fail the task.
 * Admin hooks: hang the next task (it never finishes), fail the next task with a given fault, per-operation durations.
 */
import { faultBody, faults, VimFaultError, type FaultBody } from "../faults";
import { moRef, type MoRef } from "../wire";
import type { Inventory } from "./inventory";
import type { TaskState } from "./stateTypes";

export interface TaskSpec {
  /** Method name, e.g. `PowerOnVM_Task`. */
  name: string;
  /** TaskInfo.descriptionId, e.g. `VirtualMachine.powerOn`. */
  descriptionId: string;
  entityType: string;
  entityId: string;
  entityName: string;
  /** Holds this VM's task slot until the task ends. */
  lockVmId?: string;
  cancelable: boolean;
  userName: string;
  /** Does the work at completion and returns TaskInfo.result in wire form; throws VimFaultError to end in error. */
  complete: () => unknown;
  /** A fault to end the task with instead of doing the work (precondition faults delivered through the task). */
  presetError?: FaultBody;
}

export interface TaskFailurePlan {
  faultType: string;
  fields?: Record<string, unknown>;
  message?: string;
  /** Only a task on this VM (as entity or lock) takes the plan; any task when absent. */
  vmId?: string;
  /** Only a task of this method takes the plan. */
  method?: string;
}

export interface TaskHangPlan {
  vmId?: string;
  method?: string;
}

interface RunningTimers {
  handles: NodeJS.Timeout[];
}

const PROGRESS_STEPS = [25, 50, 75];

export class TaskRunner {
  readonly tasks = new Map<string, TaskState>();
  private readonly busyByVm = new Map<string, string>();
  private readonly timers = new Map<string, RunningTimers>();
  private readonly hungTaskIds = new Set<string>();
  private readonly pendingCompletions = new Map<string, () => void>();
  private nextTaskNumber = 1001;
  private nextEventChainId = 5001;
  readonly failurePlans: TaskFailurePlan[] = [];
  readonly hangPlans: TaskHangPlan[] = [];

  constructor(private readonly inventory: Inventory) {}

  ref(task: TaskState): MoRef {
    return moRef("Task", task.id);
  }

  /** The task holding a VM's slot, if any. */
  busyTask(vmId: string): TaskState | undefined {
    const taskId = this.busyByVm.get(vmId);
    return taskId ? this.tasks.get(taskId) : undefined;
  }

  assertVmFree(vmId: string): void {
    const busy = this.busyTask(vmId);
    if (busy) throw faults.taskInProgress(this.ref(busy));
  }

  running(): TaskState[] {
    return [...this.tasks.values()].filter((task) => task.state === "queued" || task.state === "running");
  }

  start(spec: TaskSpec): MoRef {
    if (spec.lockVmId) this.assertVmFree(spec.lockVmId);
    const id = `task-${this.nextTaskNumber++}`;
    const task: TaskState = {
      id,
      name: spec.name,
      descriptionId: spec.descriptionId,
      entityType: spec.entityType,
      entityId: spec.entityId,
      entityName: spec.entityName,
      lockedVmId: spec.lockVmId,
      state: "queued",
      cancelled: false,
      cancelable: spec.cancelable,
      queueTime: Date.now(),
      eventChainId: this.nextEventChainId++,
      userName: spec.userName,
    };
    this.tasks.set(id, task);
    if (spec.lockVmId) this.busyByVm.set(spec.lockVmId, id);
    this.inventory.notify("Task", id);

    const failure = spec.presetError ?? this.takeFailurePlan(spec);
    const hang = this.takeHangPlan(spec);
    const durationMs = this.inventory.taskDurationFor(spec.name, spec.lockVmId ?? spec.entityId);
    const timers: RunningTimers = { handles: [] };
    this.timers.set(id, timers);
    const hangs = hang || !Number.isFinite(durationMs);
    // Registered at once, not when the task starts running: finishHung() must see a task that is still queued.
    if (hangs) {
      this.hungTaskIds.add(id);
      this.pendingCompletions.set(id, () => {
        if (task.state === "queued") {
          task.state = "running";
          task.startTime = Date.now();
        }
        this.finish(task, spec, failure);
      });
    }

    timers.handles.push(
      setTimeout(() => {
        if (task.state !== "queued") return;
        task.state = "running";
        task.startTime = Date.now();
        task.progress = 0;
        this.inventory.notify("Task", id);
        if (hangs) return;
        const total = Math.max(0, durationMs);
        for (const step of PROGRESS_STEPS) {
          timers.handles.push(
            setTimeout(() => {
              if (task.state !== "running") return;
              task.progress = step;
              this.inventory.notify("Task", id);
            }, (total * step) / 100),
          );
        }
        timers.handles.push(setTimeout(() => this.finish(task, spec, failure), total));
      }, 0),
    );
    return this.ref(task);
  }

  /** CancelTask: NotSupported when not cancelable, InvalidState when already finished or cancelled. */
  cancel(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task) throw faults.managedObjectNotFound(moRef("Task", taskId));
    if (task.state === "success" || task.state === "error" || task.cancelled) throw faults.invalidState("The task has already completed or been canceled.");
    if (!task.cancelable) throw faults.notSupported("The task is not cancelable.");
    task.cancelled = true;
    this.end(task, "error", undefined, faults.requestCanceled().body);
  }

  /** Lets every hung task finish now (doing its work). Returns how many. */
  finishHung(): number {
    const completions = [...this.pendingCompletions.values()];
    this.pendingCompletions.clear();
    this.hungTaskIds.clear();
    for (const complete of completions) complete();
    return completions.length;
  }

  dispose(): void {
    for (const timers of this.timers.values()) for (const handle of timers.handles) clearTimeout(handle);
    this.timers.clear();
    this.pendingCompletions.clear();
  }

  private finish(task: TaskState, spec: TaskSpec, failure: FaultBody | undefined): void {
    if (task.state !== "running") return;
    if (failure) return this.end(task, "error", undefined, failure);
    try {
      const result = spec.complete();
      this.end(task, "success", result, undefined);
    } catch (error) {
      if (error instanceof VimFaultError) return this.end(task, "error", undefined, error.body);
      this.end(task, "error", undefined, faultBody("SystemError", { reason: String(error) }, "The simulator failed while running the task."));
    }
  }

  private end(task: TaskState, state: "success" | "error", result: unknown, error: FaultBody | undefined): void {
    const timers = this.timers.get(task.id);
    if (timers) for (const handle of timers.handles) clearTimeout(handle);
    this.timers.delete(task.id);
    this.hungTaskIds.delete(task.id);
    this.pendingCompletions.delete(task.id);
    task.state = state;
    task.completeTime = Date.now();
    if (task.startTime === undefined) task.startTime = task.completeTime;
    if (state === "success") {
      task.progress = 100;
      if (result !== undefined) task.result = result;
    } else {
      task.error = error;
    }
    if (task.lockedVmId && this.busyByVm.get(task.lockedVmId) === task.id) this.busyByVm.delete(task.lockedVmId);
    this.inventory.notify("Task", task.id);
  }

  private takeFailurePlan(spec: TaskSpec): FaultBody | undefined {
    const index = this.failurePlans.findIndex((plan) => matches(plan, spec));
    if (index < 0) return undefined;
    const [plan] = this.failurePlans.splice(index, 1);
    return faultBody(plan.faultType, plan.fields ?? {}, plan.message ?? `Injected failure (${plan.faultType}).`);
  }

  private takeHangPlan(spec: TaskSpec): boolean {
    const index = this.hangPlans.findIndex((plan) => matches(plan, spec));
    if (index < 0) return false;
    this.hangPlans.splice(index, 1);
    return true;
  }
}

function matches(plan: { vmId?: string; method?: string }, spec: TaskSpec): boolean {
  if (plan.method !== undefined && plan.method !== spec.name) return false;
  if (plan.vmId !== undefined && plan.vmId !== spec.lockVmId && plan.vmId !== spec.entityId) return false;
  return true;
}

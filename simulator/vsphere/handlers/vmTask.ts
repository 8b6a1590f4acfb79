/**
 * How every `*_Task` method on a VM (power, snapshots, FT) starts its task: the VM's task slot must be free
 * (TaskInProgress {task} is always the HTTP answer); the precondition runs now and again when the task completes (the
 * world may have changed meanwhile); a precondition fault is the HTTP answer, or with
 * `world.preconditionFaults = "task"` the error of a task created anyway. The task's entity is the VM and it holds the
 * VM's slot until it ends.
 */
import { VimFaultError } from "../faults";
import type { VmState } from "../model/stateTypes";
import type { MoRef } from "../wire";
import type { MethodCall } from "./methodRegistry";

export interface VmTaskKind {
  /** Method name, e.g. `PowerOnVM_Task`. */
  name: string;
  /** TaskInfo.descriptionId, e.g. `VirtualMachine.powerOn`. */
  descriptionId: string;
  cancelable: boolean;
}

/** Starts the task; `complete` does the work at the end and returns TaskInfo.result in wire form (or undefined). */
export function startVmTask(call: MethodCall<unknown>, vm: VmState, kind: VmTaskKind, precheck: () => void, complete: () => unknown): MoRef {
  const { world } = call;
  const spec = {
    ...kind,
    entityType: "VirtualMachine",
    entityId: vm.id,
    entityName: vm.name,
    lockVmId: vm.id,
    userName: call.session.userName,
    complete: () => {
      precheck();
      return complete();
    },
  };
  world.taskRunner.assertVmFree(vm.id);
  try {
    precheck();
  } catch (error) {
    if (error instanceof VimFaultError && world.preconditionFaults === "task") return world.taskRunner.start({ ...spec, presetError: error.body });
    throw error;
  }
  return world.taskRunner.start(spec);
}

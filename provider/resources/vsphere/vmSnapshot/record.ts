import * as declared from "../../common/declaration";
import type { VmSnapshotInputs, VmSnapshotOutputs } from "./args";
import { vmSnapshotDeclaration as declaration } from "./spec";
import { observedText, type SnapshotNode, type SnapshotTree } from "./tree";

/* What `vsphere:VmSnapshot` records: the inputs as applied (name and description as vCenter holds them) and the snapshot. */

export function vmObject(vmId: string): string {
  return `VirtualMachine:${vmId}`;
}

export function snapshotObject(snapshotId: string): string {
  return `VirtualMachineSnapshot:${snapshotId}`;
}

export function outputsFrom(inputs: VmSnapshotInputs, node: SnapshotNode, tree: SnapshotTree, endpoint: string): Record<string, unknown> {
  const applied = { ...inputs, name: observedText(node.name, inputs.name), description: observedText(node.description, inputs.description) };
  const observed: Omit<VmSnapshotOutputs, keyof VmSnapshotInputs | "endpoint"> = {
    snapshotId: node.id,
    createTime: node.createTime,
    powerState: node.state,
    quiesced: node.quiesced,
    parentSnapshotId: node.parentId,
    isCurrent: tree.currentId === node.id,
  };
  return declared.recordOutputs(declaration, applied, observed, endpoint);
}

/**
 * VI methods for Fault Tolerance (rules in model/faultTolerance.ts), all invoked on the primary:
 * CreateSecondaryVMEx_Task {host?, spec?} (and the deprecated CreateSecondaryVM_Task {host?}), result
 * FaultToleranceSecondaryOpResult; DisableSecondaryVM_Task {vm}; EnableSecondaryVM_Task {vm, host?}, result
 * FaultToleranceSecondaryOpResult; TurnOffFaultToleranceForVM_Task; TerminateFaultTolerantVM_Task {vm?} ("Test
 * Restart Secondary"); MakePrimaryVM_Task {vm} ("Test Failover"); QueryFaultToleranceCompatibility(Ex) → MethodFault[].
 */
import { faultBody, faults } from "../faults";
import {
  checkCreateSecondary,
  checkDisableSecondary,
  checkEnableSecondary,
  checkMakePrimary,
  checkSecondaryHost,
  checkTerminate,
  checkTurnOff,
  createSecondary,
  disableSecondary,
  enableSecondary,
  ftIncompatibilities,
  makePrimary,
  terminateSecondaries,
  turnOffFaultTolerance,
} from "../model/faultTolerance";
import type { VmState } from "../model/stateTypes";
import {
  createSecondaryVmBody,
  createSecondaryVmExBody,
  disableSecondaryVmBody,
  enableSecondaryVmBody,
  makePrimaryVmBody,
  NO_BODY,
  optionalBody,
  queryFaultToleranceCompatibilityExBody,
  requiredBody,
  terminateFaultTolerantVmBody,
  type BodyRule,
  type FaultToleranceConfigSpecInput,
} from "../requestBodies";
import type { MoRefInput } from "../requestTypes";
import { moRef } from "../wire";
import { defineMethod } from "./defineMethod";
import { entityOf, expectMoRef, type MethodCall, type RegisteredMethod } from "./methodRegistry";
import { startVmTask } from "./vmTask";

function secondaryOpResult(primary: VmState, secondary: VmState, attempted: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = { _typeName: "FaultToleranceSecondaryOpResult", vm: moRef("VirtualMachine", secondary.id), powerOnAttempted: attempted };
  if (attempted) {
    result.powerOnResult =
      secondary.powerState === "poweredOn"
        ? { _typeName: "ClusterPowerOnVmResult", attempted: [{ _typeName: "ClusterAttemptedVmInfo", vm: moRef("VirtualMachine", secondary.id) }] }
        : {
            _typeName: "ClusterPowerOnVmResult",
            notAttempted: [
              {
                _typeName: "ClusterNotAttemptedVmInfo",
                vm: moRef("VirtualMachine", secondary.id),
                fault: faultBody("NoHostSuitableForFtSecondary", { vm: moRef("VirtualMachine", primary.id), vmName: primary.name }, "No compatible host for the secondary."),
              },
            ],
          };
  }
  return result;
}

function createSecondaryTask(call: MethodCall<{ host?: MoRefInput; spec?: FaultToleranceConfigSpecInput }>, name: "CreateSecondaryVMEx_Task" | "CreateSecondaryVM_Task") {
  const { world, body } = call;
  const primary = world.requireVm(call.moId);
  const host = body.host ? entityOf(body.host) : undefined;
  const precheck = () => {
    checkCreateSecondary(world, primary);
    const spec = body.spec;
    if (spec?.metaDataPath) expectMoRef(world, spec.metaDataPath.metaDataDatastore, "Datastore", "spec.metaDataPath.metaDataDatastore");
    if (spec?.secondaryVmSpec?.vmConfig) expectMoRef(world, spec.secondaryVmSpec.vmConfig, "Datastore", "spec.secondaryVmSpec.vmConfig");
    (spec?.secondaryVmSpec?.disks ?? []).forEach((disk, index) => expectMoRef(world, disk.datastore, "Datastore", `spec.secondaryVmSpec.disks[${index}].datastore`));
    checkSecondaryHost(world, primary, host);
  };
  const descriptionId = name === "CreateSecondaryVMEx_Task" ? "VirtualMachine.createSecondaryEx" : "VirtualMachine.createSecondary";
  return startVmTask(call, primary, { name, descriptionId, cancelable: true }, precheck, () => {
    const { secondary, attempted } = createSecondary(world, primary, { host, datastoreId: body.spec?.secondaryVmSpec?.vmConfig?.value });
    return secondaryOpResult(primary, secondary, attempted);
  });
}

export const faultToleranceMethods: RegisteredMethod[] = [
  defineMethod("VirtualMachine", "CreateSecondaryVMEx_Task", { body: optionalBody(createSecondaryVmExBody), privilege: "VirtualMachine.Interact.CreateSecondary" }, (call) =>
    createSecondaryTask(call, "CreateSecondaryVMEx_Task"),
  ),
  defineMethod("VirtualMachine", "CreateSecondaryVM_Task", { body: optionalBody(createSecondaryVmBody), privilege: "VirtualMachine.Interact.CreateSecondary" }, (call) =>
    createSecondaryTask(call, "CreateSecondaryVM_Task"),
  ),

  defineMethod("VirtualMachine", "DisableSecondaryVM_Task", { body: requiredBody(disableSecondaryVmBody), privilege: "VirtualMachine.Interact.DisableSecondary" }, (call) => {
    const primary = call.world.requireVm(call.moId);
    return startVmTask(
      call,
      primary,
      { name: "DisableSecondaryVM_Task", descriptionId: "VirtualMachine.disableSecondary", cancelable: false },
      () => checkDisableSecondary(call.world, primary, entityOf(call.body.vm)),
      () => disableSecondary(call.world, primary, entityOf(call.body.vm)),
    );
  }),

  defineMethod("VirtualMachine", "EnableSecondaryVM_Task", { body: requiredBody(enableSecondaryVmBody), privilege: "VirtualMachine.Interact.EnableSecondary" }, (call) => {
    const { world, body } = call;
    const primary = world.requireVm(call.moId);
    const host = body.host ? entityOf(body.host) : undefined;
    return startVmTask(
      call,
      primary,
      { name: "EnableSecondaryVM_Task", descriptionId: "VirtualMachine.enableSecondary", cancelable: true },
      () => checkEnableSecondary(world, primary, entityOf(body.vm), host),
      () => {
        const { secondary, attempted } = enableSecondary(world, primary, entityOf(body.vm), host);
        return secondaryOpResult(primary, secondary, attempted);
      },
    );
  }),

  defineMethod("VirtualMachine", "TurnOffFaultToleranceForVM_Task", { body: NO_BODY, privilege: "VirtualMachine.Interact.TurnOffFaultTolerance" }, (call) => {
    const primary = call.world.requireVm(call.moId);
    return startVmTask(
      call,
      primary,
      { name: "TurnOffFaultToleranceForVM_Task", descriptionId: "VirtualMachine.turnOffFaultTolerance", cancelable: false },
      () => checkTurnOff(primary),
      () => turnOffFaultTolerance(call.world, primary),
    );
  }),

  defineMethod("VirtualMachine", "TerminateFaultTolerantVM_Task", { body: optionalBody(terminateFaultTolerantVmBody), privilege: "VirtualMachine.Interact.TerminateFaultTolerantVM" }, (call) => {
    const primary = call.world.requireVm(call.moId);
    const secondary = call.body.vm ? entityOf(call.body.vm) : undefined;
    return startVmTask(
      call,
      primary,
      { name: "TerminateFaultTolerantVM_Task", descriptionId: "VirtualMachine.terminateFaultTolerantVM", cancelable: false },
      () => checkTerminate(call.world, primary, secondary),
      () => terminateSecondaries(call.world, primary, secondary),
    );
  }),

  defineMethod("VirtualMachine", "MakePrimaryVM_Task", { body: requiredBody(makePrimaryVmBody), privilege: "VirtualMachine.Interact.MakePrimary" }, (call) => {
    const primary = call.world.requireVm(call.moId);
    return startVmTask(
      call,
      primary,
      { name: "MakePrimaryVM_Task", descriptionId: "VirtualMachine.makePrimary", cancelable: false },
      () => checkMakePrimary(call.world, primary, entityOf(call.body.vm)),
      () => {
        makePrimary(call.world, primary, entityOf(call.body.vm));
        return undefined;
      },
    );
  }),

  compatibilityQuery("QueryFaultToleranceCompatibilityEx", optionalBody(queryFaultToleranceCompatibilityExBody)),
  compatibilityQuery("QueryFaultToleranceCompatibility", NO_BODY),
];

function compatibilityQuery(name: string, body: BodyRule<{ forLegacyFt?: boolean }>): RegisteredMethod {
  return defineMethod("VirtualMachine", name, { body, privilege: "VirtualMachine.Config.QueryFTCompatibility" }, (call) => {
    const vm = call.world.requireVm(call.moId);
    if (vm.template) throw faults.notSupported("The virtual machine is a template.");
    const reasons = ftIncompatibilities(call.world, vm);
    const legacy = name === "QueryFaultToleranceCompatibility" || call.body.forLegacyFt === true;
    if (legacy) reasons.push(faultBody("NotSupported", {}, "Legacy (record/replay) fault tolerance is not supported by this vCenter."));
    return reasons;
  });
}

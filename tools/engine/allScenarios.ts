import type { LifecycleScenario } from "./scenarios";
import { failoverPlanRunScenario, ftSecondaryScenario, vmInstanceRecoveryScenario, vmPowerStateScenario, vmSnapshotScenario } from "./scenarios";

export const ALL_SCENARIOS: LifecycleScenario[] = [ftSecondaryScenario, vmSnapshotScenario, vmPowerStateScenario, failoverPlanRunScenario, vmInstanceRecoveryScenario];

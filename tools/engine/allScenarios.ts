import type { LifecycleScenario } from "./scenarios";
import {
  failoverPlanRunScenario,
  ftFailoverTestScenario,
  ftSecondaryScenario,
  vmInstanceRecoveryScenario,
  vmPowerStateScenario,
  vmSnapshotRevertScenario,
  vmSnapshotScenario,
} from "./scenarios";

export const ALL_SCENARIOS: LifecycleScenario[] = [
  ftSecondaryScenario,
  vmSnapshotScenario,
  vmPowerStateScenario,
  failoverPlanRunScenario,
  vmInstanceRecoveryScenario,
  ftFailoverTestScenario,
  vmSnapshotRevertScenario,
];

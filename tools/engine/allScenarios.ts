import type { LifecycleScenario } from "./scenarios";
import { vmInstanceRecoveryScenario } from "./scenarios";

export const ALL_SCENARIOS: LifecycleScenario[] = [vmInstanceRecoveryScenario];

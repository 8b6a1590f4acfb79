import type { OfflineTwin } from "../../simulator";

/** What examples/flagship/index.ts needs beyond the twin's seed inventory: a ZStack VM that was destroyed by mistake. */
export interface FlagshipFixture {
  destroyedWebVmUuid: string;
}

export function prepareWorld(twin: OfflineTwin): FlagshipFixture {
  const web = twin.zstack.world.addVm({ name: "web-03", state: "Destroyed" });
  return { destroyedWebVmUuid: web.uuid };
}

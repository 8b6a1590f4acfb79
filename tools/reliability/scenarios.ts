/**
 * The fault scenarios (columns of the matrix). Each arms its fault before the operation and says afterwards whether
 * the fault actually hit it. Transport faults use the simulators' fault injector (simulator/common/faultInjector.ts);
 * "mid-operation" faults fire from `onHandled` once the call that changes the world has been handled by the simulator;
 * endpoints that misbehave (never answer, trickle) are played by the misbehaving front before the simulator
 * (tools/hostile/front.ts), through which such a cell's providers talk from its first request to its last.
 */
import type { Misbehaviour } from "../hostile/front";
import type { Operation, ResourceAdapter, StateRecord, Target } from "./model";
import type { ReliabilityTwin } from "./twin";

export interface ArmContext {
  twin: ReliabilityTwin;
  adapter: ResourceAdapter;
  target: Target;
  op: Operation;
  bases: StateRecord[];
}

export interface Armed {
  /** Did the fault hit the operation? */
  exercised(): boolean;
  /** Removes the fault; lets hung work finish. */
  disarm(): Promise<void>;
}

export interface Scenario {
  name: string;
  /** Short label for the printed matrix. */
  short: string;
  /** timeoutSeconds of the operation (short for the deadline scenario). */
  timeoutSeconds: number;
  /** Copies of the operation run at once on the same object. */
  copies: number;
  /** Run the preview (check + diff) before arming, as `pulumi preview` then `pulumi up` would. */
  preview: boolean;
  /** The cell's providers talk to the vendor through its misbehaving front (the whole cell, passing through until armed). */
  throughFront?: boolean;
  arm(context: ArmContext): Armed;
}

const TIMEOUT_SECONDS = 20;
const HANG_TIMEOUT_SECONDS = 2;
/** timeoutSeconds of the operations facing an endpoint that never answers or trickles: every request must end by it. */
const SILENT_ENDPOINT_TIMEOUT_SECONDS = 3;
/** One byte of the answer per this many ms: no real answer (tens of bytes and more) arrives before the deadline. */
const TRICKLE_INTERVAL_MS = 250;

/** The path a fault targets: the call that changes the world, or every call when the operation makes none. */
function targetPath(context: ArmContext): string {
  return context.adapter.mutatingPath(context.op) ?? "";
}

function injectorArm(context: ArmContext, plan: { latencyMs?: number; fail503?: number; drop?: number; dropAfter?: number }): Armed {
  const server = context.twin.server(context.adapter.vendor);
  const requestsBefore = server.stats.requests;
  const injectedBefore = server.faults.injected;
  server.faults.configure({ ...plan, pathContains: plan.latencyMs ? undefined : targetPath(context) });
  return {
    exercised: () => (plan.latencyMs ? server.stats.requests > requestsBefore : server.faults.injected > injectedBefore),
    disarm: async () => server.faults.reset(),
  };
}

/**
 * The vendor's front answers the call that changes the world (every call, when the operation makes none) as `misbehave`
 * says, until disarmed: the connections it holds are then cut.
 */
function frontArm(context: ArmContext, misbehave: Misbehaviour): Armed {
  const front = context.twin.front(context.adapter.vendor);
  const rule = front.arm({ match: targetPath(context), misbehave });
  return {
    exercised: () => rule.hits > 0,
    disarm: async () => front.disarm(),
  };
}

/** Runs `action` once, right after the simulator handled the first call whose path contains the target path. */
function afterHandled(context: ArmContext, action: () => void): Armed {
  const server = context.twin.server(context.adapter.vendor);
  const path = targetPath(context);
  let fired = false;
  const unsubscribe = server.onHandled((request) => {
    if (fired || !request.path.includes(path) || request.path.startsWith("/_sim/")) return;
    fired = true;
    action();
  });
  return {
    exercised: () => fired,
    disarm: async () => {
      unsubscribe();
      server.faults.reset();
    },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: "added latency (150 ms per request)",
    short: "latency",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => injectorArm(context, { latencyMs: 150 }),
  },
  {
    name: "HTTP 503 burst (3 answers) on the call that changes the world",
    short: "503 burst",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => injectorArm(context, { fail503: 3 }),
  },
  {
    name: "connection dropped mid-request, before the server acted",
    short: "drop before",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => injectorArm(context, { drop: 2 }),
  },
  {
    name: "connection dropped mid-request, after the server acted (answer lost)",
    short: "drop after",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => injectorArm(context, { dropAfter: 1 }),
  },
  {
    name: "connections dropped mid-wait (the 2 requests after the start)",
    short: "drop mid-wait",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => afterHandled(context, () => context.twin.server(context.adapter.vendor).faults.configure({ drop: 2 })),
  },
  {
    name: "session / token expired mid-operation",
    short: "session expiry",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => afterHandled(context, () => context.adapter.expireSessions(context.twin)),
  },
  {
    name: "simulator restarted mid-task (connections cut, port down 400 ms, sessions lost)",
    short: "restart",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => {
      let restarting: Promise<void> | undefined;
      const armed = afterHandled(context, () => {
        restarting = new Promise<void>((resolve) => {
          setTimeout(() => {
            context.adapter.expireSessions(context.twin);
            context.twin
              .server(context.adapter.vendor)
              .restart({ downMs: 400 })
              .then(resolve, () => resolve());
          }, 20);
        });
      });
      return {
        exercised: armed.exercised,
        disarm: async () => {
          await restarting;
          await armed.disarm();
        },
      };
    },
  },
  {
    name: "the task / job / run fails",
    short: "task fails",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => {
      const probe = context.adapter.armTaskFailure(context.twin, context.target, context.op);
      return {
        exercised: () => probe?.() ?? false,
        disarm: async () => context.adapter.disarm(context.twin, context.target),
      };
    },
  },
  {
    name: `the task / job / run never finishes (timeoutSeconds ${HANG_TIMEOUT_SECONDS}; then the hung work is let finish before the audit)`,
    short: "never ends",
    timeoutSeconds: HANG_TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    arm: (context) => {
      const probe = context.adapter.armHang(context.twin, context.target, context.op);
      return {
        exercised: () => probe?.() ?? false,
        disarm: async () => {
          context.adapter.disarm(context.twin, context.target);
          await context.adapter.settleHang(context.twin, context.target);
        },
      };
    },
  },
  {
    name: "contention: ten resources on one object at once, another client's task holding the VM",
    short: "10 at once",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 10,
    preview: false,
    arm: (context) => {
      context.adapter.occupy?.(context.twin, context.target);
      return { exercised: () => true, disarm: async () => undefined };
    },
  },
  {
    name: "out-of-band change between preview and apply",
    short: "out-of-band",
    timeoutSeconds: TIMEOUT_SECONDS,
    copies: 1,
    preview: true,
    arm: (context) => {
      context.adapter.outOfBand(context.twin, context.target, context.op, context.bases);
      return { exercised: () => true, disarm: async () => undefined };
    },
  },
  {
    name: `the endpoint accepts the call that changes the world (every call, when the operation makes none) and never answers: the request is not passed on (timeoutSeconds ${SILENT_ENDPOINT_TIMEOUT_SECONDS})`,
    short: "never answers",
    timeoutSeconds: SILENT_ENDPOINT_TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    throughFront: true,
    arm: (context) => frontArm(context, { kind: "hang" }),
  },
  {
    name: `the endpoint passes the call that changes the world (every call, when the operation makes none) on, then trickles the answer one byte every ${TRICKLE_INTERVAL_MS} ms (timeoutSeconds ${SILENT_ENDPOINT_TIMEOUT_SECONDS})`,
    short: "trickles",
    timeoutSeconds: SILENT_ENDPOINT_TIMEOUT_SECONDS,
    copies: 1,
    preview: false,
    throughFront: true,
    arm: (context) => frontArm(context, { kind: "trickle", intervalMs: TRICKLE_INTERVAL_MS }),
  },
];

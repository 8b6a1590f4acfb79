import type { Dispatcher } from "undici";
import { describeRequest, type Seen } from "./vsphereMock";

/**
 * A dispatcher in front of the MockAgent that sees every request as it is sent and holds the ones `holds` picks on the
 * wire (no answer, no error) until `release()`: to see what a caller does while a request is still out, e.g. whether
 * its answer waits for a clean-up call, or what it sends while a long poll is pending.
 */
export interface HeldRequests {
  readonly dispatcher: Dispatcher;
  /** Every request in the order it was sent (held ones included). */
  readonly sent: readonly Seen[];
  /** Requests held and not yet released. */
  held(): Seen[];
  /** Resolves when `count` requests have been held so far (at once if they already were). */
  whenHeld(count?: number): Promise<void>;
  /** Hands the held requests to the MockAgent, which answers them with their intercepts. */
  release(): void;
}

export function holdRequests(agent: Dispatcher, holds: (call: Seen) => boolean): HeldRequests {
  const sent: Seen[] = [];
  const held: Array<{ call: Seen; resume: () => void }> = [];
  const waiting: Array<{ count: number; resolve: () => void }> = [];
  let heldSoFar = 0;

  const notify = (): void => {
    for (const waiter of [...waiting]) {
      if (heldSoFar < waiter.count) continue;
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  };

  const dispatcher = agent.compose((dispatch) => (options, handler) => {
    const call = describeRequest(options);
    sent.push(call);
    if (!holds(call)) return dispatch(options, handler);
    held.push({ call, resume: () => dispatch(options, handler) });
    heldSoFar += 1;
    notify();
    return true;
  });

  return {
    dispatcher,
    sent,
    held: () => held.map((entry) => entry.call),
    whenHeld: (count = 1) =>
      new Promise<void>((resolve) => {
        waiting.push({ count, resolve });
        notify();
      }),
    release: () => {
      for (const entry of held.splice(0)) entry.resume();
    },
  };
}

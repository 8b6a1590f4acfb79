/**
 * Faults injected in front of a vendor simulator: added latency, a burst of HTTP 503 answers, dropped connections
 * (before the server acts: `drop`; after it acted, answer lost: `dropAfter`). Counts are consumed request by request,
 * in that order (503s, then drops, then drops after acting); `pathContains` limits a plan to matching paths.
 */
export interface FaultPlan {
  latencyMs?: number;
  /** The next N matching requests answer 503. */
  fail503?: number;
  /** The next N matching requests have their connection destroyed before any answer. */
  drop?: number;
  /**
   * The next N matching requests are handled (the server acts on them: a task starts, a job is accepted) and then their
   * connection is destroyed before the answer: the ambiguous "did it happen?" failure a client must reconcile.
   */
  dropAfter?: number;
  /** Only requests whose path contains this text are affected (all when absent). */
  pathContains?: string;
  /** Matching requests to let through untouched before the 503s or drops start. */
  skip?: number;
}

export interface InjectedFault {
  latencyMs: number;
  action: "none" | "503" | "drop" | "dropAfter";
}

export class FaultInjector {
  private plan: Required<Omit<FaultPlan, "pathContains">> & { pathContains?: string } = { latencyMs: 0, fail503: 0, drop: 0, dropAfter: 0, skip: 0 };
  private injectedCount = 0;

  configure(plan: FaultPlan): void {
    this.plan = {
      latencyMs: nonNegative(plan.latencyMs),
      fail503: nonNegative(plan.fail503),
      drop: nonNegative(plan.drop),
      dropAfter: nonNegative(plan.dropAfter),
      skip: nonNegative(plan.skip),
      pathContains: plan.pathContains,
    };
  }

  reset(): void {
    this.configure({});
  }

  describe(): FaultPlan & { injected: number } {
    return { ...this.plan, injected: this.injectedCount };
  }

  get injected(): number {
    return this.injectedCount;
  }

  next(path: string): InjectedFault {
    if (this.plan.pathContains !== undefined && !path.includes(this.plan.pathContains)) return { latencyMs: 0, action: "none" };
    const latencyMs = this.plan.latencyMs;
    if (this.plan.skip > 0) {
      this.plan.skip -= 1;
      return { latencyMs, action: "none" };
    }
    if (this.plan.fail503 > 0) {
      this.plan.fail503 -= 1;
      this.injectedCount += 1;
      return { latencyMs, action: "503" };
    }
    if (this.plan.drop > 0) {
      this.plan.drop -= 1;
      this.injectedCount += 1;
      return { latencyMs, action: "drop" };
    }
    if (this.plan.dropAfter > 0) {
      this.plan.dropAfter -= 1;
      this.injectedCount += 1;
      return { latencyMs, action: "dropAfter" };
    }
    return { latencyMs, action: "none" };
  }
}

function nonNegative(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

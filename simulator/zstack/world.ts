import * as crypto from "node:crypto";
import * as zerr from "./errors";
import type { SimErrorCode } from "./errors";

/**
 * The ZStack simulator's world: one account, sessions that expire, VMs with ZStack's states and the Delay deletion
 * policy (Destroyed, then expunged after `expungePeriodSeconds`), and asynchronous API jobs that take `jobDurationMs`.
 * Time is evaluated lazily: every request first calls `advance()`, which finishes due jobs and expunges due VMs, so
 * no timers run in the background.
 */

export interface SimVmNic {
  uuid: string;
  l3NetworkUuid: string;
  ip: string | null;
  mac: string;
  deviceId: number;
}

export interface SimVm {
  uuid: string;
  name: string;
  description: string | null;
  state: string;
  zoneUuid: string;
  clusterUuid: string;
  imageUuid: string;
  hostUuid: string | null;
  lastHostUuid: string | null;
  instanceOfferingUuid: string;
  rootVolumeUuid: string;
  defaultL3NetworkUuid: string;
  type: string;
  hypervisorType: string;
  platform: string;
  architecture: string;
  cpuNum: number;
  memorySize: number;
  createDate: number;
  lastOpDate: number;
  /** Epoch ms when the VM became Destroyed (for the expunge period). */
  destroyedAt?: number;
  nics: SimVmNic[];
  systemTags: string[];
  userTags: string[];
}

export interface SimSession {
  uuid: string;
  accountUuid: string;
  userUuid: string;
  createdAt: number;
  expiresAt: number;
}

export type JobOutcome = { success: true; result: unknown } | { success: false; error: SimErrorCode };

export interface SimJob {
  uuid: string;
  /** e.g. "recoverVmInstance". */
  action: string;
  vmUuid?: string;
  sessionUuid?: string;
  systemTags?: string[];
  userTags?: string[];
  createdAt: number;
  completeAt: number;
  state: "processing" | "done";
  outcome?: JobOutcome;
  /** Runs when the job completes; returns the outcome. */
  finish?: () => JobOutcome;
}

export interface WorldOptions {
  accountName: string;
  password: string;
  jobDurationMs: number;
  sessionLifetimeSeconds: number;
  expungePeriodSeconds: number;
}

export interface InjectedJobFailure {
  /** Only jobs of this action fail (all actions when absent). */
  action?: string;
  error: SimErrorCode;
}

function uuid(): string {
  return crypto.randomUUID().replace(/-/g, "");
}

/** ZStack (Gson) renders dates like "Jan 5, 2024 3:04:05 PM". */
export function zstackDate(ms: number): string {
  const date = new Date(ms);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const hours = date.getUTCHours();
  const hour12 = hours % 12 === 0 ? 12 : hours % 12;
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()} ${hour12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
}

export class ZstackWorld {
  readonly accountName: string;
  readonly accountUuid = uuid();
  readonly defaultHostUuid = uuid();
  readonly vms = new Map<string, SimVm>();
  readonly expunged = new Map<string, { vm: SimVm; expungedAt: number }>();
  readonly sessions = new Map<string, SimSession>();
  readonly jobs = new Map<string, SimJob>();
  readonly injectedFailures: InjectedJobFailure[] = [];
  jobDurationMs: number;
  sessionLifetimeSeconds: number;
  expungePeriodSeconds: number;
  private passwordSha512: string;
  private ipCounter = 10;

  constructor(options: WorldOptions) {
    this.accountName = options.accountName;
    this.passwordSha512 = crypto.createHash("sha512").update(options.password, "utf8").digest("hex");
    this.jobDurationMs = options.jobDurationMs;
    this.sessionLifetimeSeconds = options.sessionLifetimeSeconds;
    this.expungePeriodSeconds = options.expungePeriodSeconds;
  }

  /** Finishes due jobs and expunges Destroyed VMs whose expunge period has passed. */
  advance(now = Date.now()): void {
    for (const job of this.jobs.values()) {
      if (job.state === "processing" && job.completeAt <= now) this.complete(job);
    }
    for (const vm of [...this.vms.values()]) {
      if (vm.state === "Destroyed" && vm.destroyedAt !== undefined && vm.destroyedAt + this.expungePeriodSeconds * 1000 <= now) {
        this.expungeNow(vm.uuid, now);
      }
    }
  }

  private complete(job: SimJob): void {
    job.state = "done";
    job.outcome = job.outcome ?? (job.finish ? job.finish() : { success: true, result: {} });
    job.finish = undefined;
  }

  // ---- accounts and sessions ----

  /** LogInByAccount; `password` is what the client sent (the SHA-512 hex digest). */
  login(accountName: string, password: string): { session: SimSession } | { error: SimErrorCode } {
    if (accountName !== this.accountName || password.toLowerCase() !== this.passwordSha512) return { error: zerr.authenticationFailed() };
    const now = Date.now();
    const session: SimSession = { uuid: uuid(), accountUuid: this.accountUuid, userUuid: this.accountUuid, createdAt: now, expiresAt: now + this.sessionLifetimeSeconds * 1000 };
    this.sessions.set(session.uuid, session);
    return { session };
  }

  /** A live session (renewed on use, as ZStack's session timeout is an idle timeout) or undefined. */
  useSession(sessionUuid: string | undefined): SimSession | undefined {
    if (!sessionUuid) return undefined;
    const session = this.sessions.get(sessionUuid);
    const now = Date.now();
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.sessions.delete(sessionUuid);
      return undefined;
    }
    session.expiresAt = now + this.sessionLifetimeSeconds * 1000;
    return session;
  }

  logout(sessionUuid: string): boolean {
    return this.sessions.delete(sessionUuid);
  }

  /** Admin: expire one session or all of them. Returns how many were expired. */
  expireSessions(sessionUuid?: string): number {
    if (sessionUuid) return this.sessions.delete(sessionUuid) ? 1 : 0;
    const count = this.sessions.size;
    this.sessions.clear();
    return count;
  }

  sessionInventory(session: SimSession): Record<string, unknown> {
    return {
      uuid: session.uuid,
      accountUuid: session.accountUuid,
      userUuid: session.userUuid,
      expiredDate: zstackDate(session.expiresAt),
      createDate: zstackDate(session.createdAt),
    };
  }

  // ---- VMs ----

  addVm(spec: Partial<Omit<SimVm, "nics">> & { ip?: string } = {}): SimVm {
    const now = Date.now();
    const id = spec.uuid ?? uuid();
    const l3 = spec.defaultL3NetworkUuid ?? uuid();
    const state = spec.state ?? "Running";
    const host = spec.hostUuid !== undefined ? spec.hostUuid : state === "Running" ? this.defaultHostUuid : null;
    const vm: SimVm = {
      uuid: id,
      name: spec.name ?? `vm-${id.slice(0, 6)}`,
      description: spec.description ?? null,
      state,
      zoneUuid: spec.zoneUuid ?? "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
      clusterUuid: spec.clusterUuid ?? "c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1",
      imageUuid: spec.imageUuid ?? uuid(),
      hostUuid: host,
      lastHostUuid: spec.lastHostUuid ?? this.defaultHostUuid,
      instanceOfferingUuid: spec.instanceOfferingUuid ?? uuid(),
      rootVolumeUuid: spec.rootVolumeUuid ?? uuid(),
      defaultL3NetworkUuid: l3,
      type: spec.type ?? "UserVm",
      hypervisorType: spec.hypervisorType ?? "KVM",
      platform: spec.platform ?? "Linux",
      architecture: spec.architecture ?? "x86_64",
      cpuNum: spec.cpuNum ?? 2,
      memorySize: spec.memorySize ?? 2147483648,
      createDate: spec.createDate ?? now,
      lastOpDate: now,
      destroyedAt: state === "Destroyed" ? (spec.destroyedAt ?? now) : undefined,
      nics: [
        {
          uuid: uuid(),
          l3NetworkUuid: l3,
          ip: state === "Destroyed" ? null : (spec.ip ?? this.nextIp()),
          mac: "fa:16:3e:00:00:" + String((this.ipCounter % 256).toString(16)).padStart(2, "0"),
          deviceId: 0,
        },
      ],
      systemTags: spec.systemTags ?? [],
      userTags: spec.userTags ?? [],
    };
    this.vms.set(vm.uuid, vm);
    return vm;
  }

  private nextIp(): string {
    this.ipCounter += 1;
    return `10.0.${Math.floor(this.ipCounter / 250)}.${(this.ipCounter % 250) + 2}`;
  }

  private touch(vm: SimVm, state: string): void {
    vm.state = state;
    vm.lastOpDate = Date.now();
  }

  /** Out of band (admin) or DestroyVmInstance: Delay policy, the VM becomes Destroyed and loses host and IPs. */
  destroyVm(vmUuid: string): SimVm | undefined {
    const vm = this.vms.get(vmUuid);
    if (!vm) return undefined;
    this.touch(vm, "Destroyed");
    if (vm.hostUuid) vm.lastHostUuid = vm.hostUuid;
    vm.hostUuid = null;
    vm.destroyedAt = Date.now();
    for (const nic of vm.nics) nic.ip = null;
    return vm;
  }

  expungeNow(vmUuid: string, now = Date.now()): boolean {
    const vm = this.vms.get(vmUuid);
    if (!vm) return false;
    this.vms.delete(vmUuid);
    this.expunged.set(vmUuid, { vm: { ...vm, state: "Expunged" }, expungedAt: now });
    return true;
  }

  startVmNow(vmUuid: string, hostUuid?: string): SimVm | undefined {
    const vm = this.vms.get(vmUuid);
    if (!vm) return undefined;
    this.touch(vm, "Running");
    vm.hostUuid = hostUuid ?? vm.lastHostUuid ?? this.defaultHostUuid;
    vm.lastHostUuid = vm.hostUuid;
    vm.destroyedAt = undefined;
    for (const nic of vm.nics) nic.ip = nic.ip ?? this.nextIp();
    return vm;
  }

  stopVmNow(vmUuid: string): SimVm | undefined {
    const vm = this.vms.get(vmUuid);
    if (!vm) return undefined;
    this.touch(vm, "Stopped");
    if (vm.hostUuid) vm.lastHostUuid = vm.hostUuid;
    vm.hostUuid = null;
    return vm;
  }

  /** Admin: puts a VM in any state at once (e.g. Destroying or Unknown), without the side effects of an operation. */
  forceState(vmUuid: string, state: string): SimVm | undefined {
    const vm = this.vms.get(vmUuid);
    if (!vm) return undefined;
    this.touch(vm, state);
    if (state === "Destroyed") vm.destroyedAt = vm.lastOpDate;
    return vm;
  }

  /** RecoverVmInstance's effect: Destroyed → Stopped, no host and no IP address. */
  private recoverNow(vm: SimVm): void {
    this.touch(vm, "Stopped");
    vm.hostUuid = null;
    vm.destroyedAt = undefined;
    for (const nic of vm.nics) nic.ip = null;
  }

  /** VmInstanceInventory as ZStack renders it. */
  inventory(vm: SimVm): Record<string, unknown> {
    return {
      uuid: vm.uuid,
      name: vm.name,
      description: vm.description,
      zoneUuid: vm.zoneUuid,
      clusterUuid: vm.clusterUuid,
      imageUuid: vm.imageUuid,
      hostUuid: vm.hostUuid,
      lastHostUuid: vm.lastHostUuid,
      instanceOfferingUuid: vm.instanceOfferingUuid,
      rootVolumeUuid: vm.rootVolumeUuid,
      platform: vm.platform,
      architecture: vm.architecture,
      defaultL3NetworkUuid: vm.defaultL3NetworkUuid,
      type: vm.type,
      hypervisorType: vm.hypervisorType,
      memorySize: vm.memorySize,
      cpuNum: vm.cpuNum,
      cpuSpeed: 0,
      allocatorStrategy: "LeastVmPreferredHostAllocatorStrategy",
      createDate: zstackDate(vm.createDate),
      lastOpDate: zstackDate(vm.lastOpDate),
      state: vm.state,
      vmNics: vm.nics.map((nic) => ({
        uuid: nic.uuid,
        vmInstanceUuid: vm.uuid,
        l3NetworkUuid: nic.l3NetworkUuid,
        ip: nic.ip,
        mac: nic.mac,
        deviceId: nic.deviceId,
        createDate: zstackDate(vm.createDate),
        lastOpDate: zstackDate(vm.lastOpDate),
      })),
      allVolumes: [{ uuid: vm.rootVolumeUuid, vmInstanceUuid: vm.uuid, type: "Root", state: "Enabled", status: "Ready" }],
    };
  }

  // ---- jobs ----

  private takeInjectedFailure(action: string): SimErrorCode | undefined {
    const index = this.injectedFailures.findIndex((failure) => failure.action === undefined || failure.action === action);
    if (index < 0) return undefined;
    const [failure] = this.injectedFailures.splice(index, 1);
    return failure?.error;
  }

  /**
   * Accepts an asynchronous API call as a job. A job uuid already known (repeated X-Job-UUID) returns the existing job
   * and executes nothing. The session, the arguments and the VM state are checked as the management node would:
   * failures become a failed job (503 on poll), not a synchronous error.
   */
  submit(request: {
    jobUuid?: string;
    sessionUuid?: string;
    action: string;
    vmUuid?: string;
    params: Record<string, unknown>;
    systemTags?: string[];
    userTags?: string[];
  }): { job: SimJob; repeated: boolean } {
    this.advance();
    const existing = request.jobUuid ? this.jobs.get(request.jobUuid) : undefined;
    if (existing) return { job: existing, repeated: true };
    const now = Date.now();
    const job: SimJob = {
      uuid: request.jobUuid ?? uuid(),
      action: request.action,
      vmUuid: request.vmUuid,
      sessionUuid: request.sessionUuid,
      systemTags: request.systemTags,
      userTags: request.userTags,
      createdAt: now,
      completeAt: now + this.jobDurationMs,
      state: "processing",
    };
    this.jobs.set(job.uuid, job);
    const fail = (error: SimErrorCode): { job: SimJob; repeated: boolean } => {
      job.outcome = { success: false, error };
      return { job, repeated: false };
    };
    if (!this.useSession(request.sessionUuid)) return fail(zerr.sessionExpired());
    const injected = this.takeInjectedFailure(request.action);
    if (injected) return fail(injected);
    const vm = request.vmUuid ? this.vms.get(request.vmUuid) : undefined;
    if (request.vmUuid && !vm) return fail(zerr.resourceNotFound("uuid", request.vmUuid, "VmInstanceVO"));
    if (!vm) return fail(zerr.invalidArgument(`unsupported action ${request.action}`));
    const apiName = `API${request.action.charAt(0).toUpperCase()}${request.action.slice(1)}Msg`;
    const vmResult = (): JobOutcome => ({ success: true, result: { inventory: this.inventory(vm) } });
    const addTags = (): void => {
      vm.systemTags.push(...(request.systemTags ?? []));
      vm.userTags.push(...(request.userTags ?? []));
    };
    switch (request.action) {
      case "recoverVmInstance": {
        if (vm.state !== "Destroyed") return fail(zerr.wrongVmState(apiName, vm.uuid, vm.state));
        job.finish = () => {
          if (!this.vms.has(vm.uuid)) return { success: false, error: zerr.resourceNotFound("uuid", vm.uuid, "VmInstanceVO") };
          if (vm.state !== "Destroyed") return { success: false, error: zerr.wrongVmState(apiName, vm.uuid, vm.state) };
          this.recoverNow(vm);
          addTags();
          return vmResult();
        };
        break;
      }
      case "startVmInstance": {
        if (vm.state === "Running") {
          job.finish = vmResult;
          break;
        }
        if (vm.state !== "Stopped") return fail(zerr.wrongVmState(apiName, vm.uuid, vm.state));
        this.touch(vm, "Starting");
        const hostUuid = typeof request.params["hostUuid"] === "string" ? request.params["hostUuid"] : undefined;
        job.finish = () => {
          this.startVmNow(vm.uuid, hostUuid);
          return vmResult();
        };
        break;
      }
      case "stopVmInstance": {
        if (vm.state === "Stopped") {
          job.finish = vmResult;
          break;
        }
        if (vm.state !== "Running") return fail(zerr.wrongVmState(apiName, vm.uuid, vm.state));
        this.touch(vm, "Stopping");
        job.finish = () => {
          this.stopVmNow(vm.uuid);
          return vmResult();
        };
        break;
      }
      case "destroyVmInstance": {
        if (["Destroyed", "Destroying", "Expunging"].includes(vm.state)) return fail(zerr.wrongVmState(apiName, vm.uuid, vm.state));
        this.touch(vm, "Destroying");
        job.finish = () => {
          this.destroyVm(vm.uuid);
          return { success: true, result: {} };
        };
        break;
      }
      case "expungeVmInstance": {
        if (vm.state !== "Destroyed") return fail(zerr.wrongVmState(apiName, vm.uuid, vm.state));
        this.touch(vm, "Expunging");
        job.finish = () => {
          this.expungeNow(vm.uuid);
          return { success: true, result: {} };
        };
        break;
      }
      default:
        return fail(zerr.invalidArgument(`unsupported action ${request.action}`));
    }
    if (this.jobDurationMs <= 0) this.advance(now);
    return { job, repeated: false };
  }

  /** Admin: forget jobs (their location then answers 404, as an expired job does). */
  expireJobs(jobUuid?: string): number {
    if (jobUuid) return this.jobs.delete(jobUuid) ? 1 : 0;
    const count = this.jobs.size;
    this.jobs.clear();
    return count;
  }

  /** Admin dump. */
  dump(): Record<string, unknown> {
    this.advance();
    return {
      accountName: this.accountName,
      config: { jobDurationMs: this.jobDurationMs, sessionLifetimeSeconds: this.sessionLifetimeSeconds, expungePeriodSeconds: this.expungePeriodSeconds },
      vms: [...this.vms.values()].map((vm) => ({ ...this.inventory(vm), systemTags: vm.systemTags, userTags: vm.userTags })),
      expunged: [...this.expunged.values()].map((entry) => ({ uuid: entry.vm.uuid, name: entry.vm.name, expungedAt: new Date(entry.expungedAt).toISOString() })),
      sessions: this.sessions.size,
      jobs: [...this.jobs.values()].map((job) => ({
        uuid: job.uuid,
        action: job.action,
        vmUuid: job.vmUuid ?? null,
        state: job.state,
        success: job.outcome?.success ?? null,
        systemTags: job.systemTags ?? [],
        userTags: job.userTags ?? [],
      })),
      injectedFailures: this.injectedFailures.length,
    };
  }
}

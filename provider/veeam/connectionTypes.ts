import type { Endpoint } from "../http/transport";

/** "v2": Veeam Availability Orchestrator REST v2 (`/v2/...`). "vro": Veeam Recovery Orchestrator (`/api/<version>/...`). */
export type ApiGeneration = "v2" | "vro";

/** One Orchestrator as the settings of one stack-config namespace describe it, with the API version spoken to it. */
export interface VeeamConnection {
  /** The stack-config namespace the settings came from ("veeam", "veeam-dr"): its keys are named in messages. */
  namespace: string;
  endpoint: Endpoint;
  /** The server as scheme://host:port: what the token cache and the version detection are keyed by. */
  endpointKey: string;
  username: string;
  password: string;
  generation: ApiGeneration;
  /** "v2", or the VRO path version such as "v7.21", "v13", "v13.1". */
  apiVersion: string;
}

/** What every call takes: the operation's deadline bounds each request, retry and wait made for it. */
export interface CallOptions {
  /** Epoch ms. */
  deadline: number;
  signal?: AbortSignal;
}

import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { ConnectionError, ServerError, TimeoutError } from "../errors";
import { memo, runtimeState } from "../runtime";
import type { TlsSettings } from "../config";

/** One HTTP endpoint (an origin plus its TLS settings); one keep-alive agent is shared by every call to it. */
export interface Endpoint extends TlsSettings {
  origin: string;
  /** The stack config key of the server address, named in connection errors. */
  settingKey: string;
  /** The stack config key prefix for TLS settings, e.g. "vsphere". */
  namespace: string;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path plus query, already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** For errors: e.g. "PowerOnVM_Task". */
  operation: string;
  /** For errors: e.g. "VirtualMachine:vm-42". */
  object?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Test hook: contract tests route every request through undici's MockAgent. */
export function setDispatcherOverride(dispatcher: Dispatcher | undefined): void {
  runtimeState().cache.set("http.dispatcherOverride", dispatcher);
}

function dispatcherFor(endpoint: Endpoint): Dispatcher {
  const override = runtimeState().cache.get("http.dispatcherOverride") as Dispatcher | undefined;
  if (override) return override;
  const key = `http.agent:${endpoint.origin}:${endpoint.allowUnverifiedSsl}:${endpoint.caCertificate ?? ""}`;
  return memo(key, () => {
    if (endpoint.allowUnverifiedSsl && endpoint.origin.startsWith("https:")) {
      process.emitWarning(
        `TLS certificate verification is disabled for ${endpoint.origin} because ${endpoint.namespace}:allowUnverifiedSsl is true.`,
        { code: "PULUMI_VM_AVAILABILITY_INSECURE_TLS" },
      );
    }
    return new Agent({
      keepAliveTimeout: 30_000,
      connections: 16,
      connect: {
        rejectUnauthorized: !endpoint.allowUnverifiedSsl,
        ...(endpoint.caCertificate ? { ca: endpoint.caCertificate } : {}),
      },
    });
  });
}

/** Sends one request. Network and TLS failures become ConnectionError; any HTTP status is returned to the caller. */
export async function send(endpoint: Endpoint, request: HttpRequest): Promise<HttpResponse> {
  const context = { operation: request.operation, object: request.object };
  const timeoutMs = request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  runtimeState().requestCount += 1;
  try {
    const response = await undiciRequest(`${endpoint.origin}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      dispatcher: dispatcherFor(endpoint),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: request.signal,
    });
    const text = await response.body.text();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    return { status: response.statusCode, headers, text };
  } catch (error) {
    throw translateNetworkError(error, endpoint, request, context);
  }
}

function errorCode(error: unknown): string {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  if ((error as { name?: string })?.name === "AbortError") return "ABORT_ERR";
  // undici wraps the socket's own error (ECONNRESET, a TLS code) in UND_ERR_SOCKET: the inner code says more.
  return codes.find((code) => code !== "UND_ERR_SOCKET") ?? codes[0] ?? "UNKNOWN";
}

const TLS_CODES = [
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_UNTRUSTED",
  "EPROTO",
  "ERR_SSL_WRONG_VERSION_NUMBER",
];

function translateNetworkError(
  error: unknown,
  endpoint: Endpoint,
  request: HttpRequest,
  context: { operation: string; object?: string },
): Error {
  const code = errorCode(error);
  const where = `${endpoint.origin} (${endpoint.settingKey})`;
  const base = { ...context, cause: error };
  if (code === "ABORT_ERR") return new ConnectionError(`${request.operation} was aborted before ${where} answered.`, true, base);
  if (TLS_CODES.includes(code) || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL")) {
    return new ConnectionError(
      `The TLS certificate of ${where} is not trusted (${code}): set ${endpoint.namespace}:caCertificate to the CA that signed it, or, only for a lab, ${endpoint.namespace}:allowUnverifiedSsl to true.`,
      false,
      base,
    );
  }
  if (code === "ECONNREFUSED") return new ConnectionError(`Cannot connect to ${where}: connection refused.`, false, { ...base, transient: true });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new ConnectionError(`Cannot resolve the host of ${where} (${code}).`, false, { ...base, transient: code === "EAI_AGAIN" });
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH") {
    return new ConnectionError(`Cannot connect to ${where}: ${code}.`, false, { ...base, transient: true });
  }
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new TimeoutError(`${where} did not answer ${request.operation} within ${Math.round((request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) / 1000)} s.`, undefined, {
      ...base,
      transient: request.method === "GET",
    });
  }
  // Reset or closed mid-request: the server may have acted on it.
  return new ConnectionError(`The connection to ${where} failed during ${request.operation} (${code}).`, true, { ...base, transient: true });
}

/** A 502/503/504 (or another 5xx without a vendor body) as a ServerError; transient for the gateway statuses. */
export function unexpectedStatus(response: HttpResponse, request: HttpRequest): ServerError {
  const transient = response.status === 502 || response.status === 503 || response.status === 504 || response.status === 429;
  const snippet = response.text.length > 300 ? `${response.text.slice(0, 300)}…` : response.text;
  return new ServerError(`${request.operation}${request.object ? ` on ${request.object}` : ""} failed with HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`, response.status, {
    operation: request.operation,
    object: request.object,
    transient,
  });
}

/** Request counter, for benchmarks and tests of how many calls an operation makes. */
export function requestCount(): number {
  return runtimeState().requestCount;
}

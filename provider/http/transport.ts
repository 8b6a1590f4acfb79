import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { CancelledError, ConnectionError, ServerError, TimeoutError, VmAvailabilityError } from "../errors";
import { NO_ANSWER, TLS_FAILURE, networkFailure, parseRetryAfter } from "./failure";
import { speaksTls } from "./protocolProbe";
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
  /** Longest time for this request alone (connect, headers and the whole body); default 60 s. */
  timeoutMs?: number;
  /** Epoch ms: the operation's deadline, which also bounds this request. */
  deadline?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** Retry-After (429/503) in ms, when the server sent one. */
  retryAfterMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Largest answer read from a server; a larger one is cut off and the call fails (memory stays bounded). */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

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

/**
 * Sends one request and reads the whole answer. The request is bounded in time by its own timeout and the operation's
 * deadline (connect, headers and body together, not only the gaps between chunks) and in size by MAX_RESPONSE_BYTES.
 * Network, TLS and time failures become typed errors that say whether the request went out; any HTTP status is
 * returned to the caller.
 */
export async function send(endpoint: Endpoint, request: HttpRequest): Promise<HttpResponse> {
  const context = { operation: request.operation, object: request.object };
  const budgetMs = Math.min(request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, request.deadline === undefined ? Infinity : request.deadline - Date.now());
  if (budgetMs <= 0) {
    throw new TimeoutError(`${request.operation}${request.object ? ` on ${request.object}` : ""} was not sent: the operation's deadline has passed.`, undefined, {
      ...context,
      delivery: "notSent",
      transient: false,
    });
  }
  const timer = AbortSignal.timeout(budgetMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timer]) : timer;
  runtimeState().requestCount += 1;
  try {
    const response = await undiciRequest(`${endpoint.origin}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      dispatcher: dispatcherFor(endpoint),
      headersTimeout: budgetMs,
      bodyTimeout: budgetMs,
      signal,
    });
    const text = await readBounded(response.body, endpoint, request, response.statusCode);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const retryAfterMs = parseRetryAfter(headers["retry-after"]);
    return { status: response.statusCode, headers, text, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    if (error instanceof VmAvailabilityError) throw error;
    if (timer.aborted && !request.signal?.aborted) throw noAnswer(endpoint, request, budgetMs, error);
    throw await translateNetworkError(error, endpoint, request, context);
  }
}

async function readBounded(body: Dispatcher.ResponseData["body"], endpoint: Endpoint, request: HttpRequest, status: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new ServerError(
        `${endpoint.origin} (${endpoint.settingKey}) answered ${request.operation}${request.object ? ` on ${request.object}` : ""} with more than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB; the connection was dropped.`,
        status,
        { operation: request.operation, object: request.object, delivery: "unknown", transient: false },
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

function noAnswer(endpoint: Endpoint, request: HttpRequest, budgetMs: number, cause: unknown): TimeoutError {
  const seconds = budgetMs >= 1000 ? `${Math.round(budgetMs / 1000)} s` : `${Math.round(budgetMs)} ms`;
  const bound = request.deadline !== undefined && request.deadline - Date.now() <= 0 ? "before the operation's deadline" : `within ${seconds}`;
  return new TimeoutError(`${endpoint.origin} (${endpoint.settingKey}) did not answer ${request.operation}${request.object ? ` on ${request.object}` : ""} ${bound}.`, undefined, {
    operation: request.operation,
    object: request.object,
    cause,
    ...NO_ANSWER,
  });
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
];

/** A TLS handshake answered by something that is not TLS (OpenSSL's "wrong version number"). */
function isPlainTextAnswer(code: string, error: unknown): boolean {
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER") return true;
  return code === "EPROTO" && /wrong version number|packet length too long|http request/i.test(causeMessages(error));
}

function causeMessages(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth += 1) {
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string") messages.push(message);
    current = (current as { cause?: unknown }).cause;
  }
  return messages.join(" ");
}

/** A plain-HTTP request that died before any answer: the socket closed, or the bytes back were not HTTP. */
function noHttpAnswer(code: string): boolean {
  return code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "UND_ERR_CLOSED" || code.startsWith("HPE_");
}

async function translateNetworkError(
  error: unknown,
  endpoint: Endpoint,
  request: HttpRequest,
  context: { operation: string; object?: string },
): Promise<Error> {
  const code = errorCode(error);
  const where = `${endpoint.origin} (${endpoint.settingKey})`;
  const base = { ...context, cause: error };
  if (code === "ABORT_ERR") return new CancelledError(`${request.operation} was cancelled before ${where} answered.`, { ...base, delivery: "unknown" });
  if (endpoint.origin.startsWith("https:") && isPlainTextAnswer(code, error)) {
    return new ConnectionError(
      `${where} does not speak TLS (${code}): the server answered in plain text. If it serves plain HTTP (the offline twin does), set ${endpoint.settingKey} to ${endpoint.origin.replace(/^https:/, "http:")}.`,
      false,
      { ...base, ...TLS_FAILURE },
    );
  }
  if (endpoint.origin.startsWith("http:") && noHttpAnswer(code)) {
    const url = new URL(endpoint.origin);
    if (await speaksTls(url.hostname, Number(url.port || 80))) {
      return new ConnectionError(
        `${where} looks like a TLS port: it closed the plain HTTP request without an HTTP answer (${code}) and accepts a TLS handshake: set ${endpoint.settingKey} to ${endpoint.origin.replace(/^http:/, "https:")}.`,
        false,
        { ...base, ...TLS_FAILURE },
      );
    }
  }
  if (TLS_CODES.includes(code) || code === "EPROTO" || code.startsWith("ERR_TLS") || code.startsWith("ERR_SSL")) {
    return new ConnectionError(
      `The TLS certificate of ${where} is not trusted (${code}): set ${endpoint.namespace}:caCertificate to the CA that signed it, or, only for a lab, ${endpoint.namespace}:allowUnverifiedSsl to true.`,
      false,
      { ...base, ...TLS_FAILURE },
    );
  }
  const failure = networkFailure(code);
  const sent = failure.delivery !== "notSent";
  if (code === "ECONNREFUSED") return new ConnectionError(`Cannot connect to ${where}: connection refused.`, sent, { ...base, ...failure });
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new ConnectionError(`Cannot resolve the host of ${where} (${code}).`, sent, { ...base, ...failure });
  if (!sent) return new ConnectionError(`Cannot connect to ${where}: ${code}.`, sent, { ...base, ...failure });
  return new ConnectionError(`The connection to ${where} failed during ${request.operation} (${code}).`, sent, { ...base, ...failure });
}

/** Request counter, for benchmarks and tests of how many calls an operation makes. */
export function requestCount(): number {
  return runtimeState().requestCount;
}

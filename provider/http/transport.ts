import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import { AuthenticationError, CancelledError, ConnectionError, ServerError, TimeoutError, ValidationError, VmAvailabilityError } from "../errors";
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
const UNDICI_TIMER_SLACK_MS = 1_000;

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
  const untilDeadline = request.deadline === undefined ? Infinity : request.deadline - Date.now();
  const budgetMs = Math.min(request.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, untilDeadline);
  if (budgetMs <= 0) {
    throw new TimeoutError(`${request.operation}${request.object ? ` on ${request.object}` : ""} was not sent: the operation's deadline has passed.`, undefined, {
      ...context,
      delivery: "notSent",
      transient: false,
    });
  }
  const badHeader = Object.entries(request.headers ?? {}).find(([, value]) => !isValidHeaderValue(value));
  if (badHeader) throw unsendable(endpoint, request, badHeader[0]);
  const timer = AbortSignal.timeout(budgetMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timer]) : timer;
  const progress: Progress = { bytes: 0 };
  runtimeState().requestCount += 1;
  try {
    const response = await undiciRequest(`${endpoint.origin}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      dispatcher: dispatcherFor(endpoint),
      // undici's own timers tick coarsely (about every half second) and may fire early: they only back up the exact
      // timer above, which bounds connect, headers and body together.
      headersTimeout: budgetMs + UNDICI_TIMER_SLACK_MS,
      bodyTimeout: budgetMs + UNDICI_TIMER_SLACK_MS,
      signal,
    });
    progress.status = response.statusCode;
    const length = Number(response.headers["content-length"]);
    if (Number.isFinite(length)) progress.expected = length;
    const text = await readBounded(response.body, endpoint, request, response.statusCode, progress);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
    }
    const retryAfterMs = parseRetryAfter(headers["retry-after"]);
    return { status: response.statusCode, headers, text, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  } catch (error) {
    if (error instanceof VmAvailabilityError) throw error;
    // Out of time: our own timer, or undici's header/body timers set to the same budget (whichever fired first).
    const outOfTime = (timer.aborted && !request.signal?.aborted) || ["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"].includes(errorCode(error));
    if (outOfTime) throw noAnswer(endpoint, request, { budgetMs, byDeadline: untilDeadline <= budgetMs }, progress, error);
    throw await translateNetworkError(error, endpoint, request, context);
  }
}

/** What the client had seen of an answer when its time ran out. */
interface Progress {
  status?: number;
  expected?: number;
  bytes: number;
}

function describeProgress(progress: Progress): string {
  if (progress.status === undefined) return "connected or connecting, no response headers received";
  const of = progress.expected === undefined ? "" : ` of ${progress.expected}`;
  return `HTTP ${progress.status} headers and ${progress.bytes}${of} bytes of the body received`;
}

async function readBounded(body: Dispatcher.ResponseData["body"], endpoint: Endpoint, request: HttpRequest, status: number, progress: Progress): Promise<string> {
  const tooLarge = (): ServerError => {
    body.destroy();
    return new ServerError(
      `${endpoint.origin} (${endpoint.settingKey}) answered ${request.operation}${request.object ? ` on ${request.object}` : ""} with more than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB, the limit of one answer; the connection was dropped and the answer discarded.`,
      status,
      { operation: request.operation, object: request.object, delivery: "unknown", transient: false },
    );
  };
  // An answer that announces its size is refused before a byte of it is read.
  if (progress.expected !== undefined && progress.expected > MAX_RESPONSE_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) {
    progress.bytes += chunk.length;
    if (progress.bytes > MAX_RESPONSE_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, progress.bytes).toString("utf8");
}

function noAnswer(endpoint: Endpoint, request: HttpRequest, bound: { budgetMs: number; byDeadline: boolean }, progress: Progress, cause: unknown): TimeoutError {
  const ms = bound.budgetMs;
  const span = ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
  const limit = bound.byDeadline ? `before the operation's deadline (${span} after it was sent)` : `within ${span} (the longest one request may take)`;
  const lastState = describeProgress(progress);
  return new TimeoutError(
    `${endpoint.origin} (${endpoint.settingKey}) did not answer ${request.operation}${request.object ? ` on ${request.object}` : ""} ${limit}; last state: ${lastState}.`,
    lastState,
    { operation: request.operation, object: request.object, cause, ...NO_ANSWER },
  );
}

/** What undici (and HTTP) accepts in a header value: no control characters other than tab, in particular no CR or LF. */
function isValidHeaderValue(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/** Headers that carry a credential: a value that cannot be sent there is a credential the server issued badly. */
const CREDENTIAL_HEADER = /authorization|session|token|cookie/i;

/**
 * A request that cannot be sent as built (a header value with CR/LF or other control characters, which undici refuses
 * with UND_ERR_INVALID_ARG): nothing went out, and sending it again would fail the same way. A credential header names
 * an authentication problem (the token or session id came from the server); anything else is a request this package
 * should never have built.
 */
function unsendable(endpoint: Endpoint, request: HttpRequest, header: string | undefined, detail?: string): VmAvailabilityError {
  const context = { operation: request.operation, object: request.object, delivery: "notSent" as const, transient: false };
  const call = `${request.operation}${request.object ? ` on ${request.object}` : ""}`;
  const what = header ? `the value of its ${header} header holds characters HTTP does not allow there (control characters such as CR or LF)` : `undici refused the request as built (${detail ?? "invalid argument"})`;
  if (header && CREDENTIAL_HEADER.test(header)) {
    return new AuthenticationError(`${call} was not sent to ${endpoint.origin} (${endpoint.settingKey}): ${what}. The credential came from the server and cannot be used.`, context);
  }
  return new ValidationError(`${call} was not sent to ${endpoint.origin} (${endpoint.settingKey}): ${what}.`, header ? `${header} header` : "request", context);
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
  // undici's HTTPParserError carries no code of its own (its message says what was wrong).
  if (codes.length === 0 && (error as { name?: string })?.name === "HTTPParserError") return "HPE_INVALID";
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
  if (code === "UND_ERR_INVALID_ARG") {
    const detail = error instanceof Error ? error.message : String(error);
    return unsendable(endpoint, request, /^invalid (\S+) header$/i.exec(detail)?.[1], detail);
  }
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
  if (code.startsWith("HPE_")) {
    // The server (or something before it) answered with bytes that are not HTTP, e.g. a header value with control
    // characters: it may have acted on the request, and asking again gets the same answer.
    const reason = (error instanceof Error ? /\(([^()]*)\)\s*$/.exec(error.message)?.[1] : undefined) ?? code;
    return new ConnectionError(`${where} answered ${request.operation}${request.object ? ` on ${request.object}` : ""} with something that is not valid HTTP (${reason}); whether it acted is unknown.`, true, {
      ...base,
      delivery: "unknown",
      transient: false,
    });
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

import { AuthenticationError } from "../errors";
import { issuedCredentialProblem } from "../http/issuedCredential";
import { withRetry } from "../http/retry";
import { send, type Endpoint, type HttpRequest, type HttpResponse } from "../http/transport";
import { errorForResponse } from "./faults";

/**
 * Sends a request that needs no session (release negotiation, ServiceInstance content, Login) and returns the answer
 * when `accepted(status)`; any other status becomes a typed error inside the retry, so a 503 is retried within the
 * deadline like a dropped connection.
 */
export async function sendRetrying(
  endpoint: Endpoint,
  request: HttpRequest & { deadline: number },
  options: { idempotent: boolean; accepted: (status: number) => boolean },
): Promise<HttpResponse> {
  return withRetry(
    async () => {
      const response = await send(endpoint, request);
      if (options.accepted(response.status)) return response;
      throw errorForResponse(response, { operation: request.operation, object: request.object });
    },
    { idempotent: options.idempotent, deadline: request.deadline, signal: request.signal },
  );
}

const SESSION_HEADER = "vmware-api-session-id";

/**
 * The session id a Login answer issued (header vmware-api-session-id), checked before any request carries it. A missing
 * or unusable one (CR/LF, control characters, spaces, absurd length) is an AuthenticationError that says what is wrong
 * with it, without showing it: repeating the Login would not help, so it is not transient.
 */
export function issuedSessionId(response: HttpResponse, endpoint: Endpoint, object: string): string {
  const value = response.headers[SESSION_HEADER];
  const problem = issuedCredentialProblem(value);
  if (problem === undefined) return value as string;
  throw new AuthenticationError(
    `${endpoint.origin} (${endpoint.settingKey}) accepted the Login but the ${SESSION_HEADER} it issued ${problem}; it was not used. Something between this machine and vCenter (a proxy, a load balancer) may be rewriting answers.`,
    { operation: "Login", object, delivery: "refused", transient: false },
  );
}

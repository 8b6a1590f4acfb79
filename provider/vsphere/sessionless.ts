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

import type * as http from "node:http";

/** A parsed incoming request, as every vendor simulator sees it. */
export interface SimRequest {
  method: string;
  /** Path without the query string, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  bodyText: string;
}

export interface SimReply {
  status: number;
  /** Serialized as JSON unless `rawBody` is given. `undefined` means no body. */
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export type SimHandler = (request: SimRequest) => Promise<SimReply> | SimReply;

import { ConfigurationError } from "../errors";
import type { Endpoint } from "../http/transport";
import { sendRetrying } from "./sessionless";
import { vimSchemas } from "./schemas";

/** VI/JSON releases, newest first. VI/JSON exists from vCenter 8.0 Update 1 (8.0.1.0) on. */
const KNOWN_RELEASES = ["9.1.1.0", "9.1.0.0", "9.0.0.0", "8.0.3.1", "8.0.3.0", "8.0.2.0", "8.0.1.0"];

const OLDEST_RELEASE = "8.0.1.0";

/**
 * Picks the VI/JSON release: the configured one, else the server's answer to `hello` (8.0.2+), else the apiVersion
 * that ServiceInstance content reports at the oldest release (8.0.1).
 */
export async function negotiateRelease(endpoint: Endpoint, configured: string | undefined, deadline: number): Promise<string> {
  const releaseKey = `${endpoint.namespace}:apiRelease`;
  if (configured) {
    await serviceContentAt(endpoint, configured, deadline, `${releaseKey} is ${configured}, but ${endpoint.origin} does not serve VI/JSON release ${configured}.`, releaseKey);
    return configured;
  }
  // Only a transient failure is retried here: any other answer (404 on 8.0.1, an error page) falls back to the content probe.
  const hello = await sendRetrying(
    endpoint,
    {
      method: "POST",
      path: "/api/vcenter/system?action=hello",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ api_releases: KNOWN_RELEASES }),
      operation: "negotiate the VI/JSON release",
      deadline,
    },
    { idempotent: true, accepted: (status) => ![429, 502, 503, 504].includes(status) },
  );
  if (hello.status === 200) {
    const parsed = vimSchemas().ReleaseHello.safeParse(safeJson(hello.text));
    if (parsed.success && parsed.data.api_release) return parsed.data.api_release;
    if (parsed.success) {
      throw new ConfigurationError(
        `${endpoint.origin} (${endpoint.settingKey}) shares no VI/JSON release with this provider (it knows ${KNOWN_RELEASES.join(", ")}); set ${releaseKey} to a release the server serves.`,
        releaseKey,
      );
    }
  }
  const content = await serviceContentAt(
    endpoint,
    OLDEST_RELEASE,
    deadline,
    `${endpoint.origin} (${endpoint.settingKey}) does not serve the VI/JSON API: it needs vCenter 8.0 Update 1 or later.`,
    endpoint.settingKey,
  );
  const apiVersion = content.about.apiVersion;
  return /^\d+\.\d+\.\d+\.\d+$/.test(apiVersion) ? apiVersion : OLDEST_RELEASE;
}

async function serviceContentAt(endpoint: Endpoint, release: string, deadline: number, notServed: string, setting: string) {
  const response = await sendRetrying(
    endpoint,
    {
      method: "GET",
      path: `/sdk/vim25/${encodeURIComponent(release)}/ServiceInstance/ServiceInstance/content`,
      headers: { accept: "application/json" },
      operation: "read ServiceInstance content",
      deadline,
    },
    { idempotent: true, accepted: (status) => status === 200 || status === 404 },
  );
  if (response.status === 404) throw new ConfigurationError(notServed, setting);
  const parsed = vimSchemas().ServiceContent.safeParse(safeJson(response.text));
  if (!parsed.success) throw new ConfigurationError(notServed, endpoint.settingKey);
  return parsed.data;
}

/** ServiceInstance content at a known release (used after negotiation). */
export async function serviceContent(endpoint: Endpoint, release: string, deadline: number) {
  return serviceContentAt(endpoint, release, deadline, `${endpoint.origin} does not serve VI/JSON release ${release}.`, endpoint.settingKey);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

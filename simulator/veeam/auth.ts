import type { SimReply, SimRequest } from "../common/httpServer";
import type { VeeamWorld } from "./world";
import { formFields } from "./wire";

/**
 * OAuth2 token endpoints: `POST /v2/Token` (VAO v2) and `POST /api/token` (VRO). Form body (urlencoded, as the VAO examples
 * send it, or multipart, which ASP.NET form binding also accepts): grant_type=password (username, password) or
 * grant_type=refresh_token (refresh_token). Errors use OAuth2's `{"error": …, "error_description": …}` with 400.
 */
export function handleTokenGrant(world: VeeamWorld, request: SimRequest): SimReply {
  if (request.method !== "POST") return { status: 405, body: { message: "The requested resource does not support this HTTP method." }, headers: { allow: "POST" } };
  const form = formFields(request);
  if (!form) {
    world.grants.rejected += 1;
    return { status: 400, body: { error: "unsupported_grant_type", error_description: "The token request must be form-encoded (application/x-www-form-urlencoded)." } };
  }
  const grantType = form["grant_type"];
  let username: string | undefined;
  if (grantType === "password") {
    const { username: user, password } = form;
    if (user === undefined || password === undefined || !sameUser(user, world.settings.username) || password !== world.settings.password) {
      world.grants.rejected += 1;
      return { status: 400, body: { error: "invalid_grant", error_description: "The user name or password is incorrect." } };
    }
    username = world.settings.username;
    world.grants.password += 1;
  } else if (grantType === "refresh_token") {
    username = form["refresh_token"] ? world.redeemRefreshToken(form["refresh_token"]) : undefined;
    if (!username) {
      world.grants.rejected += 1;
      return { status: 400, body: { error: "invalid_grant", error_description: "The refresh token is invalid or expired." } };
    }
    world.grants.refresh += 1;
  } else {
    world.grants.rejected += 1;
    return { status: 400, body: { error: "unsupported_grant_type" } };
  }
  const tokens = world.issueTokens(username);
  const issued = new Date();
  return {
    status: 200,
    body: {
      access_token: tokens.access_token,
      token_type: "bearer",
      expires_in: tokens.expires_in,
      refresh_token: tokens.refresh_token,
      userName: username,
      ".issued": issued.toUTCString(),
      ".expires": new Date(issued.getTime() + tokens.expires_in * 1000).toUTCString(),
    },
    headers: { "cache-control": "no-cache" },
  };
}

/** "DOMAIN\\USERNAME or USERNAME": the domain part is optional and case-insensitive. */
function sameUser(given: string, expected: string): boolean {
  const bare = (name: string): string => name.slice(name.lastIndexOf("\\") + 1).toLowerCase();
  return given.toLowerCase() === expected.toLowerCase() || bare(given) === bare(expected);
}

/** True when the request carries a valid, unexpired bearer token. */
export function authorized(world: VeeamWorld, request: SimRequest): boolean {
  const header = String(request.headers["authorization"] ?? "");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match !== null && match[1] !== undefined && world.isValidAccessToken(match[1]);
}

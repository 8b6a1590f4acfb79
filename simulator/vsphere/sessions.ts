/**
 * Sessions of the SessionManager: Login issues a token (sent back by clients in header `vmware-api-session-id`) and a
 * UserSession; Logout and an admin expiry end them. Listeners hear about every ended session (the property collector
 * cancels the session's waits and drops its collectors).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { isoTime } from "./wire";

/** The request and response header that carries the session token. */
export const SESSION_HEADER = "vmware-api-session-id";

export interface Session {
  token: string;
  key: string;
  userName: string;
  locale: string;
  loginTime: number;
  lastActiveTime: number;
  callCount: number;
  ipAddress: string;
  userAgent: string;
}

export class SessionStore {
  private readonly byToken = new Map<string, Session>();
  private readonly endListeners = new Set<(session: Session) => void>();

  create(userName: string, locale: string, ipAddress: string, userAgent: string): Session {
    const now = Date.now();
    const session: Session = {
      token: randomBytes(20).toString("hex"),
      key: randomUUID(),
      userName,
      locale,
      loginTime: now,
      lastActiveTime: now,
      callCount: 0,
      ipAddress,
      userAgent,
    };
    this.byToken.set(session.token, session);
    return session;
  }

  /** The live session for a token, counting the call. */
  touch(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const session = this.byToken.get(token);
    if (!session) return undefined;
    session.lastActiveTime = Date.now();
    session.callCount += 1;
    return session;
  }

  peek(token: string | undefined): Session | undefined {
    return token ? this.byToken.get(token) : undefined;
  }

  end(token: string): void {
    const session = this.byToken.get(token);
    if (!session) return;
    this.byToken.delete(token);
    for (const listener of this.endListeners) listener(session);
  }

  /** Ends every session: the next call with an old token answers NotAuthenticated. */
  expireAll(): number {
    const tokens = [...this.byToken.keys()];
    for (const token of tokens) this.end(token);
    return tokens.length;
  }

  get count(): number {
    return this.byToken.size;
  }

  onEnd(listener: (session: Session) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }
}

/** UserSession data object (all required fields of the schema). */
export function userSessionData(session: Session): Record<string, unknown> {
  return {
    _typeName: "UserSession",
    key: session.key,
    userName: session.userName,
    fullName: session.userName,
    loginTime: isoTime(session.loginTime),
    lastActiveTime: isoTime(session.lastActiveTime),
    locale: session.locale,
    messageLocale: session.locale,
    extensionSession: false,
    ipAddress: session.ipAddress,
    userAgent: session.userAgent,
    callCount: session.callCount,
  };
}

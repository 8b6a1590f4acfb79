/**
 * ZStack ErrorCode bodies as the management node sends them:
 * `{"error":{"code":"SYS.1001","description":"…","details":"…","elaboration":null,"opaque":null,"cause":null}}`.
 * Codes: zstackio/zstack IdentityErrors (ID.*), SysErrors (SYS.*), VmErrors (VM.*).
 */
export interface SimErrorCode {
  code: string;
  description: string;
  details: string;
  elaboration: string | null;
  opaque: unknown;
  cause: SimErrorCode | null;
}

export function errorCode(code: string, description: string, details: string, cause: SimErrorCode | null = null): SimErrorCode {
  return { code, description, details, elaboration: null, opaque: null, cause };
}

export function sessionExpired(): SimErrorCode {
  return errorCode("ID.1001", "Session expired", "Session expired");
}

export function authenticationFailed(): SimErrorCode {
  return errorCode("ID.1000", "Authentication error", "wrong account name or password");
}

export function resourceNotFound(field: string, uuid: string, type: string): SimErrorCode {
  return errorCode("SYS.1007", "One or more API argument is invalid", `invalid field[${field}], resource[uuid:${uuid}, type:${type}] not found`);
}

export function wrongVmState(operation: string, uuid: string, state: string): SimErrorCode {
  return errorCode(
    "VM.1010",
    "The VM is not in a state that allows the operation",
    `The operation[${operation}] is not allowed when vm[uuid:${uuid}] is in state[${state}]`,
  );
}

export function invalidArgument(details: string): SimErrorCode {
  return errorCode("SYS.1007", "One or more API argument is invalid", details);
}

/** Accepts an admin-supplied error (partial) and fills ZStack's shape, keeping a nested cause chain. */
export function fromAdmin(raw: unknown): SimErrorCode {
  const value = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
  return {
    code: typeof value["code"] === "string" ? value["code"] : "SYS.1006",
    description: typeof value["description"] === "string" ? value["description"] : "An operation failed",
    details: typeof value["details"] === "string" ? value["details"] : "injected by the simulator",
    elaboration: typeof value["elaboration"] === "string" ? value["elaboration"] : null,
    opaque: value["opaque"] ?? null,
    cause: value["cause"] ? fromAdmin(value["cause"]) : null,
  };
}

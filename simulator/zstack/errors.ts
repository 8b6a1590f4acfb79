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

/** An error as the admin API accepts it: every field optional, a nested cause allowed. */
export interface AdminErrorSpec {
  code?: string;
  description?: string;
  details?: string;
  elaboration?: string | null;
  opaque?: unknown;
  cause?: AdminErrorSpec;
}

/** Fills ZStack's shape around an admin-supplied error, keeping a nested cause chain. */
export function fromAdmin(spec: AdminErrorSpec): SimErrorCode {
  return {
    code: spec.code ?? "SYS.1006",
    description: spec.description ?? "An operation failed",
    details: spec.details ?? "injected by the simulator",
    elaboration: spec.elaboration ?? null,
    opaque: spec.opaque ?? null,
    cause: spec.cause ? fromAdmin(spec.cause) : null,
  };
}

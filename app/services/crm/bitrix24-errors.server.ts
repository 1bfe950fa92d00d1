// Typed Bitrix24 errors. Classification goes by the error code, never the (localised) text:
// retryable -> back off and retry; auth -> pause the sync and alert managers;
// config -> our setup/code is wrong, alert; validation -> the record's data is wrong, fail that record.

export type Bitrix24ErrorKind = "retryable" | "auth" | "validation" | "config";

const RETRYABLE = new Set([
  "QUERY_LIMIT_EXCEEDED",
  "OPERATION_TIME_LIMIT",
  "INTERNAL_SERVER_ERROR",
  "ERROR_UNEXPECTED_ANSWER",
  "TIMEOUT",
  "NETWORK_ERROR",
]);
const AUTH = new Set([
  "NO_AUTH_FOUND",
  "INVALID_CREDENTIALS",
  "INVALID_REQUEST",
  "OVERLOAD_LIMIT",
  "ACCESS_DENIED",
  "insufficient_scope",
  "expired_token",
  "invalid_token",
  "user_access_error",
  "PORTAL_DELETED",
]);
const CONFIG = new Set(["ERROR_METHOD_NOT_FOUND", "ERROR_BATCH_LENGTH_EXCEEDED", "ERROR_BATCH_METHOD_NOT_ALLOWED"]);

export function classifyBitrix24Error(code: string, httpStatus: number | null): Bitrix24ErrorKind {
  if (RETRYABLE.has(code)) return "retryable";
  if (AUTH.has(code)) return "auth";
  if (CONFIG.has(code)) return "config";
  if (httpStatus !== null && (httpStatus >= 500 || httpStatus === 429)) return "retryable";
  if (httpStatus === 401) return "auth";
  return "validation";
}

export class Bitrix24Error extends Error {
  override readonly name = "Bitrix24Error";
  readonly kind: Bitrix24ErrorKind;
  /** Bitrix24 error code; "" for plain method errors such as "Not found". */
  readonly code: string;
  /** The CRM's own text, for showing to managers. */
  readonly description: string;
  /** null when no HTTP answer was received (timeout, network) or for a command inside a batch. */
  readonly httpStatus: number | null;
  readonly method: string;
  /** How many HTTP attempts were made before giving up (0 when never sent). */
  readonly attempts: number;
  /**
   * The portal may have applied the request although we got no proper answer (timeout, connection
   * lost after sending, 5xx other than 503). Re-sending an `add` then risks a duplicate: look the
   * record up (e.g. by ORIGIN_ID) before creating it again.
   */
  readonly ambiguous: boolean;

  constructor(init: {
    kind?: Bitrix24ErrorKind;
    code: string;
    description: string;
    httpStatus: number | null;
    method: string;
    attempts?: number;
    ambiguous?: boolean;
    cause?: unknown;
  }) {
    super(`${init.method}: ${init.code || "method error"}${init.description ? ` - ${init.description}` : ""}`, { cause: init.cause });
    this.kind = init.kind ?? classifyBitrix24Error(init.code, init.httpStatus);
    this.code = init.code;
    this.description = init.description;
    this.httpStatus = init.httpStatus;
    this.method = init.method;
    this.attempts = init.attempts ?? 0;
    this.ambiguous = init.ambiguous ?? false;
  }

  get retryable(): boolean {
    return this.kind === "retryable";
  }

  withAttempts(attempts: number): Bitrix24Error {
    const { kind, code, description, httpStatus, method, ambiguous, cause } = this;
    return new Bitrix24Error({ kind, code, description, httpStatus, method, attempts, ambiguous, cause });
  }
}

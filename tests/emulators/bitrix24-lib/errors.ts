// Error answers as the portal gives them: `{error, error_description}` plus an HTTP status.

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(`${code || "(method error)"}: ${description}`);
  }
}

/** Method-level errors usually come with an empty code and HTTP 400 ("Not found", "ID is not defined…"). */
export const methodError = (description: string, code = "") => new RestError(400, code, description);

export const SYSTEM_ERRORS = {
  noAuth: () => new RestError(401, "NO_AUTH_FOUND", "Wrong authorization data"),
  invalidCredentials: () => new RestError(401, "INVALID_CREDENTIALS", "Invalid request credentials"),
  methodNotFound: () => new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"),
  queryLimit: () => new RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
  operationTimeLimit: () => new RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."),
  batchTooLong: () => new RestError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"),
  batchNotAllowed: () => new RestError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"),
};

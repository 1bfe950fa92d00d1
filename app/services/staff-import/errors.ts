// A file-level failure with a code the UI turns into a message (see messages.ts).
export type ImportFileErrorCode = "unsupported_type" | "empty" | "too_many_rows" | "too_large" | "unreadable";

export class ImportFileError extends Error {
  readonly code: ImportFileErrorCode;
  /** Values for the message template, e.g. { limit: 20000 } for too_many_rows. */
  readonly params: Record<string, string | number>;

  constructor(code: ImportFileErrorCode, message: string, params: Record<string, string | number> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ImportFileError";
    this.code = code;
    this.params = params;
  }
}

export function isImportFileError(error: unknown): error is ImportFileError {
  return error instanceof ImportFileError;
}

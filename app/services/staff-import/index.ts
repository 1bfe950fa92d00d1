// Staff import building blocks: parse an upload, guess the column mapping, turn rows into staff
// candidates with per-row errors, and find duplicates. No database access here.
export { parseStaffFile, type ParseOptions, type ParsedSheet } from "./parse";
export { DEFAULT_MAX_ROWS } from "./cells";
export { ImportFileError, isImportFileError, type ImportFileErrorCode } from "./errors";
export {
  STAFF_FIELDS,
  emptyMapping,
  guessMapping,
  mappingFromColumns,
  missingRequiredFields,
  squashHeader,
  type ColumnMapping,
  type StaffField,
} from "./mapping";
export {
  MAX_LENGTH,
  mapRows,
  splitFullName,
  type MapRowsOptions,
  type MapRowsResult,
  type RowErrorCode,
  type StaffImportItem,
  type StaffImportRowError,
} from "./rows";
export {
  findDuplicates,
  groupDuplicates,
  type DuplicateGroup,
  type DuplicateBy,
  type DuplicateCandidate,
  type DuplicateReport,
  type ExistingDuplicate,
  type ExistingPerson,
  type ExistingScope,
  type InFileDuplicate,
} from "./duplicates";
export {
  duplicateGroupMessage,
  duplicateMessage,
  fileErrorMessage,
  fillTemplate,
  messages,
  rowErrorMessage,
  type ImportLocale,
} from "./messages";

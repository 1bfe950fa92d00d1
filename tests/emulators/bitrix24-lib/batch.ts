// `batch`: up to 50 commands given as "method?query-string", run in order in one request;
// later commands may use `$result[key][field]…` of earlier ones. HTTP 200 even when commands fail.
import { RestError, SYSTEM_ERRORS } from "./errors";
import { asRecord, parsePhpQuery, pick, type Params } from "./php-query";

export const MAX_BATCH = 50;

export type CommandOutcome = { result: unknown; total?: number; next?: number };
export type Executor = (method: string, params: Params, key: string) => CommandOutcome;

const REF_RE = /\$result\[([^\]]+)\]((?:\[[^\]]*\])*)/g;

function resolveRef(results: Record<string, unknown>, key: string, path: string): unknown {
  let cur: unknown = results[key];
  for (const [, seg] of path.matchAll(/\[([^\]]*)\]/g)) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Replaces references inside every string value; a value that is only a reference takes its raw value. */
function substitute(value: unknown, results: Record<string, unknown>): unknown {
  if (typeof value === "string") {
    const whole = /^\$result\[([^\]]+)\]((?:\[[^\]]*\])*)$/.exec(value);
    if (whole) {
      const v = resolveRef(results, whole[1], whole[2]);
      return typeof v === "number" ? String(v) : (v ?? "");
    }
    return value.replace(REF_RE, (_, key: string, path: string) => {
      const v = resolveRef(results, key, path);
      return v === undefined || v === null || typeof v === "object" ? "" : String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, results));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, results)]));
  }
  return value;
}

/** PHP arrays: empty ones and ones keyed 0..n-1 in order serialise as JSON lists, the rest as objects. */
function phpArray(o: Record<string, unknown>): unknown {
  const keys = Object.keys(o);
  return keys.every((k, i) => k === String(i)) ? keys.map((k) => o[k]) : o;
}

function commandTime(started: number) {
  const finished = Date.now();
  return { start: started / 1000, finish: finished / 1000, duration: (finished - started) / 1000, processing: (finished - started) / 1000 };
}

export function runBatch(params: Params, exec: Executor) {
  const raw = pick(params, "cmd");
  const cmd = Array.isArray(raw) ? Object.fromEntries(raw.map((v, i) => [String(i), v])) : (asRecord(raw) ?? {});
  const entries = Object.entries(cmd);
  if (entries.length > MAX_BATCH) throw SYSTEM_ERRORS.batchTooLong();
  const halt = ["1", "true", "y"].includes(String(pick(params, "halt") ?? "0").toLowerCase());

  const result: Record<string, unknown> = {};
  const errors: Record<string, { error: string; error_description: string }> = {};
  const totals: Record<string, number> = {};
  const nexts: Record<string, number> = {};
  const times: Record<string, unknown> = {};

  for (const [key, command] of entries) {
    const started = Date.now();
    const text = String(command ?? "");
    const q = text.indexOf("?");
    const method = (q < 0 ? text : text.slice(0, q))
      .trim()
      .replace(/\.json$/i, "")
      .toLowerCase();
    try {
      if (method === "batch") throw SYSTEM_ERRORS.batchNotAllowed();
      const commandParams = substitute(parsePhpQuery(q < 0 ? "" : text.slice(q + 1)), result) as Params;
      const outcome = exec(method, commandParams, key);
      result[key] = outcome.result;
      if (outcome.total !== undefined) totals[key] = outcome.total;
      if (outcome.next !== undefined) nexts[key] = outcome.next;
      times[key] = commandTime(started);
    } catch (e) {
      if (!(e instanceof RestError)) throw e;
      errors[key] = { error: e.code, error_description: e.description };
      if (halt) break;
    }
  }
  return {
    result: phpArray(result),
    result_error: phpArray(errors),
    result_total: phpArray(totals),
    result_next: phpArray(nexts),
    result_time: phpArray(times),
  };
}

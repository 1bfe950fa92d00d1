// Turns many independent calls into few `batch` requests. Each record is synced by plain
// sequential code (`await b.call("crm.contact.add", …)`); calls made at about the same time by
// different records share one HTTP request of up to 50 commands, so the portal's request-rate
// limit (a batch counts as one request) allows up to 50x the throughput of single calls.
//
// A batch takes its commands when the client's leaky bucket lets it go, not before: calls made
// while it waits for the rate limit ride along in it, so batches fill up exactly when the rate
// limit is what holds us back (docs/decisions/0017).
import { BITRIX24_MAX_BATCH, Bitrix24Error, type BatchCommand, type Bitrix24Client, type Params } from "./bitrix24-client.server";

export type AutoBatchOptions = {
  maxBatch?: number;
  /** Batch requests in flight at once (a real portal may take seconds to run 50 adds). */
  maxInFlight?: number;
  /** How long the first call of a new batch waits for company. */
  lingerMs?: number;
};

export type CallSpec = {
  /**
   * Safe to send twice (reads, updates without added multi-field values). Non-idempotent calls
   * are never re-sent after an ambiguous failure: the caller gets the error (`ambiguous: true`)
   * and reconciles, e.g. by looking the record up by ORIGIN_ID. Default: everything but `*.add`.
   */
  idempotent?: boolean;
};

type Pending = { method: string; params: Params; idempotent: boolean; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export type AutoBatchStats = { calls: number; requests: number; commandsSent: number; largestBatch: number };

export class AutoBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly lingerMs: number;
  private readonly counters: AutoBatchStats = { calls: 0, requests: 0, commandsSent: 0, largestBatch: 0 };

  constructor(
    readonly client: Bitrix24Client,
    opts: AutoBatchOptions = {},
  ) {
    this.maxBatch = Math.min(Math.max(1, opts.maxBatch ?? BITRIX24_MAX_BATCH), BITRIX24_MAX_BATCH);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 2);
    this.lingerMs = opts.lingerMs ?? 5;
  }

  call<T = unknown>(method: string, params: Params = {}, spec: CallSpec = {}): Promise<T> {
    this.counters.calls++;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        method,
        params,
        idempotent: spec.idempotent ?? !/\.add$/.test(method),
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  stats(): AutoBatchStats {
    return { ...this.counters };
  }

  /** Calls waiting for a batch slot (for status pages). */
  queued(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.timer || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const delay = this.queue.length >= this.maxBatch ? 0 : this.lingerMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, delay);
  }

  private flush(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const wait = this.queue.length < this.maxBatch ? this.client.readyInMs() : 0;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush();
      }, Math.ceil(wait));
      return;
    }
    const taken = this.queue.splice(0, this.maxBatch);
    this.inFlight++;
    this.counters.requests++;
    this.counters.commandsSent += taken.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, taken.length);
    void this.send(taken).finally(() => {
      this.inFlight--;
      this.schedule();
    });
    this.schedule(); // a second batch may go while the first waits, if allowed
  }

  private async send(taken: Pending[]): Promise<void> {
    const allIdempotent = taken.every((p) => p.idempotent);
    if (taken.length === 1) {
      const [p] = taken;
      try {
        p.resolve(await this.client.call(p.method, p.params, { retryAmbiguous: p.idempotent }));
      } catch (e) {
        p.reject(e);
      }
      return;
    }
    const commands: Record<string, BatchCommand> = {};
    taken.forEach((p, i) => (commands[`c${i}`] = [p.method, p.params]));
    try {
      const r = await this.client.batch(commands, { retryAmbiguous: allIdempotent });
      taken.forEach((p, i) => {
        const key = `c${i}`;
        if (key in r.errors) p.reject(r.errors[key]);
        else if (key in r.results) p.resolve(r.results[key]);
        else
          p.reject(
            new Bitrix24Error({
              kind: "retryable",
              code: "BATCH_SKIPPED",
              description: "Not run by the portal",
              httpStatus: null,
              method: p.method,
            }),
          );
      });
    } catch (e) {
      if (e instanceof Bitrix24Error && e.ambiguous && e.retryable) {
        // Re-queue what is safe to repeat; the others must be reconciled by their callers.
        const again = taken.filter((p) => p.idempotent);
        for (const p of taken) if (!p.idempotent) p.reject(e);
        this.queue.unshift(...again);
        return;
      }
      for (const p of taken) p.reject(e);
    }
  }
}

type Waiter = { resolve: (ids: number[]) => void; reject: (e: unknown) => void };

/**
 * `crm.duplicate.findbycomm` takes up to 20 values per call: lookups made at about the same time
 * share calls. When several values were asked together and something matched, the matched records
 * are read back to tell which value matched which record.
 */
export class DuplicateFinder {
  private pending = new Map<string, Map<string, Waiter[]>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly b: AutoBatcher,
    private readonly lingerMs = 5,
  ) {}

  /** CRM ids of `entity` records having `value` (compared like the portal: e-mail case-folded, phone digits). */
  find(entity: "CONTACT" | "COMPANY", type: "EMAIL" | "PHONE", value: string): Promise<number[]> {
    if (!normalize(type, value)) return Promise.resolve([]);
    const groupKey = `${entity}:${type}`;
    let group = this.pending.get(groupKey);
    if (!group) this.pending.set(groupKey, (group = new Map()));
    const waiting = group;
    return new Promise<number[]>((resolve, reject) => {
      const list = waiting.get(value.trim()) ?? [];
      list.push({ resolve, reject });
      waiting.set(value.trim(), list);
      this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  private flush(): void {
    this.timer = null;
    const groups = this.pending;
    this.pending = new Map();
    for (const [groupKey, group] of groups) {
      const [entity, type] = groupKey.split(":") as ["CONTACT" | "COMPANY", "EMAIL" | "PHONE"];
      const values = [...group.keys()];
      for (let i = 0; i < values.length; i += 20) {
        const chunk = values.slice(i, i + 20);
        this.lookup(entity, type, chunk).then(
          (byValue) => chunk.forEach((v) => group.get(v)!.forEach((w) => w.resolve(byValue.get(v) ?? []))),
          (e: unknown) => chunk.forEach((v) => group.get(v)!.forEach((w) => w.reject(e))),
        );
      }
    }
  }

  private async lookup(entity: "CONTACT" | "COMPANY", type: "EMAIL" | "PHONE", values: string[]): Promise<Map<string, number[]>> {
    const raw = await this.b.call<unknown>("crm.duplicate.findbycomm", { entity_type: entity, type, values });
    const ids = idsOf(raw, entity);
    const out = new Map<string, number[]>();
    if (ids.length === 0) return out;
    if (values.length === 1) return out.set(values[0], ids);
    // Several values asked at once: read the matches to see which value each one has.
    const method = entity === "CONTACT" ? "crm.contact.list" : "crm.company.list";
    const rows = await this.b.call<Array<Record<string, unknown>>>(method, { filter: { "@ID": ids }, select: ["ID", type], start: -1 });
    const wanted = new Map(values.map((v) => [normalize(type, v), v]));
    for (const row of Array.isArray(rows) ? rows : []) {
      const items = Array.isArray(row[type]) ? (row[type] as Array<{ VALUE?: unknown }>) : [];
      for (const item of items) {
        const v = wanted.get(normalize(type, String(item.VALUE ?? "")));
        if (v)
          out.set(
            v,
            [...new Set([...(out.get(v) ?? []), Number(row.ID)])].sort((a, b) => a - b),
          );
      }
    }
    // At most 20 matches come back per entity type: values whose matches may have been cut off
    // are asked again one by one.
    if (ids.length >= 20) {
      for (const v of values)
        if (!out.has(v))
          out.set(v, idsOf(await this.b.call("crm.duplicate.findbycomm", { entity_type: entity, type, values: [v] }), entity));
    }
    return out;
  }
}

function normalize(type: "EMAIL" | "PHONE", value: string): string {
  return type === "EMAIL" ? value.trim().toLowerCase() : value.split(/(?:ext|доб|#)/i)[0].replace(/\D/g, "");
}

/** `{"CONTACT": [ids]}`, or `[]` when nothing matched (PHP's empty array). */
function idsOf(raw: unknown, entity: string): number[] {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return [];
  const list = (raw as Record<string, unknown>)[entity];
  const ids = (Array.isArray(list) ? list : list && typeof list === "object" ? Object.values(list) : [])
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  return [...new Set(ids)].sort((a, b) => a - b);
}

// What tests inspect and steer on a running emulator: records, the request log, reject rules,
// event bindings and edits made "in the portal" by a manager.
import type { EventDelivery, EventHub } from "./events";
import { normalizeLists, type Params } from "./php-query";
import type { PortalBucket } from "./portal-bucket";
import type { EntityType } from "./fields";
import type { CrmRecord, CrmStore, RejectRule, TimelineComment } from "./store";

export type RequestLogEntry = {
  at: number;
  method: string;
  status: number;
  error?: string;
  injected?: boolean;
  batchKey?: string;
  params?: Params;
};

/** What tests inspect and steer: records, request log, reject rules, portal-side edits and events. */
export class Bitrix24EmulatorState {
  readonly requests: RequestLogEntry[] = [];
  private collecting: Promise<EventDelivery[]>[] | null = null;

  constructor(
    readonly store: CrmStore,
    private readonly hub: EventHub,
    private readonly bucket: PortalBucket,
    private readonly portalUserId: number,
    restChangesFireEvents: boolean,
  ) {
    store.onChange((type, id, kind) => {
      if (!this.collecting && !restChangesFireEvents) return;
      const p = hub.dispatch(`ONCRM${type.toUpperCase()}${kind}`, id);
      this.collecting?.push(p);
    });
  }

  get companies(): CrmRecord[] {
    return this.store.records("company");
  }
  get contacts(): CrmRecord[] {
    return this.store.records("contact");
  }
  get deals(): CrmRecord[] {
    return this.store.records("deal");
  }
  get comments(): TimelineComment[] {
    return [...this.store.comments];
  }
  get categories() {
    return this.store.categories;
  }
  get stages() {
    return this.store.stages;
  }
  get users() {
    return this.store.users;
  }
  get events(): EventDelivery[] {
    return [...this.hub.deliveries];
  }

  count(type: EntityType): number {
    return this.store.count(type);
  }

  record(type: EntityType, id: number): CrmRecord | undefined {
    return this.store.record(type, id);
  }

  /** Requests that reached a method (injected and refused ones included), optionally by name. */
  calls(method?: string): RequestLogEntry[] {
    return method ? this.requests.filter((r) => r.method === method) : [...this.requests];
  }

  bucketLevel(): number {
    return this.bucket.current();
  }

  /** From now on the CRM rejects matching add/update calls with a 400 method error. Returns an undo. */
  rejectField(rule: RejectRule): () => void {
    this.store.rules.push(rule);
    return () => {
      const i = this.store.rules.indexOf(rule);
      if (i >= 0) this.store.rules.splice(i, 1);
    };
  }

  /** Like an outgoing webhook configured in the portal UI; `event` e.g. "ONCRMDEALUPDATE". */
  bindEvent(event: string, handlerUrl: string): number {
    return this.hub.bind(event, handlerUrl);
  }

  unbindEvent(id: number): void {
    this.hub.unbind(id);
  }

  /** A manager edits the record in the portal: same semantics as crm.*.update, fires the events, awaits delivery. */
  async editAsPortalUser(type: EntityType, id: number, fields: Params, opts: { userId?: number } = {}): Promise<EventDelivery[]> {
    const collected: Promise<EventDelivery[]>[] = [];
    this.collecting = collected;
    try {
      this.store.update(type, id, normalizeLists(fields), { userId: opts.userId ?? this.portalUserId, enforceRules: false });
    } finally {
      this.collecting = null;
    }
    return (await Promise.all(collected)).flat();
  }

  /** A manager creates the record in the portal (crm.*.add semantics), fires ONCRM*ADD, awaits delivery. */
  async addAsPortalUser(
    type: EntityType,
    fields: Params,
    opts: { userId?: number } = {},
  ): Promise<{ id: number; deliveries: EventDelivery[] }> {
    const collected: Promise<EventDelivery[]>[] = [];
    this.collecting = collected;
    let id: number;
    try {
      id = this.store.add(type, normalizeLists(fields), { userId: opts.userId ?? this.portalUserId, enforceRules: false });
    } finally {
      this.collecting = null;
    }
    return { id, deliveries: (await Promise.all(collected)).flat() };
  }

  /** Waits until event deliveries under way have finished. */
  settleEvents(): Promise<void> {
    return this.hub.settle();
  }
}

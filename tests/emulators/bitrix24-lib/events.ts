// Outbound events (ONCRMCOMPANYUPDATE, ONCRMDEALUPDATE…) POSTed to bound handlers. Like the
// portal: only the record id is sent, auth[application_token] identifies the portal, no retries.

export type EventBinding = { id: number; event: string; handler: string };
export type EventDelivery = { event: string; handler: string; recordId: number; at: number; status?: number; error?: string };

export type EventPortalInfo = {
  domain: string;
  clientEndpoint: string;
  memberId: string;
  applicationToken: string;
  encoding: "form" | "json";
};

/** PHP-style form encoding of nested objects: data[FIELDS][ID]=5. */
export function encodeForm(value: Record<string, unknown>, prefix = ""): string[] {
  const pairs: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (typeof v === "object" && v !== null) pairs.push(...encodeForm(v as Record<string, unknown>, key));
    else pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(v ?? ""))}`);
  }
  return pairs;
}

export class EventHub {
  readonly bindings: EventBinding[] = [];
  readonly deliveries: EventDelivery[] = [];
  private nextId = 1;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly portal: () => EventPortalInfo) {}

  bind(event: string, handler: string): number {
    const binding = { id: this.nextId++, event: event.toUpperCase(), handler };
    this.bindings.push(binding);
    return binding.id;
  }

  unbind(id: number): void {
    const i = this.bindings.findIndex((b) => b.id === id);
    if (i >= 0) this.bindings.splice(i, 1);
  }

  dispatch(event: string, recordId: number): Promise<EventDelivery[]> {
    const targets = this.bindings.filter((b) => b.event === event);
    const p = Promise.all(targets.map((b) => this.deliver(b, recordId)));
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Waits for deliveries still under way (so a test or close() does not race them). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private payload(binding: EventBinding, recordId: number) {
    const info = this.portal();
    return {
      event: binding.event,
      event_handler_id: String(binding.id),
      data: { FIELDS: { ID: String(recordId) } },
      ts: String(Math.floor(Date.now() / 1000)),
      auth: {
        access_token: "",
        expires: "",
        expires_in: "3600",
        scope: "crm",
        domain: info.domain,
        server_endpoint: "https://oauth.bitrix.info/rest/",
        status: "L",
        client_endpoint: info.clientEndpoint,
        member_id: info.memberId,
        refresh_token: "",
        application_token: info.applicationToken,
      },
    };
  }

  private async deliver(binding: EventBinding, recordId: number): Promise<EventDelivery> {
    const info = this.portal();
    const body = this.payload(binding, recordId);
    const delivery: EventDelivery = { event: binding.event, handler: binding.handler, recordId, at: Date.now() };
    try {
      const res = await fetch(binding.handler, {
        method: "POST",
        headers: {
          "Content-Type": info.encoding === "json" ? "application/json" : "application/x-www-form-urlencoded",
          "User-Agent": "Bitrix24 Webhook Engine",
        },
        body: info.encoding === "json" ? JSON.stringify(body) : encodeForm(body).join("&"),
        signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer();
      delivery.status = res.status;
    } catch (e) {
      delivery.error = e instanceof Error ? e.message : String(e);
    }
    this.deliveries.push(delivery);
    return delivery;
  }
}

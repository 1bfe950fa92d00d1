import { useCallback, useEffect, useState } from "react";
import { OfflineError, type KioskApi } from "../api";
import { errorOutcome } from "../outcomes";
import { store } from "../store";
import type { ExitInfo, KioskStatusView, LocalRegistration, Meta, PrinterState, QueuedWalkIn, SyncPage, Translate } from "../types";
import type { Outcome } from "../verdict";

// Delta sync every few seconds; the offline queue goes to the server whenever it answers. Each
// round also brings exit mode, the event's arrivals today and the printer's state.

/** The event and kiosk as a sync page describes them, with the page's cursor. */
function metaOf(page: SyncPage): Meta {
  return {
    cursor: page.cursor,
    publicKeys: page.publicKeys,
    kioskName: page.kiosk.name,
    eventName: page.event.name,
    timezone: page.event.timezone,
    startsAt: page.event.startsAt ?? null,
    endsAt: page.event.endsAt ?? null,
    doorsOpen: page.event.doorsOpen ?? null,
    doorsClose: page.event.doorsClose ?? null,
    categories: page.kiosk.categories,
    printerId: page.kiosk.printerId ?? null,
  };
}

/** Pages of changes since the stored cursor into IndexedDB, until the server has no more. */
async function pullRegistrations(api: KioskApi, m: Meta | undefined, stopped: () => boolean, onMeta: (m: Meta) => void) {
  let more = true;
  while (more && !stopped()) {
    const page = await api.sync(m?.cursor ?? null);
    await store.putRegistrations(page.registrations, page.removed, page.reset);
    m = metaOf(page);
    await store.setMeta(m);
    onMeta(m);
    more = page.hasMore;
  }
}

/** What was queued offline, in order: check-ins (one batch), exits, walk-ins. Offline again: throws. */
async function flushQueues(api: KioskApi, onWalkInRefused: (w: QueuedWalkIn, err: Error) => void) {
  const queued = await store.queued();
  if (queued.length) {
    await api.batch(queued);
    await store.dequeue(queued.map((q) => q.clientId));
  }
  for (const x of await store.exits()) {
    try {
      await api.checkOut(x);
    } catch (err) {
      if (err instanceof OfflineError) throw err;
      console.warn("queued exit refused", err); // e.g. exits no longer counted: nothing to keep
    }
    await store.dequeueExit(x.clientId);
  }
  for (const w of await store.walkIns()) {
    try {
      await api.walkIn(w);
    } catch (err) {
      if (err instanceof OfflineError) throw err;
      onWalkInRefused(w, err as Error);
    }
    await store.dequeueWalkIn(w.clientId);
  }
}

/** How many scans and walk-ins wait for the server. */
export function useQueueLength() {
  const [queueLength, setQueueLength] = useState(0);
  const refreshQueue = useCallback(
    async () => setQueueLength((await store.queued()).length + (await store.walkIns()).length + (await store.exits()).length),
    [],
  );
  return { queueLength, refreshQueue };
}

/** What the kiosk's hooks share: the API, the translator, the result screen, online and queue. */
export type KioskLink = {
  api: KioskApi;
  t: Translate;
  show: (o: Outcome) => void;
  onUnpair: (revoked?: boolean) => void;
  setOnline: (online: boolean) => void;
  refreshQueue: () => Promise<void>;
};

export function useSync({ api, t, show, onUnpair, setOnline, refreshQueue }: KioskLink) {
  const [people, setPeople] = useState<LocalRegistration[]>([]);
  const [meta, setMeta] = useState<Meta | null>(null);
  // Arrivals: the server's count for the whole event today, plus this kiosk's check-ins it has not
  // counted yet (made since the last answer, or queued offline).
  const [serverCounts, setServerCounts] = useState<{ arrived: number; expected: number } | null>(null);
  const [arrived, setArrived] = useState(0);
  const [printer, setPrinter] = useState<PrinterState | null>(null);
  const [printers, setPrinters] = useState<NonNullable<KioskStatusView["printers"]>>([]);
  const [statusRound, setStatusRound] = useState(0);
  // Exit mode (events that count exits): scans are check-outs, online only.
  const [exit, setExit] = useState<ExitInfo | null>(null);

  useEffect(() => {
    let stopped = false;
    let round = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      if (stopped) return; // unpaired or unmounted: no round after the last one
      try {
        const m = await store.getMeta();
        if (m) setMeta(m);
        await pullRegistrations(api, m, () => stopped, setMeta);
        setExit(await api.exitInfo());
        // Refused for good (the kiosk's own checks let it through): say so, do not retry forever.
        await flushQueues(api, (w, err) =>
          show({ ...errorOutcome(t, t("kiosk.walkInRefused", { reason: err.message })), title: `${w.lastName} ${w.firstName}` }),
        );
        // After the queues went up, so the count includes them. The printer is probed every
        // fifth round (about 15 s): a health check is a network round trip to the printer.
        const st = await api.status(round++ % 5 === 0);
        setServerCounts({ arrived: st.arrivedToday, expected: st.expected });
        setArrived(0);
        if (st.printer) setPrinter(st.printer);
        if (st.printers) setPrinters(st.printers);
        setStatusRound(round);
        setOnline(true);
      } catch (err) {
        if (err instanceof OfflineError) setOnline(false);
        else if ((err as { status?: number }).status === 401) return onUnpair(true);
      }
      setPeople(await store.allRegistrations());
      await refreshQueue();
      if (!stopped) timer = setTimeout(loop, 3000);
    };
    void loop();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, onUnpair, refreshQueue]);

  /** A check-in this kiosk made that the server's count does not include yet. */
  const countArrival = useCallback(() => setArrived((n) => n + 1), []);
  const arrivals = {
    arrived: (serverCounts?.arrived ?? 0) + arrived,
    expected: serverCounts?.expected ?? people.filter((p) => p.status === "confirmed").length,
  };
  return { people, meta, exit, setExit, printer, printers, statusRound, arrivals, countArrival };
}

// The kiosk's offline store in IndexedDB: the registrations it may admit (from delta sync),
// sync metadata, the queue of scans waiting for the server, and its own offline check-ins.

import type { QueuedScan, WalkInForm } from "./api";

export type LocalRegistration = { id: string; name: string; company: string | null; category: string; status: string; phone?: string | null };
/** A walk-in registered while the server could not be reached; sent when it answers again. */
export type QueuedWalkIn = WalkInForm & { scannedAt: string };
/** An exit scan made while the server could not be reached. */
export type QueuedExit = { clientId: string; code?: string; registrationId?: string; scannedAt: string };
export type Meta = {
  cursor: string | null;
  publicKeys: string[];
  kioskName: string;
  eventName: string;
  timezone: string;
  /** The event's first and last moments (ISO): the kiosk warns about check-ins on other days. */
  startsAt?: string | null;
  endsAt?: string | null;
  /** Venue-local "HH:MM": a check-in outside these hours on an event day needs a tap too. */
  doorsOpen?: string | null;
  doorsClose?: string | null;
  categories: string[];
  printerId?: string | null;
};

const DB = "expodesk-kiosk";
const STORES = ["registrations", "queue", "meta", "checked", "walkins", "exits"] as const;

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 3);
    req.onupgradeneeded = (e) => {
      const db = req.result;
      if (e.oldVersion < 1) {
        db.createObjectStore("registrations", { keyPath: "id" });
        db.createObjectStore("queue", { keyPath: "clientId" });
        db.createObjectStore("meta");
        db.createObjectStore("checked");
      }
      if (e.oldVersion < 2) db.createObjectStore("walkins", { keyPath: "clientId" });
      if (e.oldVersion < 3) db.createObjectStore("exits", { keyPath: "clientId" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let dbPromise: Promise<IDBDatabase> | null = null;
const db = () => (dbPromise ??= open());

/** Runs `fn` in one transaction and resolves when it commits, with the last request's result. */
async function tx<T>(store: (typeof STORES)[number], mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(store, mode);
    const req = fn(t.objectStore(store));
    t.oncomplete = () => resolve(req ? req.result : undefined);
    t.onerror = () => reject(t.error);
  });
}

export const store = {
  putRegistrations: (rows: LocalRegistration[], removed: string[], reset: boolean) =>
    tx("registrations", "readwrite", (s) => {
      if (reset) s.clear();
      for (const r of rows) s.put(r);
      for (const id of removed) s.delete(id);
    }),
  getRegistration: (id: string) => tx<LocalRegistration>("registrations", "readonly", (s) => s.get(id)),
  allRegistrations: async () => (await tx<LocalRegistration[]>("registrations", "readonly", (s) => s.getAll())) ?? [],
  getMeta: () => tx<Meta>("meta", "readonly", (s) => s.get("meta")),
  setMeta: (m: Meta) => tx("meta", "readwrite", (s) => s.put(m, "meta")),
  enqueue: (scan: QueuedScan) => tx("queue", "readwrite", (s) => s.put(scan)),
  queued: async () => ((await tx<QueuedScan[]>("queue", "readonly", (s) => s.getAll())) ?? []).sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)),
  dequeue: (ids: string[]) =>
    tx("queue", "readwrite", (s) => {
      for (const id of ids) s.delete(id);
    }),
  enqueueWalkIn: (w: QueuedWalkIn) => tx("walkins", "readwrite", (s) => s.put(w)),
  walkIns: async () => ((await tx<QueuedWalkIn[]>("walkins", "readonly", (s) => s.getAll())) ?? []).sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)),
  dequeueWalkIn: (clientId: string) => tx("walkins", "readwrite", (s) => s.delete(clientId)),
  enqueueExit: (x: QueuedExit) => tx("exits", "readwrite", (s) => s.put(x)),
  exits: async () => ((await tx<QueuedExit[]>("exits", "readonly", (s) => s.getAll())) ?? []).sort((a, b) => a.scannedAt.localeCompare(b.scannedAt)),
  dequeueExit: (clientId: string) => tx("exits", "readwrite", (s) => s.delete(clientId)),
  markChecked: (key: string, at: string) => tx("checked", "readwrite", (s) => s.put(at, key)),
  checkedAt: (key: string) => tx<string>("checked", "readonly", (s) => s.get(key)),
  async clearAll() {
    for (const name of STORES) await tx(name, "readwrite", (s) => void s.clear());
  },
};

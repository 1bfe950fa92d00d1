import { useCallback, useEffect, useRef, useState } from "react";
import { useLocale, useT } from "~/i18n/react";
import type { MessageKey } from "~/i18n";
import { localDay } from "~/utils/event-days";
import {
  createApi,
  OfflineError,
  type CheckInAnswer,
  type CheckOutAnswer,
  type ExitInfo,
  type KioskStatusView,
  type PrinterState,
  type QueuedScan,
  type WalkInForm,
} from "./api";
import { CameraScanner } from "./camera";
import { Pairing } from "./pairing";
import { BrowserPrintPill, FailedBadges, PrinterPill } from "./print-bar";
import { Reprint } from "./reprint";
import { checkInOutcome, checkOutOutcome, dateWarning, errorOutcome, foreignOutcome, todayOf } from "./outcomes";
import { searchPeople } from "./search";
import { setSoundEnabled, soundEnabled } from "./sound";
import { store, type LocalRegistration, type Meta } from "./store";
import { useOutcome, VerdictScreen, type ScanRequest } from "./verdict";
import { parseTicketCode, verifyTicketCode } from "~/shared/ticket-code";
import { ALL_CATEGORIES, WalkIn, walkInErrors } from "./walk-in";
import { createWedgeDetector } from "./wedge";

/** The reason on a walk-in answer made by the kiosk itself while offline. */
const QUEUED_OFFLINE = "queued_offline";
/** The rest of an exit answer the kiosk makes itself while offline. */
const OFFLINE_EXIT = { registration: null, checkedOutAt: null, inside: 0 } as const;

// The kiosk: scan (USB scanner anywhere on the screen, camera, or search), check in online or,
// when the server cannot be reached, offline against the synced list with signatures verified
// locally; offline scans queue in IndexedDB and go to the server in order when it is back.

type T = (k: MessageKey, p?: Record<string, string | number>) => string;
const TOKEN_KEY = "expodesk.kioskToken";

export function KioskApp() {
  const t = useT();
  const [token, setToken] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    setToken(localStorage.getItem(TOKEN_KEY));
    setReady(true);
  }, []);
  // revoked: the server refused the token (a manager unpaired the device): say so on the pairing screen.
  const unpair = useCallback(
    (revoked = false) => {
      localStorage.removeItem(TOKEN_KEY);
      void store.clearAll();
      setNotice(revoked ? t("kiosk.revokedNotice") : null);
      setToken(null);
    },
    [t],
  );
  if (!ready) return null;
  if (!token)
    return <Pairing t={t} notice={notice} onPaired={(tok) => (localStorage.setItem(TOKEN_KEY, tok), setNotice(null), setToken(tok))} />;
  return <Scanner token={token} t={t} onUnpair={unpair} />;
}

function Scanner({ token, t, onUnpair }: { token: string; t: T; onUnpair: (revoked?: boolean) => void }) {
  const api = useRef(createApi(token)).current;
  const locale = useLocale();
  const [online, setOnline] = useState(true);
  const [queueLength, setQueueLength] = useState(0);
  // The result on screen; it returns to the scan prompt by itself (kiosk/verdict.tsx).
  const { outcome, held, shownAt, show, hold, clear } = useOutcome();
  const [sound, setSound] = useState(false);
  useEffect(() => setSound(soundEnabled()), []);
  const [people, setPeople] = useState<LocalRegistration[]>([]);
  const [meta, setMeta] = useState<Meta | null>(null);
  // Arrivals: the server's count for the whole event today, plus this kiosk's check-ins it has not
  // counted yet (made since the last answer, or queued offline).
  const [serverCounts, setServerCounts] = useState<{ arrived: number; expected: number } | null>(null);
  const [arrived, setArrived] = useState(0);
  const [printer, setPrinter] = useState<PrinterState | null>(null);
  const [printers, setPrinters] = useState<NonNullable<KioskStatusView["printers"]>>([]);
  const [statusRound, setStatusRound] = useState(0);
  const [query, setQuery] = useState("");
  const [camera, setCamera] = useState(false);
  const [walkIn, setWalkIn] = useState(false);
  // Exit mode (events that count exits): scans are check-outs, online only.
  const [exit, setExit] = useState<ExitInfo | null>(null);
  const exitMode = exit?.mode === "exit";
  const lastCode = useRef<{ code: string; at: number }>({ code: "", at: 0 });
  const confirmed = useRef(-1);

  const refreshQueue = useCallback(
    async () => setQueueLength((await store.queued()).length + (await store.walkIns()).length + (await store.exits()).length),
    [],
  );

  /**
   * Offline look-up: a scanned code verified with the event's public keys (`invalid` when it does
   * not), or a searched id, in the kiosk's copy of the registrations.
   */
  const lookUpLocally = useCallback(async (input: { code?: string; registrationId?: string }) => {
    let id = input.registrationId;
    if (input.code) {
      const m = await store.getMeta();
      const v = await verifyTicketCode(input.code, m?.publicKeys ?? []).catch(
        (err) => (console.warn("offline verification failed", err), null),
      );
      if (!v || !v.ok) return { invalid: true as const };
      id = v.registrationId;
    }
    return { invalid: false as const, reg: id ? await store.getRegistration(id) : undefined };
  }, []);

  // Offline, a walk-in is checked by the kiosk's own rules and queued; the server registers it
  // (same clientId, at the time it happened) once it answers again.
  const submitWalkIn = useCallback(
    async (form: WalkInForm): Promise<CheckInAnswer> => {
      try {
        return await api.walkIn(form);
      } catch (err) {
        if (!(err instanceof OfflineError)) throw err;
        const allowed = meta?.categories.length ? meta.categories : ALL_CATEGORIES;
        const fields = walkInErrors(form, allowed);
        if (Object.keys(fields).length) throw Object.assign(new Error("invalid"), { status: 422, fields });
        const scannedAt = new Date().toISOString();
        await store.enqueueWalkIn({ ...form, scannedAt });
        setOnline(false);
        await refreshQueue();
        const name = [form.lastName.trim(), form.firstName.trim()].join(" ");
        return {
          clientId: form.clientId,
          result: "checked_in",
          reason: QUEUED_OFFLINE,
          registration: { id: form.clientId, name, company: form.company.trim() || null, category: form.category, status: "confirmed" },
          checkedInAt: scannedAt,
          kiosk: null,
        };
      }
    },
    [api, meta, refreshQueue],
  );

  // Delta sync every few seconds; the offline queue goes to the server whenever it answers.
  useEffect(() => {
    let stopped = false;
    let round = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const loop = async () => {
      if (stopped) return; // unpaired or unmounted: no round after the last one
      try {
        let m = await store.getMeta();
        if (m) setMeta(m);
        let more = true;
        while (more && !stopped) {
          const page = await api.sync(m?.cursor ?? null);
          await store.putRegistrations(page.registrations, page.removed, page.reset);
          m = {
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
          await store.setMeta(m);
          setMeta(m);
          more = page.hasMore;
        }
        setExit(await api.exitInfo());
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
            // Refused for good (the kiosk's own checks let it through): say so, do not retry forever.
            show({
              ...errorOutcome(t, t("kiosk.walkInRefused", { reason: (err as Error).message })),
              title: `${w.lastName} ${w.firstName}`,
            });
          }
          await store.dequeueWalkIn(w.clientId);
        }
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

  const fromAnswer = useCallback((a: CheckInAnswer) => checkInOutcome(t, a, meta), [t, meta]);
  const fromExit = useCallback((a: CheckOutAnswer) => checkOutOutcome(t, a, meta), [t, meta]);

  const exitModeRef = useRef(exitMode);
  exitModeRef.current = exitMode;
  const handle = useCallback(
    async (input: { code?: string; registrationId?: string }) => {
      if (exitModeRef.current) {
        const exitScan = { clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), ...input };
        try {
          const a = await api.checkOut(exitScan);
          setExit((e) => (e ? { ...e, inside: a.inside } : e));
          show(fromExit(a));
        } catch (err) {
          if ((err as { status?: number }).status === 401) return onUnpair(true);
          if (!(err instanceof OfflineError)) return show(errorOutcome(t, (err as Error).message));
          // Offline: a genuine code is queued as an exit; the server decides when it answers.
          setOnline(false);
          const found = await lookUpLocally(input);
          if (found.invalid) return show(fromExit({ ...OFFLINE_EXIT, result: "invalid_code", clientId: exitScan.clientId }));
          if (!found.reg) return show(fromExit({ ...OFFLINE_EXIT, result: "not_found", clientId: exitScan.clientId }));
          const reg = found.reg;
          await store.enqueueExit(exitScan);
          await refreshQueue();
          show({
            ...fromExit({ ...OFFLINE_EXIT, result: "checked_out", clientId: exitScan.clientId, registration: reg }),
            detail: t("kiosk.exitQueued"),
          });
        }
        return;
      }
      const scan: QueuedScan = { clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), print: true, ...input };
      try {
        const answer = await api.checkIn(scan);
        setOnline(true);
        if (answer.result === "checked_in") setArrived((n) => n + 1);
        show(fromAnswer(answer));
        return;
      } catch (err) {
        if (!(err instanceof OfflineError)) {
          if ((err as { status?: number }).status === 401) return onUnpair(true);
          show(errorOutcome(t, (err as Error).message));
          return;
        }
      }
      // Offline: decide locally, queue for the server (which merges: earliest scan wins).
      setOnline(false);
      const m = await store.getMeta();
      const found = await lookUpLocally(input);
      const offline = { clientId: scan.clientId, reason: null, checkedInAt: null, kiosk: null };
      if (found.invalid) return show(fromAnswer({ ...offline, result: "invalid_code", registration: null }));
      if (!found.reg) return show(fromAnswer({ ...offline, result: "not_found", registration: null }));
      const reg = found.reg;
      if (reg.status !== "confirmed") return show(fromAnswer({ ...offline, result: "cancelled", registration: reg }));
      const key = `${reg.id}:${localDay(new Date(), m?.timezone ?? "UTC")}`;
      const before = await store.checkedAt(key);
      if (before)
        return show(
          fromAnswer({
            clientId: scan.clientId,
            result: "already_checked_in",
            reason: null,
            registration: reg,
            checkedInAt: before,
            kiosk: null,
          }),
        );
      await store.markChecked(key, scan.scannedAt);
      await store.enqueue(scan);
      await refreshQueue();
      setArrived((n) => n + 1);
      show(
        fromAnswer({
          clientId: scan.clientId,
          result: "checked_in",
          reason: null,
          registration: reg,
          checkedInAt: scan.scannedAt,
          kiosk: null,
        }),
      );
    },
    [api, show, fromAnswer, fromExit, refreshQueue, t, onUnpair, lookUpLocally],
  );

  // A check-in on a day that is not the event's needs a tap first (badge pickup the day before
  // is fine, a ticket for next year's show is not); exits and walk-ins do not ask.
  const request = useCallback(
    (input: ScanRequest) => {
      const warning = exitModeRef.current ? null : dateWarning(t, locale, meta, input);
      if (warning) return show(warning);
      void handle(input);
    },
    [handle, show, t, locale, meta],
  );

  const busyRef = useRef(false);
  busyRef.current = held || walkIn;
  const onCode = useCallback(
    (code: string, source: "scanner" | "camera" = "scanner") => {
      // Cameras decode the same code many times a second: ignore their repeats for a few
      // seconds. A USB scanner fires once per trigger, so a repeat there is a real second scan.
      const now = Date.now();
      // Staff at the reprint form or a walk-in being typed in: the camera (still running) waits.
      if (source === "camera" && busyRef.current) return;
      if (source === "camera" && lastCode.current.code === code && now - lastCode.current.at < 4000) return;
      lastCode.current = { code, at: now };
      // Anything else scanned (an EAN-13, a URL, another system's ticket) gets an answer too.
      if (!parseTicketCode(code)) return show(foreignOutcome(t, code));
      request({ code });
    },
    [request, show, t],
  );

  // USB scanners type anywhere on the screen: listen on the whole document. Our codes are
  // about 100 characters, so 20+ keys under 100 ms apart and then Enter is no person; shorter
  // codes of other kinds (an EAN-13) count when scanner-fast, under 50 ms a key. The
  // detector lives as long as the page: re-creating it (on every sync tick) lost half a scan.
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;
  useEffect(() => {
    const wedge = createWedgeDetector({
      onScan: (code) => onCodeRef.current(code),
      maxGapMs: 100,
      minLength: 20,
      shortMinLength: 4,
      shortMaxGapMs: 50,
    });
    const listener = (e: KeyboardEvent) => {
      if (wedge.handle(e) && !(e.target instanceof HTMLInputElement)) e.preventDefault();
    };
    document.addEventListener("keydown", listener, true);
    return () => document.removeEventListener("keydown", listener, true);
  }, []);

  const results = query.trim().length >= 2 ? searchPeople(people, query, 8) : [];
  const expected = serverCounts?.expected ?? people.filter((p) => p.status === "confirmed").length;
  const arrivedShown = (serverCounts?.arrived ?? 0) + arrived;

  const day = todayOf(meta);
  const covered = !!outcome || walkIn;
  return (
    <div className="kiosk" data-event-day={day ? (day.number ? `${day.number}/${day.count}` : "none") : undefined}>
      <header className="kiosk-bar">
        <strong>{meta?.eventName}</strong> · {meta?.kioskName}
        <span className={online ? "pill ok" : "pill bad"} data-testid="kiosk-online">
          {online ? t("kiosk.online") : t("kiosk.offline")}
        </span>
        <span className="pill" data-testid="kiosk-queue">
          {t("kiosk.queue", { count: queueLength })}
        </span>
        <span className="pill" data-testid="kiosk-arrived">
          {t("kiosk.arrived", { arrived: arrivedShown, expected })}
        </span>
        {printer && <PrinterPill t={t} printer={printer} />}
        <BrowserPrintPill t={t} />
        <FailedBadges t={t} api={api} printerId={meta?.printerId} printers={printers} tick={statusRound} />
        {exitMode && (
          <span className="pill bad" data-testid="kiosk-mode">
            {t("kiosk.exitMode")}
          </span>
        )}
        {exit?.countsExits && exit.inside !== null && (
          <span className="pill" data-testid="kiosk-inside">
            {t("kiosk.inside", { count: exit.inside })}
          </span>
        )}
        {/* A full page reload: the token and the offline data live in the browser, not the page. */}
        <form method="post" action="/lang" className="kiosk-lang">
          <input type="hidden" name="lang" value={locale === "ru" ? "en" : "ru"} />
          <input type="hidden" name="redirectTo" value="/kiosk" />
          <button type="submit" className="link" data-testid="kiosk-lang">
            {t("nav.language")}
          </button>
        </form>
        <button
          type="button"
          className="link"
          data-testid="kiosk-sound"
          aria-pressed={sound}
          onClick={() => {
            setSoundEnabled(!sound);
            setSound(!sound);
          }}
        >
          {t(sound ? "kiosk.soundOn" : "kiosk.soundOff")}
        </button>
        <button type="button" className="link" onClick={() => setCamera((c) => !c)}>
          {camera ? t("kiosk.stopCamera") : t("kiosk.camera")}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => {
            if (!confirm(t("kiosk.unpairConfirm"))) return;
            void api.unpair();
            onUnpair();
          }}
        >
          {t("kiosk.unpair")}
        </button>
      </header>
      {/* The scan prompt (and the camera in it) stays mounted under a result or the walk-in form:
          the camera keeps scanning, so the next person's code replaces a result at once. */}
      <div className="kiosk-main">
        <div className="kiosk-idle" aria-hidden={covered || undefined}>
          <div className="big">{exitMode ? t("kiosk.exitPrompt") : t("kiosk.scanPrompt")}</div>
          {camera && <CameraScanner onCode={(code) => onCode(code, "camera")} label={t("kiosk.chooseCamera")} />}
          <input
            className="kiosk-search"
            placeholder={t("kiosk.search")}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label={t("kiosk.search")}
          />
          {query.trim().length >= 2 && (
            <ul className="kiosk-results">
              {results.length === 0 && <li>{t("kiosk.noResults")}</li>}
              {results.map((p) => (
                <li key={p.id}>
                  <span>
                    {p.name} <span className="muted">{p.company}</span>
                  </span>
                  <button type="button" className="primary" onClick={() => (setQuery(""), request({ registrationId: p.id }))}>
                    {exitMode ? t("kiosk.checkOut") : t("kiosk.checkIn")}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {!exitMode && (
            <button type="button" className="link kiosk-walkin" onClick={() => (setQuery(""), setWalkIn(true))} data-testid="walkin">
              {t("kiosk.walkIn")}
            </button>
          )}
        </div>
        {walkIn && (
          <div className="kiosk-cover">
            <div className="kiosk-idle kiosk-scroll kiosk-walkin-screen">
              <WalkIn
                t={t}
                categories={meta?.categories ?? []}
                submit={submitWalkIn}
                onCancel={() => setWalkIn(false)}
                onDone={(answer) => {
                  setWalkIn(false);
                  if (answer.result === "checked_in") setArrived((n) => n + 1);
                  const o = fromAnswer(answer);
                  delete o.note; // a walk-in is registered today whatever the day
                  show(answer.reason === QUEUED_OFFLINE ? { ...o, detail: t("kiosk.walkInQueued") } : o);
                }}
              />
            </div>
          </div>
        )}
        {outcome && (
          <div className="kiosk-cover">
            <VerdictScreen outcome={outcome} held={held} shownAt={shownAt} onDismiss={clear}>
              {outcome.confirm && (
                <div className="kiosk-result-actions" onClick={(e) => e.stopPropagation()}>
                  <button
                    type="button"
                    className="primary"
                    data-testid="kiosk-confirm"
                    onClick={() => {
                      if (confirmed.current === shownAt) return; // one check-in per tap, even a double one
                      confirmed.current = shownAt;
                      void handle(outcome.confirm!);
                    }}
                  >
                    {t("kiosk.confirmAnyway")}
                  </button>
                  <button type="button" data-testid="kiosk-cancel" onClick={clear}>
                    {t("common.cancel")}
                  </button>
                </div>
              )}
              {outcome.kind === "yellow" && outcome.answer && (
                <div className={held ? undefined : "kiosk-result-actions"} onClick={(e) => e.stopPropagation()}>
                  {!outcome.answer.printJob ? (
                    online && <p className="small">{t("kiosk.reprintNoJob")}</p>
                  ) : held ? (
                    <Reprint t={t} run={(reason) => api.reprint(outcome.answer!.printJob!.id, reason, meta?.printerId)} onClose={clear} />
                  ) : (
                    <button type="button" className="primary" data-testid="reprint" onClick={hold}>
                      {t("kiosk.reprint")}
                    </button>
                  )}
                </div>
              )}
            </VerdictScreen>
          </div>
        )}
      </div>
    </div>
  );
}

import { useCallback, useRef } from "react";
import { OfflineError } from "../api";
import { checkInOffline, checkOutOffline, walkInOffline } from "../offline";
import { checkInOutcome, checkOutOutcome, errorOutcome } from "../outcomes";
import type { CheckInAnswer, CheckOutAnswer, ExitInfo, Meta, QueuedScan, ScanRequest, WalkInForm } from "../types";
import type { KioskLink } from "./use-sync";

// A scan or a searched person checked in (or out, in exit mode) and the answer put on screen:
// by the server, or by the kiosk itself when the server cannot be reached (kiosk/offline.ts).

export function useCheckIn(
  { api, t, show, onUnpair, setOnline, refreshQueue }: KioskLink,
  {
    meta,
    exitMode,
    setExit,
    countArrival,
  }: {
    meta: Meta | null;
    exitMode: boolean;
    setExit: (update: (e: ExitInfo | null) => ExitInfo | null) => void;
    countArrival: () => void;
  },
) {
  // Offline, a walk-in is checked by the kiosk's own rules and queued; the server registers it
  // (same clientId, at the time it happened) once it answers again.
  const submitWalkIn = useCallback(
    async (form: WalkInForm): Promise<CheckInAnswer> => {
      try {
        return await api.walkIn(form);
      } catch (err) {
        if (!(err instanceof OfflineError)) throw err;
        const answer = await walkInOffline(form, meta);
        setOnline(false);
        await refreshQueue();
        return answer;
      }
    },
    [api, meta, refreshQueue, setOnline],
  );

  const fromAnswer = useCallback((a: CheckInAnswer) => checkInOutcome(t, a, meta), [t, meta]);
  const fromExit = useCallback((a: CheckOutAnswer) => checkOutOutcome(t, a, meta), [t, meta]);

  const exitModeRef = useRef(exitMode);
  exitModeRef.current = exitMode;
  const handle = useCallback(
    async (input: ScanRequest) => {
      if (exitModeRef.current) {
        const exitScan = { clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), ...input };
        try {
          const a = await api.checkOut(exitScan);
          setExit((e) => (e ? { ...e, inside: a.inside } : e));
          show(fromExit(a));
        } catch (err) {
          if ((err as { status?: number }).status === 401) return onUnpair(true);
          if (!(err instanceof OfflineError)) return show(errorOutcome(t, (err as Error).message));
          setOnline(false);
          const { answer, queued } = await checkOutOffline(exitScan);
          if (!queued) return show(fromExit(answer));
          await refreshQueue();
          show({ ...fromExit(answer), detail: t("kiosk.exitQueued") });
        }
        return;
      }
      const scan: QueuedScan = { clientId: crypto.randomUUID(), scannedAt: new Date().toISOString(), print: true, ...input };
      try {
        const answer = await api.checkIn(scan);
        setOnline(true);
        if (answer.result === "checked_in") countArrival();
        show(fromAnswer(answer));
        return;
      } catch (err) {
        if (!(err instanceof OfflineError)) {
          if ((err as { status?: number }).status === 401) return onUnpair(true);
          show(errorOutcome(t, (err as Error).message));
          return;
        }
      }
      setOnline(false);
      const { answer, queued } = await checkInOffline(scan);
      if (queued) {
        await refreshQueue();
        countArrival();
      }
      show(fromAnswer(answer));
    },
    [api, show, fromAnswer, fromExit, refreshQueue, t, onUnpair, setOnline, setExit, countArrival],
  );

  return { handle, submitWalkIn, fromAnswer };
}

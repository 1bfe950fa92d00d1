import { useRef, useState } from "react";
import { useLocale, useT } from "~/i18n/react";
import { createApi } from "./api";
import { useCheckIn } from "./hooks/use-check-in";
import { usePairing } from "./hooks/use-pairing";
import { useScan } from "./hooks/use-scan";
import { useQueueLength, useSync } from "./hooks/use-sync";
import { KioskBar } from "./kiosk-bar";
import { QUEUED_OFFLINE } from "./offline";
import { todayOf } from "./outcomes";
import { Pairing } from "./pairing";
import { ResultActions } from "./result-actions";
import { ScanPrompt } from "./scan-prompt";
import type { Translate } from "./types";
import { useOutcome, VerdictScreen } from "./verdict";
import { WalkIn } from "./walk-in";

// The kiosk: scan (USB scanner anywhere on the screen, camera, or search), check in online or,
// when the server cannot be reached, offline against the synced list with signatures verified
// locally; offline scans queue in IndexedDB and go to the server in order when it is back.

export function KioskApp() {
  const t = useT();
  const { ready, token, notice, paired, unpair } = usePairing(t);
  if (!ready) return null;
  if (!token) return <Pairing t={t} notice={notice} onPaired={paired} />;
  return <Scanner token={token} t={t} onUnpair={unpair} />;
}

function Scanner({ token, t, onUnpair }: { token: string; t: Translate; onUnpair: (revoked?: boolean) => void }) {
  const api = useRef(createApi(token)).current;
  const locale = useLocale();
  const [online, setOnline] = useState(true);
  const { queueLength, refreshQueue } = useQueueLength();
  // The result on screen; it returns to the scan prompt by itself (kiosk/verdict.tsx).
  const { outcome, held, shownAt, show, hold, clear } = useOutcome();
  const [camera, setCamera] = useState(false);
  const [walkIn, setWalkIn] = useState(false);
  const link = { api, t, show, onUnpair, setOnline, refreshQueue };
  const sync = useSync(link);
  const { meta, exit, countArrival } = sync;
  const exitMode = exit?.mode === "exit";
  const { handle, submitWalkIn, fromAnswer } = useCheckIn(link, { meta, exitMode, setExit: sync.setExit, countArrival });
  const { request, onCode } = useScan({ t, locale, meta, exitMode, busy: held || walkIn, show, handle });

  const day = todayOf(meta);
  const covered = !!outcome || walkIn;
  return (
    <div className="kiosk" data-event-day={day ? (day.number ? `${day.number}/${day.count}` : "none") : undefined}>
      <KioskBar
        t={t}
        api={api}
        meta={meta}
        online={online}
        queueLength={queueLength}
        arrivals={sync.arrivals}
        printer={sync.printer}
        printers={sync.printers}
        statusRound={sync.statusRound}
        exit={exit}
        camera={camera}
        onCamera={() => setCamera((c) => !c)}
        onUnpair={onUnpair}
      />
      {/* The scan prompt (and the camera in it) stays mounted under a result or the walk-in form:
          the camera keeps scanning, so the next person's code replaces a result at once. */}
      <div className="kiosk-main">
        <ScanPrompt
          t={t}
          covered={covered}
          exitMode={exitMode}
          camera={camera}
          people={sync.people}
          onCode={onCode}
          request={request}
          onWalkIn={() => setWalkIn(true)}
        />
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
                  if (answer.result === "checked_in") countArrival();
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
              <ResultActions
                t={t}
                api={api}
                printerId={meta?.printerId}
                online={online}
                outcome={outcome}
                held={held}
                shownAt={shownAt}
                hold={hold}
                clear={clear}
                confirm={(input) => void handle(input)}
              />
            </VerdictScreen>
          </div>
        )}
      </div>
    </div>
  );
}

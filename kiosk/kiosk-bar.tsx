import { useEffect, useState } from "react";
import { useLocale } from "~/i18n/react";
import type { KioskApi } from "./api";
import { BrowserPrintPill, FailedBadges, PrinterPill } from "./print-bar";
import { setSoundEnabled, soundEnabled } from "./sound";
import type { ExitInfo, KioskStatusView, Meta, PrinterState, Translate } from "./types";

// The bar at the top of the kiosk: event and kiosk, online, queue, arrivals, printing, exit mode,
// and the staff's switches (language, sound, camera, unpair).

export function KioskBar({
  t,
  api,
  meta,
  online,
  queueLength,
  arrivals,
  printer,
  printers,
  statusRound,
  exit,
  camera,
  onCamera,
  onUnpair,
}: {
  t: Translate;
  api: KioskApi;
  meta: Meta | null;
  online: boolean;
  queueLength: number;
  arrivals: { arrived: number; expected: number };
  printer: PrinterState | null;
  printers: NonNullable<KioskStatusView["printers"]>;
  statusRound: number;
  exit: ExitInfo | null;
  camera: boolean;
  onCamera: () => void;
  onUnpair: () => void;
}) {
  const locale = useLocale();
  const [sound, setSound] = useState(false);
  useEffect(() => setSound(soundEnabled()), []);
  return (
    <header className="kiosk-bar">
      <strong>{meta?.eventName}</strong> · {meta?.kioskName}
      <span className={online ? "pill ok" : "pill bad"} data-testid="kiosk-online">
        {online ? t("kiosk.online") : t("kiosk.offline")}
      </span>
      <span className="pill" data-testid="kiosk-queue">
        {t("kiosk.queue", { count: queueLength })}
      </span>
      <span className="pill" data-testid="kiosk-arrived">
        {t("kiosk.arrived", arrivals)}
      </span>
      {printer && <PrinterPill t={t} printer={printer} />}
      <BrowserPrintPill t={t} />
      <FailedBadges t={t} api={api} printerId={meta?.printerId} printers={printers} tick={statusRound} />
      {exit?.mode === "exit" && (
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
      <button type="button" className="link" onClick={onCamera}>
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
  );
}

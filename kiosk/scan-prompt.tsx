import { useState } from "react";
import { CameraScanner } from "./camera";
import { searchPeople } from "./search";
import type { LocalRegistration, ScanRequest, Translate } from "./types";

// The scan prompt: the camera when it is on, the search for people without their QR, and the
// walk-in button. It stays mounted under a result or the walk-in form (aria-hidden then).

export function ScanPrompt({
  t,
  covered,
  exitMode,
  camera,
  people,
  onCode,
  request,
  onWalkIn,
}: {
  t: Translate;
  covered: boolean;
  exitMode: boolean;
  camera: boolean;
  people: LocalRegistration[];
  onCode: (code: string, source: "camera") => void;
  request: (input: ScanRequest) => void;
  onWalkIn: () => void;
}) {
  const [query, setQuery] = useState("");
  const results = query.trim().length >= 2 ? searchPeople(people, query, 8) : [];
  return (
    <div className="kiosk-idle" aria-hidden={covered || undefined}>
      <div className="big">{exitMode ? t("kiosk.exitPrompt") : t("kiosk.scanPrompt")}</div>
      {camera && <CameraScanner onCode={(code) => onCode(code, "camera")} label={t("kiosk.chooseCamera")} />}
      <input className="kiosk-search" placeholder={t("kiosk.search")} value={query} onChange={(e) => setQuery(e.target.value)} aria-label={t("kiosk.search")} />
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
        <button type="button" className="link kiosk-walkin" onClick={() => (setQuery(""), onWalkIn())} data-testid="walkin">
          {t("kiosk.walkIn")}
        </button>
      )}
    </div>
  );
}

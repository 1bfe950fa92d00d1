import { useEffect, useRef, useState } from "react";
import type { MessageKey } from "~/i18n";
import { createApi, OfflineError, pairWithCode } from "./api";
import type { ApiError, Translate } from "./types";

// The unpaired device: a one-time code from the manager's kiosks page (typed, or arriving as
// /kiosk?pair=CODE from its QR), exchanged for this device's own kiosk token. Pasting a raw
// kiosk token (the CLI's) stays as an advanced fallback.


const PAIR_ERRORS: Record<string, MessageKey> = {
  pairing_code_invalid: "kiosk.pairCodeInvalid",
  pairing_code_expired: "kiosk.pairCodeExpired",
  pairing_code_used: "kiosk.pairCodeUsed",
  rate_limited: "kiosk.pairRateLimited",
};

export function Pairing({ t, notice, onPaired }: { t: Translate; notice: string | null; onPaired: (token: string) => void }) {
  const [code, setCode] = useState("");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(false);

  const pair = async (value: string) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await pairWithCode(value);
      onPaired(answer.token);
    } catch (err) {
      const key = err instanceof OfflineError ? "kiosk.pairOffline" : (PAIR_ERRORS[(err as ApiError).code ?? ""] ?? "kiosk.pairCodeInvalid");
      setError(t(key));
    } finally {
      setBusy(false);
    }
  };

  // Opened from the pairing QR: the code is in the address; use it once and drop it from there.
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const url = new URL(window.location.href);
    const fromUrl = url.searchParams.get("pair");
    if (!fromUrl) return;
    url.searchParams.delete("pair");
    window.history.replaceState(null, "", url.pathname + url.search);
    setCode(fromUrl);
    void pair(fromUrl); // once, on the first render
  }, []);

  const submitToken = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await createApi(token.trim()).sync(null);
      onPaired(token.trim());
    } catch (err) {
      setError(t("kiosk.pairFailed", { error: (err as Error).message }));
    }
  };

  return (
    <div className="kiosk-pair">
      <h1>{t("kiosk.pairTitle")}</h1>
      {notice && (
        <p className="banner" role="status" data-testid="pair-notice">
          {notice}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void pair(code);
        }}
      >
        <label htmlFor="kiosk-pair-code">{t("kiosk.pairCode")}</label>
        <input
          id="kiosk-pair-code"
          value={code}
          onChange={(e) => setCode(e.target.value.toUpperCase())}
          autoFocus
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={20}
          style={{ fontSize: 32, fontFamily: "monospace", letterSpacing: "0.15em", textAlign: "center" }}
          aria-invalid={!!error}
          aria-describedby="kiosk-pair-help"
        />
        <p id="kiosk-pair-help" className="small muted">
          {t("kiosk.pairCodeHelp")}
        </p>
        {error && (
          <p className="form-error" role="alert" data-testid="pair-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || code.trim().length < 4}>
          {busy ? t("kiosk.pairing") : t("kiosk.pair")}
        </button>
      </form>
      <details style={{ marginTop: "1.5rem" }}>
        <summary>{t("kiosk.advanced")}</summary>
        <form onSubmit={submitToken}>
          <p className="small">{t("kiosk.pairHelp")}</p>
          <label htmlFor="kiosk-token">{t("kiosk.token")}</label>
          <input id="kiosk-token" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" />
          <button type="submit" className="link">
            {t("kiosk.pair")}
          </button>
        </form>
      </details>
    </div>
  );
}

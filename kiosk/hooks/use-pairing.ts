import { useCallback, useEffect, useState } from "react";
import { store } from "../store";
import type { Translate } from "../types";

// This device's kiosk token, kept in localStorage: none until it is paired, dropped (with the
// offline data) when it is unpaired here or the server refuses it.

const TOKEN_KEY = "expodesk.kioskToken";

export function usePairing(t: Translate) {
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
  const paired = (tok: string) => (localStorage.setItem(TOKEN_KEY, tok), setNotice(null), setToken(tok));
  return { ready, token, notice, paired, unpair };
}

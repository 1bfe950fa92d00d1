import { useRef } from "react";
import type { KioskApi } from "./api";
import { Reprint } from "./reprint";
import type { ScanRequest, Translate } from "./types";
import type { Outcome } from "./verdict";

// The buttons under a result: "check in anyway" on a warning, the reprint on a yellow screen.

export function ResultActions({
  t,
  api,
  printerId,
  online,
  outcome,
  held,
  shownAt,
  hold,
  clear,
  confirm,
}: {
  t: Translate;
  api: KioskApi;
  printerId: string | null | undefined;
  online: boolean;
  outcome: Outcome;
  held: boolean;
  shownAt: number;
  hold: () => void;
  clear: () => void;
  confirm: (input: ScanRequest) => void;
}) {
  const confirmed = useRef(-1);
  return (
    <>
      {outcome.confirm && (
        <div className="kiosk-result-actions" onClick={(e) => e.stopPropagation()}>
          <button
            type="button"
            className="primary"
            data-testid="kiosk-confirm"
            onClick={() => {
              if (confirmed.current === shownAt) return; // one check-in per tap, even a double one
              confirmed.current = shownAt;
              confirm(outcome.confirm!);
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
            <Reprint t={t} run={(reason) => api.reprint(outcome.answer!.printJob!.id, reason, printerId)} onClose={clear} />
          ) : (
            <button type="button" className="primary" data-testid="reprint" onClick={hold}>
              {t("kiosk.reprint")}
            </button>
          )}
        </div>
      )}
    </>
  );
}

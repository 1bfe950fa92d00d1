import type { Translate } from "./types";

/** A kiosk form's last row: its submit button (off while busy) and Cancel. */
export function FormButtons({ t, label, busy, onCancel }: { t: Translate; label: string; busy: boolean; onCancel: () => void }) {
  return (
    <div className="row">
      <button type="submit" className="primary" disabled={busy}>
        {label}
      </button>
      <button type="button" className="link" onClick={onCancel}>
        {t("common.cancel")}
      </button>
    </div>
  );
}

import { useT } from "~/i18n/react";
import type { QuotaShares, Share } from "~/services/exhibitors/quota-shares.server";

const COLOURS: Record<Share["kind"], string[]> = {
  parent: ["#1f6feb"],
  self: ["#2da44e"],
  others: ["#8c959f"],
  sub: ["#2da44e", "#bf8700", "#8250df", "#cf222e", "#0a7ea4"],
};

/** The shared quota as a stacked meter with one line per share (who uses how many, what is free). */
export function QuotaSharesView({ data }: { data: QuotaShares }) {
  const t = useT();
  const pct = (n: number) => `${data.quota ? Math.min(100, (n / data.quota) * 100) : 0}%`;
  const colour = (s: Share, i: number) => COLOURS[s.kind][i % COLOURS[s.kind].length];
  const label = (s: Share) =>
    s.kind === "parent"
      ? t("exedit.shareParent", { name: s.name ?? "", used: s.used })
      : s.kind === "sub"
        ? t("exedit.shareSub", { name: s.name ?? "", used: s.used, quota: s.quota ?? 0 })
        : s.kind === "self"
          ? t("exedit.shareSelf", { used: s.used, quota: s.quota ?? 0 })
          : t("exedit.shareOthers", { used: s.used });
  return (
    <div data-testid="quota-shares">
      <p>{t("exedit.sharesTitle", { used: data.used, quota: data.quota })}</p>
      <div className="meter shares" aria-hidden>
        {data.shares.map((s, i) => (
          <span key={i} style={{ width: pct(s.used), background: colour(s, i) }} />
        ))}
      </div>
      <ul className="shares-legend">
        {data.shares.map((s, i) => (
          <li key={i} data-testid="share" data-kind={s.kind}>
            <span className="swatch" style={{ background: colour(s, i) }} /> {label(s)}
          </li>
        ))}
        <li data-testid="share" data-kind="free">
          <span className="swatch" /> {t("exedit.shareFree", { free: data.free })}
        </li>
      </ul>
      {data.ownFree !== null && <p data-testid="own-free">{t("exedit.ownFree", { count: data.ownFree })}</p>}
    </div>
  );
}

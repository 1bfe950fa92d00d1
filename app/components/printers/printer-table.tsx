import { Form } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import { printerMessageText, printerReasonText, printJobErrorText, stockName } from "../../../printing/reasons";
import { TableHead } from "./options";
import { PrinterForm } from "./printer-form";
import { DRIVER_KEY, type ErrorsFor, type PrinterLine, type Stock } from "./types";

// The event's printers: live health, queue counts, test / delete, and the edit form per row.

export function PrinterTable({
  printers,
  stocks,
  errorsFor,
  busy,
}: {
  printers: PrinterLine[];
  stocks: Stock[];
  errorsFor: ErrorsFor;
  busy: boolean;
}) {
  const t = useT();
  // Keys built from data (a stock id, a message code): the helpers know they exist in both catalogues.
  const tk = (k: string, v?: Record<string, string | number>) => t(k as MessageKey, v);
  if (printers.length === 0)
    return (
      <p className="empty" data-testid="printers-empty">
        {t("printers.none")}
      </p>
    );
  return (
    <table data-testid="printers">
      <TableHead labels={[t("printers.name"), t("printers.health"), t("printers.queue"), t("common.actions")]} />
      <tbody>
        {printers.map((p) => (
          <tr key={p.printer.id} data-testid="printer-row" data-printer-id={p.printer.id}>
            <td>
              <strong>{p.printer.name}</strong>
              <div className="small muted">
                <span data-testid="printer-driver">{t(DRIVER_KEY[p.printer.driver])}</span> · {p.printer.address} ·{" "}
                <span data-testid="printer-stock">{p.stock ? stockName(tk, p.stock) : t("printers.stockFromEvent")}</span>
              </div>
            </td>
            <td>
              <span className={p.health.ok ? "badge" : "badge locked"} data-testid="printer-health">
                {p.health.ok ? t("printers.ok") : t("printers.problem")}:{" "}
                {p.printer.driver === "browser" ? t("printers.browserPrinter") : printerReasonText(tk, p.health) || p.health.state}
              </span>
              {p.health.message && (
                <div className="small muted" data-testid="printer-message">
                  {printerMessageText(tk, p.health.message)}
                </div>
              )}
            </td>
            <td className="small">
              {t("printers.queueCounts", { queued: p.queue.queued, printing: p.queue.printing, failed: p.queue.failedLastHour })}
              {p.lastError && <div className="small danger">{printJobErrorText(t, p.lastError)}</div>}
            </td>
            <td>
              <Form method="post" className="row">
                <input type="hidden" name="printerId" value={p.printer.id} />
                <button type="submit" name="intent" value="test" className="link" disabled={busy}>
                  {t("printers.test")}
                </button>
                <button
                  type="submit"
                  name="intent"
                  value="delete"
                  className="link danger"
                  disabled={busy}
                  onClick={(e) => !confirm(t("printers.deleteConfirm", { name: p.printer.name })) && e.preventDefault()}
                >
                  {t("common.remove")}
                </button>
              </Form>
              <details>
                <summary>{t("common.edit")}</summary>
                <PrinterForm
                  intent="update"
                  id={p.printer.id}
                  value={{ name: p.printer.name, driver: p.printer.driver, address: p.printer.address, stock: p.stock ?? "" }}
                  stocks={stocks}
                  errors={errorsFor(p.printer.id)}
                  busy={busy}
                />
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

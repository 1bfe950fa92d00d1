import { Form } from "@remix-run/react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import { stockName } from "../../../printing/reasons";
import { FieldError, Options } from "./options";
import type { Stock } from "./types";

// Adding a printer, or editing one (inside its row): name, driver, address, label stock.

export function PrinterForm(props: {
  intent: "create" | "update";
  id: string;
  value: { name: string; driver: string; address: string; stock: string };
  stocks: Stock[];
  errors: Record<string, string>;
  busy: boolean;
}) {
  const t = useT();
  const f = (n: string) => `${props.id}-${n}`;
  const stocks = props.stocks.map((s) => ({ id: s.id, name: stockName((k) => t(k as MessageKey), s.id, s.name) }));
  return (
    <Form method="post" data-testid={`printer-form-${props.intent}`}>
      <input type="hidden" name="intent" value={props.intent} />
      {props.intent === "update" && <input type="hidden" name="printerId" value={props.id} />}
      <div className={props.intent === "create" ? "grid" : undefined}>
        <TextField
          id={f("name")}
          name="name"
          label={`${t("printers.name")} *`}
          value={props.value.name}
          errors={props.errors}
          required
          maxLength={200}
        />
        <div className="field">
          <label htmlFor={f("driver")}>{t("printers.driver")}</label>
          <select id={f("driver")} name="driver" defaultValue={props.value.driver}>
            <option value="raw_tcp">{t("printers.driver.raw")}</option>
            <option value="ipp">{t("printers.driver.ipp")}</option>
            <option value="browser">{t("printers.driver.browser")}</option>
          </select>
          <FieldError name="driver" errors={props.errors} />
        </div>
        <TextField
          id={f("address")}
          name="address"
          label={t("printers.address")}
          value={props.value.address}
          errors={props.errors}
          placeholder="192.168.1.50:9100 / http://cups:631/printers/BADGE"
        />
        <div className="field">
          <label htmlFor={f("stock")}>{t("printers.stock")}</label>
          <select id={f("stock")} name="stock" defaultValue={props.value.stock}>
            <Options blank={t("printers.stockFromEvent")} items={stocks} />
          </select>
          <FieldError name="stock" errors={props.errors} />
        </div>
      </div>
      <button type="submit" className="primary" disabled={props.busy}>
        {props.intent === "create" ? t("common.add") : t("common.save")}
      </button>
    </Form>
  );
}

function TextField(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  errors: Record<string, string>;
  required?: boolean;
  maxLength?: number;
  placeholder?: string;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type="text"
        required={props.required}
        maxLength={props.maxLength}
        defaultValue={props.value}
        placeholder={props.placeholder}
        aria-invalid={!!props.errors[props.name]}
      />
      <FieldError name={props.name} errors={props.errors} />
    </div>
  );
}

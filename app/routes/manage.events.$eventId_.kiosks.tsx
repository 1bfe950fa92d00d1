import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { DataTable, StatusBadge } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { useEffect } from "react";
import QRCode from "qrcode";
import { Field, FieldBox, FieldError } from "~/components/field";
import { formatDateTime, type MessageKey } from "~/i18n";
import { insideNow } from "~/services/kiosk/exits.server";
import { createPairingCode, eventPrinters, listKiosks, revokeKioskDevices, saveKiosk, setCountsExits } from "~/services/kiosk/devices.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { tFor, pageLocale } from "~/services/registrations/forms.server";
import { appUrl } from "~/utils/env.server";
import { formString, optional, runFormAction, type FormResult } from "~/utils/forms.server";
import { CATEGORIES } from "../../printing/template";
import { EventPageTop, useManagePage } from "~/components/manage-page";
import { idParam } from "~/utils/ids";

// Kiosks of one event: create and edit them, see which devices are alive, pair a device with a
// one-time code (typed at /kiosk or scanned as a QR), revoke a kiosk's device tokens.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const [kiosks, printers] = await Promise.all([listKiosks(actor, event.id), eventPrinters(event.id)]);
  const inside = event.countsExits ? await insideNow(event.id, event.timezone) : null;
  return { event: { id: event.id, name: event.name, timezone: event.timezone, countsExits: event.countsExits, inside }, kiosks, printers, categories: [...CATEGORIES] };
}

type Pairing = { kioskId: string; kioskName: string; code: string; expiresAt: string; url: string; qr: string };

export async function action({ request, params, context }: ActionFunctionArgs): Promise<FormResult & { pairing?: Pairing }> {
  const actor = await requireManagerPage(request);
  const form = await request.formData();
  const intent = formString(form, "intent") ?? "";
  const eventId = idParam(params, "eventId");
  const t = tFor(pageLocale(request, form));
  let pairing: Pairing | undefined;
  const result = await runFormAction(request, intent, async () => {
    const kioskId = optional(form, "kioskId");
    if (intent === "save") {
      await saveKiosk(
        actor,
        eventId,
        kioskId,
        {
          name: formString(form, "name") ?? "",
          location: optional(form, "location"),
          printerId: optional(form, "printerId"),
          categories: form.getAll("categories").map(String),
          mode: optional(form, "mode"),
        },
        context.ip,
      );
      return null;
    }
    if (intent === "pair" && kioskId) {
      const p = await createPairingCode(actor, eventId, kioskId);
      const url = `${appUrl()}/kiosk?pair=${p.code}`;
      pairing = { kioskId, kioskName: p.kioskName, code: p.code, expiresAt: p.expiresAt, url, qr: await QRCode.toDataURL(url, { margin: 1, width: 240 }) };
      return t("kiosks.pairReady");
    }
    if (intent === "exits") {
      await setCountsExits(actor, eventId, formString(form, "countsExits") === "on", context.ip);
      return null;
    }
    if (intent === "revoke" && kioskId) {
      const n = await revokeKioskDevices(actor, eventId, kioskId, context.ip);
      return t("kiosks.revoked", { count: n });
    }
    throw new Response("Unknown intent", { status: 400 });
  }, form);
  return { ...result, pairing };
}

/** ABCD-EFGH: easier to read aloud and to type. */
const grouped = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

export default function Kiosks() {
  const { event, kiosks, printers, categories } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  const [params] = useSearchParams();
  const revalidator = useRevalidator();
  useEffect(() => {
    // Online / last seen change by themselves: refresh now and then.
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 10_000);
    return () => clearInterval(timer);
  }, [revalidator]);
  const editing = kiosks.find((k) => k.id === params.get("edit")) ?? null;
  const fields = result?.intent === "save" && !result.ok ? result.fields : {};
  const pairing = result?.pairing;
  return (
    <>
      {/* After "pair" the code itself is the answer (the pairing card below). */}
      <EventPageTop event={event} title={t("kiosks.title")} result={result?.ok && result.intent === "pair" ? undefined : result}>
        <p className="muted">{t("kiosks.help")}</p>
      </EventPageTop>
      {pairing && (
        <section className="card" data-testid="pairing" aria-live="polite">
          <h2>{t("kiosks.pairFor", { name: pairing.kioskName })}</h2>
          <p>{t("kiosks.pairSteps")}</p>
          <p className="big" style={{ fontSize: "2.5rem", fontFamily: "monospace", letterSpacing: "0.15em" }} data-testid="pair-code" data-code={pairing.code}>
            {grouped(pairing.code)}
          </p>
          <img src={pairing.qr} alt={t("kiosks.pairQr")} width={240} height={240} data-testid="pair-qr" />
          <p className="small muted">
            <a href={pairing.url}>{pairing.url}</a>
            <br />
            {t("kiosks.pairExpires", { time: formatDateTime(locale, new Date(pairing.expiresAt), event.timezone) })}
          </p>
        </section>
      )}
      <Form method="post" className="row" data-testid="exits-form">
        <input type="hidden" name="intent" value="exits" />
        <label>
          <input type="checkbox" name="countsExits" defaultChecked={event.countsExits} key={String(event.countsExits)} /> {t("kiosks.countsExits")}
        </label>
        <button type="submit" className="link" disabled={busy}>
          {t("common.save")}
        </button>
        {event.inside !== null && (
          <span className="badge" data-testid="inside-now">
            {t("kiosks.insideNow", { count: event.inside })}
          </span>
        )}
      </Form>
      <DataTable
        rows={kiosks}
        empty={t("kiosks.empty")}
        emptyClass="muted"
        emptyTestId="kiosks-empty"
        testId="kiosks"
        head={[t("kiosks.name"), t("kiosks.printer"), t("kiosks.categories"), t("kiosks.lastSeen"), t("common.actions")]}
      >
        {(k) => (
          <tr key={k.id} data-testid="kiosk-row" data-kiosk={k.id}>
            <td>
              <strong>{k.name}</strong>
              {k.mode === "exit" && <span className="badge"> {t("kiosks.modeExit")}</span>}
              {k.location && <div className="small muted">{k.location}</div>}
            </td>
            <td>{k.printerName ?? <span className="muted">{t("kiosks.noPrinter")}</span>}</td>
            <td className="small">{k.categories.length ? k.categories.map((c) => t(`category.${c}` as MessageKey)).join(", ") : t("kiosks.allCategories")}</td>
            <td>
              <StatusBadge bad={!k.online} testId="kiosk-state">
                {k.online ? t("kiosks.online") : t("kiosks.offline")}
              </StatusBadge>
              <div className="small muted">
                {k.lastSeenAt ? formatDateTime(locale, new Date(k.lastSeenAt), event.timezone) : t("kiosks.never")}
                {" · "}
                {t("kiosks.devices", { count: k.devices })}
              </div>
            </td>
            <td>
              <div className="row">
                <Link to={`?edit=${k.id}`}>{t("common.edit")}</Link>
                <PostButton intent="pair" values={{ kioskId: k.id }} disabled={busy} label={t("kiosks.pair")} />
                <PostButton
                  intent="revoke"
                  values={{ kioskId: k.id }}
                  className="link danger"
                  disabled={busy || k.devices === 0}
                  confirm={t("kiosks.revokeConfirm", { name: k.name, count: k.devices })}
                  label={t("kiosks.revoke")}
                />
              </div>
            </td>
          </tr>
        )}
      </DataTable>
      <section className="card">
        <h2>{editing ? t("kiosks.editTitle", { name: editing.name }) : t("kiosks.addTitle")}</h2>
        <Form method="post" className="grid" data-testid="kiosk-form" key={editing?.id ?? `new-${kiosks.length}`} noValidate>
          <input type="hidden" name="intent" value="save" />
          {editing && <input type="hidden" name="kioskId" value={editing.id} />}
          <Field name="name" label={t("kiosks.name")} error={fields.name} defaultValue={editing?.name} required />
          <Field name="location" label={t("kiosks.location")} error={fields.location} defaultValue={editing?.location ?? ""} />
          <FieldBox htmlFor="f-printerId" label={t("kiosks.printer")} error={fields.printerId}>
            <select id="f-printerId" name="printerId" defaultValue={editing?.printerId ?? ""} aria-invalid={!!fields.printerId}>
              <option value="">{t("kiosks.noPrinter")}</option>
              {printers.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name} ({p.driver})
                </option>
              ))}
            </select>
          </FieldBox>
          <div className="field">
            <label htmlFor="f-mode">{t("kiosks.mode")}</label>
            <select id="f-mode" name="mode" defaultValue={editing?.mode ?? "entry"}>
              <option value="entry">{t("kiosks.modeEntry")}</option>
              <option value="exit">{t("kiosks.modeExit")}</option>
            </select>
            {!event.countsExits && <p className="small muted">{t("kiosks.modeHelp")}</p>}
          </div>
          <fieldset className="field" style={{ gridColumn: "1 / -1" }}>
            <legend>{t("kiosks.categories")}</legend>
            <p className="small muted">{t("kiosks.categoriesHelp")}</p>
            {categories.map((c) => (
              <label key={c} style={{ display: "inline-flex", gap: "0.3rem", marginRight: "1rem" }}>
                <input type="checkbox" name="categories" value={c} defaultChecked={editing?.categories.includes(c as never) ?? false} />
                {t(`category.${c}` as MessageKey)}
              </label>
            ))}
            <FieldError message={fields.categories} />
          </fieldset>
          <div className="row">
            <button type="submit" className="primary" disabled={busy}>
              {editing ? t("common.save") : t("common.add")}
            </button>
            {editing && <Link to="?">{t("common.cancel")}</Link>}
          </div>
        </Form>
      </section>
    </>
  );
}

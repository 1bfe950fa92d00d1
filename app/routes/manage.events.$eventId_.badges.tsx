import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Field, FieldBox, SelectBox } from "~/components/field";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatNumber, type MessageKey } from "~/i18n";
import { stockName } from "../../printing/reasons";
import {
  STOCKS,
  defaultTuning,
  deleteEventTemplate,
  listEventTemplates,
  saveEventTemplate,
  tuningOf,
  validateTuning,
  type Tuning,
} from "~/services/print/templates.server";
import { isCategory, previewCandidates } from "~/services/print/preview.server";
import { requireEventParam, requireManagerPage } from "~/utils/permissions.server";
import { pageError, pageLocale, tFor, type PageResult } from "~/services/registrations/forms.server";
import { CATEGORIES, TEMPLATES, parseTemplate } from "../../printing/template";
import { BackToEvent, FormOutcome, useManagePage } from "~/components/manage-page";

// Badge templates of one event: per category (or for all), a stock tuned with a live preview
// drawn on the server by the real renderer. What is saved here is what check-in prints.


export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireManagerPage(request);
  const event = await requireEventParam(params, actor);
  const cat = new URL(request.url).searchParams.get("category");
  const category = isCategory(cat) ? cat : null;
  const rows = await listEventTemplates(event.id);
  const row = rows.find((r) => r.category === category);
  let tuning: Tuning = defaultTuning();
  if (row) {
    try {
      tuning = tuningOf(row.stock, parseTemplate(row.definition), category);
    } catch {
      tuning = defaultTuning(TEMPLATES[row.stock] ? row.stock : undefined);
    }
  }
  return {
    event: { id: event.id, name: event.name },
    category,
    saved: !!row,
    configured: rows.map((r) => ({ category: r.category, stock: r.stock })),
    tuning,
    stocks: STOCKS.map((id) => ({
      id,
      name: TEMPLATES[id].name,
      w: TEMPLATES[id].widthMm,
      h: TEMPLATES[id].heightMm,
      orientation: TEMPLATES[id].orientation,
      sheet: !!TEMPLATES[id].sheet,
    })),
    candidates: await previewCandidates(event.id),
  };
}

export async function action({ request, params }: ActionFunctionArgs): Promise<PageResult> {
  const actor = await requireManagerPage(request);
  const form = await request.formData();
  const locale = pageLocale(request, form);
  const t = tFor(locale);
  const eventId = (await requireEventParam(params, actor)).id;
  const raw = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const category = isCategory(raw.category) ? raw.category : null;
  try {
    if (raw.intent === "reset") {
      await deleteEventTemplate(eventId, category);
      return { ok: true, formError: null, fields: {}, notice: t("badges.resetDone") };
    }
    const { tuning, fields } = validateTuning(raw);
    if (Object.keys(fields).length) {
      const translated = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, t(v as MessageKey)]));
      return { ok: false, formError: t("pub.fixFields"), fields: translated, notice: null };
    }
    await saveEventTemplate(eventId, category, tuning);
    return { ok: true, formError: null, fields: {}, notice: t("badges.savedNotice") };
  } catch (err) {
    return pageError(locale, err);
  }
}

/** The preview URL for the current form values (the server draws it). */
function previewUrl(eventId: string, form: HTMLFormElement, extra: Record<string, string>): string {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (typeof v === "string" && k !== "intent") q.set(k, v);
  for (const [k, v] of Object.entries(extra)) if (v) q.set(k, v);
  return `/manage/events/${eventId}/badges/preview?${q}`;
}

export default function Badges() {
  const { event, category, saved, configured, tuning, stocks, candidates } = useLoaderData<typeof loader>();
  const { result, t, locale, busy } = useManagePage<typeof action>();
  const formRef = useRef<HTMLFormElement>(null);
  const [format, setFormat] = useState<"pdf" | "zpl">("pdf");
  const [registrationId, setRegistrationId] = useState("");
  const [src, setSrc] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const [stock, setStock] = useState(tuning.stock);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const srcRef = useRef<string | null>(null);
  const fields = result && !result.ok ? result.fields : {};

  const refresh = useCallback(
    (delay: number) => {
      clearTimeout(timer.current);
      // Debounced: typing a font size should not start a render per keystroke.
      timer.current = setTimeout(() => {
        if (!formRef.current) return;
        const next = previewUrl(event.id, formRef.current, { format, registrationId });
        if (next === srcRef.current) return;
        srcRef.current = next;
        setLoading(true);
        setSrc(next);
      }, delay);
    },
    [event.id, format, registrationId],
  );
  useEffect(() => {
    refresh(0);
    return () => clearTimeout(timer.current);
  }, [refresh, category, tuning]);

  const stockInfo = stocks.find((s) => s.id === stock) ?? stocks[0];
  const catLabel = (c: string | null) => (c ? t(`category.${c}` as MessageKey) : t("badges.allCategories"));

  return (
    <>
      <BackToEvent event={event} />
      <h1>{t("badges.title")}</h1>
      <p className="row">
        <Link to={`/manage/events/${event.id}/badges/download`}>{t("badges.bulkLink")}</Link>
        <Link to={`/manage/events/${event.id}/printers`}>{t("printers.title")}</Link>
      </p>
      <nav className="row" aria-label={t("badges.categories")} data-testid="badge-categories">
        {[null, ...CATEGORIES].map((c) => {
          const own = configured.find((x) => x.category === c);
          return (
            <Link
              key={c ?? "all"}
              to={c ? `?category=${c}` : "?"}
              className={c === category ? "badge" : undefined}
              aria-current={c === category ? "page" : undefined}
            >
              {catLabel(c)}
              {own ? ` (${stockName((k) => t(k as MessageKey), own.stock)})` : ""}
            </Link>
          );
        })}
      </nav>
      <p className="small muted">{category ? t("badges.categoryHint") : t("badges.allHint")}</p>
      {!saved && (
        <p className="banner" data-testid="badges-default">
          {t(category ? "badges.notSavedCategory" : "badges.notSaved")}
        </p>
      )}
      <FormOutcome result={result} />

      <div style={{ display: "flex", gap: "1rem", alignItems: "flex-start", flexWrap: "wrap" }}>
        <Form
          method="post"
          ref={formRef}
          key={`${category ?? "all"}:${JSON.stringify(tuning)}`}
          className="card"
          style={{ flex: "1 1 360px", maxWidth: 460 }}
          onChange={() => refresh(350)}
          data-testid="badge-form"
        >
          <input type="hidden" name="category" value={category ?? ""} />
          <FieldBox htmlFor="f-stock" label={t("badges.stock")} error={fields.stock}>
            <select
              id="f-stock"
              name="stock"
              defaultValue={tuning.stock}
              onChange={(e) => setStock(e.target.value)}
              aria-invalid={!!fields.stock}
            >
              {stocks.map((s) => (
                <option key={s.id} value={s.id}>
                  {stockName((k) => t(k as MessageKey), s.id, s.name)}
                </option>
              ))}
            </select>
            <p className="small muted" data-testid="stock-info">
              {t("badges.size", { w: formatNumber(locale, stockInfo.w), h: formatNumber(locale, stockInfo.h) })} · {t(`badges.orientation.${stockInfo.orientation}` as MessageKey)}
              {stockInfo.sheet ? ` · ${t("badges.sheet")}` : ""}
            </p>
          </FieldBox>
          <fieldset style={FIELDSET}>
            <legend>{t("badges.elements")}</legend>
            {(["showEvent", "showCompany", "showPosition", "showBand", "showLogo"] as const).map((k) => (
              <label key={k} style={CHECK}>
                <input type="checkbox" name={k} defaultChecked={tuning[k]} /> {t(`badges.${k}` as MessageKey)}
              </label>
            ))}
          </fieldset>
          <SelectBox id="f-nameMode" name="nameMode" label={t("badges.nameMode")} defaultValue={tuning.nameMode} options={NAME_MODES.map(([v, k]) => [v, t(k)] as const)} />
          {(["nameMaxSize", "companyMaxSize"] as const).map((k) => (
            <Field key={k} name={k} label={t(`badges.${k}`)} inputMode="decimal" defaultValue={String(tuning[k])} error={fields[k]} />
          ))}
          <fieldset style={FIELDSET}>
            <legend>{t("badges.band")}</legend>
            <p className="small muted">{t("badges.bandHint")}</p>
            <Field name="bandColor" label={t("badges.bandColor")} defaultValue={tuning.bandColor} error={fields.bandColor} placeholder="#1E6FD9" />
            <Field name="bandTextColor" label={t("badges.bandTextColor")} defaultValue={tuning.bandTextColor} error={fields.bandTextColor} placeholder="#FFFFFF" />
            <Field name="labelRu" label={t("badges.labelRu")} defaultValue={tuning.labelRu} error={fields.labelRu} />
            <Field name="labelEn" label={t("badges.labelEn")} defaultValue={tuning.labelEn} error={fields.labelEn} />
          </fieldset>
          <div className="row">
            <button type="submit" name="intent" value="save" className="primary" disabled={busy}>
              {t("common.save")}
            </button>
            {saved && (
              <button
                type="submit"
                name="intent"
                value="reset"
                className="link"
                disabled={busy}
                onClick={(e) => !confirm(t("badges.resetConfirm", { category: catLabel(category) })) && e.preventDefault()}
              >
                {t("badges.reset")}
              </button>
            )}
          </div>
        </Form>

        <section className="card" aria-live="polite" style={{ flex: "1 1 360px", position: "sticky", top: "1rem" }}>
          <h2>{t("badges.preview")}</h2>
          <div className="row">
            <label style={CHECK}>
              <input type="radio" name="previewFormat" checked={format === "pdf"} onChange={() => setFormat("pdf")} /> PDF
            </label>
            <label style={CHECK}>
              <input type="radio" name="previewFormat" checked={format === "zpl"} onChange={() => setFormat("zpl")} /> ZPL (Zebra)
            </label>
          </div>
          <div className="field">
            <label htmlFor="f-sample">{t("badges.previewWith")}</label>
            <select id="f-sample" value={registrationId} onChange={(e) => setRegistrationId(e.target.value)}>
              <option value="">{t("badges.sample")}</option>
              {candidates.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label} · {t(`category.${c.category}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          {format === "zpl" && <p className="small muted">{t("badges.zplNote")}</p>}
          <p className="small muted" data-testid="preview-state">
            {failed ? t("badges.previewFailed") : loading ? t("badges.previewLoading") : t("badges.previewReady")}
          </p>
          {src && (
            <img
              src={src}
              alt={t("badges.preview")}
              data-testid="badge-preview"
              style={{ maxWidth: "100%", maxHeight: 520, border: "1px solid #ccc", opacity: loading ? 0.5 : 1 }}
              onLoad={() => {
                setLoading(false);
                setFailed(false);
              }}
              onError={() => {
                setLoading(false);
                setFailed(true);
              }}
            />
          )}
        </section>
      </div>
    </>
  );
}

const CHECK = { display: "flex", alignItems: "center", gap: ".5rem", fontWeight: 400, marginTop: ".4rem" } as const;
const FIELDSET = { border: "1px solid var(--line)", borderRadius: 6, marginTop: "1rem" } as const;
const NAME_MODES = [
  ["full", "badges.nameMode.full"],
  ["first-last", "badges.nameMode.firstLast"],
] as const;

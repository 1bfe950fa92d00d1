import { useState } from "react";
import type { MessageKey } from "~/i18n";
import { FormButtons } from "./form-buttons";
import type { ApiError, CheckInAnswer, Translate, WalkInForm } from "./types";

// Walk-in registration at the kiosk: a short form, then check-in and badge print in one call.
// The clientId lives as long as the form, so pressing the button again after a lost answer
// cannot register the guest twice.


export const ALL_CATEGORIES = ["visitor", "exhibitor_staff", "media", "speaker", "organizer", "vip"];

/** The API's field messages (English) -> the kiosk's language. */
function fieldMessage(t: Translate, message: string): string {
  if (/^Required$/.test(message)) return t("field.required");
  if (/email/i.test(message)) return t("field.email");
  if (/phone/i.test(message)) return t("field.phone");
  if (/Not admitted/.test(message)) return t("kiosk.categoryNotAdmitted");
  if (/Too big|too long|<=/i.test(message)) return t("field.tooLong", { max: 100 });
  return t("field.invalid");
}

/**
 * The server's rules that the kiosk can check alone (messages as the API words them), so a
 * walk-in queued offline is not refused later.
 */
export function walkInErrors(form: WalkInForm, allowed: string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!form.lastName.trim()) fields.lastName = "Required";
  if (!form.firstName.trim()) fields.firstName = "Required";
  for (const k of ["lastName", "firstName"] as const) if (form[k].trim().length > 100) fields[k] = "Too long: <=100";
  if (form.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) fields.email = "Invalid email";
  if (form.phone.trim() && form.phone.replace(/\D/g, "").length < 10) fields.phone = "Invalid phone";
  if (!allowed.includes(form.category)) fields.category = "Not admitted at this kiosk";
  return fields;
}

const blankForm = (category: string): WalkInForm => ({
  clientId: crypto.randomUUID(),
  lastName: "",
  firstName: "",
  company: "",
  position: "",
  email: "",
  phone: "",
  category,
});

export function WalkIn({
  t,
  categories,
  submit,
  onDone,
  onCancel,
}: {
  t: Translate;
  /** The kiosk's admitted categories; empty: all. */
  categories: string[];
  submit: (form: WalkInForm) => Promise<CheckInAnswer>;
  onDone: (answer: CheckInAnswer) => void;
  onCancel: () => void;
}) {
  const allowed = categories.length ? categories : ALL_CATEGORIES;
  const [form, setForm] = useState(() => blankForm(allowed.includes("visitor") ? "visitor" : allowed[0]));
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof WalkInForm) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      onDone(await submit(form));
    } catch (err) {
      // Offline the kiosk queues the walk-in itself (kiosk/offline.ts); what arrives here was refused.
      const f = (err as ApiError).fields ?? {};
      setFields(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, fieldMessage(t, v)])));
      setError(Object.keys(f).length ? t("kiosk.fixFields") : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const input = (name: keyof WalkInForm, label: MessageKey, opts: { required?: boolean; type?: string; autoFocus?: boolean } = {}) => (
    <div className="field">
      <label htmlFor={`walkin-${name}`}>
        {t(label)}
        {opts.required && " *"}
      </label>
      <input
        id={`walkin-${name}`}
        name={name}
        type={opts.type ?? "text"}
        value={form[name]}
        onChange={set(name)}
        autoFocus={opts.autoFocus}
        aria-invalid={!!fields[name]}
        aria-describedby={fields[name] ? `walkin-${name}-error` : undefined}
      />
      {fields[name] && (
        <p className="field-error" id={`walkin-${name}-error`} data-testid={`walkin-error-${name}`}>
          {fields[name]}
        </p>
      )}
    </div>
  );

  return (
    <form className="kiosk-form" onSubmit={onSubmit} data-testid="walkin-form" noValidate>
      <h2>{t("kiosk.walkInTitle")}</h2>
      <div className="kiosk-form-grid">
        {input("lastName", "kiosk.lastName", { required: true, autoFocus: true })}
        {input("firstName", "kiosk.firstName", { required: true })}
        {input("company", "kiosk.company")}
        {input("position", "kiosk.position")}
        {input("email", "kiosk.email", { type: "email" })}
        {input("phone", "kiosk.phone", { type: "tel" })}
        <div className="field">
          <label htmlFor="walkin-category">{t("kiosk.category")}</label>
          <select id="walkin-category" value={form.category} onChange={set("category")} aria-invalid={!!fields.category}>
            {allowed.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}` as MessageKey)}
              </option>
            ))}
          </select>
          {fields.category && (
            <p className="field-error" data-testid="walkin-error-category">
              {fields.category}
            </p>
          )}
        </div>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="walkin-error">
          {error}
        </p>
      )}
      <FormButtons t={t} label={busy ? t("kiosk.printing") : t("kiosk.walkInSubmit")} busy={busy} onCancel={onCancel} />
    </form>
  );
}

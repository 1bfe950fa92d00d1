import { Form } from "@remix-run/react";
import { useT } from "~/i18n/react";
import { Field } from "./field";
import { SubmitLine } from "./post-button";

export const EVENT_FORMATS = ["exhibition", "conference", "forum", "seminar", "other"] as const;

type Values = { name?: string; venue?: string; address?: string | null; timezone?: string; startsAt?: string; endsAt?: string; editDeadline?: string; doorsOpen?: string | null; doorsClose?: string | null; format?: string };

export function EventForm({ intent, values = {}, fields, busy, submit, testId }: { intent: string; values?: Values; fields: Record<string, string>; busy: boolean; submit: string; testId: string }) {
  const t = useT();
  return (
    <Form method="post" className="grid" data-testid={testId} noValidate>
      <input type="hidden" name="intent" value={intent} />
      <Field name="name" label={t("event.name")} defaultValue={values.name} error={fields.name} required />
      <Field name="venue" label={t("event.venue")} defaultValue={values.venue} error={fields.venue} required />
      <Field name="address" label={t("event.address")} defaultValue={values.address} error={fields.address} />
      <Field name="timezone" label={t("event.timezone")} defaultValue={values.timezone ?? "Europe/Moscow"} error={fields.timezone} required />
      <Field name="startsAt" label={t("event.startsAt")} type="datetime-local" defaultValue={values.startsAt} error={fields.startsAt} required />
      <Field name="endsAt" label={t("event.endsAt")} type="datetime-local" defaultValue={values.endsAt} error={fields.endsAt} required />
      <Field name="editDeadline" label={t("event.editDeadline")} type="datetime-local" defaultValue={values.editDeadline} error={fields.editDeadline} />
      <Field name="doorsOpen" label={t("event.doorsOpen")} type="time" defaultValue={values.doorsOpen ?? ""} error={fields.doorsOpen} />
      <Field name="doorsClose" label={t("event.doorsClose")} type="time" defaultValue={values.doorsClose ?? ""} error={fields.doorsClose} />
      <div className="field">
        <label htmlFor={`${testId}-format`}>{t("event.format")}</label>
        <select id={`${testId}-format`} name="format" defaultValue={values.format ?? "exhibition"}>
          {EVENT_FORMATS.map((f) => (
            <option key={f} value={f}>
              {t(`event.format.${f}`)}
            </option>
          ))}
        </select>
      </div>
      <SubmitLine label={submit} busy={busy} />
    </Form>
  );
}

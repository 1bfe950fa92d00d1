import { Form } from "@remix-run/react";
import { useState } from "react";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/react";
import { FieldBox } from "../field";

// The CRM mapping: the INN field, then per deal kind (attendance, services) a pipeline, its
// stages and a responsible user, chosen from the portal's lists or typed when it cannot be read.

export type PortalOptionsView = {
  categories: Array<{ id: number; name: string; stages: Array<{ STATUS_ID: string; NAME: string }> }>;
  users: Array<{ id: number; name: string; position: string }>;
};

type Settings = {
  innField: string;
  attendanceCategoryId: number | null;
  stagePending: string;
  stageConfirmed: string;
  stageVisited: string;
  stageLost: string;
  servicesCategoryId: number | null;
  servicesStage: string;
  attendanceResponsibleId: number | null;
  servicesResponsibleId: number | null;
};

type StageName = "stagePending" | "stageConfirmed" | "stageVisited" | "stageLost" | "servicesStage";

const ATTENDANCE_STAGES: Array<[StageName, MessageKey]> = [
  ["stagePending", "crm.stagePending"],
  ["stageConfirmed", "crm.stageConfirmed"],
  ["stageVisited", "crm.stageVisited"],
  ["stageLost", "crm.stageLost"],
];

export function CrmMappingForm(p: {
  settings: Settings;
  options: PortalOptionsView | null;
  optionsError: string | null;
  fields: Record<string, string>;
  busy: boolean;
}) {
  const t = useT();
  const { settings, fields } = p;
  const group = { settings, options: p.options, fields };
  return (
    <section className="card">
      <h2>{t("crm.mapping")}</h2>
      <p className="small muted">{t("crm.mappingHint")}</p>
      {p.optionsError && <p className="form-error">{t("crm.portalUnavailable", { error: p.optionsError })}</p>}
      <Form method="post" data-testid="crm-settings">
        <input type="hidden" name="intent" value="settings" />
        <div className="grid">
          <FieldBox htmlFor="innField" label={t("crm.innField")} error={fields.innField}>
            <input
              id="innField"
              name="innField"
              type="text"
              defaultValue={settings.innField}
              placeholder="UF_CRM_INN"
              aria-invalid={!!fields.innField}
            />
          </FieldBox>
        </div>
        <PipelineGroup
          {...group}
          title="crm.attendance"
          pipeline="attendanceCategoryId"
          stages={ATTENDANCE_STAGES}
          user={["attendanceResponsibleId", "crm.attendanceResponsible"]}
        />
        <PipelineGroup
          {...group}
          title="crm.services"
          pipeline="servicesCategoryId"
          stages={[["servicesStage", "crm.servicesStage"]]}
          user={["servicesResponsibleId", "crm.servicesResponsible"]}
        />
        <button type="submit" className="primary" disabled={p.busy}>
          {t("common.save")}
        </button>
      </Form>
    </section>
  );
}

/** One deal kind: the stage lists follow the pipeline chosen above them. */
function PipelineGroup(p: {
  title: MessageKey;
  settings: Settings;
  options: PortalOptionsView | null;
  fields: Record<string, string>;
  pipeline: "attendanceCategoryId" | "servicesCategoryId";
  stages: Array<[StageName, MessageKey]>;
  user: ["attendanceResponsibleId" | "servicesResponsibleId", MessageKey];
}) {
  const t = useT();
  const fallback = p.settings[p.pipeline];
  const [cat, setCat] = useState(String(fallback ?? 0));
  const stages = p.options ? (p.options.categories.find((c) => String(c.id) === cat)?.stages ?? []) : null;
  const [userId, userLabel] = p.user;
  return (
    <>
      <h3>{t(p.title)}</h3>
      <div className="grid">
        <FieldBox htmlFor={p.pipeline} label={t("crm.pipeline")}>
          {p.options ? (
            <select id={p.pipeline} name={p.pipeline} value={cat} onChange={(e) => setCat(e.target.value)}>
              {p.options.categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          ) : (
            <input id={p.pipeline} name={p.pipeline} type="number" min={0} defaultValue={fallback ?? ""} />
          )}
        </FieldBox>
        {p.stages.map(([name, label]) => (
          <StageField
            key={name}
            id={name}
            label={t(label)}
            none={t("crm.byDefault")}
            stages={stages}
            pipeline={cat}
            value={p.settings[name]}
            error={p.fields[name]}
          />
        ))}
        <FieldBox htmlFor={userId} label={t(userLabel)}>
          <UserSelect id={userId} options={p.options} value={p.settings[userId]} none={t("crm.byDefault")} />
        </FieldBox>
      </div>
    </>
  );
}

/** A stage of the chosen pipeline (the list is rebuilt when the pipeline changes); typed without the portal. */
function StageField(p: {
  id: string;
  label: string;
  none: string;
  stages: Array<{ STATUS_ID: string; NAME: string }> | null;
  pipeline: string;
  value: string;
  error?: string;
}) {
  return (
    <FieldBox htmlFor={p.id} label={p.label} error={p.error}>
      {p.stages ? (
        <select id={p.id} name={p.id} defaultValue={p.value} key={p.pipeline} aria-invalid={!!p.error}>
          <option value="">{p.none}</option>
          {p.stages.map((s) => (
            <option key={s.STATUS_ID} value={s.STATUS_ID}>
              {s.NAME}
            </option>
          ))}
        </select>
      ) : (
        <input id={p.id} name={p.id} type="text" defaultValue={p.value} />
      )}
    </FieldBox>
  );
}

function UserSelect({ id, options, value, none }: { id: string; options: PortalOptionsView | null; value: number | null; none: string }) {
  if (!options) return <input id={id} name={id} type="number" min={1} defaultValue={value ?? ""} />;
  return (
    <select id={id} name={id} defaultValue={value ?? ""}>
      <option value="">{none}</option>
      {options.users.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
          {u.position ? ` — ${u.position}` : ""}
        </option>
      ))}
    </select>
  );
}

import type { Prisma } from "~/generated/prisma/client";
import { pool } from "~/utils/db.server";
import { enqueue, enqueueMany, registerTask, type BulkJob, type JobSpec, type SqlTarget } from "~/utils/jobs.server";
import type { CrmEntity, RecordRef } from "./crm/sync-mapping.server";
import type { Locale } from "~/i18n";

// The outbox: every durable job the services add, one function per job kind, so that a job's
// format (task, payload, queue, key, attempts) is written in one place. Jobs are added in the
// caller's transaction (transactional outbox, docs/decisions/0003-job-queue.md): pass the pg
// client or the Prisma interactive transaction; without one the job is added on its own.
// Statements that add jobs inside one SQL statement (the check-in) use the *Sql fragments.
// app/utils/jobs.server.ts stays the low-level graphile-worker wrapper.

/** A pg pool or client, or a Prisma interactive transaction. */
export type Outbox = SqlTarget | Prisma.TransactionClient;

/** Prisma's transaction runs on its own connection: the job commits (or rolls back) with it. */
function target(db: Outbox | undefined): SqlTarget | undefined {
  if (db === undefined || "query" in db) return db;
  return { query: (sql, params) => db.$executeRawUnsafe(sql, ...params) };
}

/** A bulk list (enqueueMany) written in the caller's transaction. */
export async function enqueueJobs(jobs: BulkJob[], db?: Outbox): Promise<void> {
  await enqueueMany(jobs, target(db));
}

// --- crm-sync: push one record to Bitrix24 (crm/sync-job.server.ts) ---------------------------

const CRM_TASK = "crm-sync";
const CRM_ATTEMPTS = 25;

/** Queue and job key of a record: pending changes of one record coalesce and run in order. */
export const crmJobKey = (entity: string, id: string) => `crm:${entity}:${id}`;

export function crmSyncJob(entity: CrmEntity, id: string): BulkJob {
  const key = crmJobKey(entity, id);
  return { task: CRM_TASK, payload: { entity, id }, queue: key, jobKey: key, maxAttempts: CRM_ATTEMPTS };
}

export async function enqueueCrmSync(entity: CrmEntity, id: string, db?: Outbox, runAt?: Date): Promise<void> {
  const key = crmJobKey(entity, id);
  await enqueue(CRM_TASK, { entity, id }, { queue: key, jobKey: key, maxAttempts: CRM_ATTEMPTS, runAt }, target(db));
}

/** Queued crm-sync jobs, failed ones included (the event page's "waiting for the CRM" line). */
export async function crmJobCount(): Promise<number> {
  const r = await pool().query<{ n: string }>(`SELECT count(*) AS n FROM graphile_worker.jobs WHERE task_identifier = '${CRM_TASK}'`);
  return Number(r.rows[0]?.n ?? 0);
}

/** One crm-sync graphile_worker.job_spec; `entity` and `id` are SQL text expressions. */
export const crmSyncJobSpecSql = (entity: string, id: string) =>
  `ROW('${CRM_TASK}', json_build_object('entity', ${entity}, 'id', ${id}), 'crm:' || ${entity} || ':' || ${id}, NULL, ${CRM_ATTEMPTS}, ` +
  `'crm:' || ${entity} || ':' || ${id}, 0, NULL)::graphile_worker.job_spec`;

/** Many crm-sync jobs, one add_jobs statement per 1,000 (resync, "sync again"). */
export async function enqueueCrmSyncMany(refs: RecordRef[], db: SqlTarget = pool()): Promise<void> {
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    await db.query(
      `SELECT count(*) FROM graphile_worker.add_jobs(ARRAY(
         SELECT ${crmSyncJobSpecSql("e", "id")}
         FROM unnest($1::text[], $2::text[]) AS t(e, id)))`,
      [chunk.map((r) => r.entity), chunk.map((r) => r.id)],
    );
  }
}

// --- print-badge: the queued send of a print job (print/worker.server.ts) ---------------------------
// run_at is computed by the database (its clock, like the rest of the print job's times).

const PRINT_ATTEMPTS = 5;

/** The print-badge job key of a print job; `id` is an SQL expression. */
const printJobKeySql = (id: string) => `'print:' || ${id}::text`;

/** One print-badge graphile_worker.job_spec; `id` (uuid or text) and `delayMs` (int) are SQL expressions. */
export const printBadgeJobSpecSql = (id: string, delayMs: string) =>
  `ROW('print-badge', json_build_object('printJobId', ${id}), NULL, now() + ${delayMs}::int * interval '1 millisecond', ` +
  `${PRINT_ATTEMPTS}, ${printJobKeySql(id)}, 0, NULL)::graphile_worker.job_spec`;

/** SQL that removes a print job's queued send; `id` is an SQL expression. */
export const removePrintBadgeSql = (id: string) => `graphile_worker.remove_job(${printJobKeySql(id)})`;

/** Adds (or, same key, replaces) the queued send of a print job, `delayMs` from now. */
export async function enqueuePrintBadge(printJobId: string, db: SqlTarget, delayMs: number): Promise<void> {
  await db.query(
    `SELECT graphile_worker.add_job('print-badge', json_build_object('printJobId', $1::text),
       run_at => now() + $2::int * interval '1 millisecond', max_attempts => ${PRINT_ATTEMPTS}, job_key => ${printJobKeySql("$1")})`,
    [printJobId, delayMs],
  );
}

export async function removePrintBadge(printJobId: string, db: SqlTarget): Promise<void> {
  await db.query(`SELECT ${removePrintBadgeSql("$1")}`, [printJobId]);
}

// --- send-mail (mail/send-mail.server.ts) ------------------------------------------------------

/** The audience invitation (audience/invite-mail.server.ts). */
export type AudienceInviteJob = { kind: "audience-invite"; invitationId: string; token: string; locale?: Locale };

export type MailJob =
  | { kind: "invitation"; registrationId: string; /** the attendee's self-service link (public registrations) */ manageUrl?: string }
  | { kind: "rejection"; registrationId: string }
  | { kind: "set-password"; userId: string; link: string }
  | AudienceInviteJob;

const MAIL_ATTEMPTS = 10;

export function mailJob(job: MailJob, spec: { queue?: string } = {}): BulkJob {
  return { task: "send-mail", payload: job, ...spec, maxAttempts: MAIL_ATTEMPTS };
}

export async function enqueueMail(job: MailJob, db?: Outbox, spec: JobSpec = {}): Promise<void> {
  await enqueue("send-mail", job, { maxAttempts: MAIL_ATTEMPTS, ...spec }, target(db));
}

// --- SMS reminders (reminders.server.ts) -------------------------------------------------------

/** `resend`: the manager's n-th resend gets its own key (the first job may still be there, failed). */
export async function enqueueSmsReminder(reminderId: string, db: Outbox, resend?: number): Promise<void> {
  const jobKey = resend === undefined ? `sms-reminder:${reminderId}` : `sms-reminder:${reminderId}:${resend}`;
  await enqueue("send-sms-reminder", { reminderId }, { jobKey, maxAttempts: 8 }, target(db));
}

/** The n-th delivery-status check of a sent SMS. */
export async function enqueueSmsStatusCheck(reminderId: string, n: number, runAt: Date, db: Outbox): Promise<void> {
  await enqueue("sms-reminder-status", { reminderId, n }, { runAt, maxAttempts: 3, jobKey: `sms-status:${reminderId}` }, target(db));
}

// --- staff-import-jobs: the jobs of a bulk import, added by the worker ---------------------------
// An import of 20,000 people needs 60,000 jobs (invitation, CRM person, CRM registration), and
// add_jobs costs about 0.1-0.3 ms per job: most of the import's time. The import's transaction
// adds one fan-out job per 2,000 rows instead, and the worker adds the real jobs in one
// transaction per fan-out job (docs/decisions/0023-import-job-fan-out.md).

const IMPORT_JOBS_TASK = "staff-import-jobs";
const IMPORT_JOBS_CHUNK = 2000;

/** [registrationId, personId] of each created registration; the people whose contact row was updated. */
export type ImportJobsPayload = { created: Array<[string, string]>; updatedPeople: string[] };

/** The fan-out jobs the import adds in its own transaction. */
export function importJobsFanout(created: Array<{ id: string; personId: string }>, updatedPeople: string[]): BulkJob[] {
  const jobs: BulkJob[] = [];
  for (let i = 0; i < Math.max(created.length, updatedPeople.length); i += IMPORT_JOBS_CHUNK) {
    const payload: ImportJobsPayload = {
      created: created.slice(i, i + IMPORT_JOBS_CHUNK).map((r) => [r.id, r.personId]),
      updatedPeople: updatedPeople.slice(i, i + IMPORT_JOBS_CHUNK),
    };
    jobs.push({ task: IMPORT_JOBS_TASK, payload, maxAttempts: 25 });
  }
  return jobs;
}

/** The jobs one fan-out job stands for: what the import used to add itself. */
export function importJobs({ created, updatedPeople }: ImportJobsPayload): BulkJob[] {
  const jobs: BulkJob[] = [];
  for (const [registrationId, personId] of created) {
    jobs.push(mailJob({ kind: "invitation", registrationId }));
    jobs.push(crmSyncJob("person", personId), crmSyncJob("registration", registrationId));
  }
  for (const id of updatedPeople) jobs.push(crmSyncJob("person", id));
  return jobs;
}

/** Adds a fan-out job's jobs, all or none, so a retry after a failure adds no second copy. */
export async function runImportJobs(payload: ImportJobsPayload): Promise<void> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    await enqueueMany(importJobs(payload), client);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export function registerOutboxTasks(): void {
  registerTask(IMPORT_JOBS_TASK, async (payload) => runImportJobs(payload as ImportJobsPayload));
}

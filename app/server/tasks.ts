import { registerDealTasks } from "../services/analytics/crm-deals.server";
import { registerMailTasks } from "../services/mail/send-mail.server";
import { registerCrmTasks } from "../services/crm/sync-job.server";
import { registerOutboxTasks } from "../services/outbox.server";
import { registerPrintTasks } from "../services/print/worker.server";
import { registerReminderTasks } from "../services/reminders.server";

/** Registers every job handler; each feature adds its own here. */
export function registerAllTasks(): void {
  registerMailTasks();
  registerCrmTasks();
  registerReminderTasks();
  registerPrintTasks();
  registerDealTasks();
  registerOutboxTasks();
}

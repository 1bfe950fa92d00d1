import { registerMailTasks } from "../services/mail.server";

/** Registers every job handler; each feature adds its own here. */
export function registerAllTasks(): void {
  registerMailTasks();
}

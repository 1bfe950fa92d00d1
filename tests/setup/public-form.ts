import type { Frame, Page } from "playwright-core";

// The public forms (registration, stand booking) post as plain document submissions (see their
// routes), so the page or frame navigates: wait for that load, not for a fetch.

export type PublicForm = "register-form" | "stand-form";

/** Clicks the form's submit button and waits for the page it loads. */
export async function submitPublicForm(target: Page | Frame, form: PublicForm): Promise<void> {
  await Promise.all([target.waitForNavigation({ waitUntil: "load" }), target.click(`[data-testid=${form}] button[type=submit]`)]);
}

/** Fills the named fields, ticks the consent box and submits. */
export async function fillAndSubmit(target: Page | Frame, form: PublicForm, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields)) await target.fill(`[name=${name}]`, value);
  await target.check("[name=consent]");
  await submitPublicForm(target, form);
}

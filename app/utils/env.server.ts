import { z } from "zod";

// Every setting the app reads, with its default. README's "Configuration" mirrors this list.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must start with postgresql://").optional(),
  PGPORT_EMBEDDED: z.coerce.number().int().min(1).max(65535).optional(),
  DATA_DIR: z.string().default(".data"),
  DB_WAIT_SECONDS: z.coerce.number().int().min(0).max(600).default(30),
  APP_URL: z.string().url().optional(),
  SESSION_SECURE: z.enum(["true", "false", "auto"]).default("auto"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WORKER: z.enum(["on", "off"]).default("on"),
  SEED_DEMO: z.enum(["on", "off"]).default("on"),
  BUILD_ON_START: z.enum(["auto", "off"]).default("auto"),
  BUILD_DIR: z.string().default("build"),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
  MAIL_FROM: z.string().default("Expo Desk <no-reply@expodesk.local>"),
  BITRIX24_WEBHOOK_URL: z.string().url().optional(),
  BITRIX24_RATE_LIMIT: z.coerce.number().positive().max(1000).default(2),
  BITRIX24_RATE_BURST: z.coerce.number().int().min(1).max(10000).default(50),
  BITRIX24_APPLICATION_TOKEN: z.string().min(8, "must be the application_token the portal sends").optional(),
  SMSRU_API_ID: z.string().optional(),
  SMSRU_BASE_URL: z.string().url().default("https://sms.ru"),
  REMINDER_LOCAL_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM, e.g. 10:00").default("10:00"),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100000).default(20),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86400).default(600),
  INVITE_RESEND_MINUTES: z.coerce.number().int().min(0).max(1440).default(10),
  ATTENDANCE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
});

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {}

/** Parses the environment; the error names the first bad variable in one line. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new EnvError(`Invalid environment variable ${String(issue.path[0])}: ${issue.message}`);
  }
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/**
 * The database URL. Read when asked, not cached: the start script, the worker and the admin CLI
 * learn it only after the embedded PostgreSQL is up (setDatabaseUrl), and tests set it per file.
 */
export function databaseUrl(): string | undefined {
  return process.env.DATABASE_URL || undefined;
}

/** Also for child processes, which inherit process.env. */
export function setDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
  if (cached) cached = { ...cached, DATABASE_URL: url };
}

/** The version npm passes to `npm start` (not a setting: not in the schema). */
export function appVersion(): string {
  return process.env.npm_package_version ?? "0.1.0";
}

export function appUrl(): string {
  return env().APP_URL ?? `http://localhost:${env().PORT}`;
}

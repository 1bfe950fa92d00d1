import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createApiToken, type TokenRole } from "../utils/api-tokens.server";
import { hashPassword } from "../utils/auth.server";
import { closeDb, prisma } from "../utils/db.server";
import { databaseUrl, env, EnvError, setDatabaseUrl } from "../utils/env.server";
import { migrateJobs } from "../utils/jobs.server";
import { migrate } from "../utils/migrate.server";
import { seedDemo } from "../../prisma/seed";
import { openDatabase, type Database } from "./database";

// `npm run admin -- <command>`: stdout carries only the result (a token, a password),
// messages go to stderr, and the exit code says whether it worked.

const USAGE = `Usage: npm run admin -- <command> [options]
  migrate                                   apply pending database migrations
  seed                                      create the demo data (once)
  create-user --email E --role admin|manager [--name N] [--password-stdin]
  create-token --role manager|site|kiosk|exhibitor [--exhibitor ID] [--event ID] [--name N]
  create-printer --event ID --name N --driver ipp|raw-tcp|browser --address ADDR [--template ID]
  create-kiosk --event ID --name N [--printer ID] [--categories visitor,media,...] [--location L]
  render-badge --registration ID --format pdf|zpl|png --out FILE [--template ID]
  print-test --printer ID`;

class UsageError extends Error {}
const log = (m: string) => process.stderr.write(`${m}\n`);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function run(command: string | undefined, args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      exhibitor: { type: "string" },
      event: { type: "string" },
      "password-stdin": { type: "boolean" },
      registration: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      template: { type: "string" },
      printer: { type: "string" },
      driver: { type: "string" },
      address: { type: "string" },
      categories: { type: "string" },
      location: { type: "string" },
    },
    strict: true,
  });
  switch (command) {
    case "migrate": {
      const applied = await migrate(databaseUrl()!);
      await migrateJobs(databaseUrl()!);
      log(applied.length ? `Applied: ${applied.join(", ")}` : "The database is up to date.");
      return;
    }
    case "seed":
      log((await seedDemo()) ? "Demo data created." : "Demo data exists already.");
      return;
    case "create-user": {
      const email = values.email?.trim().toLowerCase();
      if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError("--email must be an email address");
      if (values.role !== "admin" && values.role !== "manager") throw new UsageError("--role must be admin or manager (exhibitor accounts are created from a cabinet)");
      if (await prisma().user.findUnique({ where: { email } })) throw new UsageError(`A user with the email ${email} exists already`);
      const generated = !values["password-stdin"];
      const password = generated ? randomBytes(12).toString("base64url") : await readStdin();
      if (password.length < 10) throw new UsageError("The password must be at least 10 characters long");
      await prisma().user.create({ data: { email, role: values.role, name: values.name ?? email, passwordHash: await hashPassword(password) } });
      log(`Created ${values.role} ${email}`);
      if (generated) process.stdout.write(`${password}\n`);
      return;
    }
    case "list-events": {
      const events = await prisma().event.findMany({ orderBy: [{ startsAt: "asc" }, { name: "asc" }] });
      if (events.length === 0) log("No events yet.");
      for (const e of events) {
        const day = (d: Date) => d.toLocaleDateString("sv-SE", { timeZone: e.timezone });
        process.stdout.write(`${e.id}\t${day(e.startsAt)}..${day(e.endsAt)}\t${e.timezone}\t${e.name}\n`);
      }
      return;
    }
    case "create-token": {
      // A bare kiosk token would be refused by every check-in (kiosk_not_paired): kiosks get theirs by pairing.
      if (values.role === "kiosk") throw new UsageError("Kiosk tokens come from a kiosk: use create-kiosk --event ID --name N (it prints the paired kiosk's token), or pair a device on the event's Kiosks page");
      const roles: TokenRole[] = ["manager", "site", "exhibitor"];
      if (!roles.includes(values.role as TokenRole)) throw new UsageError(`--role must be one of ${roles.join(", ")}`);
      if (values.role === "exhibitor" && !values.exhibitor) throw new UsageError("--exhibitor ID is required for an exhibitor token");
      for (const [flag, id] of [["--exhibitor", values.exhibitor], ["--event", values.event]] as const) {
        if (id !== undefined && !UUID.test(id)) throw new UsageError(`${flag} must be an id (UUID)`);
      }
      if (values.exhibitor && !(await prisma().exhibitor.findUnique({ where: { id: values.exhibitor } }))) throw new UsageError(`No exhibitor ${values.exhibitor}`);
      if (values.event && !(await prisma().event.findUnique({ where: { id: values.event } }))) throw new UsageError(`No event ${values.event}`);
      const { token } = await createApiToken({ role: values.role as TokenRole, name: values.name ?? `${values.role} token`, exhibitorId: values.exhibitor, eventId: values.event });
      process.stdout.write(`${token}\n`);
      return;
    }
    case "create-printer":
    case "create-kiosk":
    case "render-badge":
    case "print-test": {
      // Loaded only here: the badge renderer (pdfkit, fonts) is not needed by other commands.
      const { CliInputError, createKioskCommand, createPrinterCommand, printTestCommand, renderBadgeCommand } = await import("../services/print/cli.server");
      try {
        if (command === "create-printer") process.stdout.write(`${await createPrinterCommand(values)}\n`);
        else if (command === "create-kiosk") {
          const kiosk = await createKioskCommand(values);
          log(`Created kiosk ${kiosk.id}`);
          process.stdout.write(`${kiosk.token}\n`);
        } else if (command === "render-badge") log(await renderBadgeCommand(values));
        else (await printTestCommand(values)).forEach((l) => log(l));
      } catch (err) {
        throw err instanceof CliInputError ? new UsageError(err.message) : err;
      }
      return;
    }
    default:
      throw new UsageError(command ? `Unknown command: ${command}` : "No command given");
  }
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === "--help" || command === "help") {
    log(USAGE);
    process.exit(command ? 0 : 2);
  }
  let db: Database | undefined;
  let code = 0;
  try {
    env();
    db = await openDatabase(log);
    setDatabaseUrl(db.url);
    if (command !== "migrate") {
      await migrate(db.url);
      await migrateJobs(db.url);
    }
    await run(command, rest);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      log(`Error: ${(err as Error).message}\n\n${USAGE}`);
      code = 2;
    } else {
      log(`Error: ${err instanceof EnvError ? err.message : (err as Error).message}`);
      code = 1;
    }
  } finally {
    await closeDb().catch(() => {});
    await db?.stop().catch(() => {});
  }
  process.exit(code);
}

void main();

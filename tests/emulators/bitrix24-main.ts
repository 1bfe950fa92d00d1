// `npm run crm:emulator`: a Bitrix24 portal on loopback for local development.
// BITRIX24_EMULATOR_PORT wins over PORT, since PORT usually belongs to the app server.
import { startBitrix24Emulator } from "./bitrix24";

const env = process.env;
const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

const emulator = await startBitrix24Emulator({
  port: num(env.BITRIX24_EMULATOR_PORT) ?? num(env.PORT) ?? 8808,
  // A stable default secret so BITRIX24_WEBHOOK_URL can live in .env between restarts.
  secret: env.BITRIX24_EMULATOR_SECRET || "localdevsecret",
  applicationToken: env.BITRIX24_EMULATOR_APP_TOKEN || "localdevapplicationtoken",
  drainPerSecond: num(env.BITRIX24_EMULATOR_DRAIN_PER_SECOND),
  bucketLimit: num(env.BITRIX24_EMULATOR_BUCKET_LIMIT),
  faults: {
    errorRate: num(env.BITRIX24_EMULATOR_ERROR_RATE) ?? 0,
    slowMs: num(env.BITRIX24_EMULATOR_SLOW_MS) ?? 0,
  },
});

for (const handler of (env.BITRIX24_EMULATOR_EVENT_HANDLER ?? "").split(",").filter(Boolean)) {
  for (const event of ["ONCRMCOMPANYUPDATE", "ONCRMDEALUPDATE"]) emulator.state.bindEvent(event, handler);
}

process.stdout.write(
  [
    `Bitrix24 emulator listening on 127.0.0.1:${emulator.port}`,
    `BITRIX24_WEBHOOK_URL=${emulator.baseUrl}`,
    `application_token for outbound events: ${emulator.applicationToken}`,
    "",
  ].join("\n"),
);

const stop = () => void emulator.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

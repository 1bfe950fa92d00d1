import pino from "pino";
import { env } from "./env.server";
import { singleton } from "./singleton.server";

export const logger = () =>
  singleton("logger", () =>
    pino({
      level: env().LOG_LEVEL,
      redact: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token"],
    }),
  );

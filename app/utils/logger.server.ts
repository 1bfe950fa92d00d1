import pino from "pino";
import { singleton } from "./singleton.server";

export const logger = () =>
  singleton("logger", () =>
    pino({
      level: process.env.LOG_LEVEL ?? "info",
      redact: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.token"],
    }),
  );

import type { ServerBuild } from "@remix-run/node";
import express from "express";
import type { RequestListener } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { pinoHttp } from "pino-http";
import { translate, localeFromRequest } from "../i18n";
import { env } from "../utils/env.server";
import { healthStatus } from "../utils/health.server";
import { logger } from "../utils/logger.server";
import { serveKioskScan } from "./kiosk-checkin-routes";
import { remixHandler } from "./remix-handler";

/**
 * Rejects cross-site form posts: the Origin (or Referer) must be this host with this scheme
 * (an http:// page must not post to the https:// site). The scheme is APP_URL's when set (behind
 * a TLS proxy the request itself arrives as http), else the request's. SameSite=Lax cookies are the first line.
 */
export function sameOrigin(req: Pick<express.Request, "get" | "protocol">, appUrl: string | undefined = env().APP_URL): boolean {
  const source = req.get("origin") ?? req.get("referer");
  if (!source) return false;
  try {
    const from = new URL(source);
    const scheme = appUrl ? new URL(appUrl).protocol : `${req.protocol}:`;
    return from.protocol === scheme && from.host === req.get("host");
  } catch {
    return false;
  }
}

/** The server's request listener: the kiosk's scans first (kiosk-checkin-routes.ts), then Express. */
export async function createApp(buildDir = path.resolve(env().BUILD_DIR)): Promise<RequestListener> {
  const build = (await import(pathToFileURL(path.join(buildDir, "server/index.js")).href)) as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  app.use(
    pinoHttp({
      logger: logger(),
      // Requests are logged at debug: the console stays quiet unless LOG_LEVEL=debug; failures still show.
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "debug"),
      serializers: { req: (r: { method: string; url: string }) => ({ method: r.method, url: r.url.replace(/(set-password\/|\/my\/)[^/?]+/, "$1***") }), res: (r: { statusCode: number }) => ({ status: r.statusCode }) },
    }),
  );
  app.use("/assets", express.static(path.join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(buildDir, "client"), { maxAge: "1h" }));

  app.get("/healthz", async (_req, res) => {
    const health = await healthStatus();
    res.status(health.status === "ok" ? 200 : 503).json(health);
  });

  // Framing: only the public registration pages (/e/...) may be embedded in the organiser's site.
  app.use((req, res, next) => {
    if (req.path.startsWith("/e/")) res.setHeader("Content-Security-Policy", "frame-ancestors *");
    else res.setHeader("X-Frame-Options", "DENY");
    next();
  });

  // CSRF: every state-changing request outside the bearer-token API must come from our own pages.
  app.use((req, res, next) => {
    if (["GET", "HEAD", "OPTIONS"].includes(req.method) || req.path.startsWith("/api/")) return next();
    if (sameOrigin(req)) return next();
    const locale = localeFromRequest(new Request("http://x", { headers: { cookie: req.get("cookie") ?? "", "accept-language": req.get("accept-language") ?? "" } }));
    res.status(403).type("text/plain; charset=utf-8").send(translate(locale, "error.csrf"));
  });

  // Remix with a byte limit on every body (413 page or envelope): see remix-handler.ts.
  // app.use, not app.all("*"): the router would decode the path as a parameter and fail with a 500 on "%".
  app.use(remixHandler(build, (req) => ({ ip: req.ip ?? req.socket.remoteAddress ?? "unknown" })));

  app.use((err: Error & { status?: number }, req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // Express's own refusals (a malformed request) keep their 4xx; under /api in the envelope.
    if (typeof err.status === "number" && err.status >= 400 && err.status < 500) {
      if (res.headersSent) return res.end();
      if (req.path.startsWith("/api/")) return res.status(err.status).json({ error: { code: "bad_request", message: "The request could not be read." } });
      return res.status(err.status).type("text/plain; charset=utf-8").send("Bad request");
    }
    logger().error({ err }, "unhandled error");
    if (!res.headersSent) res.status(500).type("text/plain; charset=utf-8").send("Internal server error");
  });
  return (req, res) => {
    if (!serveKioskScan(req, res)) app(req, res);
  };
}

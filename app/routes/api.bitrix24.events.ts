// Outbound events of the Bitrix24 portal (an "outgoing webhook" pointed at this URL). Outside
// /api/v1: the portal authenticates with auth[application_token], compared with
// BITRIX24_APPLICATION_TOKEN (403 otherwise). The token is never logged. Work happens in the
// `crm-inbound` job; the portal gets its answer at once (it does not retry failed deliveries).
import type { ActionFunctionArgs } from "@remix-run/node";
import { errorResponse, json } from "~/api/http.server";
import { acceptEvent, ForbiddenEvent, parseEventBody } from "~/services/crm/inbound.server";
import { logger } from "~/utils/logger.server";

const MAX_BYTES = 64 * 1024;

export async function loader() {
  return errorResponse(405, "method_not_allowed", "POST events here.");
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return errorResponse(405, "method_not_allowed", `${request.method} is not allowed here.`);
  const text = await request.text();
  if (text.length > MAX_BYTES) return errorResponse(413, "payload_too_large", `The body is larger than ${MAX_BYTES} bytes.`);
  let body: Record<string, unknown>;
  try {
    body = parseEventBody(request.headers.get("content-type") ?? "", text);
  } catch {
    return errorResponse(400, "invalid_body", "The body is neither a form nor JSON.");
  }
  try {
    const accepted = await acceptEvent(body);
    return json({ ok: true, queued: accepted.id !== null });
  } catch (e) {
    if (e instanceof ForbiddenEvent) {
      logger().warn({ event: String(body.event ?? "").slice(0, 64) }, "Bitrix24 event refused: wrong application_token");
      return errorResponse(403, "forbidden", "Unknown application token.");
    }
    throw e;
  }
}

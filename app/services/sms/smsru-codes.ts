// SMS.RU status codes, as documented on sms.ru/api/send and sms.ru/api/status (mirrored at
// e.g. tele2.sms.ru/api/send). One number space serves two purposes: delivery states of a message
// (100-150) and errors of a request or of one recipient (200+).

export type SmsDeliveryStatus = "queued" | "sending" | "sent" | "delivered" | "read" | "failed" | "unknown";

const DELIVERY: Record<number, SmsDeliveryStatus> = {
  100: "queued", // accepted, in SMS.RU's queue
  101: "sending", // being handed to the operator
  102: "sent", // sent, on its way
  103: "delivered",
  104: "failed", // lifetime expired
  105: "failed", // deleted by the operator
  106: "failed", // phone failure
  107: "failed", // unknown reason
  108: "failed", // rejected
  110: "read", // read (Viber)
  150: "failed", // no route to this number
};

export function deliveryStatus(code: number): SmsDeliveryStatus {
  return DELIVERY[code] ?? "unknown";
}

/** Delivered, read or failed: polling can stop. */
export function isFinal(status: SmsDeliveryStatus): boolean {
  return status === "delivered" || status === "read" || status === "failed";
}

export type SmsErrorReason =
  | "bad-recipient"
  | "auth"
  | "bad-request"
  | "balance"
  | "rate-limit"
  | "unavailable"
  | "network"
  | "protocol";

/**
 * permanent: the same request cannot succeed later (bad number, wrong api_id, refused text).
 * temporary: it may succeed later (service down, limits, balance that an operator can top up).
 */
export function classifySmsRuCode(code: number): { kind: "permanent" | "temporary"; reason: SmsErrorReason } {
  switch (code) {
    case 202: // recipient given wrongly or no route to it
    case 207: // cannot send to this number
    case 209: // number is in our stop list
      return { kind: "permanent", reason: "bad-recipient" };
    case 200: // wrong api_id
    case 300: // wrong token
    case 301: // wrong api_id or login/password
    case 302: // account not confirmed
      return { kind: "permanent", reason: "auth" };
    case 203: // no text
    case 204: // sender name not approved
    case 205: // text too long (over 8 SMS)
    case 208: // bad "time" parameter
    case 210: // GET where POST is required
    case 211: // method not found
    case 212: // text must be UTF-8
    case 213: // over 100 recipients
      return { kind: "permanent", reason: "bad-request" };
    case 201: // not enough money on the account
      return { kind: "temporary", reason: "balance" };
    case 206: // daily limit of the account
    case 230: // daily limit of messages to this number
    case 231: // identical messages to this number per minute
    case 232: // identical messages to this number per day
    case 233: // repeated code messages to this number
      return { kind: "temporary", reason: "rate-limit" };
    case 220: // service temporarily unavailable
    case 500: // server error, repeat the request
      return { kind: "temporary", reason: "unavailable" };
    default:
      // Unknown codes are retried; the job queue's attempt limit still ends them.
      return { kind: "temporary", reason: "protocol" };
  }
}

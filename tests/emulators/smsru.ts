import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A loopback stand-in for SMS.RU's HTTP API (json=1 answers only), for tests and offline demos:
//   /sms/send   api_id, to (comma-separated digits), msg, [from], [test=1]
//   /sms/status api_id, sms_id (comma-separated)
//   /my/balance api_id
// GET query and POST form bodies are both accepted, as on SMS.RU. Protocol and codes follow
// sms.ru/api/send and sms.ru/api/status; the limits below are the emulator's own numbers.

export interface SmsRuEmulatorOptions {
  apiId: string;
  /** Roubles; each accepted SMS costs `costPerSms`. 201 when it runs out. */
  balance?: number;
  costPerSms?: number;
  /** Messages per number per day before 230 (default 20). */
  dailyLimitPerNumber?: number;
  /** The same text to the same number again within this window gives 231 (default 60 s; 0 = off). */
  duplicateWindowMs?: number;
  /** Numbers (digits only) answered with 207 "cannot send to this number". */
  blockedNumbers?: string[];
  /** Status queries report 103 "delivered" once a message is this old (default 0). */
  deliverAfterMs?: number;
}

export interface SentSms {
  smsId: string;
  to: string;
  text: string;
  from?: string;
  test: boolean;
  at: Date;
}

export interface SmsRuFaults {
  /** The next N requests fail: a number gives HTTP 500 with an HTML page; an object, an SMS.RU error code. */
  failNext?: number | { count: number; statusCode: number };
  /** Every request answers 220 "service temporarily unavailable" until switched off. */
  unavailable?: boolean;
}

export interface SmsRuEmulator {
  baseUrl: string;
  /** Accepted messages, in order (requests refused with an error are not here). */
  sent: SentSms[];
  setFaults(faults: SmsRuFaults): void;
  /** Force a delivery status code for a message, e.g. 106 (phone failure). */
  setStatus(smsId: string, statusCode: number): void;
  balance(): number;
  close(): Promise<void>;
}

const TEXTS: Record<number, string> = {
  [-1]: "Сообщение не найдено",
  100: "Сообщение находится в нашей очереди",
  103: "Сообщение доставлено",
  106: "Не может быть доставлено: сбой в телефоне",
  200: "Неправильный api_id",
  201: "Не хватает средств на лицевом счету",
  202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
  203: "Нет текста сообщения",
  207: "На этот номер (или один из номеров) нельзя отправлять сообщения, либо указано более 100 номеров в списке получателей",
  211: "Метод не найден",
  220: "Сервис временно недоступен, попробуйте чуть позже",
  230: "Превышен общий лимит количества сообщений на этот номер в день",
  231: "Превышен лимит одинаковых сообщений на этот номер в минуту",
  500: "Ошибка на сервере. Повторите запрос.",
};

const error = (code: number) => ({ status: "ERROR", status_code: code, status_text: TEXTS[code] ?? "Ошибка" });

export async function startSmsRuEmulator(options: SmsRuEmulatorOptions): Promise<SmsRuEmulator> {
  const sent: SentSms[] = [];
  const forced = new Map<string, number>();
  const costPerSms = options.costPerSms ?? 1.5;
  const dailyLimit = options.dailyLimitPerNumber ?? 20;
  const duplicateWindowMs = options.duplicateWindowMs ?? 60_000;
  const blocked = new Set(options.blockedNumbers ?? []);
  let balance = options.balance ?? 100;
  let faults: { failNext: number; failCode?: number; unavailable: boolean } = { failNext: 0, unavailable: false };
  let nextId = 1;

  function send(params: URLSearchParams): object {
    const text = params.get("msg") ?? params.get("text") ?? "";
    if (!text.trim()) return error(203);
    const numbers = (params.get("to") ?? "").split(",").map((n) => n.trim()).filter(Boolean);
    if (numbers.length === 0) return error(202);
    const valid = numbers.filter((n) => /^[1-9][0-9]{9,14}$/.test(n) && !blocked.has(n));
    if (balance < valid.length * costPerSms) return error(201);
    const test = params.get("test") === "1";
    const now = Date.now();
    const sms: Record<string, object> = {};
    for (const to of numbers) {
      const code = !/^[1-9][0-9]{9,14}$/.test(to) ? 202 : blocked.has(to) ? 207 : limitCode(to, text, now);
      if (code) {
        sms[to] = error(code);
        continue;
      }
      const smsId = `${String(100000 + (nextId % 900000))}-${String(nextId++).padStart(7, "0")}`;
      sent.push({ smsId, to, text, from: params.get("from") ?? undefined, test, at: new Date(now) });
      if (!test) balance -= costPerSms;
      sms[to] = { status: "OK", status_code: 100, sms_id: smsId };
    }
    return { status: "OK", status_code: 100, sms, balance: round(balance) };
  }

  function limitCode(to: string, text: string, now: number): number {
    const today = new Date(now).toISOString().slice(0, 10);
    const mine = sent.filter((s) => s.to === to);
    if (mine.filter((s) => s.at.toISOString().slice(0, 10) === today).length >= dailyLimit) return 230;
    if (duplicateWindowMs > 0 && mine.some((s) => s.text === text && now - s.at.getTime() < duplicateWindowMs)) return 231;
    return 0;
  }

  function status(params: URLSearchParams): object {
    const ids = (params.get("sms_id") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const sms: Record<string, object> = {};
    for (const id of ids) {
      const record = sent.find((s) => s.smsId === id);
      if (!record) {
        sms[id] = error(-1);
        continue;
      }
      const delivered = Date.now() - record.at.getTime() >= (options.deliverAfterMs ?? 0);
      const code = forced.get(id) ?? (delivered ? 103 : 100);
      sms[id] = { status: "OK", status_code: code, cost: record.test ? 0 : costPerSms, status_text: TEXTS[code] ?? "" };
    }
    return { status: "OK", status_code: 100, sms, balance: round(balance) };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const params = new URLSearchParams(url.search);
    if (req.method === "POST") {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString("utf8"))) params.set(k, v);
    }
    if (faults.failNext > 0) {
      faults.failNext--;
      if (faults.failCode === undefined) {
        res.writeHead(500, { "content-type": "text/html" }).end("<html><body>500 Internal Server Error</body></html>");
        return;
      }
      return json(res, error(faults.failCode));
    }
    if (faults.unavailable) return json(res, error(220));
    if (params.get("api_id") !== options.apiId) return json(res, error(200));
    switch (url.pathname) {
      case "/sms/send":
        return json(res, send(params));
      case "/sms/status":
        return json(res, status(params));
      case "/my/balance":
        return json(res, { status: "OK", status_code: 100, balance: round(balance) });
      default:
        return json(res, error(211));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => res.writeHead(500).end(err.message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    setFaults(f) {
      if (f.unavailable !== undefined) faults.unavailable = f.unavailable;
      if (f.failNext !== undefined) {
        faults = typeof f.failNext === "number"
          ? { ...faults, failNext: f.failNext, failCode: undefined }
          : { ...faults, failNext: f.failNext.count, failCode: f.failNext.statusCode };
      }
    },
    setStatus: (smsId, statusCode) => void forced.set(smsId, statusCode),
    balance: () => round(balance),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, body: object): void {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

const round = (n: number) => Math.round(n * 100) / 100;

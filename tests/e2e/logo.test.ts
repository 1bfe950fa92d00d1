import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_USERS } from "../../prisma/seed";
import { useAppAndBrowser } from "../setup/e2e-app";

const e2e = useAppAndBrowser();
let cookie = "";

beforeAll(async () => {
  const user = DEMO_USERS.find((u) => u.role === "exhibitor")!;
  const r = await fetch(e2e.app.url + "/login", {
    method: "POST",
    redirect: "manual",
    headers: { origin: e2e.app.url, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: user.email, password: user.password }),
  });
  cookie = (r.headers.get("set-cookie") ?? "").split(";")[0];
  expect(cookie).toMatch(/^expodesk_session=/);
});

async function upload(name: string, type: string, data: Buffer | string) {
  const form = new FormData();
  form.append("logo", new Blob([typeof data === "string" ? data : new Uint8Array(data)], { type }), name);
  const r = await fetch(e2e.app.url + "/cabinet?index", { method: "POST", headers: { cookie, origin: e2e.app.url, "accept-language": "ru" }, body: form });
  return { status: r.status, text: await r.text() };
}

async function logoUrl(): Promise<string | null> {
  const html = await (await fetch(e2e.app.url + "/cabinet", { headers: { cookie } })).text();
  return /src="(\/logos\/[^"]+)"/.exec(html)?.[1] ?? null;
}

describe("company logo upload", () => {
  test("a file that is not an image, or is too large, is refused with a message next to the field", async () => {
    const exe = await upload("logo.png", "image/png", Buffer.from("MZ\x90\x00 this is not an image"));
    expect(exe.text).toContain("Нужен файл PNG, JPEG или SVG.");
    const big = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1024 * 1024 + 10)]);
    const tooLarge = await upload("big.png", "image/png", big);
    expect(tooLarge.text).toContain("Файл больше 1 МБ");
    expect(await logoUrl()).toBeNull();
  });

  test("an SVG with a script is stored but served so that the script cannot run", async () => {
    const svg = `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>document.title = "pwned"</script><rect width="10" height="10" fill="red"/></svg>`;
    const r = await upload("logo.svg", "image/svg+xml", svg);
    expect(r.status).toBe(200);
    const url = await logoUrl();
    expect(url).toMatch(/\/logos\/[0-9a-f-]{36}-[0-9a-f]{12}\.svg$/);
    const res = await fetch(e2e.app.url + url!);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
    expect(res.headers.get("content-security-policy")).toContain("sandbox");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");

    const page = await e2e.browser.newPage();
    await page.goto(e2e.app.url + url!);
    expect(await page.title()).not.toBe("pwned");
    await page.close();
  });

  test("a PNG logo is accepted and replaces the SVG", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
    await upload("logo.png", "image/png", png);
    expect(await logoUrl()).toMatch(/\.png$/);
    expect((await fetch(e2e.app.url + "/logos/../../etc/passwd")).status).toBe(404);
  });
});

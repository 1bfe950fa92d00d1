// A kiosk check-in moves the registration's deal to "visited" with a timeline comment: the
// check-in itself adds the crm-sync job (through its marker, decision 0016), no one else has to.
import { afterAll, beforeAll, expect, test } from "vitest";
import { kioskCheckIn, registeredWithDeal } from "./checkin-helpers";
import { diagnostics, startFastWorld, waitFor, type World } from "./helpers";

let w: World;
beforeAll(async () => {
  w = await startFastWorld();
});
afterAll(() => w?.stop());

test("a registration from the site is a deal awaiting the visit; the kiosk check-in makes it visited, with time and kiosk", async () => {
  const { eventId, regId, dealId } = await registeredWithDeal(w);
  const scannedAt = new Date();
  expect(await kioskCheckIn(w, eventId, regId, "Вход Б", scannedAt)).toBe("checked_in");
  // The stage moves first, the timeline comment is a second call: wait for both.
  const comment = await waitFor(
    "the deal visited, with its comment",
    async () => w.emu.state.record("deal", dealId)!.STAGE_ID === "WON" && w.emu.state.comments.find((c) => c.ENTITY_ID === dealId),
    30_000,
  ).catch(async (e) => {
    throw new Error(`${e}\n${await diagnostics(w)}`);
  });
  expect(comment.COMMENT).toContain("Вход Б");
  const hhmm = new Intl.DateTimeFormat("ru-RU", { timeStyle: "short", timeZone: "Europe/Moscow" }).format(scannedAt);
  expect(comment.COMMENT).toContain(hhmm);
  expect(w.emu.state.count("deal")).toBe(1);
});

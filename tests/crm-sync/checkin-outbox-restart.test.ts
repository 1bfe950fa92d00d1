// A check-in's CRM marker survives a stop (decision 0016): checked in while no worker runs, the
// marker is committed and no job exists; the server comes back with its worker, the drainer
// turns the marker into one crm-sync job and the deal reaches "visited" once.
import { afterAll, expect, test } from "vitest";
import { kioskCheckIn, registeredWithDeal } from "./checkin-helpers";
import { crmJobs, diagnostics, drained, startWorld, waitFor, type World } from "./helpers";

let w: World | undefined;
afterAll(() => w?.stop());

/** Stops the app (not the CRM emulator) and starts it again on the same database. */
async function restart(world: World, env: Record<string, string>): Promise<World> {
  await world.app.stop();
  await world.db.end();
  return startWorld({ emu: world.emu, databaseUrl: world.app.databaseUrl, env: { BITRIX24_RATE_LIMIT: "20", ...env } });
}

const markers = async (world: World) => (await world.db.query(`SELECT "registrationId" FROM "CheckInOutbox"`)).rows;

test("checked in with the worker off, restarted with it on: the marker becomes one job and the deal is visited", async () => {
  w = await startWorld({ emulator: { drainPerSecond: 20, bucketLimit: 50 }, env: { BITRIX24_RATE_LIMIT: "20" } });
  const { eventId, regId, dealId } = await registeredWithDeal(w);

  // The same database and CRM, served by an instance without the worker (so without the drainer).
  w = await restart(w, { WORKER: "off" });
  expect(await kioskCheckIn(w, eventId, regId, "Вход В")).toBe("checked_in");
  expect(await markers(w)).toEqual([{ registrationId: regId }]);
  expect(await crmJobs(w.db)).toBe(0);

  // Stopped and started again, now with the worker: the leftover marker is drained.
  w = await restart(w, {});
  const { emu } = w;
  await waitFor("the deal visited, with its comment", async () =>
    emu.state.record("deal", dealId)!.STAGE_ID === "WON" && emu.state.comments.some((c) => c.ENTITY_ID === dealId),
  ).catch(async (e) => {
    throw new Error(`${e}\n${await diagnostics(w!)}`);
  });
  expect(await markers(w)).toEqual([]);
  await drained(w);
  // One visit: one timeline comment, one deal.
  expect(emu.state.comments.filter((c) => c.ENTITY_ID === dealId)).toHaveLength(1);
  expect(emu.state.count("deal")).toBe(1);
}, 300_000); // three server starts on a loaded machine

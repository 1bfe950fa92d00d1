// The sync's building blocks on their own: batching of concurrent calls, duplicate lookups
// sharing calls, stage choice by semantics, the events body parser.
import { afterEach, describe, expect, test } from "vitest";
import { AutoBatcher, DuplicateFinder } from "../../app/services/crm/auto-batch.server";
import { Bitrix24Error, createBitrix24Client } from "../../app/services/crm/bitrix24-client.server";
import { parseEventBody } from "../../app/services/crm/inbound.server";
import { isLostStage, pickStage, stageRowsFrom } from "../../app/services/crm/sync-mapping.server";
import { BITRIX24_SEED, startBitrix24Emulator, type Bitrix24Emulator } from "../emulators/bitrix24";

const open: Bitrix24Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.close()));
});

async function setup() {
  const emu = await startBitrix24Emulator({ drainPerSecond: 1000, seed: 5 });
  open.push(emu);
  const client = createBitrix24Client({ webhookUrl: emu.baseUrl, rateLimitPerSecond: 1000, retryBaseMs: 10, retryMaxMs: 50 });
  return { emu, b: new AutoBatcher(client, { maxInFlight: 1, lingerMs: 5 }) };
}

describe("AutoBatcher", () => {
  test("120 concurrent calls go out as 3 batch requests; a refused command fails alone", async () => {
    const { emu, b } = await setup();
    const results = await Promise.allSettled(
      Array.from({ length: 120 }, (_, i) =>
        b.call<number>("crm.contact.add", {
          fields: { NAME: `N${i}`, EMAIL: [{ VALUE: i === 7 ? "not-an-email" : `n${i}@x.example`, VALUE_TYPE: "WORK" }] },
        }),
      ),
    );
    expect(
      emu.state
        .calls()
        .filter((c) => !c.batchKey)
        .map((c) => c.method),
    ).toEqual(["batch", "batch", "batch"]);
    expect(b.stats()).toMatchObject({ calls: 120, requests: 3, largestBatch: 50 });
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [[i, r.reason]] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0][0]).toBe(7);
    expect(failed[0][1]).toBeInstanceOf(Bitrix24Error);
    expect((failed[0][1] as Bitrix24Error).kind).toBe("validation");
    expect((failed[0][1] as Bitrix24Error).description).toContain("invalid address");
    expect(emu.state.count("contact")).toBe(119);
  });

  test("an ambiguous failure re-sends only the idempotent calls; the adds get the error to reconcile", async () => {
    const { emu, b } = await setup();
    const id = await b.call<number>("crm.contact.add", { fields: { NAME: "A" } });
    emu.setFaults({ lostResponseRate: 1 });
    const add = b.call("crm.contact.add", { fields: { NAME: "B" } });
    const get = b.call<{ NAME: string }>("crm.contact.get", { id });
    const addError = await add.catch((e: unknown) => e);
    expect(addError).toBeInstanceOf(Bitrix24Error);
    expect((addError as Bitrix24Error).ambiguous).toBe(true);
    emu.setFaults({ lostResponseRate: 0 });
    expect((await get).NAME).toBe("A");
    expect(emu.state.count("contact")).toBe(2); // the lost add did happen: ORIGIN_ID lookups exist for this
  });
});

describe("DuplicateFinder", () => {
  test("25 lookups in 2 findbycomm calls, each value mapped to its own record", async () => {
    const { emu, b } = await setup();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        await b.call<number>("crm.contact.add", { fields: { NAME: `D${i}`, EMAIL: [{ VALUE: `d${i}@dup.example`, VALUE_TYPE: "WORK" }] } }),
      );
    const finder = new DuplicateFinder(b);
    const found = await Promise.all(
      Array.from({ length: 25 }, (_, i) => finder.find("CONTACT", "EMAIL", i < 3 ? `D${i}@DUP.example` : `none${i}@dup.example`)),
    );
    expect(found.slice(0, 3)).toEqual([[ids[0]], [ids[1]], [ids[2]]]);
    expect(found.slice(3).every((f) => f.length === 0)).toBe(true);
    expect(emu.state.calls("crm.duplicate.findbycomm")).toHaveLength(2);
  });
});

describe("mapping", () => {
  test("stages by semantics, mapped ones win only inside their pipeline", async () => {
    const { emu } = await setup();
    const stages = (cat: number) =>
      stageRowsFrom(emu.state.stages.filter((s) => s.ENTITY_ID === (cat === 0 ? "DEAL_STAGE" : `DEAL_STAGE_${cat}`)));
    expect(pickStage(stages(0), "pending")).toBe("NEW");
    expect(pickStage(stages(0), "visited")).toBe("WON");
    expect(pickStage(stages(0), "lost")).toBe("LOSE");
    const att = BITRIX24_SEED.attendanceCategoryId;
    expect(pickStage(stages(att), "confirmed", `C${att}:PREPARATION`)).toBe(`C${att}:PREPARATION`);
    expect(pickStage(stages(att), "confirmed", "C5:NEW")).toBe(`C${att}:NEW`); // another pipeline's stage is ignored
    expect(isLostStage(stages(0), "APOLOGY")).toBe(true);
    expect(isLostStage(stages(0), "EXECUTING")).toBe(false);
  });

  test("event bodies: PHP-style form and JSON", () => {
    expect(
      parseEventBody(
        "application/x-www-form-urlencoded",
        "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=12&auth%5Bapplication_token%5D=t&__proto__%5Bx%5D=1",
      ),
    ).toEqual({
      event: "ONCRMDEALUPDATE",
      data: { FIELDS: { ID: "12" } },
      auth: { application_token: "t" },
    });
    expect(parseEventBody("application/json; charset=utf-8", '{"event":"X","data":{"FIELDS":{"ID":3}}}')).toEqual({
      event: "X",
      data: { FIELDS: { ID: 3 } },
    });
  });
});

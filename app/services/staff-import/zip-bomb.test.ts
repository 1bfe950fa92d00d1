// Issue #11 item 7: an XLSX zip bomb is refused early, in bounded time and memory, with a
// translated message; the row caps hold for XLSX and CSV too.
import { describe, expect, it } from "vitest";
import { fileErrorMessage, parseStaffFile, type ImportFileError } from "./index";
import { makeStaffXlsx, makeXlsxBomb } from "../../../tests/import/fixtures";

async function refusal(promise: Promise<unknown>): Promise<ImportFileError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "the file was accepted").toBeTruthy();
  return err as ImportFileError;
}

describe("XLSX zip bombs", () => {
  it("a sheet of 100 MB XML (declared honestly) is refused at once as too large", async () => {
    const bomb = await makeXlsxBomb(100);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024); // a small upload
    const start = performance.now();
    const err = await refusal(parseStaffFile(bomb, "staff.xlsx"));
    const ms = performance.now() - start;
    expect(err.code).toBe("too_large");
    expect(ms).toBeLessThan(2_000);
    expect(fileErrorMessage("ru", err)).toBe("Файл слишком большой: в нём больше 24 МБ данных. Разделите его на несколько файлов.");
    expect(fileErrorMessage("en", err)).toBe("The file is too large: it holds more than 24 MB of data. Split it into several files.");
  });

  it("a bomb whose zip directory lies about the size is caught by counting the inflated bytes", async () => {
    const bomb = await makeXlsxBomb(100, { lie: true });
    const rssBefore = process.memoryUsage().rss;
    const start = performance.now();
    const err = await refusal(parseStaffFile(bomb, "staff.xlsx"));
    const ms = performance.now() - start;
    expect(err.code).toBe("too_large");
    expect(ms).toBeLessThan(5_000);
    // Inflated into nothing: memory does not grow by anything like the sheet's size.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(80 * 1024 * 1024);
  });

  it("while a bomb is checked the event loop keeps turning", async () => {
    const bomb = await makeXlsxBomb(100, { lie: true });
    let ticks = 0;
    let worstGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
      ticks++;
    }, 5);
    await refusal(parseStaffFile(bomb, "staff.xlsx", { maxUncompressedBytes: 64 * 1024 * 1024 }));
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(3);
    expect(worstGap).toBeLessThan(500);
  });

  it("a sheet of a million tiny rows is refused by the row cap, before exceljs", async () => {
    const bomb = await makeXlsxBomb(20, { rowXml: `<row r="1"/>` });
    const start = performance.now();
    const err = await refusal(parseStaffFile(bomb, "staff.xlsx"));
    expect(err.code).toBe("too_many_rows");
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it("an ordinary XLSX still reads", async () => {
    const xlsx = await makeStaffXlsx([["Иванов", "Иван", "", "Инженер", "ivanov@example.ru", "+79161234567"]]);
    const sheet = await parseStaffFile(xlsx, "staff.xlsx");
    expect(sheet.rows).toHaveLength(1);
  });
});

describe("CSV caps", () => {
  it("a CSV over the size cap is refused as too large", async () => {
    const csv = Buffer.from("Фамилия;Имя\n" + "Иванов;Иван\n".repeat(1000));
    const err = await refusal(parseStaffFile(csv, "staff.csv", { maxFileBytes: 10_000 }));
    expect(err.code).toBe("too_large");
  });

  it("a CSV over the row cap stops at the first extra row", async () => {
    const csv = Buffer.from("Фамилия;Имя\n" + "Иванов;Иван\n".repeat(50_000));
    const start = performance.now();
    const err = await refusal(parseStaffFile(csv, "staff.csv", { maxRows: 100 }));
    expect(err.code).toBe("too_many_rows");
    expect(err.params).toEqual({ limit: 100 });
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});

import { readFileSync } from "node:fs";

// Reads the parts of schema.prisma that decide the database shape. Prisma's own DMMF parser
// ships only inside its CLI bundle (docs/decisions/0002), so the test reads the file itself.

export type Column = { table: string; column: string; type: string; nullable: boolean; list: boolean; enumName?: string };
export type Schema = { tables: Map<string, Column[]>; enums: Map<string, string[]>; uniques: Array<{ table: string; columns: string[] }>; indexes: Array<{ table: string; columns: string[] }> };

const SCALARS: Record<string, string> = { String: "text", Int: "integer", BigInt: "bigint", Boolean: "boolean", DateTime: "timestamp(3) without time zone", Json: "jsonb", Decimal: "numeric(65,30)", Float: "double precision" };
const DB_TYPES: Record<string, string> = { Uuid: "uuid", Date: "date", Text: "text" };

export function readPrismaSchema(path = "prisma/schema.prisma"): Schema {
  const src = readFileSync(path, "utf8").replace(/\/\/.*$/gm, "");
  const enums = new Map<string, string[]>();
  for (const m of src.matchAll(/enum\s+(\w+)\s*\{([^}]*)\}/g)) enums.set(m[1], m[2].split(/\s+/).filter(Boolean));
  const modelNames = new Set([...src.matchAll(/model\s+(\w+)\s*\{/g)].map((m) => m[1]));
  const tables = new Map<string, Column[]>();
  const uniques: Schema["uniques"] = [];
  const indexes: Schema["indexes"] = [];
  for (const m of src.matchAll(/model\s+(\w+)\s*\{([^}]*)\}/g)) {
    const table = /@@map\("([^"]+)"\)/.exec(m[2])?.[1] ?? m[1];
    const cols: Column[] = [];
    const dbName = new Map<string, string>();
    for (const line of m[2].split("\n").map((l) => l.trim())) {
      const f = /^(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!f || line.startsWith("@@")) continue;
      const [, name, type, list, optional, attrs] = f;
      if (modelNames.has(type)) continue; // relation field, no column
      const column = /@map\("([^"]+)"\)/.exec(attrs)?.[1] ?? name;
      dbName.set(name, column);
      let pgType: string;
      const db = /@db\.(\w+)(?:\(([^)]*)\))?/.exec(attrs);
      if (enums.has(type)) pgType = type;
      else if (db?.[1] === "Timestamptz") pgType = `timestamp(${db[2] ?? "6"}) with time zone`;
      else if (db?.[1] === "Decimal") pgType = `numeric(${db[2].replace(/\s/g, "")})`;
      else if (db) pgType = DB_TYPES[db[1]] ?? db[1].toLowerCase();
      else pgType = SCALARS[type];
      cols.push({ table, column, type: pgType, nullable: !!optional || !!list, list: !!list, enumName: enums.has(type) ? type : undefined });
    }
    tables.set(table, cols);
    const colsOf = (s: string) => s.split(",").map((c) => dbName.get(c.trim()) ?? c.trim());
    for (const u of m[2].matchAll(/@@unique\(\[([^\]]+)\]/g)) uniques.push({ table, columns: colsOf(u[1]) });
    for (const u of m[2].matchAll(/@@index\(\[([^\]]+)\]/g)) indexes.push({ table, columns: colsOf(u[1]) });
    for (const c of cols) if (new RegExp(`^\\s*\\w+\\s+\\S+.*@unique`, "m").test(m[2].split("\n").find((l) => l.trim().startsWith(`${[...dbName].find(([, v]) => v === c.column)?.[0]} `)) ?? "")) uniques.push({ table, columns: [c.column] });
  }
  return { tables, enums, uniques, indexes };
}

import { defineConfig } from "prisma/config";

// Only `prisma generate` runs here (docs/decisions/0002); the URL is for tools on machines
// that have Prisma's schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/expodesk" },
});

// madge ships no type declarations: the part of its API tests/unit/no-import-cycles.test.ts uses.
declare module "madge" {
  type Config = { baseDir?: string; fileExtensions?: string[]; tsConfig?: string; excludeRegExp?: RegExp[] };
  type Result = { circular(): string[][]; obj(): Record<string, string[]> };
  export default function madge(paths: string | string[], config?: Config): Promise<Result>;
}

export type BenchResult = { name: string; value: number; unit: string; baseline?: { what: string; value: number; unit: string }; ratio?: number };

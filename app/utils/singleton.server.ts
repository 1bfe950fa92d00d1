// The server entry and the Remix build bundle each load their own copy of app modules;
// keeping shared resources on globalThis gives both the same pool, client and queue.
export function singleton<T>(name: string, create: () => T): T {
  const g = globalThis as unknown as { __expodesk?: Map<string, unknown> };
  g.__expodesk ??= new Map();
  if (!g.__expodesk.has(name)) g.__expodesk.set(name, create());
  return g.__expodesk.get(name) as T;
}

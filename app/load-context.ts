declare module "@remix-run/node" {
  interface AppLoadContext {
    ip: string;
  }
}
export {};

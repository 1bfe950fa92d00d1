// pngjs comes in as a dependency of qrcode and ships no types; the tests use only this.
declare module "pngjs" {
  export const PNG: {
    sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } };
  };
}

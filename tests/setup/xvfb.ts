import { spawn, type ChildProcess } from "node:child_process";
import { stopChild } from "./server-process";

// A private X server (Debian's `xvfb`) for headed Chromium: `-displayfd` makes Xvfb pick a free
// display itself and write its number on fd 3 once it accepts connections.
export type Xvfb = { display: string; stop: () => Promise<void> };

export function startXvfb(): Promise<Xvfb> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn("Xvfb", ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let err = "";
    let num = "";
    child.stderr!.on("data", (d) => (err += d));
    const fd3 = child.stdio[3] as NodeJS.ReadableStream;
    fd3.on("data", (d) => {
      num += String(d);
      if (num.includes("\n")) resolve({ display: `:${num.trim()}`, stop: () => stopChild(child) });
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`Xvfb exited (${code}): ${err}`)));
  });
}

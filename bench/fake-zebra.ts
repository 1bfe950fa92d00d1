// A stand-in Zebra on loopback for the print-latency bench: records when each job's last byte arrived.
import net from "node:net";

export async function fakeZebra() {
  const jobs: number[] = [];
  const waiters: Array<{ n: number; resolve: (at: number) => void }> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    let bytes = 0;
    let last = 0;
    sock.on("data", (c) => {
      bytes += c.length;
      last = performance.now();
    });
    sock.on("end", () => {
      if (bytes > 0) {
        jobs.push(last);
        for (const w of waiters.splice(0)) {
          if (jobs.length >= w.n) w.resolve(jobs[w.n - 1]);
          else waiters.push(w);
        }
      }
      sock.end();
    });
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    jobs,
    waitForJob(n: number, timeoutMs: number): Promise<number> {
      if (jobs.length >= n) return Promise.resolve(jobs[n - 1]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no label at the printer in ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: (at) => (clearTimeout(t), resolve(at)) });
      });
    },
    close: () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

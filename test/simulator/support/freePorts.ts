import * as net from "node:net";

function listen(port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The first of `count` consecutive ports that are free on 127.0.0.1 right now (each was bound, then released), for
 * code that takes a port base. The operating system picks where to start, so tests never use fixed ports.
 */
export async function freeConsecutivePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const probe = await listen(0);
    if (!probe) continue;
    const base = (probe.address() as net.AddressInfo).port;
    await close(probe);
    if (base + count - 1 > 65535) continue;
    const held: net.Server[] = [];
    for (let offset = 0; offset < count; offset += 1) {
      const server = await listen(base + offset);
      if (!server) break;
      held.push(server);
    }
    await Promise.all(held.map(close));
    if (held.length === count) return base;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}

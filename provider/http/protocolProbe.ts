import * as tls from "node:tls";

/**
 * Whether a server speaks TLS on a port: a handshake without certificate checks, used only to explain a failed plain
 * HTTP request (an `http://` setting pointed at a TLS port). Never throws; false when it cannot tell.
 */
export function speaksTls(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: boolean): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(answer);
    };
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: host.match(/^[\d.]+$|:/) ? undefined : host });
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
  });
}

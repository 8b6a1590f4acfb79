import * as tls from "node:tls";

/**
 * Whether a server speaks TLS on a port: a handshake without certificate checks, used only to explain a failed plain
 * HTTP request (an `http://` setting pointed at a TLS port). Never throws; false when it cannot tell.
 */
export function speaksTls(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    // Declared before the closures that use it: Pulumi's closure serializer refuses a binding used before its declaration.
    const socket = tls.connect({ host, port, rejectUnauthorized: false, servername: /^[\d.]+$|:/.test(host) ? undefined : host });
    const done = (answer: boolean): void => {
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("secureConnect", () => done(true));
    socket.once("error", () => done(false));
  });
}

import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";

/**
 * The real `@pulumi/pulumi` dynamic-provider host (cmd/dynamic-provider), started as the engine starts it, and a gRPC
 * client built from the stubs the SDK ships. `pulumiDir` chooses whose SDK: the repo's or a user's installed copy.
 */

type Struct = { toJavaScript(): Record<string, unknown> };
type Message = Record<string, (...args: never[]) => unknown>;

interface ProtoModules {
  grpc: {
    credentials: { createInsecure(): unknown };
    Metadata: unknown;
  };
  provrpc: { ResourceProviderClient: new (address: string, credentials: unknown, options?: Record<string, number>) => Record<string, unknown> };
  provproto: Record<string, new () => Message>;
  structproto: { Struct: { fromJavaScript(value: Record<string, unknown>): Struct } };
  emptyproto: { Empty: new () => Message };
  statusproto: { Status: { deserializeBinary(bytes: Uint8Array): { getDetailsList(): { getValue_asU8(): Uint8Array; getTypeName(): string }[] } } };
}

export interface HostProcess {
  port: number;
  call<T>(method: string, request: Message): Promise<T>;
  proto: ProtoModules;
  stderr(): string;
  startupMs: number;
  pid: number | undefined;
  stop(): Promise<void>;
}

export class GrpcCallError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly initFailure?: { id: string; properties: Record<string, unknown>; reasons: string[] },
  ) {
    super(message);
  }
}

function load(pulumiDir: string): ProtoModules {
  const from = (request: string): unknown => require(require.resolve(request, { paths: [pulumiDir] }));
  return {
    grpc: from("@grpc/grpc-js") as ProtoModules["grpc"],
    provrpc: require(path.join(pulumiDir, "proto/provider_grpc_pb")) as ProtoModules["provrpc"],
    provproto: require(path.join(pulumiDir, "proto/provider_pb")) as ProtoModules["provproto"],
    structproto: from("google-protobuf/google/protobuf/struct_pb") as ProtoModules["structproto"],
    emptyproto: from("google-protobuf/google/protobuf/empty_pb") as ProtoModules["emptyproto"],
    statusproto: require(path.join(pulumiDir, "proto/status_pb")) as ProtoModules["statusproto"],
  };
}

/** The directory of the @pulumi/pulumi that a project directory resolves. */
export function pulumiDirFrom(projectDir: string): string {
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectDir] }));
}

/** `cwd` is the stack's folder: the host resolves the serialized provider's `require`s from there, as under the CLI. */
export async function startHost(pulumiDir: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<HostProcess> {
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [path.join(pulumiDir, "cmd/dynamic-provider/index.js"), "127.0.0.1:1"], {
    stdio: ["ignore", "pipe", "pipe"],
    env,
    cwd,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    lines.once("line", (line) => resolve(Number(line.trim())));
    child.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}: ${stderr}`)));
  });
  const proto = load(pulumiDir);
  // The engine (Go gRPC) accepts large trailers; grpc-js defaults to 8 KB of metadata, too small for a partial
  // failure's details, which carry the serialized provider.
  const client = new proto.provrpc.ResourceProviderClient(`127.0.0.1:${port}`, proto.grpc.credentials.createInsecure(), {
    "grpc.max_metadata_size": 16 * 1024 * 1024,
    "grpc.max_receive_message_length": 64 * 1024 * 1024,
  });
  const startupMs = Date.now() - started;

  function call<T>(method: string, request: Message): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fn = client[method] as (req: Message, cb: (err: GrpcError | null, res: T) => void) => void;
      fn.call(client, request, (err, res) => {
        if (!err) return resolve(res);
        try {
          reject(translate(err, proto));
        } catch (decodeError) {
          reject(new GrpcCallError(`${err.details ?? err.message} (details could not be decoded: ${String(decodeError)})`, err.code));
        }
      });
    });
  }

  return {
    port,
    call,
    proto,
    stderr: () => stderr,
    startupMs,
    pid: child.pid,
    stop: async () => {
      (client as { close?: () => void }).close?.();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

interface GrpcError {
  code: number;
  details?: string;
  message: string;
  metadata?: { get(key: string): (string | Buffer)[] };
}

function translate(err: GrpcError, proto: ProtoModules): GrpcCallError {
  let initFailure: GrpcCallError["initFailure"];
  const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
  if (raw && typeof raw !== "string") {
    const status = proto.statusproto.Status.deserializeBinary(raw);
    for (const detail of status.getDetailsList()) {
      if (detail.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const Failure = proto.provproto["ErrorResourceInitFailed"] as unknown as { deserializeBinary(bytes: Uint8Array): { getId(): string; getProperties(): Struct | undefined; getReasonsList(): string[] } };
      const failure = Failure.deserializeBinary(detail.getValue_asU8());
      initFailure = { id: failure.getId(), properties: failure.getProperties()?.toJavaScript() ?? {}, reasons: failure.getReasonsList() };
    }
  }
  return new GrpcCallError(err.details ?? err.message, err.code, initFailure);
}

import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";

/** The bin users run (`npm run simulator` builds it first; `npm test` builds before jest). */
export const BIN = path.resolve(__dirname, "..", "..", "..", "dist", "simulator", "bin.js");

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningBin {
  child: ChildProcess;
  /** Everything printed at start, up to and including the admin API example. */
  banner: string;
  exited: Promise<Exit>;
}

function spawnBin(args: string[]): { child: ChildProcess; output: { stdout: string; stderr: string }; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const output = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once("close", (code, signal) => resolve({ code, signal, ...output })));
  return { child, output, exited };
}

/** Runs the bin to its end (for arguments it refuses, or a port it cannot have). */
export function runBin(args: string[]): Promise<Exit> {
  return spawnBin(args).exited;
}

/** Starts the bin and resolves once its banner is complete; rejects with its output if it exits before. */
export function startBin(args: string[]): Promise<RunningBin> {
  const { child, output, exited } = spawnBin(args);
  return new Promise((resolve, reject) => {
    const complete = (): boolean => /\n {2}e\.g\. curl [^\n]*\n$/.test(output.stdout);
    const onData = (): void => {
      if (!complete()) return;
      child.stdout?.off("data", onData);
      resolve({ child, banner: output.stdout, exited });
    };
    child.stdout?.on("data", onData);
    void exited.then((exit) => reject(new Error(`the bin exited (${exit.code ?? exit.signal}) before its banner was complete:\n${exit.stdout}\n${exit.stderr}`)));
  });
}

export interface PrintedSite {
  header: string;
  /** Everything printed for the site (inventory included). */
  text: string;
  config: Record<string, { value: string; secret: boolean }>;
  environment: Record<string, string>;
}

/** Undoes the bin's POSIX single-quoting. */
function unquote(quoted: string): string {
  expect(quoted).toMatch(/^'.*'$/s);
  return quoted.slice(1, -1).replace(/'\\''/g, "'");
}

/** The sites of a banner, with their `pulumi config set` and `export` lines parsed back. */
export function printedSites(banner: string): PrintedSite[] {
  const sections = banner.split(/^(?===)/m).filter((section) => section.startsWith("== "));
  return sections.map((text) => {
    const config: PrintedSite["config"] = {};
    const environment: PrintedSite["environment"] = {};
    for (const match of text.matchAll(/^ {4}pulumi config set (--secret )?(\S+) ('.*')$/gm)) {
      config[match[2] as string] = { value: unquote(match[3] as string), secret: match[1] !== undefined };
    }
    for (const match of text.matchAll(/^ {4}export ([A-Z0-9_]+)=('.*')$/gm)) environment[match[1] as string] = unquote(match[2] as string);
    return { header: text.split("\n")[0] as string, text, config, environment };
  });
}

/** The admin token the banner prints. */
export function printedAdminToken(banner: string): string {
  const match = /x-simulator-admin-token: ([0-9a-f]+)\n/.exec(banner);
  expect(match).not.toBeNull();
  return (match as RegExpExecArray)[1] as string;
}

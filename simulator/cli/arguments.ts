/**
 * The bin's command line: `--port-base N`, `--sites N`, `--duration-ms N`, `--host H` (each also as `--flag=value`),
 * `--help`. Anything else (an unknown flag, a flag without its value, a value that is not a number in range, a stray
 * argument) is a UsageError with one sentence naming the flag.
 */
import { MAX_SITES, offlineTwinOptionProblem } from "../index";

export const USAGE = "usage: pulumi-vm-availability-simulator [--port-base N] [--sites N] [--duration-ms N] [--host H] [--help]";

/** The bin listens on fixed ports (the README's 8989, 8990, 8991), so that a stack's config survives a restart. */
export const DEFAULT_PORT_BASE = 8989;

export const HELP = [
  USAGE,
  "(from a clone: npm run simulator -- [flags])",
  "",
  "Starts the offline twin on loopback: per site a vCenter (VI/JSON), a Veeam Orchestrator and a ZStack management node.",
  `  --port-base N    vSphere on N, Veeam on N+1, ZStack on N+2; site k (from 0) on N+3k, N+3k+1, N+3k+2 (default ${DEFAULT_PORT_BASE})`,
  `  --sites N        how many sites, 1 to ${MAX_SITES} (default 1); the second one is read through the stack config namespaces`,
  "                   vsphere-dr, veeam-dr and zstack-dr",
  "  --duration-ms N  how long tasks, runs and jobs take, in ms (default: vSphere 200, Veeam 2000, ZStack 50)",
  "  --host H         address to listen on (default 127.0.0.1; any other exposes the twin and its admin API)",
  "  --help           this text",
].join("\n");

export interface BinOptions {
  portBase: number;
  sites: number;
  durationMs?: number;
  host: string;
}

export type ParsedArguments = { help: true } | { help: false; options: BinOptions };

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const VALUE_FLAGS = ["port-base", "sites", "duration-ms", "host"] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function isValueFlag(name: string): name is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(name);
}

function wholeNumber(flag: ValueFlag, raw: string, what: string): number {
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag} must be ${what}; got "${raw}"`);
  return Number(raw);
}

export function parseArguments(argv: readonly string[]): ParsedArguments {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const given = new Map<ValueFlag, string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] as string;
    const flag = /^--([^=]+)(?:=(.*))?$/s.exec(argument);
    if (!flag) throw new UsageError(`unexpected argument "${argument}": every option is a --flag`);
    const name = flag[1] as string;
    if (!isValueFlag(name)) throw new UsageError(`unknown flag --${name}`);
    if (given.has(name)) throw new UsageError(`--${name} is given twice`);
    let value = flag[2];
    if (value === undefined) {
      const next = argv[index + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      value = next;
      index += 1;
    }
    if (value === "") throw new UsageError(`--${name} needs a value`);
    given.set(name, value);
  }
  const numberFlag = (name: ValueFlag, what: string): number | undefined => {
    const value = given.get(name);
    return value === undefined ? undefined : wholeNumber(name, value, what);
  };
  const sites = numberFlag("sites", `a whole number from 1 to ${MAX_SITES}`) ?? 1;
  const portBase = numberFlag("port-base", "a port number") ?? DEFAULT_PORT_BASE;
  const durationMs = numberFlag("duration-ms", "a whole number of milliseconds (0 or more)");
  const wrong = offlineTwinOptionProblem({ sites, portBase });
  if (wrong) throw new UsageError(`${wrong.option === "sites" ? "--sites" : "--port-base"} ${wrong.problem}`);
  return { help: false, options: { portBase, sites, durationMs, host: given.get("host") ?? "127.0.0.1" } };
}

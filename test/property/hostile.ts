import fc from "fast-check";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Hostile values for property-based tests of check/diff/config and a recording front server (the network guard).
 * Arbitraries are moderate in size on purpose: the whole property suite must stay well under a minute.
 */

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** One megabyte of text, built once per test file (fast-check shrinks around constants cheaply). */
export const HUGE = "A".repeat(1_000_000);
export const HUGE_PERCENT = "%".repeat(300_000) + "/..".repeat(100_000);

/** Strings that have broken URL building, parsers or shells somewhere. None is a valid id of any vendor. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\t",
  "%",
  "%25",
  "%zz",
  "%2e%2e%2f",
  "../",
  "..",
  "..%2f",
  "..\\",
  "/",
  "//",
  "?",
  "#",
  "&",
  "vm-1/../../etc/passwd",
  "vm-1?x=1",
  "vm-1#frag",
  "vm-1 ",
  " vm-1",
  "vm 1",
  "vm-1\r\nX-Injected: 1",
  "\r\n",
  "\u0000",
  "vm-1\u0000",
  "\u202eevil",
  "مرحبا",
  "😀",
  "vm-😀",
  "'; DROP TABLE vms; --",
  "\" OR \"1\"=\"1",
  "$(rm -rf /)",
  "`id`",
  "| cat /etc/passwd",
  "{\"$gt\":\"\"}",
  "\"}],\"x\":{\"",
  "<script>alert(1)</script>",
  "__proto__",
  "constructor",
  "prototype",
  "null",
  "undefined",
  "NaN",
  "true",
  "-1",
  "1e308",
  "https://evil.example/",
  "http://169.254.169.254/latest/meta-data/",
  "\\\\evil\\share",
  "%00",
  "%0d%0a",
  "vm-1%2f..%2f..",
];

export const NASTY_NUMBERS: readonly number[] = [0, -0, -1, -1e308, 1e308, Number.NaN, Infinity, -Infinity, 0.5, 1.5, -0.0001, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE];

function objectWithHostileKeys(): Record<string, unknown> {
  return JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":"x","hasOwnProperty":1}') as Record<string, unknown>;
}

/** Any hostile JSON-ish value (what a program or a corrupted state can hand the provider). */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 1, arbitrary: fc.constantFrom(HUGE, HUGE_PERCENT) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_NUMBERS) },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, true, false, UNKNOWN) },
    { weight: 1, arbitrary: fc.constant(null).map(() => objectWithHostileKeys()) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>([UNKNOWN], { value: UNKNOWN }, [[[UNKNOWN]]], [], {}) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 4, withNullPrototype: true, withBigInt: false, withMap: false, withSet: false, withDate: false, withTypedArray: false, withSparseArray: true, withBoxedValues: false }) },
  );
}

/** A key that is not an input of any resource (typos, prototype keys, injection attempts). */
export function extraKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "vmid", "VMID", "planID", "timeout", "../x", "a.b", "", " ", "😀", "%2f"),
      fc.string({ minLength: 1, maxLength: 12 }),
    )
    .filter((key) => !known.includes(key) && key !== "__provider");
}

export type FieldCase = { kind: "absent" } | { kind: "valid"; value: unknown } | { kind: "invalid"; value: unknown } | { kind: "unknown"; value: unknown } | { kind: "hostile"; value: unknown };

export interface FieldSpec {
  /** Values that check must accept. */
  valid: fc.Arbitrary<unknown>;
  /** Values that check must refuse with a failure naming this field. */
  invalid: fc.Arbitrary<unknown>;
  /** Required inputs: absent is invalid. */
  required?: boolean;
}

/** Per field: absent, valid, surely invalid, the unknown sentinel (alone or nested), or anything hostile. */
export function fieldCase(spec: FieldSpec): fc.Arbitrary<FieldCase> {
  return fc.oneof(
    fc.constant<FieldCase>({ kind: "absent" }),
    spec.valid.map((value): FieldCase => ({ kind: "valid", value })),
    spec.invalid.map((value): FieldCase => ({ kind: "invalid", value })),
    fc.constantFrom<unknown>(UNKNOWN, [UNKNOWN], { nested: UNKNOWN }).map((value): FieldCase => ({ kind: "unknown", value })),
    hostileValue().map((value): FieldCase => ({ kind: "hostile", value })),
  );
}

export interface GeneratedNews {
  news: Record<string, unknown>;
  cases: Record<string, FieldCase>;
  extras: string[];
}

/** News objects: each input drawn from its FieldCase, plus 0–2 extra keys, sometimes a `__provider`. */
export function newsFor(fields: Record<string, FieldSpec>, tolerated: readonly string[] = []): fc.Arbitrary<GeneratedNews> {
  const names = Object.keys(fields);
  const caseRecord: Record<string, fc.Arbitrary<FieldCase>> = {};
  for (const name of names) caseRecord[name] = fieldCase(fields[name]!);
  return fc
    .record({
      cases: fc.record(caseRecord),
      extras: fc.uniqueArray(fc.tuple(extraKey([...names, ...tolerated]), hostileValue()), { maxLength: 2, selector: ([key]) => key }),
      provider: fc.boolean(),
    })
    .map(({ cases, extras, provider }) => {
      const news: Record<string, unknown> = {};
      for (const [name, each] of Object.entries(cases)) {
        if (each.kind !== "absent") Object.defineProperty(news, name, { value: each.value, enumerable: true, writable: true, configurable: true });
      }
      const extraNames: string[] = [];
      for (const [key, value] of extras) {
        Object.defineProperty(news, key, { value, enumerable: true, writable: true, configurable: true });
        extraNames.push(key);
      }
      if (provider) news["__provider"] = "exports.handler = __f0; function __f0() { /* serialized provider */ }";
      return { news, cases: cases as Record<string, FieldCase>, extras: extraNames };
    });
}

/** A reason must be a sentence a person can act on: text with words, not "undefined" or "[object Object]". */
export function isSentence(reason: unknown): boolean {
  return typeof reason === "string" && reason.trim().length >= 10 && /[A-Za-z]{3}/.test(reason) && !reason.includes("[object Object]");
}

/** The failure names an input (top-level or dotted path under one), or an extra key the news carried. */
export function namesInput(property: unknown, inputs: readonly string[], extras: readonly string[]): boolean {
  if (typeof property !== "string") return false;
  if (extras.includes(property)) return true;
  return inputs.some((name) => property === name || property.startsWith(`${name}.`));
}

/** Strings built only from characters that are safe in every vendor's ids but still odd (dots, colons, brackets). */
export function oddButValidMoId(): fc.Arbitrary<string> {
  return fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:\-[\]]{0,24}$/);
}

// ---- the network guard ---------------------------------------------------------------------------------------------

export interface RecordingFront {
  url: string;
  /** Raw request targets exactly as the client sent them (path and query, still encoded). */
  paths: string[];
  close(): Promise<void>;
}

/**
 * A loopback server in front of a simulator that records every raw request target and forwards the request. Pointing a
 * vendor's server setting at it shows exactly what reached the network, byte for byte.
 */
export async function startRecordingFront(target: string): Promise<RecordingFront> {
  const paths: string[] = [];
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? "");
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every raw path segment is free of characters an id could smuggle in unencoded. */
export function segmentsAreClean(rawTarget: string): boolean {
  const [path] = rawTarget.split("?", 1);
  if (rawTarget.includes("#")) return false;
  return (path ?? "")
    .split("/")
    .slice(1)
    .every((segment) => segment !== "." && segment !== ".." && !/[\s\u0000-\u001f\u007f"<>\\^`{|}]/.test(segment) && !/[^\x21-\x7e]/.test(segment));
}

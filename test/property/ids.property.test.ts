/**
 * Ids before URLs, property-based: read and delete get hostile resource ids and hostile id-bearing state (a corrupted or
 * hand-edited stack). Either the id is refused before any request (a typed error naming the input), or every request
 * that goes out has each path segment encoded: no raw `/`, `..`, `?`, `#`, spaces or control characters from the id.
 * Nothing but the provider's own error classes is ever thrown.
 */
import fc from "fast-check";
import { VmAvailabilityError } from "../../provider/errors";
import { useRecordedTwin } from "./recordedTwin";
import { NASTY_STRINGS, hostileValue, oddButValidMoId, segmentsAreClean } from "./hostile";
import { RESOURCES, type ResourceSpec } from "./resources";

const RUNS = Number(process.env["PROPERTY_RUNS"] ?? 40);

const twin = useRecordedTwin();

/** Ids that pass validation but are as odd as the rules allow, and ids that must not. */
function idArbitrary(spec: ResourceSpec): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom<unknown>(...NASTY_STRINGS),
    spec.fields[spec.idInput]!.valid,
    spec.fields[spec.idInput]!.valid.map((id) => `${String(id)}/../x`),
    spec.fields[spec.idInput]!.valid.map((id) => `${String(id)}?a=b#c`),
    oddButValidMoId(),
    hostileValue(),
  );
}

/** Whether the id (or the state's copy of it) is one the oracle accepts; `@…` is the run suffix of a Veeam run id. */
function anyValidId(spec: ResourceSpec, id: unknown, props: Record<string, unknown>): boolean {
  const accepts = spec.fields[spec.idInput]!.accepts;
  const idPart = typeof id === "string" && spec.vendor === "veeam" ? id.split("@")[0] : id;
  if (spec.name === "VmSnapshot") return typeof id === "string" && /^[A-Za-z0-9][A-Za-z0-9_.:\-[\]]{0,127}$/.test(id);
  return accepts(idPart) || accepts(props[spec.idInput]);
}

describe.each(RESOURCES.map((spec) => [spec.name, spec] as const))("%s", (_name, spec) => {
  for (const operation of ["read", "delete"] as const) {
    it(`${operation} refuses invalid ids before any request and encodes every path segment of valid ones`, async () => {
      const front = twin.fronts[spec.vendor];
      // The engine's id is always a string; the state (props) can hold anything.
      const ids = idArbitrary(spec).filter((value): value is string => typeof value === "string");
      await fc.assert(
        fc.asyncProperty(ids, fc.option(idArbitrary(spec), { nil: undefined }), async (id, stateId) => {
          const props: Record<string, unknown> = stateId === undefined ? {} : { [spec.idInput]: stateId };
          const before = front.paths.length;
          try {
            if (operation === "read") await spec.crud.read(id as string, props);
            else await spec.crud.delete(id as string, props);
          } catch (error) {
            if (!(error instanceof VmAvailabilityError)) {
              throw new Error(`${operation}(${JSON.stringify(id)?.slice(0, 80)}) threw a ${error instanceof Error ? error.name : typeof error}: ${String(error).slice(0, 300)}`);
            }
            expect(error.message.trim().length).toBeGreaterThan(10);
          }
          const sent = front.paths.slice(before);
          if (!anyValidId(spec, id, props) && sent.length > 0) {
            throw new Error(`an invalid id reached the network: ${JSON.stringify(id)?.slice(0, 80)} → ${JSON.stringify(sent).slice(0, 300)}`);
          }
          for (const target of sent) if (!segmentsAreClean(target)) throw new Error(`unencoded path segment: ${target}`);
        }),
        { numRuns: RUNS },
      );
    });
  }
});

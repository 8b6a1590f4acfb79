import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as ts from "typescript";

/**
 * The resource classes as a program uses them, under `pulumi.runtime.setMocks` (which serializes each provider but
 * never calls it): typed args, every output the class declares present on the object (the `declare` rule), the type
 * token. The classes are found among the package's exports, and what they declare is read from the source.
 */
const created: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

/** Arguments a program could pass, per resource class: every class the package exports needs an entry. */
const SAMPLE_ARGS: Record<string, Record<string, unknown>> = {
  FtSecondary: { vmId: "vm-101" },
  VmSnapshot: { vmId: "vm-101", name: "pre-change" },
  VmPowerState: { vmId: "vm-101", state: "poweredOff" },
  VmInstanceRecovery: { vmInstanceUuid: "0123456789abcdef0123456789abcdef" },
  FailoverPlanRun: { planId: "5f0c4c1e-8a56-4b0e-9f3c-2f1a6c0d7a11" },
  FtFailoverTest: { vmId: "vm-101", triggers: ["2026-11"] },
  VmSnapshotRevert: { vmId: "vm-101", snapshotId: "snapshot-7" },
};

beforeAll(() => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, mockedOutput: "present" } };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

async function value<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

interface DeclaredClass {
  /** Properties typed `Output<…>`, its own and inherited (urn, id). */
  outputs: string[];
  /** Properties of the constructor's args type. */
  inputs: string[];
}

/** A property declared with the type `Output<…>` (written `pulumi.Output<…>` in the classes, `Output<…>` in the SDK's own). */
function isOutputProperty(property: ts.Symbol): boolean {
  const declaration = property.valueDeclaration;
  if (!declaration || !ts.isPropertyDeclaration(declaration) || !declaration.type || !ts.isTypeReferenceNode(declaration.type)) return false;
  const typeName = declaration.type.typeName;
  return (ts.isIdentifier(typeName) ? typeName : typeName.right).text === "Output";
}

/** What each class exported by provider/index.ts declares, as the TypeScript checker sees it. */
function declaredClasses(): Map<string, DeclaredClass> {
  const index = path.join(__dirname, "..", "..", "provider", "index.ts");
  const program = ts.createProgram([index], { strict: true, skipLibCheck: true, noEmit: true, module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, types: ["node"] });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
  const classes = new Map<string, DeclaredClass>();
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & ts.SymbolFlags.Class)) continue;
    const argsParameter = checker.getTypeOfSymbol(symbol).getConstructSignatures()[0]?.getParameters()[1];
    classes.set(exported.getName(), {
      outputs: checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).filter(isOutputProperty).map((property) => property.getName()),
      inputs: argsParameter ? checker.getPropertiesOfType(checker.getTypeOfSymbol(argsParameter)).map((property) => property.getName()) : [],
    });
  }
  return classes;
}

async function exportedResourceClasses(): Promise<Array<[string, new (name: string, args: object) => Record<string, unknown>]>> {
  const pkg = (await import("../../provider")) as unknown as Record<string, unknown>;
  return Object.entries(pkg).filter(([, exported]) => typeof exported === "function" && exported.prototype instanceof pulumi.CustomResource) as Array<
    [string, new (name: string, args: object) => Record<string, unknown>]
  >;
}

const declared = declaredClasses();
let classes: Array<[string, new (name: string, args: object) => Record<string, unknown>]>;
/** One object per class, built with its sample args (each one serializes its provider: slow, so built once). */
const samples = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  classes = await exportedResourceClasses();
  for (const [name, Resource] of classes) if (SAMPLE_ARGS[name]) samples.set(name, new Resource(`sample-${name}`, SAMPLE_ARGS[name]));
}, 180_000);

describe("resource classes", () => {
  it("register with the dynamic type tokens and expose every declared output", async () => {
    expect(classes.map(([name]) => name).filter((name) => !(name in SAMPLE_ARGS))).toEqual([]);
    expect(classes.length).toBe(Object.keys(SAMPLE_ARGS).length);

    const missing: string[] = [];
    for (const [name, resource] of samples) {
      const args = SAMPLE_ARGS[name]!;
      for (const [input, given] of Object.entries(args)) expect(await value(resource[input] as pulumi.Output<unknown>)).toEqual(given);
      const { outputs, inputs } = declared.get(name) ?? { outputs: [], inputs: [] };
      const expected = outputs.filter((output) => !inputs.includes(output) || output in args);
      // More than urn, id and the inputs given: the class's own outputs.
      expect(expected.length).toBeGreaterThan(2 + Object.keys(args).length);
      missing.push(...expected.filter((output) => !pulumi.Output.isInstance(resource[output])).map((output) => `${name}.${output}`));
    }
    expect(missing).toEqual([]);

    const token = /^pulumi-nodejs:dynamic\/(?:vsphere|veeam|zstack):(\w+)$/;
    expect(created.map((resource) => token.exec(resource.type)?.[1]).sort()).toEqual(classes.map(([name]) => name).sort());
    for (const resource of created) expect(typeof resource.inputs["__provider"]).toBe("string");
  });

  it("an optional input the program leaves out is still an Output property", () => {
    const missing: string[] = [];
    for (const [name, resource] of samples) {
      const { outputs, inputs } = declared.get(name) ?? { outputs: [], inputs: [] };
      missing.push(...outputs.filter((output) => inputs.includes(output) && !pulumi.Output.isInstance(resource[output])).map((output) => `${name}.${output}`));
    }
    expect(missing).toEqual([]);
  });
});

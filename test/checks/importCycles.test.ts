import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findImportCycles } from "../../tools/checks/importCycles";

const REPO = path.resolve(__dirname, "..", "..");

describe("import cycles", () => {
  it("the checker finds a cycle made of type-only imports, through an index file, and nothing in a chain", () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "pva-cycles-"));
    try {
      const write = (name: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
        fs.writeFileSync(path.join(folder, name), text);
      };
      write("a.ts", 'import type { B } from "./b";\nexport interface A { b?: B }\n');
      write("b.ts", 'import type { A } from "./a";\nexport interface B { a?: A }\n');
      write("chain/index.ts", 'export { lower } from "./lower";\n');
      write("chain/lower.ts", 'import * as path from "node:path";\nexport const lower = path.sep;\n');
      write("c.ts", 'import { lower } from "./chain";\nexport const c = () => import("./d").then((d) => d.d + lower);\n');
      write("d.ts", 'export const d = "d";\n');
      write("e.ts", 'export { c } from "./c";\nimport "./f";\n');
      write("f.ts", 'import { c } from "./e";\nexport const f = c;\n');
      expect(findImportCycles(["."], folder)).toEqual(["a.ts → b.ts → a.ts", "e.ts → f.ts → e.ts"]);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it("provider/ and simulator/ have none (type-only imports count)", () => {
    expect(findImportCycles(["provider", "simulator"], REPO)).toEqual([]);
  });
});

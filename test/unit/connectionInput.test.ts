/**
 * The `connection` input as every declared resource gets it: the diff rules (another name of the same endpoint is an
 * update, another endpoint a replace, a server moved behind an unchanged name no change at all), decided from the
 * stack config alone; and the reason a refused name gives.
 */
import { connectionNameProblem, recordStackConfig } from "../../provider/config";
import { diffInputs, recordedInputs } from "../../provider/resources/common/declaration";
import { vmPowerStateDeclaration as declaration } from "../../provider/resources/vsphere/vmPowerState/spec";

const PRIMARY = "https://vc.example.test:443";
const DR = "https://vc-dr.example.test:443";

function site(namespace: string, server: string, user = "automation@vsphere.local"): Record<string, string> {
  return { [`${namespace}:vsphereServer`]: server, [`${namespace}:user`]: user, [`${namespace}:password`]: "not-a-real-password" };
}

beforeEach(() => {
  recordStackConfig({
    ...site("vsphere", "vc.example.test"),
    // The same vCenter written another way, and as another user: the same endpoint.
    ...site("vsphere-alias", "https://vc.example.test:443/", "operator@vsphere.local"),
    ...site("vsphere-dr", "vc-dr.example.test"),
  });
});
afterAll(() => recordStackConfig({}));

const DECLARED = { vmId: "vm-42", state: "poweredOn" };
const recorded = (connection: string | undefined, endpoint: string | undefined): Record<string, unknown> => ({
  ...DECLARED,
  ...(connection === undefined ? {} : { connection }),
  ...(endpoint === undefined ? {} : { endpoint }),
  powerState: "poweredOn",
});

describe("diff of connection", () => {
  it.each([
    ["another name of the same endpoint (another user): an update", recorded("vsphere", PRIMARY), "vsphere-alias", { changed: ["connection"], replaces: [] }],
    ["another endpoint: a replace", recorded("vsphere", PRIMARY), "vsphere-dr", { changed: ["connection"], replaces: ["connection"] }],
    ["a namespace that resolves to nothing: a replace", recorded("vsphere", PRIMARY), "vsphere-nowhere", { changed: ["connection"], replaces: ["connection"] }],
    ["the default spelled out: no change", recorded(undefined, PRIMARY), "vsphere", { changed: [], replaces: [] }],
    ["state from before outputs recorded the endpoint, moved to another name of it: an update", recorded(undefined, undefined), "vsphere-alias", { changed: ["connection"], replaces: [] }],
    ["state from before outputs recorded the endpoint, moved to another endpoint: a replace", recorded(undefined, undefined), "vsphere-dr", { changed: ["connection"], replaces: ["connection"] }],
    ["a connection not known yet (preview): a replace", recorded("vsphere", PRIMARY), "04da6b54-80e4-46f7-96ec-b56ff0331ba9", { changed: ["connection"], replaces: ["connection"] }],
  ])("%s", (_case, olds, connection, expected) => {
    expect(diffInputs(declaration, olds, { ...DECLARED, connection })).toEqual(expected);
  });

  it("the server behind an unchanged connection moving in the stack config is no change: the next read goes there", () => {
    recordStackConfig({ ...site("vsphere", "vc-dr.example.test"), ...site("vsphere-dr", "vc-dr.example.test") });
    expect(diffInputs(declaration, recorded("vsphere", PRIMARY), { ...DECLARED, connection: "vsphere" })).toEqual({ changed: [], replaces: [] });
    expect(diffInputs(declaration, recorded("vsphere-dr", DR), { ...DECLARED })).toEqual({ changed: ["connection"], replaces: [] });
  });

  it("a recorded connection that is no longer a valid name reads as the default", () => {
    expect(recordedInputs(declaration, { ...recorded("vsphere dr", PRIMARY) })["connection"]).toBe("vsphere");
  });
});

describe("the reason a refused name gives", () => {
  it.each([
    ["vsphere:dr", "vsphere", "vsphere-dr"],
    ["vsphere dr ", "vsphere", "vsphere-dr"],
    ["2nd-site", "zstack", "zstack-2nd-site"],
    ["-vsphere-dr", "vsphere", "vsphere-dr"],
    ["", "veeam", "veeam-dr"],
    ["--", "zstack", "zstack-dr"],
    [42, "vsphere", "vsphere-dr"],
    [`x${"/".repeat(5)}${"y".repeat(100)}`, "vsphere", `x-${"y".repeat(61)}`],
  ])("%j for %s suggests %s, with its keys and variables", (value, vendor, suggestion) => {
    const reason = connectionNameProblem(vendor as "vsphere" | "veeam" | "zstack", value);
    expect(reason).toMatch(/^connection must /);
    expect(reason).toContain(`Use a name such as "${suggestion}" and set ${suggestion}:`);
    const prefix = suggestion.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
    expect(reason).toContain(`(or ${prefix}_`);
  });

  it("a valid name has no problem", () => {
    expect(connectionNameProblem("vsphere", "vsphere-dr")).toBeUndefined();
  });
});

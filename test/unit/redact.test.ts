import { redact, registerSecret } from "../../provider/redact";
import { VendorFaultError } from "../../provider/errors";

describe("redact", () => {
  it("removes registered secrets, also percent-encoded, from messages", () => {
    registerSecret("p@ss w0rd");
    expect(redact("user=admin password p@ss w0rd")).not.toContain("p@ss w0rd");
    expect(redact("body: userName=a&x=p%40ss%20w0rd")).not.toContain("p%40ss%20w0rd");
  });
  it("removes header-like credentials that were never registered", () => {
    const text = redact('{"vmware-api-session-id": "abc123def", "Authorization": "Bearer eyJhbGciOi", "access_token":"tok-1"}');
    expect(text).not.toContain("abc123def");
    expect(text).not.toContain("eyJhbGciOi");
    expect(text).not.toContain("tok-1");
  });
  it("applies to every error message", () => {
    registerSecret("session-0123456789");
    const error = new VendorFaultError("call with session-0123456789 failed", { operation: "op" });
    expect(error.message).toBe("call with [redacted] failed");
  });
});

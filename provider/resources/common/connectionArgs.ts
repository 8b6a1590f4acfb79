import type * as pulumi from "@pulumi/pulumi";

/** The input every resource takes to name the site it acts on. */
export interface ConnectionArgs {
  /**
   * The stack-config namespace that holds the connection settings, with the same keys as the vendor's default namespace:
   * e.g. `"vsphere-dr"` reads `vsphere-dr:vsphereServer`, `vsphere-dr:user`, `vsphere-dr:password`… (environment fallback
   * `VSPHERE_DR_SERVER`…). Default: the vendor's namespace (`vsphere`, `veeam` or `zstack`). A change to a namespace that
   * points at the same server is an in-place update; to another server, a replacement.
   */
  connection?: pulumi.Input<string>;
}

/** What every resource records about the site it spoke to. */
export interface ConnectionOutputs {
  /** The namespace used (the vendor's default when none was given). */
  connection: string;
  /** The server as scheme://host:port (no user, no password). */
  endpoint: string;
}

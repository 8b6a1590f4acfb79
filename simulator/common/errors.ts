/** A simulator could not listen because another process holds its port. */
export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    /** Which simulator wanted the port, e.g. "vsphere". */
    readonly simulator: string,
  ) {
    super(`port ${port} on ${host} (${simulator}) is already in use`);
    this.name = "PortInUseError";
  }
}

import * as pulumi from "@pulumi/pulumi";

/** What the resource class needs of a resource's declaration (kept free of zod: this file is part of the public types). */
export interface DeclaredOutputs {
  vendor: string;
  type: string;
  /** Every property the resource has: its inputs (an optional one left out is still filled by the engine) and its outputs. */
  propertyNames(): readonly string[];
}

/**
 * The base of every resource class: registers the resource with its provider under the declared type token and makes
 * every declared output a property of the resource (the engine fills only the properties passed in).
 */
export abstract class DeclaredResource extends pulumi.dynamic.Resource {
  /** The stack-config namespace of the connection settings used. */
  declare public readonly connection: pulumi.Output<string>;
  /** The server spoken to, as scheme://host:port. */
  declare public readonly endpoint: pulumi.Output<string>;

  protected constructor(provider: pulumi.dynamic.ResourceProvider, declaration: DeclaredOutputs, name: string, args: object, opts?: pulumi.CustomResourceOptions) {
    const slots: Record<string, undefined> = {};
    for (const property of declaration.propertyNames()) slots[property] = undefined;
    super(provider, name, { ...slots, ...args }, opts, declaration.vendor, declaration.type);
  }
}

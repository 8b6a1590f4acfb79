import * as pulumi from "@pulumi/pulumi";

/** What the resource class needs of a resource's declaration (kept free of zod: this file is part of the public types). */
export interface DeclaredOutputs {
  vendor: string;
  type: string;
  /** Output names that are not inputs. */
  outputs: readonly string[];
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
    for (const output of [...declaration.outputs, "endpoint"]) slots[output] = undefined;
    super(provider, name, { ...args, ...slots }, opts, declaration.vendor, declaration.type);
  }
}

import { jsonSchema } from '../schema/json-schema.js';
import { butaneV0_4, butaneV0_5 } from './spec.js';

/** A JSON Schema of a flatcar Butane version, for editors (e.g. the YAML language server's `# yaml-language-server`). */
export function butaneJsonSchema(version: '1.0.0' | '1.1.0'): object {
  const spec = version === '1.0.0' ? butaneV0_4 : butaneV0_5;
  const schema = jsonSchema(spec, {
    id: `https://ballast.dev/schemas/butane-flatcar-${version}.json`,
    title: `Butane config, variant flatcar, version ${version}`,
  }) as { properties: Record<string, object>; required?: string[] };
  // The model knows these as plain strings; a schema for one version can say exactly what they must be.
  schema.properties.variant = { const: 'flatcar', description: 'The operating system variant: flatcar' };
  schema.properties.version = { const: version, description: 'The version of the Butane spec for this document' };
  schema.required = ['variant', 'version'];
  return schema;
}

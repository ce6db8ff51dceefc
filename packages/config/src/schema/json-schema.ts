import type { GoStruct, GoType } from './model.js';

type Schema = Record<string, unknown>;

// What yaml.v3 accepts for each kind, so an editor never flags a value Butane takes: any scalar for a string
// (numbers and booleans keep their text), YAML 1.1 words for a bool, octal / hex / binary spellings for an int,
// and null anywhere (the zero value).
const stringSchema: Schema = { type: ['string', 'number', 'boolean', 'null'] };
const intSchema: Schema = {
  anyOf: [
    { type: ['integer', 'null'] },
    {
      type: 'string',
      pattern: '^[-+]?(0[oO]?[0-7_]*|0[xX][0-9a-fA-F_]+|0[bB][01_]+|[1-9][0-9_]*)$',
      description: 'An integer, possibly in octal (0644 or 0o644), hexadecimal (0x1a4) or binary (0b110100100)',
    },
  ],
};
const boolSchema: Schema = {
  anyOf: [
    { type: ['boolean', 'null'] },
    { enum: ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'] },
  ],
};

/**
 * A JSON Schema (draft-07) of a config type for editors (yaml-language-server): one definition per struct with
 * `additionalProperties: false` and the field docs as descriptions.
 */
export function jsonSchema(type: GoStruct, options: { id: string; title: string }): object {
  const definitions: Record<string, Schema> = {};
  const names = new Map<GoStruct, string>();
  const used = new Set<string>();

  const nameOf = (t: GoStruct): string => {
    let name = names.get(t);
    if (name !== undefined) return name;
    const base = t.name.slice(t.name.lastIndexOf('.') + 1) || 'Struct';
    name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    names.set(t, name);
    return name;
  };

  const schemaOf = (t: GoType): Schema => {
    switch (t.kind) {
      case 'string':
        return { ...stringSchema };
      case 'int':
        return structuredClone(intSchema);
      case 'bool':
        return structuredClone(boolSchema);
      case 'pointer':
        return schemaOf(t.elem);
      case 'slice':
        return { type: ['array', 'null'], items: schemaOf(t.elem) };
      case 'struct': {
        const known = names.has(t);
        const name = nameOf(t);
        if (!known) {
          // Reserve the definition first so recursive types terminate.
          definitions[name] = {};
          definitions[name] = structSchema(t);
        }
        return { $ref: `#/definitions/${name}` };
      }
    }
  };

  const structSchema = (t: GoStruct): Schema => {
    const properties: Record<string, Schema> = {};
    for (const f of t.fields) {
      if (Object.hasOwn(properties, f.key)) continue;
      const s = schemaOf(f.type);
      properties[f.key] = f.doc === undefined ? s : { ...s, description: f.doc };
    }
    return { type: ['object', 'null'], properties, additionalProperties: false };
  };

  const root = structSchema(type);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: options.id,
    title: options.title,
    ...root,
    type: 'object',
    definitions,
  };
}

import { describe, expect, it } from 'vitest';
import { Config } from '../../test/reference/yaml/test-types.js';
import { jsonSchema } from './json-schema.js';
import { field, ptr, slice, str, struct } from './model.js';

describe('jsonSchema', () => {
  const schema = jsonSchema(Config, { id: 'https://example.com/butane.json', title: 'Butane' }) as {
    $schema: string;
    $id: string;
    title: string;
    type: string;
    additionalProperties: boolean;
    properties: Record<string, unknown>;
    definitions: Record<string, { properties: Record<string, unknown>; additionalProperties: boolean }>;
  };

  it('is a draft-07 schema with the id and title asked for', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('https://example.com/butane.json');
    expect(schema.title).toBe('Butane');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
  });

  it('defines each struct once, closed, under its short name', () => {
    expect(Object.keys(schema.definitions).sort()).toEqual(['File', 'Raid', 'Resource', 'Storage', 'Verification']);
    expect(schema.properties.storage).toEqual({ $ref: '#/definitions/Storage' });
    expect(schema.definitions.File?.additionalProperties).toBe(false);
    expect(schema.definitions.Storage?.properties.files).toEqual({
      type: ['array', 'null'],
      items: { $ref: '#/definitions/File' },
    });
  });

  it('accepts what yaml.v3 accepts for ints and bools, octal included', () => {
    const mode = schema.definitions.File?.properties.mode as { anyOf: { pattern?: string }[] };
    const pattern = new RegExp(mode.anyOf[1]!.pattern!);
    for (const ok of ['0644', '0o644', '0x1A4', '0b101', '1_000', '-5']) expect(pattern.test(ok), ok).toBe(true);
    for (const bad of ['0x', 'abc', '1.5', '09']) expect(pattern.test(bad), bad).toBe(false);
    expect(schema.properties.flag).toMatchObject({
      anyOf: [{ type: ['boolean', 'null'] }, { enum: expect.arrayContaining(['yes', 'off']) }],
    });
  });

  it('carries field docs as descriptions and survives recursive types', () => {
    const Node: { kind: 'struct'; name: string; fields: unknown[] } = { kind: 'struct', name: 'Node', fields: [] };
    Node.fields.push(field('name', str, { doc: 'the name' }), field('children', slice(ptr(Node as never))));
    const s = jsonSchema(struct('Root', [field('root', Node as never)]), { id: 'x', title: 'x' }) as {
      definitions: Record<string, { properties: Record<string, { description?: string }> }>;
    };
    expect(s.definitions.Node?.properties.name?.description).toBe('the name');
    expect(s.definitions.Node?.properties.children).toEqual({
      type: ['array', 'null'],
      items: { $ref: '#/definitions/Node' },
    });
  });
});

import { describe, expect, it } from 'vitest';
import { decodeYaml, yamlErrorText } from './decode-yaml.js';
import { field, type GoStruct, int, ptr, qualify, slice, str, struct } from './model.js';

describe('qualify', () => {
  const Item = struct('Item', [field('n', int)]);
  const Root = struct('v1_1.Config', [field('a', Item), field('b', slice(Item)), field('c', ptr(str))]);

  it('puts the package before struct names that have none, for Go-worded messages', () => {
    const q = qualify(Root, 'v0_5');
    expect(q.name).toBe('v1_1.Config');
    expect((q.fields[0].type as GoStruct).name).toBe('v0_5.Item');
    expect(Root.fields[0].type.name).toBe('Item');
    expect(yamlErrorText(decodeYaml('a: 1\n', q).reports)).toBe(
      'yaml: unmarshal errors:\n  line 1: cannot unmarshal !!int `1` into v0_5.Item',
    );
  });

  it('keeps shared structs shared and copes with recursive types', () => {
    const q = qualify(Root, 'v0_5');
    expect(q.fields[0].type).toBe(q.fields[1].type.elem);
    expect(qualify(Root, 'v0_5')).toBe(q);
    const Node: { kind: 'struct'; name: string; fields: { key: string; type: unknown; omitempty: boolean }[] } = {
      kind: 'struct',
      name: 'Node',
      fields: [],
    };
    Node.fields.push({ key: 'next', type: ptr(Node as never), omitempty: true });
    const qn = qualify(Node as never as GoStruct, 'p');
    expect(qn.name).toBe('p.Node');
    expect((qn.fields[0]!.type as { elem: GoStruct }).elem).toBe(qn);
  });
});

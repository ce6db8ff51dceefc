import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yamlDocument, yamlMutant } from '../../test/reference/yaml/arbitraries.js';
import { handPicked, Scalars } from '../../test/reference/yaml/cases.js';
import { Config } from '../../test/reference/yaml/test-types.js';
import { decodeParsedYaml } from './decode-yaml.js';
import type { GoStruct } from './model.js';
import { sourceMapOf, yamlSourceTree } from './source-map.js';
import { unusedKeyReports, unusedYamlKeyReports } from './unused-keys.js';
import { parseYaml } from './yaml-parse.js';

// The YAML walk reads the parsed document as the source tree presents it; both must give the same reports.
function both(doc: string, type: GoStruct): { tree: unknown; yaml: unknown } | undefined {
  const parsed = parseYaml(doc);
  const decoded = decodeParsedYaml(parsed, { type, unusedKeys: false });
  if (decoded.value === undefined) return undefined;
  const positions = sourceMapOf(yamlSourceTree(parsed.document));
  return {
    tree: unusedKeyReports(type, decoded.value, positions),
    yaml: unusedYamlKeyReports(type, { value: decoded.value, document: parsed.document, positions }),
  };
}

describe('unusedYamlKeyReports', () => {
  it('reports what unusedKeyReports reports over the source tree, on hand-picked documents', () => {
    const docs = [
      ...handPicked.map((c) => (typeof c.doc === 'string' ? c.doc : '')),
      'sub: {name: a, x: 1, y: 2}\nzz: 1\nsubs: [{name: b, q: 1}, 7]\n',
      'sub: &a {name: a, extra: 1}\npsub: *a\n',
      'sub:\n  <<: {name: m, extra: 2}\n  other: 3\n',
      '&k x: 1\n*k : 2\nsub: [1, 2]\n',
      'subs:\n  - name: a\n    n: 1\n    x: 1\n  - [1]\n',
    ];
    for (const doc of docs) {
      for (const type of [Scalars, Config]) {
        const r = both(doc, type);
        if (r !== undefined) expect(r.yaml, doc).toEqual(r.tree);
      }
    }
  });

  it('reports what unusedKeyReports reports over the source tree, on generated documents', () => {
    const docs = [
      ...fc.sample(yamlDocument, { numRuns: 300, seed: 17 }),
      ...fc.sample(yamlMutant, { numRuns: 100, seed: 18 }),
    ];
    for (const doc of docs) {
      const r = both(doc, Scalars);
      if (r !== undefined) expect(r.yaml, doc).toEqual(r.tree);
    }
  });
});

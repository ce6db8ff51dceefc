// The TypeScript example of docs/config.md: a config written in TypeScript, checked by the compiler, translated.
import { type ButaneFlatcar1_1, translateButaneValue } from '@ballast/config';
import { expect, it } from 'vitest';

it('translates a config written in TypeScript, as docs/config.md shows', () => {
  const node: ButaneFlatcar1_1 = {
    variant: 'flatcar',
    version: '1.1.0',
    storage: { files: [{ path: '/etc/hostname', mode: 0o644, contents: { inline: 'node-01' } }] },
  };
  const result = translateButaneValue(node);
  expect(result.reports).toEqual([]);
  expect(result.json).toBe(
    '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/etc/hostname","contents":{"compression":"","source":"data:,node-01"},"mode":420}]}}\n',
  );
});

it('lets the compiler catch a misspelt field', () => {
  const file: NonNullable<NonNullable<ButaneFlatcar1_1['storage']>['files']>[number] = {
    path: '/a',
    // @ts-expect-error `contnets` is no field of a file
    contnets: {},
  };
  expect(file.path).toBe('/a');
});

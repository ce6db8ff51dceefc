// Go's `path` package (slash-separated paths), which Ignition's path rules are written against.

/** path.Clean: the shortest equivalent path, by purely lexical processing. */
export function cleanPath(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** path.IsAbs */
export function isAbsPath(path: string): boolean {
  return path.startsWith('/');
}

/** path.Join: joins the non-empty elements and cleans the result. */
export function joinPath(...elements: string[]): string {
  const nonEmpty = elements.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

/** path.Ext: the suffix from the final dot of the final element, or ''. */
export function pathExt(path: string): string {
  for (let i = path.length - 1; i >= 0 && path[i] !== '/'; i--) {
    if (path[i] === '.') return path.slice(i);
  }
  return '';
}

/** path.Dir: all but the last element, cleaned. */
export function pathDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return cleanPath(path.slice(0, slash + 1));
}

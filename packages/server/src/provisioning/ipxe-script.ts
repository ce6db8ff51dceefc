import type { NetBoot } from '../store/index.js';

/**
 * The first script iPXE fetches (`/boot.ipxe`), as matchbox serves it: it sends what iPXE knows about the machine
 * to `/ipxe`, which answers with that machine's boot script. iPXE fills in the `${...}` settings itself.
 */
export const IPXE_CHAIN_SCRIPT =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: these are iPXE settings, expanded by iPXE
  '#!ipxe\nchain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&domain=${domain}&hostname=${hostname}&serial=${serial}\n';

// Query text that means nothing to iPXE's script parser (no spaces, `$`, `#` or quotes) and nothing but itself in
// a URL: RFC 3986's unreserved characters, and `:` and `@`, which a query may hold as they are.
function encodeQueryPart(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%3A/g, ':')
    .replace(/%40/g, '@');
}

/** `?mac=..&uuid=..`: a machine's labels as a query that iPXE and the kernel command line carry unchanged. */
export function labelsQuery(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([key, value]) => `${encodeQueryPart(key)}=${encodeQueryPart(value)}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** The file name iPXE gives an image it downloaded: the last segment of its path. */
function imageName(url: string): string {
  const path = url.replace(/[?#].*$/, '');
  return path.slice(path.lastIndexOf('/') + 1);
}

function hasArg(args: readonly string[], names: readonly string[]): boolean {
  return args.some((arg) => names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}

/**
 * A machine's iPXE boot script, in the shape Flatcar's PXE docs give: the kernel with `initrd=` naming each initramfs
 * (UEFI kernels load it by that name), the profile's arguments, `flatcar.first_boot=1` so Ignition runs, and
 * `ignition.config.url` pointing back at this server with the machine's labels; then each initrd and `boot`. A
 * profile that sets any of these arguments itself keeps its own.
 */
export function ipxeScript(boot: NetBoot, options: { readonly ignitionUrl: string }): string {
  const args = [...boot.args];
  const extra: string[] = [];
  if (!hasArg(args, ['initrd'])) {
    for (const initrd of boot.initrd) {
      const name = imageName(initrd);
      if (name !== '') extra.push(`initrd=${name}`);
    }
  }
  const tail: string[] = [];
  if (!hasArg(args, ['flatcar.first_boot', 'coreos.first_boot'])) tail.push('flatcar.first_boot=1');
  if (!hasArg(args, ['ignition.config.url', 'flatcar.config.url', 'coreos.config.url'])) {
    tail.push(`ignition.config.url=${options.ignitionUrl}`);
  }
  const kernel = [`kernel ${boot.kernel}`, ...extra, ...args, ...tail].join(' ');
  return ['#!ipxe', kernel, ...boot.initrd.map((initrd) => `initrd ${initrd}`), 'boot', ''].join('\n');
}

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: iPXE settings such as ${uuid} are written as iPXE reads them
import { describe, expect, it } from 'vitest';
import { IPXE_CHAIN_SCRIPT, ipxeScript, labelsQuery } from './ipxe-script.js';

const base = 'https://stable.release.flatcar-linux.net/amd64-usr/current';

describe('ipxeScript', () => {
  it('boots Flatcar as its iPXE docs do: initrd= by name, first boot, ignition.config.url back at the server', () => {
    const script = ipxeScript(
      {
        kernel: `${base}/flatcar_production_pxe.vmlinuz`,
        initrd: [`${base}/flatcar_production_pxe_image.cpio.gz`],
        args: ['console=tty0', 'console=ttyS0', 'flatcar.autologin'],
      },
      { ignitionUrl: 'http://10.0.0.1:8080/ignition?mac=52:54:00:89:d8:10' },
    );
    expect(script).toBe(
      [
        '#!ipxe',
        `kernel ${base}/flatcar_production_pxe.vmlinuz initrd=flatcar_production_pxe_image.cpio.gz console=tty0 console=ttyS0 flatcar.autologin flatcar.first_boot=1 ignition.config.url=http://10.0.0.1:8080/ignition?mac=52:54:00:89:d8:10`,
        `initrd ${base}/flatcar_production_pxe_image.cpio.gz`,
        'boot',
        '',
      ].join('\n'),
    );
  });

  it("keeps a profile's own initrd=, first boot and config URL arguments, and writes one initrd line per image", () => {
    const script = ipxeScript(
      {
        kernel: '/assets/vmlinuz',
        initrd: ['/assets/a.cpio.gz?x=1', '/assets/b.cpio.gz'],
        args: ['initrd=main', 'flatcar.first_boot=yes', 'flatcar.config.url=http://m/ignition?uuid=${uuid}'],
      },
      { ignitionUrl: 'http://ours/ignition' },
    );
    expect(script).toBe(
      '#!ipxe\nkernel /assets/vmlinuz initrd=main flatcar.first_boot=yes flatcar.config.url=http://m/ignition?uuid=${uuid}\ninitrd /assets/a.cpio.gz?x=1\ninitrd /assets/b.cpio.gz\nboot\n',
    );
    expect(ipxeScript({ kernel: 'k', initrd: ['/x/a?y', '/x/b#c'], args: [] }, { ignitionUrl: 'u' })).toContain(
      'kernel k initrd=a initrd=b flatcar.first_boot=1 ignition.config.url=u\n',
    );
  });

  it("chains to /ipxe with iPXE's own settings, as matchbox's /boot.ipxe", () => {
    expect(IPXE_CHAIN_SCRIPT).toBe(
      '#!ipxe\nchain ipxe?uuid=${uuid}&mac=${mac:hexhyp}&domain=${domain}&hostname=${hostname}&serial=${serial}\n',
    );
  });
});

describe('labelsQuery', () => {
  it('writes labels so neither iPXE nor the kernel command line can read anything else into them', () => {
    expect(labelsQuery({})).toBe('');
    expect(labelsQuery({ mac: '52:54:00:89:d8:10', uuid: 'a-b' })).toBe('?mac=52:54:00:89:d8:10&uuid=a-b');
    const hostile = labelsQuery({ os: 'x y\n${root}#"\'&a=b' });
    expect(hostile).toBe('?os=x%20y%0A%24%7Broot%7D%23%22%27%26a%3Db');
    expect(hostile).toMatch(/^[A-Za-z0-9?&=%:@._~-]+$/);
    expect(new URLSearchParams(hostile).get('os')).toBe('x y\n${root}#"\'&a=b');
  });
});

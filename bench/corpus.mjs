// A deterministic corpus of realistic Butane configs for the config benchmarks: 20 configs with 1 to 200 files each,
// users, units with drop-ins, directories and links, the way fleets write them.

/** A small, fast, seeded PRNG (mulberry32), so every run benchmarks the same corpus. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const words = ['node', 'fleet', 'update', 'channel', 'stable', 'beta', 'kernel', 'docker', 'etcd', 'caddy', 'proxy'];

function text(rand, lines) {
  const out = [];
  for (let i = 0; i < lines; i++) {
    const n = 3 + Math.floor(rand() * 8);
    out.push(Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' '));
  }
  return out;
}

function indent(lines, spaces) {
  const pad = ' '.repeat(spaces);
  return lines.map((l) => pad + l).join('\n');
}

/** One Butane config with `files` files. */
export function butaneConfig(files, seed) {
  const rand = random(seed);
  const out = ['variant: flatcar', 'version: 1.1.0', 'passwd:', '  users:'];
  for (let u = 0; u < 1 + (files % 4); u++) {
    out.push(`    - name: user${u}`, '      groups: [ docker, wheel ]', '      ssh_authorized_keys:');
    out.push(`        - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${String(seed).padStart(8, '0')}${u} user${u}@example`);
  }
  out.push('storage:', '  directories:', '    - path: /opt/app', '      mode: 0755', '  files:');
  for (let f = 0; f < files; f++) {
    const lines = 1 + Math.floor(rand() * (f % 7 === 0 ? 120 : 12));
    out.push(`    - path: /etc/app/conf.d/${f.toString().padStart(3, '0')}-${words[f % words.length]}.conf`);
    out.push(
      `      mode: 0${rand() < 0.2 ? '755' : '644'}`,
      '      overwrite: true',
      '      contents:',
      '        inline: |',
    );
    out.push(indent(text(rand, lines), 10));
  }
  out.push('  links:', '    - path: /etc/app/current', '      target: /opt/app', '      hard: false');
  out.push('systemd:', '  units:');
  for (let s = 0; s < 1 + (files % 5); s++) {
    out.push(`    - name: app${s}.service`, '      enabled: true', '      contents: |');
    out.push(indent(['[Unit]', `Description=App ${s}`, '[Service]', `ExecStart=/usr/bin/app --id ${s}`], 8));
    out.push(indent(['[Install]', 'WantedBy=multi-user.target'], 8));
    out.push('      dropins:', '        - name: 10-env.conf', '          contents: |');
    out.push(indent(['[Service]', `Environment=APP_ID=${s}`], 12));
  }
  return `${out.join('\n')}\n`;
}

/** The benchmark corpus: 20 configs whose file counts spread from 1 to 200. */
export function corpus() {
  return Array.from({ length: 20 }, (_, i) => butaneConfig(i === 0 ? 1 : Math.round((200 * i) / 19), 1000 + i));
}

/** A small config, as most nodes have: a user, two files, a unit. */
export function smallConfig() {
  return butaneConfig(2, 7);
}

/** --help, --print-config and docs/settings.md, all generated from the settings table. */
import { ACTIONS } from './argv.js';
import { describeOrigin, type LoadedConfig } from './load.js';
import type { Setting } from './setting.js';
import { SETTINGS } from './settings.js';

const SECTION_TITLES: Record<string, string> = {
  server: 'Server',
  logging: 'Logging',
  ssl: 'TLS',
  security: 'Security',
  realtime: 'Real time (Socket.IO)',
  limits: 'Limits and retention',
  hooks: 'Hooks (config file only)',
};

function sections(): Map<string, Setting[]> {
  const bySection = new Map<string, Setting[]>();
  for (const setting of SETTINGS as readonly Setting[]) {
    const list = bySection.get(setting.section) ?? [];
    list.push(setting);
    bySection.set(setting.section, list);
  }
  return bySection;
}

function show(setting: Setting, value: unknown): string {
  if (setting.show) return setting.show(value);
  if (value === null) return 'None';
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function renderHelp(version: string): string {
  const lines = [
    `dwi ${version}: a real-time web interface for the Docker engine.`,
    '',
    'Usage: dwi [OPTIONS]',
    '',
    'Settings come from, lowest precedence first: defaults, the config file (-c),',
    'DWI_CMD_ARGS, DWI_<SETTING> environment variables, then these flags. Other DWI_*',
    'variables are ignored with a warning (an error under --check-config), but for the',
    'ones Kubernetes and Docker links set for a service named dwi (DWI_SERVICE_HOST, ...).',
    '',
    'Actions:',
  ];
  for (const flag of Object.values(ACTIONS)) {
    const names = 'short' in flag ? `-${flag.short}, --${flag.long}` : `--${flag.long}`;
    lines.push(`  ${names.padEnd(34)} ${flag.doc}`);
  }
  for (const [section, settings] of sections()) {
    if (section === 'hooks') continue;
    lines.push('', `${SECTION_TITLES[section] ?? section}:`);
    for (const s of settings) {
      const flags = s.flags.join(', ') + (s.metavar ? ` ${s.metavar}` : '');
      const repeat = s.repeatable ? ' Repeatable.' : '';
      lines.push(`  ${flags.padEnd(34)} ${s.doc}${repeat}`);
      lines.push(`  ${''.padEnd(34)} [env ${s.env.join(', ')}; default ${show(s, s.default)}]`);
    }
  }
  lines.push(
    '',
    'Hooks (on_starting, when_ready, pre_fork, post_fork, post_worker_init, worker_int, worker_abort,',
    'pre_request, post_request, child_exit, worker_exit, nworkers_changed, on_reload, on_exit) are',
    'functions exported by a .js/.mjs config file.',
    '',
    'Signals: TERM graceful stop, INT/QUIT quick stop, HUP reload config and workers,',
    'TTIN/TTOU one worker more/less, USR1 reopen log files.',
    '',
    'Users and API tokens: dwi user ... and dwi token ... (dwi user --help).',
    '',
  );
  return lines.join('\n');
}

export function renderConfig(loaded: LoadedConfig): string {
  const width = Math.max(...SETTINGS.map((s) => s.name.length));
  return (
    (SETTINGS as readonly Setting[])
      .map((s) => {
        const value = (loaded.settings as Record<string, unknown>)[s.name];
        const origin = loaded.origins[s.name] ?? { source: 'default' };
        return `${s.name.padEnd(width)} = ${show(s, value)}  (${describeOrigin(origin)})`;
      })
      .join('\n') + '\n'
  );
}

export function renderSettingsDoc(): string {
  const lines = [
    '# Settings',
    '',
    '<!-- generated from src/server/config/sections/: edit those, then run `npm run docs:settings` -->',
    '',
    'Precedence, lowest first: defaults, config file (`-c`), `DWI_CMD_ARGS`, `DWI_<SETTING>`',
    'environment variables, command-line flags. A config file is `.js`/`.mjs` (may export hook',
    'functions) or `.json`, with the setting names below as keys.',
    '',
    'Each setting below names its environment variables; `DWI_CMD_ARGS` (command-line words)',
    "and `DWI_ADMIN_PASSWORD` (the first admin's password, read at first start) are read too.",
    'Any other `DWI_*` variable is ignored with a warning at start, naming the setting it may',
    'have meant (`DWI_WORKER`: did you mean `DWI_WORKERS`?), and fails `--check-config`. The',
    'variables Kubernetes sets for a Service named `dwi` or `dwi-<name>` (`DWI_SERVICE_HOST`,',
    '`DWI_SERVICE_PORT`, `DWI_PORT=tcp://10.0.0.9:5000`, `DWI_PORT_5000_TCP_ADDR`, ...) and',
    "Docker sets for a linked container (`DWI_NAME`, `DWI_ENV_*`) are not dwi's and are",
    'ignored silently.',
  ];
  for (const [section, settings] of sections()) {
    lines.push('', `## ${SECTION_TITLES[section] ?? section}`, '');
    for (const s of settings) {
      lines.push(`### \`${s.name}\``, '');
      if (s.flags.length > 0)
        lines.push(
          `- flags: ${s.flags.map((f) => `\`${f}\``).join(', ')}${s.metavar ? ` \`${s.metavar}\`` : ''}`,
        );
      if (s.env.length > 0) lines.push(`- env: ${s.env.map((e) => `\`${e}\``).join(', ')}`);
      lines.push(`- default: \`${show(s, s.default)}\``, '', s.doc, '');
    }
  }
  return lines.join('\n').replace(/\n{3,}/g, '\n\n');
}

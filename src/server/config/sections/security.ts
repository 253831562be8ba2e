import {
  defineSetting,
  oneOf,
  SettingError,
  toInt,
  toList,
  toOptionalStr,
  toStr,
} from '../setting.js';

export const securitySettings = [
  defineSetting({
    name: 'certfile',
    section: 'ssl',
    flags: ['--certfile'],
    metavar: 'FILE',
    default: null as string | null,
    convert: toOptionalStr,
    doc: 'TLS certificate (PEM); with keyfile, serve HTTPS.',
  }),
  defineSetting({
    name: 'keyfile',
    section: 'ssl',
    flags: ['--keyfile'],
    metavar: 'FILE',
    default: null as string | null,
    convert: toOptionalStr,
    doc: 'TLS private key (PEM); with certfile, serve HTTPS.',
  }),
  defineSetting({
    name: 'forwarded_allow_ips',
    section: 'security',
    flags: ['--forwarded-allow-ips'],
    metavar: 'STRING',
    default: ['127.0.0.1', '::1'],
    convert: toList,
    doc: 'Proxies (IPs or CIDRs, or *) whose X-Forwarded-* headers are trusted.',
  }),
  defineSetting({
    name: 'auth',
    section: 'security',
    flags: ['--auth'],
    metavar: 'MODE',
    default: 'on' as 'on' | 'none',
    convert: oneOf(['on', 'none'] as const),
    doc: 'Authentication: on, or none (everyone who reaches the server is admin; warned at every start).',
  }),
  defineSetting({
    name: 'allowed_origins',
    section: 'security',
    flags: ['--allowed-origins'],
    metavar: 'ORIGINS',
    default: [] as string[],
    convert: (raw: unknown) => {
      const origins = toList(raw);
      for (const origin of origins) {
        if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
          throw new SettingError(`"${origin}" is not an origin like https://host:port`);
        }
      }
      return origins;
    },
    doc: "Browser origins allowed to call mutating routes, get CORS replies and open sockets; empty means the server's own. * (any origin) only with auth none.",
  }),
  defineSetting({
    name: 'allowed_hosts',
    section: 'security',
    flags: ['--allowed-hosts'],
    metavar: 'HOSTS',
    default: [] as string[],
    convert: (raw: unknown) => {
      const hosts = toList(raw).map((host) => host.toLowerCase());
      for (const host of hosts) {
        if (
          host !== '*' &&
          !/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(host)
        ) {
          throw new SettingError(
            `"${host}" is not a host name like dwi.example.com (or .example.com for it and its subdomains)`,
          );
        }
      }
      return hosts;
    },
    doc: "Host names the server answers to besides IP addresses, localhost, the bind names and this machine's name (names behind a proxy); .example.com also allows its subdomains, * any name. Other Host headers get 421 (DNS rebinding).",
  }),
  defineSetting({
    name: 'session_ttl',
    section: 'security',
    flags: ['--session-ttl'],
    metavar: 'INT',
    default: 43_200,
    convert: toInt(60, 31_536_000),
    doc: 'Seconds a login session lasts (default 12 hours).',
  }),
  defineSetting({
    name: 'rate_limit',
    section: 'security',
    flags: ['--rate-limit'],
    metavar: 'N/PERIOD',
    default: '600/minute',
    convert: (raw: unknown) => {
      const value = toStr(raw).trim();
      if (!/^\d+\/(second|minute|hour)$/.test(value)) {
        throw new SettingError(`expected N/second, N/minute or N/hour, got "${value}"`);
      }
      return value;
    },
    doc: 'Requests allowed per client address, e.g. 600/minute.',
  }),
];

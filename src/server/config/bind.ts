import { isIP } from 'node:net';
import { SettingError } from './setting.js';

export type BindAddress =
  { kind: 'tcp'; host: string; port: number } | { kind: 'unix'; path: string };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** Parses gunicorn's bind forms: HOST:PORT, [IPV6]:PORT, :PORT and unix:PATH. */
export function parseBind(text: string): BindAddress {
  const value = text.trim();
  if (value.startsWith('unix:')) {
    const path = value.slice('unix:'.length);
    if (path === '') throw new SettingError(`bad bind address "${text}": unix: needs a path`);
    return { kind: 'unix', path };
  }
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  if (!match) {
    throw new SettingError(
      `bad bind address "${text}": expected HOST:PORT, [IPV6]:PORT or unix:PATH`,
    );
  }
  const [, v6, host = '', portText = ''] = match;
  const port = Number(portText);
  if (port > 65535)
    throw new SettingError(`bad bind address "${text}": port ${port} is over 65535`);
  if (v6 !== undefined) {
    if (isIP(v6) !== 6) throw new SettingError(`bad bind address "${text}": "${v6}" is not IPv6`);
    return { kind: 'tcp', host: v6, port };
  }
  if (host === '') return { kind: 'tcp', host: '0.0.0.0', port };
  if (isIP(host) !== 4 && !HOSTNAME.test(host)) {
    throw new SettingError(`bad bind address "${text}": "${host}" is not a host name or IPv4`);
  }
  return { kind: 'tcp', host, port };
}

export function formatBind(bind: BindAddress): string {
  if (bind.kind === 'unix') return `unix:${bind.path}`;
  return isIP(bind.host) === 6 ? `[${bind.host}]:${bind.port}` : `${bind.host}:${bind.port}`;
}

/** The URL a person would open for a bind, as printed in "Listening at". */
export function bindUrl(bind: BindAddress, tls: boolean): string {
  return bind.kind === 'unix'
    ? `unix:${bind.path}`
    : `${tls ? 'https' : 'http'}://${formatBind(bind)}`;
}

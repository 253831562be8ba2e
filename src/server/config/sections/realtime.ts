import { defineSetting, SettingError, toInt, toStr } from '../setting.js';

const section = 'realtime';

/** "N/second", "N/minute" or "N/hour". */
function toRate(raw: unknown): string {
  const value = toStr(raw).trim();
  if (!/^[1-9]\d*\/(second|minute|hour)$/.test(value))
    throw new SettingError(`expected N/second, N/minute or N/hour, got "${value}"`);
  return value;
}

export const realtimeSettings = [
  defineSetting({
    name: 'socket_connect_rate',
    section,
    flags: ['--socket-connect-rate'],
    metavar: 'N/PERIOD',
    default: '60/minute',
    convert: toRate,
    doc: 'Socket.IO handshakes allowed per client address, e.g. 60/minute, counted for all workers together; the host itself is not limited, as for rate_limit.',
  }),
  defineSetting({
    name: 'socket_max_per_user',
    section,
    flags: ['--socket-max-per-user'],
    metavar: 'INT',
    default: 64,
    convert: toInt(1, 100_000),
    doc: "Open Socket.IO connections allowed per user in each worker (per client address under auth none), bounding each worker's memory; more are refused.",
  }),
  defineSetting({
    name: 'socket_event_rate',
    section,
    flags: ['--socket-event-rate'],
    metavar: 'N/PERIOD',
    default: '50/second',
    convert: toRate,
    doc: 'Events a Socket.IO connection may send: a burst of N, then N per period; more are refused with rate_limited.',
  }),
  defineSetting({
    name: 'socket_event_max_bytes',
    section,
    flags: ['--socket-event-max-bytes'],
    metavar: 'INT',
    default: 16_384,
    convert: toInt(256, 1_048_576),
    doc: 'Largest client event payload (JSON bytes); larger ones are refused with payload_too_large, four times larger close the connection.',
  }),
  defineSetting({
    name: 'socket_auth_recheck',
    section,
    flags: ['--socket-auth-recheck'],
    metavar: 'INT',
    default: 2,
    convert: toInt(1, 60),
    doc: "Seconds between checks of every open socket's credentials (revoked, expired, user deleted or changed); each event is checked as it comes, too.",
  }),
];

import { defineSetting, toInt } from '../setting.js';

const section = 'limits';

/** What the server holds at most: connections, and how long the database keeps its rows. */
export const limitSettings = [
  defineSetting({
    name: 'header_timeout',
    section,
    flags: ['--header-timeout'],
    metavar: 'INT',
    default: 10,
    convert: toInt(1, 3600),
    doc: 'Seconds a new connection may take to send its first bytes (or its TLS handshake) before it is closed.',
  }),
  defineSetting({
    name: 'worker_connections',
    section,
    flags: ['--worker-connections'],
    metavar: 'INT',
    default: 10_000,
    convert: toInt(1, 1_000_000),
    doc: "Most connections (HTTP and Socket.IO) a worker holds at once; more are closed at once. Also the most the primary holds before their first bytes: the one waiting longest is closed to make room. gunicorn's default, 1000, is low for Socket.IO clients.",
  }),
  defineSetting({
    name: 'audit_retention_days',
    section,
    flags: ['--audit-retention-days'],
    metavar: 'INT',
    default: 90,
    convert: toInt(1, 36_500),
    doc: 'Days the audit log keeps a row.',
  }),
  defineSetting({
    name: 'audit_max_rows',
    section,
    flags: ['--audit-max-rows'],
    metavar: 'INT',
    default: 1_000_000,
    convert: toInt(1000, 1_000_000_000),
    doc: 'Most rows the audit log keeps; the oldest go first.',
  }),
  defineSetting({
    name: 'timeline_retention_days',
    section,
    flags: ['--timeline-retention-days'],
    metavar: 'INT',
    default: 30,
    convert: toInt(1, 36_500),
    doc: 'Days the timeline (engine events and who caused them) keeps a row.',
  }),
  defineSetting({
    name: 'timeline_max_rows',
    section,
    flags: ['--timeline-max-rows'],
    metavar: 'INT',
    default: 1_000_000,
    convert: toInt(1000, 1_000_000_000),
    doc: 'Most rows the timeline keeps; the oldest go first.',
  }),
  defineSetting({
    name: 'token_retention_days',
    section,
    flags: ['--token-retention-days'],
    metavar: 'INT',
    default: 30,
    convert: toInt(0, 36_500),
    doc: 'Days a revoked or expired API token is still listed before it is deleted (expired login sessions are deleted at once).',
  }),
];

import { defineSetting, toInt } from '../setting.js';

const section = 'logs';
const MIB = 1024 * 1024;

/** Bounds on what one request may read of a container's log (issue 11, findings 3 and 7). */
export const logSettings = [
  defineSetting({
    name: 'log_tail_max_lines',
    section,
    flags: ['--log-tail-max-lines'],
    metavar: 'INT',
    default: 50_000,
    convert: toInt(1, 10_000_000),
    doc: 'Most lines one GET /api/containers/:id/logs answers (tail=all too): the newest are kept, and the reply says it was cut. The download route has no such cap.',
  }),
  defineSetting({
    name: 'log_tail_max_bytes',
    section,
    flags: ['--log-tail-max-bytes'],
    metavar: 'BYTES',
    default: 8 * MIB,
    convert: toInt(1024, 1024 * MIB),
    doc: 'Most bytes of log lines one GET /api/containers/:id/logs answers: the newest are kept, and the reply says it was cut.',
  }),
  defineSetting({
    name: 'log_search_max_lines',
    section,
    flags: ['--log-search-max-lines'],
    metavar: 'INT',
    default: 10_000_000,
    convert: toInt(1),
    doc: 'Most log lines one search reads; it then stops and its reply says where to continue.',
  }),
  defineSetting({
    name: 'log_search_max_bytes',
    section,
    flags: ['--log-search-max-bytes'],
    metavar: 'BYTES',
    default: 1024 * MIB,
    convert: toInt(1024),
    doc: 'Most bytes of log one search reads; it then stops and its reply says where to continue.',
  }),
  defineSetting({
    name: 'log_search_timeout',
    section,
    flags: ['--log-search-timeout'],
    metavar: 'SECONDS',
    default: 30,
    convert: toInt(1, 3600),
    doc: 'Most seconds one search runs; it then stops and its reply says where to continue.',
  }),
];

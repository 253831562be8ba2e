/**
 * docs/events.md: the Socket.IO events, from the typed event table (src/shared/events.ts: the
 * client events' schemas, both directions' descriptions) and the roles the server checks
 * (CLIENT_EVENTS in realtime/index.ts).
 */
import { z } from 'zod';
import { ContainerSchema } from '../../../shared/containers.js';
import {
  CLIENT_EVENT_DOCS,
  clientEventSchemas,
  SERVER_EVENT_DOCS,
  type ClientEvent,
  type EventOrigin,
} from '../../../shared/events.js';
import { jsonSchema } from '../../http/openapi.js';
import { CLIENT_EVENTS } from '../../realtime/index.js';
import { GENERATED_NOTE } from './api-doc.js';
import { schemaTable, table } from './markdown.js';
import type { JsonSchema } from './openapi-document.js';

const ORIGIN: Record<EventOrigin, string> = {
  original: "the original's",
  dwi: "dwi's addition",
};

const CONTAINER_PAYLOAD = ContainerSchema.extend({
  container_id: z.string().describe("The same as `id`: the original's socket payloads name it so."),
});

export function renderEventsDoc(): string {
  const clientEvents = Object.keys(CLIENT_EVENT_DOCS) as ClientEvent[];
  const serverEvents = Object.keys(SERVER_EVENT_DOCS) as (keyof typeof SERVER_EVENT_DOCS)[];
  const out = [
    '# Socket.IO events',
    '',
    "Every event dwi's Socket.IO server takes and sends, from the typed event table in",
    '`src/shared/events.ts` (payload schemas and descriptions) and the roles the server checks',
    '(`CLIENT_EVENTS` in `src/server/realtime/index.ts`). The REST API is in [api.md](api.md).',
    '',
    GENERATED_NOTE,
    '',
    '## Connecting',
    '',
    'Namespace `/`, path `/socket.io`, polling and websocket transports. The handshake proves who',
    'connects: `auth: {token: "dwi_..."}`, or the session cookie. Events carry exactly the',
    "original's arguments, so its clients (python-socketio handlers such as `def changed(data)`)",
    'work unchanged. Opt-in: `auth: {recover: true}` (socket.io-client 4.6+) asks for',
    'connection-state recovery, and with it one more, trailing argument on broadcasts and log',
    'lines: the offset the client sends back when it reconnects within 2 minutes.',
    '',
    "A client event is checked, before anything runs, for the socket's event rate, its",
    "credential, the payload's size and the role; its payload is validated against its schema. A",
    'refusal is an error ack (when the client passed an ack callback) and an `error` event; an',
    'unknown event is refused.',
    '',
    '## Summary',
    '',
    table(
      ['event', 'direction', 'who', 'contract'],
      [
        ...clientEvents.map((event) => [
          `[\`${event}\`](#${event})`,
          'client to server',
          `role ${CLIENT_EVENTS[event].role}`,
          ORIGIN[CLIENT_EVENT_DOCS[event].origin],
        ]),
        ...serverEvents.map((event) => [
          `[\`${event}\`](#${event})`,
          'server to client',
          SERVER_EVENT_DOCS[event].to ?? 'every connected client',
          ORIGIN[SERVER_EVENT_DOCS[event].origin],
        ]),
      ],
    ),
    '',
    '## Client to server',
    '',
    ...clientEvents.flatMap((event) => {
      const doc = CLIENT_EVENT_DOCS[event];
      return [
        `### ${event}`,
        '',
        doc.summary,
        '',
        `Role **${CLIENT_EVENTS[event].role}** · ${ORIGIN[doc.origin]}`,
        '',
        '**Payload**',
        '',
        schemaTable(jsonSchema(clientEventSchemas[event]) as JsonSchema),
        '',
        `**Ack**: ${doc.ack}`,
        '',
      ];
    }),
    '## Server to client',
    '',
    ...serverEvents.flatMap((event) => {
      const doc = SERVER_EVENT_DOCS[event];
      const payload =
        doc.payload === 'container'
          ? [
              'The container, as `GET /api/containers` lists it, with `container_id` beside `id`:',
              '',
              schemaTable(jsonSchema(CONTAINER_PAYLOAD) as JsonSchema),
            ]
          : [
              table(
                ['field', 'description'],
                Object.entries(doc.payload as Record<string, string>).map(([field, what]) => [
                  `\`${field}\``,
                  what,
                ]),
              ),
            ];
      return [
        `### ${event}`,
        '',
        doc.summary,
        '',
        `To ${doc.to ?? 'every connected client'} · ${ORIGIN[doc.origin]}`,
        '',
        '**Payload**',
        '',
        ...payload,
        '',
      ];
    }),
  ];
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

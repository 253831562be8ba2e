/**
 * The page's side of the parser worker: one worker for the page, each request answered by a
 * promise of its chunk. Loaded with the viewer only (the log page is a lazy chunk).
 */
import type { LogChunk, RawLine } from '../lib/parse.js';
import type { ParseInput, ParseReply, ParseRequest } from '../worker/protocol.js';

let worker: Worker | undefined;
let nextId = 1;
const waiting = new Map<number, (chunk: LogChunk) => void>();

function parser(): Worker {
  if (worker === undefined) {
    worker = new Worker(new URL('../worker/parser.worker.ts', import.meta.url), {
      type: 'module',
      name: 'dwi-log-parser',
    });
    worker.onmessage = (event: MessageEvent<ParseReply>) => {
      const resolve = waiting.get(event.data.id);
      waiting.delete(event.data.id);
      resolve?.(event.data.chunk);
    };
  }
  return worker;
}

function request(message: ParseInput): Promise<LogChunk> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    parser().postMessage({ ...message, id } satisfies ParseRequest);
  });
}

/** A REST page's text (lines ending in newlines) and its lines' streams as a chunk. */
export const parseText = (text: string, streams?: string) => request({ text, streams });

/** Lines (timestamped, without newlines) as a chunk. */
export const parseLines = (lines: RawLine[]) => request({ lines });

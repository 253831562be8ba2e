/**
 * The log parser, off the main thread: raw lines (a REST page's text, or a live batch) in, one
 * compact chunk out, its typed arrays transferred rather than copied.
 */
import { buildChunk, linesOfText, type RawLine } from '../lib/parse.js';
import type { ParseReply, ParseRequest } from './protocol.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ParseRequest>) => void) | null;
  postMessage(message: ParseReply, transfer: Transferable[]): void;
};

scope.onmessage = (event) => {
  const request = event.data;
  const lines: RawLine[] =
    request.text !== undefined ? linesOfText(request.text, request.streams) : request.lines;
  const chunk = buildChunk(lines);
  scope.postMessage({ id: request.id, chunk }, [
    chunk.ends.buffer,
    chunk.times.buffer,
    chunk.flags.buffer,
    ...(chunk.sources === undefined ? [] : [chunk.sources.buffer]),
  ]);
};

/** Messages between the page and the parser worker. */
import type { LogChunk, RawLine } from '../lib/parse.js';

export type ParseRequest = { id: number } & (
  { text: string; lines?: undefined } | { lines: RawLine[]; text?: undefined }
);

export interface ParseReply {
  id: number;
  chunk: LogChunk;
}

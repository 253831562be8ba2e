/** Messages between the page and the parser worker. */
import type { LogChunk, RawLine } from '../lib/parse.js';

/** A REST page's text and its lines' streams, or lines. */
export type ParseInput =
  { text: string; streams?: string; lines?: undefined } | { lines: RawLine[]; text?: undefined };

export type ParseRequest = { id: number } & ParseInput;

export interface ParseReply {
  id: number;
  chunk: LogChunk;
}

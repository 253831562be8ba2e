/**
 * Docker's multiplexed log stream (non-TTY containers): frames of an 8-byte header
 * [stream, 0, 0, 0, size as uint32 big-endian] then `size` bytes. TTY containers send raw bytes.
 */

export type StreamName = 'stdout' | 'stderr';

export interface Frame {
  stream: StreamName;
  data: Buffer;
}

const HEADER = 8;

/** Decodes frames from chunks that may split a header or a payload anywhere. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      const kind = this.pending[offset];
      frames.push({
        stream: kind === 2 ? 'stderr' : 'stdout',
        data: this.pending.subarray(offset + HEADER, offset + HEADER + size),
      });
      offset += HEADER + size;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes of a frame not yet complete. */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Longer lines are cut to this many characters: a line that never ends must not fill memory. */
export const MAX_LINE_CHARS = 1024 * 1024;

const clip = (line: string) =>
  line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line;

/** Splits text into lines, holding a partial last line until its newline arrives. */
export class LineBuffer {
  private partial = '';

  push(text: string): string[] {
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    if (lines.length === 0) {
      // Still the same line: past the cap, the rest of it is dropped as it comes.
      if (this.partial.length < MAX_LINE_CHARS) this.partial = clip(this.partial + last);
      return [];
    }
    lines[0] = clip(this.partial + lines[0]!);
    this.partial = clip(last);
    return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }

  /** The unterminated last line, if any (at the end of a stream). */
  flush(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest === '' ? [] : [rest];
  }
}

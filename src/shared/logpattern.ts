/**
 * What a log search accepts, shared by the server and the web app without the regular
 * expression engine itself (src/shared/logmatch.ts holds that): the limits, the syntax in a
 * sentence, the error, and the plain-text matcher. A server worker's own thread never loads the
 * engine; only the threads that run patterns do.
 */
export const PATTERN_LIMITS = {
  /** Characters of a search text or pattern. */
  chars: 500,
  /** Instructions of a compiled pattern: a match costs up to this many steps a character. */
  instructions: 4000,
  /** A line is matched on its first this many characters. */
  lineChars: 64 * 1024,
} as const;

/** The accepted syntax, in a sentence (the README and the OpenAPI document say it too). */
export const REGEX_SYNTAX =
  'RE2 syntax (github.com/google/re2/wiki/Syntax), matched case-insensitively anywhere in a line ' +
  '(?-i) turns case back on: literals, ., [classes], [[:alpha:]], \\d \\w \\s \\b, \\pL and \\p{Greek}, ' +
  'groups (?:...) and (?P<name>...), alternation |, repeats * + ? {n,m} (n, m <= 1000), lazy ' +
  'repeats, anchors ^ $ \\A \\z, and flags (?i) (?s) (?m). Not accepted, because they cannot ' +
  'run in linear time: backreferences (\\1, \\k<name>), lookahead and lookbehind ((?=, (?!, ' +
  '(?<=, (?<!), atomic groups and possessive repeats.';

/** A search text or pattern that cannot be used; the message says why, to follow "q is". */
export class PatternError extends Error {
  override name = 'PatternError';
}

export type LineMatcher = (line: string) => boolean;

/** A line's first PATTERN_LIMITS.lineChars characters: all of a line that is matched. */
export const matchedPart = (line: string) =>
  line.length > PATTERN_LIMITS.lineChars ? line.slice(0, PATTERN_LIMITS.lineChars) : line;

/** Checks a search's length; throws a PatternError. */
export function checkLength(q: string): void {
  if (q.length === 0) throw new PatternError('empty');
  if (q.length > PATTERN_LIMITS.chars) {
    throw new PatternError(`longer than ${PATTERN_LIMITS.chars} characters`);
  }
}

/** Plain text, matched case-insensitively anywhere in a line. */
export function plainMatcher(q: string): LineMatcher {
  checkLength(q);
  const needle = q.toLowerCase();
  return (line) => matchedPart(line).toLowerCase().includes(needle);
}

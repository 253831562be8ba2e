/**
 * The one matcher of log lines, for the server's searches and downloads and the web app's live
 * filter alike: plain text (case-insensitive) or an RE2 regular expression (re2js, a pure
 * JavaScript port of RE2), which matches in time linear in the line, whatever the pattern.
 * JavaScript's own RegExp backtracks: `(a+)+$` against 28 `a` and a `!` took 36 s.
 */
import { RE2JS, RE2JSException } from 're2js';

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

/** Why re2js refused a pattern, in words a user can act on. */
function explain(pattern: string, detail: string): string {
  if (/\\[1-9]|\\k[<{']/.test(pattern)) {
    return 'backreferences (\\1, \\k<name>) are not supported: RE2 matches in linear time, and a backreference cannot';
  }
  if (/\(\?<?[=!]/.test(pattern)) {
    return 'lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: RE2 matches in linear time, and lookaround cannot';
  }
  if (/\(\?>|[*+?}][+]/.test(pattern)) {
    return 'atomic groups and possessive repeats are not supported by RE2';
  }
  return detail.replace(/^error parsing regexp: /, '');
}

/**
 * Compiles a search into a line matcher, or throws a PatternError saying why it cannot be.
 * Plain text matches case-insensitively anywhere in a line; a pattern, with RE2 semantics.
 */
export function compileLineMatcher(q: string, regex: boolean): LineMatcher {
  if (q.length === 0) throw new PatternError('empty');
  if (q.length > PATTERN_LIMITS.chars) {
    throw new PatternError(`longer than ${PATTERN_LIMITS.chars} characters`);
  }
  const head = (line: string) =>
    line.length > PATTERN_LIMITS.lineChars ? line.slice(0, PATTERN_LIMITS.lineChars) : line;
  if (!regex) {
    const needle = q.toLowerCase();
    return (line) => head(line).toLowerCase().includes(needle);
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(q, RE2JS.CASE_INSENSITIVE);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    throw new PatternError(`not a valid regular expression: ${explain(q, err.message)}`);
  }
  const size = Number(compiled.re2Input.numberOfInstructions());
  if (size > PATTERN_LIMITS.instructions) {
    throw new PatternError(
      `too large a pattern (${size} steps a character, at most ${PATTERN_LIMITS.instructions}): use smaller repeat counts`,
    );
  }
  return (line) => compiled.test(head(line));
}

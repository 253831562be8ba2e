/**
 * The one matcher of log lines, for the server's searches and downloads and the web app's live
 * filter alike: plain text (case-insensitive) or an RE2 regular expression (re2js, a pure
 * JavaScript port of RE2), which matches in time linear in the line, whatever the pattern.
 * JavaScript's own RegExp backtracks: `(a+)+$` against 28 `a` and a `!` took 36 s.
 */
import { RE2JS, RE2JSException } from 're2js';
import {
  checkLength,
  matchedPart,
  PATTERN_LIMITS,
  PatternError,
  plainMatcher,
  type LineMatcher,
} from './logpattern.js';

export { PATTERN_LIMITS, PatternError, REGEX_SYNTAX, type LineMatcher } from './logpattern.js';

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
  if (!regex) return plainMatcher(q);
  checkLength(q);
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
  return (line) => compiled.test(matchedPart(line));
}

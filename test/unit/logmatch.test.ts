import { describe, expect, it } from 'vitest';
import { compileLineMatcher, PATTERN_LIMITS, PatternError } from '../../src/shared/logmatch.js';

function refusal(q: string): string {
  try {
    compileLineMatcher(q, true);
  } catch (err) {
    expect(err).toBeInstanceOf(PatternError);
    return (err as Error).message;
  }
  throw new Error(`${q} was accepted`);
}

describe('the log line matcher', () => {
  it('matches plain text case-insensitively, anywhere, with regex characters taken literally', () => {
    const matches = compileLineMatcher('Error (code', false);
    expect(matches('an ERROR (CODE 5)')).toBe(true);
    expect(matches('an error code')).toBe(false);
  });

  it('matches RE2 patterns case-insensitively unless (?-i) says otherwise', () => {
    expect(compileLineMatcher('warn(ing)?\\s+\\d{3}$', true)('WARNING 404')).toBe(true);
    expect(compileLineMatcher('(?-i)Warn', true)('WARN')).toBe(false);
    expect(compileLineMatcher('(?P<code>\\d+) ms', true)('took 12 ms')).toBe(true);
    expect(compileLineMatcher('^[[:alpha:]]+$', true)('abc1')).toBe(false);
  });

  it('runs the patterns that backtrack for seconds in JavaScript in linear time', () => {
    const line = `${'a'.repeat(28)}!`;
    const long = 'x'.repeat(40_000);
    const started = performance.now();
    expect(compileLineMatcher('(a+)+$', true)(line)).toBe(false);
    expect(compileLineMatcher('^(.+)+z$', true)(long)).toBe(false);
    expect(compileLineMatcher('(x+x+)+y', true)(long)).toBe(false);
    // JavaScript's RegExp takes seconds (the first) to forever (the others) on these.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses what RE2 cannot run in linear time, saying why', () => {
    expect(refusal('(a)\\1')).toMatch(/backreferences .* not supported/);
    expect(refusal('(?<n>a)\\k<n>')).toMatch(/backreferences/);
    expect(refusal('foo(?=bar)')).toMatch(/lookahead and lookbehind .* not supported/);
    expect(refusal('(?<!a)b')).toMatch(/lookahead and lookbehind/);
    expect(refusal('(?>a+)b')).toMatch(/atomic groups/);
    expect(refusal('a++')).toMatch(/possessive/);
  });

  it('refuses malformed and oversized patterns, saying why', () => {
    expect(refusal('[a-')).toMatch(/^not a valid regular expression: missing closing \]/);
    expect(refusal('a{1001}')).toMatch(/invalid repeat count/);
    expect(refusal('(?s).{0,999}a.{0,999}b.{0,999}c')).toMatch(
      /^too large a pattern .* at most 4000/,
    );
    expect(refusal('a'.repeat(PATTERN_LIMITS.chars + 1))).toMatch(/^longer than 500/);
    expect(() => compileLineMatcher('', false)).toThrow(/^empty$/);
  });

  it('matches a line on its first 64 KiB only', () => {
    const matches = compileLineMatcher('needle', true);
    expect(matches(`${'x'.repeat(PATTERN_LIMITS.lineChars - 6)}needle`)).toBe(true);
    expect(matches(`${'x'.repeat(PATTERN_LIMITS.lineChars)}needle`)).toBe(false);
  });
});

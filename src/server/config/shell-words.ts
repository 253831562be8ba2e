import { SettingError } from './setting.js';

/** Splits DWI_CMD_ARGS as a POSIX shell would: whitespace, '...', "..." and backslash escapes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (
      ch === '\\' &&
      i + 1 < text.length &&
      (quote === null || '"\\$`'.includes(text[i + 1]!))
    ) {
      word += text[++i];
      inWord = true;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== null) throw new SettingError(`unclosed ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

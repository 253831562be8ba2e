import { readFileSync } from 'node:fs';
import { SettingError } from './setting.js';

export function loadJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SettingError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SettingError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

import { parseArgs } from 'node:util';
import { SETTINGS } from './settings.js';
import { didYouMean } from '../util/suggest.js';

export interface ParsedArgs {
  /** Raw values by setting name; repeatable flags give arrays. */
  values: Map<string, unknown>;
  actions: { help: boolean; version: boolean; printConfig: boolean; checkConfig: boolean };
  positionals: string[];
  errors: string[];
}

const ACTION_FLAGS = {
  help: { long: 'help', short: 'h', doc: 'Show this help and exit.' },
  version: { long: 'version', short: 'v', doc: 'Show the version and exit.' },
  printConfig: {
    long: 'print-config',
    doc: 'Print every effective setting and where it came from, then exit.',
  },
  checkConfig: {
    long: 'check-config',
    doc: 'Check the configuration; exit 0 if good, 1 with one line per problem.',
  },
} as const;
export const ACTIONS = ACTION_FLAGS;

/** long flag name (no dashes) or short letter -> setting name */
const FLAG_TO_SETTING = new Map<string, string>();
for (const setting of SETTINGS) {
  for (const flag of setting.flags) FLAG_TO_SETTING.set(flag.replace(/^--?/, ''), setting.name);
}
const ACTION_BY_FLAG = new Map<string, keyof ParsedArgs['actions']>();
for (const [action, flag] of Object.entries(ACTION_FLAGS)) {
  ACTION_BY_FLAG.set(flag.long, action as keyof ParsedArgs['actions']);
  if ('short' in flag) ACTION_BY_FLAG.set(flag.short, action as keyof ParsedArgs['actions']);
}

function parseOptions() {
  const options: Record<
    string,
    { type: 'string' | 'boolean'; short?: string; multiple?: boolean }
  > = {};
  for (const setting of SETTINGS) {
    const longs = setting.flags.filter((f) => f.startsWith('--'));
    const short = setting.flags.find((f) => /^-[a-zA-Z]$/.test(f))?.slice(1);
    longs.forEach((long, i) => {
      options[long.slice(2)] = {
        type: setting.switch ? 'boolean' : 'string',
        ...(i === 0 && short !== undefined ? { short } : {}),
      };
    });
  }
  for (const flag of Object.values(ACTION_FLAGS)) {
    options[flag.long] = { type: 'boolean', ...('short' in flag ? { short: flag.short } : {}) };
  }
  return options;
}
const OPTIONS = parseOptions();
const KNOWN_FLAGS = Object.keys(OPTIONS).map((name) => `--${name}`);

/** Parses CLI words (from argv or DWI_CMD_ARGS) into raw setting values. Never throws. */
export function parseCommandLine(args: string[]): ParsedArgs {
  const result: ParsedArgs = {
    values: new Map(),
    actions: { help: false, version: false, printConfig: false, checkConfig: false },
    positionals: [],
    errors: [],
  };
  const { tokens } = parseArgs({
    args,
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  let afterUnknown = false;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      // The word after an unknown option is most likely its value: one error is enough.
      if (!afterUnknown) result.positionals.push(token.value);
      afterUnknown = false;
      continue;
    }
    afterUnknown = false;
    if (token.kind !== 'option') continue;
    const action = ACTION_BY_FLAG.get(token.name);
    if (action !== undefined) {
      result.actions[action] = true;
      continue;
    }
    const settingName = FLAG_TO_SETTING.get(token.name);
    const setting = SETTINGS.find((s) => s.name === settingName);
    if (setting === undefined) {
      result.errors.push(
        `unknown option ${token.rawName}${didYouMean(token.rawName, KNOWN_FLAGS)}`,
      );
      afterUnknown = token.inlineValue !== true;
      continue;
    }
    let value: unknown = token.value;
    if (setting.switch) {
      value = token.inlineValue ? token.value : true;
    } else if (value === undefined) {
      result.errors.push(`option ${token.rawName} needs a value (${setting.metavar ?? 'VALUE'})`);
      continue;
    }
    if (setting.repeatable) {
      const previous = result.values.get(setting.name);
      result.values.set(setting.name, [...(Array.isArray(previous) ? previous : []), value]);
    } else {
      result.values.set(setting.name, value);
    }
  }
  return result;
}

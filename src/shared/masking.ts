/**
 * The secrets dwi does not show, in one table. The server masks with it where it turns the
 * engine's answers into its own (the container model, images, inspect), so every payload built
 * from them (REST, Socket.IO) carries the masked text; only an admin who asks for a container's
 * secrets (`?secrets=show` on inspect, audited) sees them. The web app reads the table to say
 * what was hidden and why. Pure: no I/O, no server code.
 */

export const MASK = '********';

/**
 * Where a rule looks: the name of a variable, label or flag ("name"), any text ("value": env
 * and label values, command words), or a command's words taken together ("arguments").
 */
export type MaskScope = 'name' | 'value' | 'arguments';

export interface MaskRule {
  id: string;
  scope: MaskScope;
  /** What it hides (or, for a name rule that says "plain", what it leaves), for people. */
  description: string;
}

/** A name rule's verdict: the value is a secret, is not, or the rule has no opinion. */
type Verdict = 'secret' | 'plain' | undefined;

/** What a name names: an environment variable, or anything else (label, flag, key in a text). */
export type NameKind = 'variable' | 'key';

interface NameRule extends MaskRule {
  scope: 'name';
  /** The name's words, upper case ("dbPassword" and "db.password" are DB, PASSWORD). */
  judge(words: readonly string[], kind: NameKind): Verdict;
}

interface ValueRule extends MaskRule {
  scope: 'value';
  /** What a text it can match must contain: most texts skip most patterns on this test. */
  needs: string | RegExp;
  mask(text: string): string;
}

interface ArgumentsRule extends MaskRule {
  scope: 'arguments';
  mask(args: readonly string[]): string[];
}

/** Words that make a name secret on their own: DB_PASS, MYSQL_PWD, AUTH, SESSION_COOKIE_SIG. */
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWORDS',
  'PASSWD',
  'PASS',
  'PASSPHRASE',
  'PWD',
  'PW',
  'SECRET',
  'SECRETS',
  'TOKEN',
  'TOKENS',
  'KEY',
  'KEYS',
  'APIKEY',
  'AUTH',
  'AUTHORIZATION',
  'BEARER',
  'CREDENTIAL',
  'CREDENTIALS',
  'CREDS',
  'SIG',
  'SIGNATURE',
  'SALT',
  'PRIVATE',
  'JWT',
  'DSN',
]);

/** One word that joins a secret to others: DBPASSWORD, CLIENTSECRET, AUTHTOKEN, ACCESSKEY. */
const SECRET_COMPOUND =
  /PASSW(OR)?D|PASSPHRASE|SECRET|CREDENTIAL|TOKENS?$|(API|ACCESS|PRIVATE|AUTH|SIGNING|ENCRYPTION|MASTER|LICENSE)KEYS?$/;

/** Where a secret is kept rather than the secret: POSTGRES_PASSWORD_FILE, --password-file. */
const REFERENCE_WORDS = new Set(['FILE', 'PATH', 'DIR']);

const NAME_RULES: NameRule[] = [
  {
    id: 'working-directory',
    scope: 'name',
    description:
      "The environment variables PWD and OLDPWD are the shell's working directories: not masked (PWD= in a connection string is).",
    judge: (words, kind) =>
      kind === 'variable' && words.length === 1 && (words[0] === 'PWD' || words[0] === 'OLDPWD')
        ? 'plain'
        : undefined,
  },
  {
    id: 'secret-reference',
    scope: 'name',
    description:
      'A name ending in FILE, PATH or DIR (POSTGRES_PASSWORD_FILE) holds where a secret is kept, not the secret: not masked by its name.',
    judge: (words) =>
      words.length > 1 && REFERENCE_WORDS.has(words.at(-1)!) ? 'plain' : undefined,
  },
  {
    id: 'secret-word',
    scope: 'name',
    description: `A name with one of the words ${[...SECRET_WORDS].join(', ')} (DB_PASS, MYSQL_PWD, SESSION_COOKIE_SIG, db.password, apiKey).`,
    judge: (words) => (words.some((word) => SECRET_WORDS.has(word)) ? 'secret' : undefined),
  },
  {
    id: 'secret-compound',
    scope: 'name',
    description:
      'A name with a word that joins a secret to others: DBPASSWORD, CLIENTSECRET, GITHUBTOKEN, ACCESSKEY.',
    judge: (words) => (words.some((word) => SECRET_COMPOUND.test(word)) ? 'secret' : undefined),
  },
];

/** "db.password", "DB_PASSWORD", "dbPassword", "APIKey": the words, upper case. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toUpperCase());
}

/**
 * Verdicts by name. Label keys repeat across containers (com.docker.compose.*), and the model
 * masks every container on each list; the cache is cleared rather than grown past its size.
 */
const verdicts = new Map<string, boolean>();
const VERDICTS_KEPT = 4096;

/** Whether a variable, label, flag or key of this name holds a secret. */
export function isSecretName(name: string, kind: NameKind = 'key'): boolean {
  const cacheKey = kind === 'variable' ? `$${name}` : name;
  const known = verdicts.get(cacheKey);
  if (known !== undefined) return known;
  const words = nameWords(name.replace(/^-+/, ''));
  let secret = false;
  for (const rule of NAME_RULES) {
    const verdict = rule.judge(words, kind);
    if (verdict !== undefined) {
      secret = verdict === 'secret';
      break;
    }
  }
  if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
  verdicts.set(cacheKey, secret);
  return secret;
}

/** Replaces each match whose `name` group is a secret name, masking its `value` group. */
function maskNamed(pattern: RegExp): (text: string) => string {
  return (text) =>
    text.replace(pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args.at(-1) as { name: string; value: string };
      if (groups.value === '' || !isSecretName(groups.name)) return match;
      const quote = /^["']/.test(groups.value) ? groups.value[0]! : '';
      // The value is the match's last part: what comes before it stays as it was.
      return `${match.slice(0, match.length - groups.value.length)}${quote}${MASK}${quote}`;
    });
}

/**
 * Longer texts are masked whole: reading one for secrets costs time in proportion to it (the
 * patterns below bound what they scan from each place, so no text costs more than that), and a
 * label or variable this long is data rather than something to read in a list.
 */
const LONGEST_TEXT = 16 * 1024;

/** `key=value;key=value…`: every part has a key (a trailing ";" may end it). */
function isConnectionString(text: string): boolean {
  const parts = text.split(';');
  if (parts.at(-1)!.trim() === '') parts.pop();
  return parts.length > 1 && parts.every((part) => /^[^=]+=/.test(part));
}

const VALUE_RULES: ValueRule[] = [
  {
    id: 'too-long',
    scope: 'value',
    needs: '',
    description: `A text over ${LONGEST_TEXT / 1024} KiB is masked whole: searching it for secrets would cost more than it is worth.`,
    mask: (text) => (text.length > LONGEST_TEXT ? MASK : text),
  },
  {
    id: 'url-password',
    scope: 'value',
    needs: '://',
    description:
      'The password in a URL: postgres://user:********@host/db, redis://:********@host (the user and host stay).',
    mask: (text) =>
      text.replace(
        /\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:@/?#]{0,256}):[^\s/?#]{1,1024}@/gi,
        `$1:${MASK}@`,
      ),
  },
  {
    id: 'connection-string',
    scope: 'value',
    needs: ';',
    description:
      'A secret key of a key=value;… connection string, up to its ";": Server=db;User Id=u;Password=********;',
    mask: (text) =>
      isConnectionString(text)
        ? maskNamed(/(?<=^|;)(?<name>[^;=]+)=[ \t]*(?<value>[^;]*)/g)(text)
        : text,
  },
  {
    id: 'assignment',
    scope: 'value',
    needs: '=',
    description:
      'name=value where the name is a secret: --db-password=********, ?access_token=********&, DB_PASS=******** ./run.',
    mask: maskNamed(
      /(?<=^|[^A-Za-z0-9_.-])-{0,2}(?<name>[A-Za-z_][A-Za-z0-9_.-]*)=(?<value>"[^"]{0,1024}"|'[^']{0,1024}'|[^\s;&]*)/g,
    ),
  },
  {
    id: 'json-member',
    scope: 'value',
    needs: '"',
    description: 'A JSON member with a secret name: {"password": "********"}.',
    mask: maskNamed(/"(?<name>[^"\\]{1,100})"[ \t]*:[ \t]*(?<value>"(?:[^"\\]|\\.){0,1024}")/g),
  },
  {
    id: 'header',
    scope: 'value',
    needs: ':',
    description:
      'A header (or "name: value") with a secret name: Authorization: Basic ********, X-Api-Key: ********.',
    mask: maskNamed(
      /(?<=^|[\s"'])(?<name>[A-Za-z][A-Za-z0-9_-]*):[ \t]*(?:(?:Basic|Bearer|Digest|Token)[ \t]+)?(?<value>[^\s"';,]+)/gi,
    ),
  },
  {
    id: 'bearer',
    scope: 'value',
    needs: /bearer/i,
    description: 'A bearer token anywhere: Bearer ********.',
    mask: (text) => text.replace(/\b(Bearer[ \t]+)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1${MASK}`),
  },
  {
    id: 'flag-in-command-line',
    scope: 'value',
    needs: /(^|\s)-/,
    description:
      'In a command line written as one string, the word after a secret flag: sh -c "mysqld --password ********".',
    mask: maskNamed(
      /(?<=^|\s)-{1,2}(?<name>[A-Za-z][A-Za-z0-9_.-]*)[ \t]+(?<value>"[^"]{0,1024}"|'[^']{0,1024}'|[^\s"'-][^\s]*)/g,
    ),
  },
];

const FLAG = /^-{1,2}[A-Za-z][A-Za-z0-9_.-]*$/;

const ARGUMENTS_RULES: ArgumentsRule[] = [
  {
    id: 'flag-argument',
    scope: 'arguments',
    description:
      'The argument after a secret flag given alone: ["--db-password", "********"] (--db-password=… is the assignment rule).',
    mask: (args) =>
      args.map((arg, i) => {
        const flag = args[i - 1];
        const follows = flag !== undefined && FLAG.test(flag) && isSecretName(flag);
        return follows && !arg.startsWith('-') ? MASK : arg;
      }),
  },
];

/** Every rule, in the order they apply within a scope: the one table. */
export const MASK_RULES: readonly MaskRule[] = [...NAME_RULES, ...VALUE_RULES, ...ARGUMENTS_RULES];

/**
 * Masked texts by text, as the verdicts by name: label values repeat across containers (an
 * image's source URL, compose's version), and the model masks every container on each list.
 */
const maskedTexts = new Map<string, string>();
const TEXTS_KEPT = 4096;
const TEXT_CACHED_UP_TO = 1024;

/** Masks the secrets inside a text: passwords in URLs, secret assignments, headers, tokens. */
export function maskText(text: string): string {
  const known = maskedTexts.get(text);
  if (known !== undefined) return known;
  const masked = applyValueRules(text);
  if (text.length <= TEXT_CACHED_UP_TO) {
    if (maskedTexts.size >= TEXTS_KEPT) maskedTexts.clear();
    maskedTexts.set(text, masked);
  }
  return masked;
}

function applyValueRules(text: string): string {
  let masked = text;
  for (const rule of VALUE_RULES) {
    const { needs } = rule;
    if (typeof needs === 'string' ? masked.includes(needs) : needs.test(masked))
      masked = rule.mask(masked);
  }
  return masked;
}

/** "NAME=value" entries: the whole value of a secret name, else the secrets inside the value. */
export function maskEnv(env: readonly string[] | null | undefined): string[] {
  return (env ?? []).map((entry) => {
    const eq = entry.indexOf('=');
    if (eq === -1) return entry;
    const name = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (isSecretName(name, 'variable')) return value === '' ? entry : `${name}=${MASK}`;
    return `${name}=${maskText(value)}`;
  });
}

/** Labels (or any name to text map): as maskEnv, per key. */
export function maskLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) {
    masked[name] = isSecretName(name) && value !== '' ? MASK : maskText(value);
  }
  return masked;
}

/** A command's words (Cmd, Entrypoint, Args): secret flags' values, and secrets in each word. */
export function maskArguments(args: readonly string[]): string[] {
  let masked = args.map(maskText);
  for (const rule of ARGUMENTS_RULES) masked = rule.mask(masked);
  return masked;
}

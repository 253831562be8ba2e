import { describe, expect, it } from 'vitest';
import {
  isSecretName,
  MASK,
  MASK_RULES,
  maskArguments,
  maskEnv,
  maskLabels,
  maskText,
  nameWords,
  type NameKind,
} from '../../src/shared/masking.js';

const M = MASK;

/**
 * Per rule of the table: names it judges (secret or not), or texts / argument lists with what
 * they become. Each rule's cases are what it alone decides; a test below checks that every
 * rule of the table has its own.
 */
const NAME_CASES: Record<string, Array<[name: string, secret: boolean, kind?: NameKind]>> = {
  'working-directory': [
    ['PWD', false, 'variable'],
    ['OLDPWD', false, 'variable'],
    ['MYSQL_PWD', true, 'variable'],
    ['PWD', true, 'key'],
  ],
  'secret-reference': [
    ['POSTGRES_PASSWORD_FILE', false],
    ['--password-file', false],
    ['SSL_KEY_PATH', false],
    ['SECRETS_DIR', false],
  ],
  'secret-word': [
    ['DB_PASS', true],
    ['SMTP_PASS', true],
    ['MYSQL_PWD', true],
    ['AUTH', true],
    ['SESSION_COOKIE_SIG', true],
    ['DB_PASSWORD', true],
    ['API_TOKEN', true],
    ['aws_secret_key', true],
    ['db.password', true],
    ['traefik.api.key', true],
    ['apiKey', true],
    ['APIKey', true],
    ['x-api-key', true],
    ['--db-password', true],
    ['SENTRY_DSN', true],
    ['HOME', false],
    ['PATH', false],
    ['AUTHOR', false],
    ['KEYBOARD_LAYOUT', false],
    ['BYPASS_CACHE', false],
    ['com.docker.compose.project', false],
    ['com.docker.compose.config-hash', false],
  ],
  'secret-compound': [
    ['DBPASSWORD', true],
    ['sslpassword', true],
    ['CLIENTSECRET', true],
    ['GITHUBTOKEN', true],
    ['AWS_ACCESSKEY', true],
    ['TOKENIZERS_PARALLELISM', false],
    ['MONKEY', false],
  ],
};

const VALUE_CASES: Record<string, Array<[text: string, masked: string]>> = {
  'too-long': [
    ['x'.repeat(16 * 1024 + 1), M],
    ['x'.repeat(16 * 1024), 'x'.repeat(16 * 1024)],
  ],
  'url-password': [
    ['postgres://u:pass@h/db', `postgres://u:${M}@h/db`],
    ['redis://:s3cret@cache:6379/0', `redis://:${M}@cache:6379/0`],
    ['amqp://guest:p@ss@mq', `amqp://guest:${M}@mq`],
    [
      'see https://a:b@x.org and https://c:d@y.org',
      `see https://a:${M}@x.org and https://c:${M}@y.org`,
    ],
    ['https://example.org:8443/path', 'https://example.org:8443/path'],
    ['https://user@example.org/', 'https://user@example.org/'],
  ],
  'connection-string': [
    [
      'Server=db;Database=shop;User Id=sa;Password=my pass word;',
      `Server=db;Database=shop;User Id=sa;Password=${M};`,
    ],
    ['Host=db; Pwd = hunter2 ; Port=5432', `Host=db; Pwd = ${M}; Port=5432`],
    ['DRIVER={ODBC};SERVER=db;UID=sa;PWD=hunter2', `DRIVER={ODBC};SERVER=db;UID=sa;PWD=${M}`],
    ['Server=db;Database=shop', 'Server=db;Database=shop'],
  ],
  assignment: [
    ['--db-password=hunter2', `--db-password=${M}`],
    [
      'https://api.example.org/x?access_token=abc&page=2',
      `https://api.example.org/x?access_token=${M}&page=2`,
    ],
    ['DB_PASS=hunter2 ./run --port=80', `DB_PASS=${M} ./run --port=80`],
    ['PASSWORD="two words" next', `PASSWORD="${M}" next`],
    ['MODE=fast', 'MODE=fast'],
    ['PASSWORD=', 'PASSWORD='],
  ],
  'json-member': [
    ['{"db": {"password": "hunter2", "host": "db"}}', `{"db": {"password": "${M}", "host": "db"}}`],
    ['{"apiKey":"k\\"ey"}', `{"apiKey":"${M}"}`],
    ['{"user": "sa"}', '{"user": "sa"}'],
  ],
  header: [
    [
      'curl -H "Authorization: Basic dXNlcjpwYXNz" http://x',
      `curl -H "Authorization: Basic ${M}" http://x`,
    ],
    ['X-Api-Key: abc123', `X-Api-Key: ${M}`],
    ['password: hunter2', `password: ${M}`],
    ['Host: example.org', 'Host: example.org'],
  ],
  bearer: [
    ['token is Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', `token is Bearer ${M}`],
    ['a bearer of news', 'a bearer of news'],
  ],
  'flag-in-command-line': [
    ['mysqld --password hunter2 --user mysql', `mysqld --password ${M} --user mysql`],
    ["app --api-key 'k e y'", `app --api-key '${M}'`],
    ['app --password-file /run/secrets/db', 'app --password-file /run/secrets/db'],
    ['app --verbose --port 80', 'app --verbose --port 80'],
  ],
};

const ARGUMENTS_CASES: Record<string, Array<[args: string[], masked: string[]]>> = {
  'flag-argument': [
    [
      ['server', '--db-password', 'hunter2', '--port', '80'],
      ['server', '--db-password', M, '--port', '80'],
    ],
    [
      ['server', '--token', '--verbose'],
      ['server', '--token', '--verbose'],
    ],
    [['--password'], ['--password']],
  ],
};

describe('the masking table', () => {
  it('has cases for every rule, and every rule an id and a description', () => {
    const ids = MASK_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      [
        ...Object.keys(NAME_CASES),
        ...Object.keys(VALUE_CASES),
        ...Object.keys(ARGUMENTS_CASES),
      ].sort(),
    );
    for (const rule of MASK_RULES) expect(rule.description.length).toBeGreaterThan(20);
  });

  for (const [id, cases] of Object.entries(NAME_CASES)) {
    it(`name rule ${id}`, () => {
      for (const [name, secret, kind] of cases)
        expect([name, isSecretName(name, kind)]).toEqual([name, secret]);
    });
  }
  for (const [id, cases] of Object.entries(VALUE_CASES)) {
    it(`value rule ${id}`, () => {
      for (const [text, masked] of cases) expect(maskText(text)).toBe(masked);
    });
  }
  for (const [id, cases] of Object.entries(ARGUMENTS_CASES)) {
    it(`arguments rule ${id}`, () => {
      for (const [args, masked] of cases) expect(maskArguments(args)).toEqual(masked);
    });
  }
});

describe('masking', () => {
  it('splits names into words however they are written', () => {
    expect(nameWords('db.password')).toEqual(['DB', 'PASSWORD']);
    expect(nameWords('dbPassword')).toEqual(['DB', 'PASSWORD']);
    expect(nameWords('APIKey')).toEqual(['API', 'KEY']);
    expect(nameWords('--x-api-key')).toEqual(['X', 'API', 'KEY']);
  });

  it('masks env entries: a secret name hides the whole value, others the secrets inside', () => {
    expect(
      maskEnv([
        'DB_PASS=hunter2',
        'SMTP_PASS=x',
        'MYSQL_PWD=y',
        'AUTH=user:pw',
        'SESSION_COOKIE_SIG=z',
        'DATABASE_URL=postgres://u:pass@h/db',
        'REDIS_URL=redis://:pw@cache:6379',
        'CONN=Server=db;Password=pw;',
        'PWD=/app',
        'HOME=/root',
        'EMPTY_PASSWORD=',
        'NOVALUE',
      ]),
    ).toEqual([
      `DB_PASS=${M}`,
      `SMTP_PASS=${M}`,
      `MYSQL_PWD=${M}`,
      `AUTH=${M}`,
      `SESSION_COOKIE_SIG=${M}`,
      `DATABASE_URL=postgres://u:${M}@h/db`,
      `REDIS_URL=redis://:${M}@cache:6379`,
      `CONN=Server=db;Password=${M};`,
      'PWD=/app',
      'HOME=/root',
      'EMPTY_PASSWORD=',
      'NOVALUE',
    ]);
    expect(maskEnv(null)).toEqual([]);
  });

  it('masks labels by key and by value', () => {
    expect(
      maskLabels({
        'db.password': 'hunter2',
        'app.dsn': 'https://key@sentry.example/1',
        'app.db': 'mysql://root:pw@db/shop',
        'com.docker.compose.project': 'shop',
      }),
    ).toEqual({
      'db.password': M,
      'app.dsn': M,
      'app.db': `mysql://root:${M}@db/shop`,
      'com.docker.compose.project': 'shop',
    });
  });

  it('masks each word of a command and the word after a secret flag', () => {
    expect(
      maskArguments(['sh', '-c', 'exec app --db-password=pw --token tk', '--api-key', 'k']),
    ).toEqual(['sh', '-c', `exec app --db-password=${M} --token ${M}`, '--api-key', M]);
  });

  it('is stable: masking a masked text changes nothing', () => {
    for (const cases of Object.values(VALUE_CASES)) {
      for (const [, masked] of cases) expect(maskText(masked)).toBe(masked);
    }
  });
});

/**
 * What inspect says about a container, in sections: details, health, environment (secrets
 * masked by the server; an admin may reveal them, which the server audits), ports, mounts,
 * networks and labels.
 */
import { useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { MASK } from '../../../../shared/masking.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { Icon } from '../../../components/Icon.js';
import { ApiFailure } from '../../../lib/api.js';
import { clockTime, shortDuration } from '../../../lib/format.js';
import { useCan } from '../../../lib/session.js';
import { useNow } from '../../../lib/use-now.js';
import { inspectQuery } from '../api/inspect.js';
import { readOverview, type EnvVar, type Overview as OverviewData } from '../lib/overview.js';
import styles from './container.module.css';

export function Overview({ containerRef }: { containerRef: string }) {
  const inspect = useQuery(inspectQuery(containerRef, false));
  const now = useNow(15_000);
  if (inspect.isPending)
    return (
      <p className={styles.note} aria-busy="true">
        Loading the details…
      </p>
    );
  if (inspect.isError)
    return <Failure title="The details could not be loaded" error={inspect.error} />;
  const overview = readOverview(inspect.data);
  return (
    <div className={styles.sections}>
      <Details overview={overview} now={now} />
      {overview.health && <HealthSection health={overview.health} now={now} />}
      <Environment containerRef={containerRef} masked={overview.env} />
      <Ports overview={overview} />
      <Mounts overview={overview} />
      <Networks overview={overview} />
      <Labels overview={overview} />
    </div>
  );
}

function Section({
  title,
  count,
  action,
  children,
}: {
  title: string;
  count?: number;
  action?: ReactNode;
  children: ReactNode;
}) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className={styles.section} aria-labelledby={id}>
      <div className={styles.sectionHead}>
        <h2 id={id}>
          {title}
          {count !== undefined && <span className={styles.count}> {count}</span>}
        </h2>
        {action}
      </div>
      {children}
    </section>
  );
}

function Failure({ title, error }: { title: string; error: Error }) {
  const requestId = error instanceof ApiFailure ? error.requestId : null;
  return (
    <div className={styles.failure} role="alert">
      <Icon name="alert" size={14} />
      <span>
        {title}: {error.message}
        {requestId && (
          <>
            {' '}
            (request <code>{requestId.slice(0, 8)}</code>
            <CopyButton value={requestId} label="Copy the request id" />)
          </>
        )}
      </span>
    </div>
  );
}

function When({ iso, now }: { iso: string | null; now: number }) {
  if (iso === null) return <span className={styles.muted}>–</span>;
  return (
    <time dateTime={iso} title={iso}>
      {clockTime(iso)}{' '}
      <span className={styles.muted}>({shortDuration(now - Date.parse(iso))} ago)</span>
    </time>
  );
}

/** A command as a shell would read it: words with spaces quoted. */
function commandLine(words: readonly string[]): string {
  return words
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word)))
    .join(' ');
}

function Details({ overview, now }: { overview: OverviewData; now: number }) {
  const rows: Array<[string, ReactNode]> = [
    [
      'ID',
      <>
        <code className={styles.wrap}>{overview.id}</code>
        <CopyButton value={overview.id} label="Copy the full container id" />
      </>,
    ],
    [
      'Image',
      <>
        <code className={styles.wrap}>{overview.image}</code>
        <CopyButton value={overview.image} label="Copy the image" />
      </>,
    ],
    [
      'Image ID',
      <>
        <code title={overview.imageId}>
          {overview.imageId.replace(/^sha256:/, '').slice(0, 12)}
        </code>
        <CopyButton value={overview.imageId} label="Copy the image id" />
      </>,
    ],
    [
      'Entrypoint',
      overview.entrypoint.length > 0 ? (
        <code className={styles.wrap}>{commandLine(overview.entrypoint)}</code>
      ) : (
        <span className={styles.muted}>the image's (none)</span>
      ),
    ],
    [
      'Command',
      overview.command.length > 0 ? (
        <code className={styles.wrap}>{commandLine(overview.command)}</code>
      ) : (
        <span className={styles.muted}>none</span>
      ),
    ],
    ['Created', <When iso={overview.created} now={now} />],
    ['Started', <When iso={overview.startedAt} now={now} />],
  ];
  if (overview.finishedAt !== null) {
    const exit = overview.exitCode === null ? '' : `exit code ${overview.exitCode}`;
    rows.push([
      'Finished',
      <>
        <When iso={overview.finishedAt} now={now} />
        {exit && <span className={styles.muted}> · {exit}</span>}
        {overview.oomKilled && <span className={styles.warn}> · killed: out of memory</span>}
      </>,
    ]);
  }
  if (overview.error) rows.push(['Error', <span className={styles.warn}>{overview.error}</span>]);
  rows.push([
    'Restart policy',
    <>
      {overview.restartPolicy}
      {overview.restartCount > 0 && (
        <span className={styles.muted}> · restarted {overview.restartCount}×</span>
      )}
    </>,
  ]);
  if (overview.workingDir) rows.push(['Working dir', <code>{overview.workingDir}</code>]);
  if (overview.user) rows.push(['User', <code>{overview.user}</code>]);
  if (overview.hostname) rows.push(['Hostname', <code>{overview.hostname}</code>]);

  return (
    <Section title="Details">
      <dl className={styles.details}>
        {rows.map(([label, value]) => (
          <div key={label} className={styles.detail}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

function HealthSection({
  health,
  now,
}: {
  health: NonNullable<OverviewData['health']>;
  now: number;
}) {
  return (
    <Section title="Health">
      <p className={styles.health}>
        <span className={styles.healthStatus} data-health={health.status}>
          {health.status}
        </span>
        {health.failingStreak > 0 && (
          <span>
            {' '}
            · failing {health.failingStreak} check{health.failingStreak === 1 ? '' : 's'} in a row
          </span>
        )}
        {health.test && (
          <span className={styles.muted}>
            {' '}
            · <code>{health.test}</code>
          </span>
        )}
      </p>
      {health.log.length > 0 && (
        <ol className={styles.checks} aria-label="Last checks, newest first">
          {health.log.map((check, index) => (
            <li key={`${check.start}-${index}`}>
              <div className={styles.checkHead}>
                <When iso={check.start || null} now={now} />
                <span className={check.exitCode === 0 ? styles.muted : styles.warn}>
                  exit {check.exitCode ?? '?'}
                </span>
              </div>
              {check.output && <pre className={styles.output}>{check.output}</pre>}
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

function Environment({ containerRef, masked }: { containerRef: string; masked: EnvVar[] }) {
  const isAdmin = useCan('admin');
  const [reveal, setReveal] = useState(false);
  const revealed = useQuery({ ...inspectQuery(containerRef, true), enabled: isAdmin && reveal });
  const secrets = masked.filter((variable) => variable.masked).length;
  const shown = reveal && revealed.data ? readOverview(revealed.data).env : masked;

  return (
    <Section
      title="Environment"
      count={masked.length}
      action={
        isAdmin &&
        secrets > 0 && (
          <button
            type="button"
            className="button small"
            aria-pressed={reveal}
            disabled={reveal && revealed.isFetching}
            onClick={() => setReveal((on) => !on)}
          >
            <Icon name={reveal ? 'eyeOff' : 'eye'} size={14} />
            {reveal ? 'Hide secrets' : 'Reveal secrets'}
          </button>
        )
      }
    >
      {secrets > 0 && (
        <p className={styles.note}>
          {reveal && revealed.data
            ? 'Secrets shown: this was written to the audit log.'
            : `${secrets} secret-looking value${secrets === 1 ? ' is' : 's are'} hidden (${MASK}).${isAdmin ? ' Revealing them is written to the audit log.' : ''}`}
        </p>
      )}
      {reveal && revealed.isError && (
        <Failure title="The secrets could not be revealed" error={revealed.error} />
      )}
      {shown.length === 0 ? (
        <p className={styles.note}>No variables.</p>
      ) : (
        <KeyValues
          label="Environment variables"
          head={['Variable', 'Value']}
          rows={shown.map((variable, index) => [
            variable.name,
            <span key={index} className={masked[index]?.masked ? styles.secret : undefined}>
              {variable.value}
              {masked[index]?.masked && !(reveal && revealed.data) && (
                <span className="visually-hidden"> (hidden)</span>
              )}
            </span>,
          ])}
        />
      )}
    </Section>
  );
}

function KeyValues({
  label,
  head,
  rows,
}: {
  label: string;
  head: string[];
  rows: Array<ReactNode[]>;
}) {
  return (
    <div className={styles.tableScroll}>
      <table className={styles.table} aria-label={label}>
        <thead>
          <tr>
            {head.map((title) => (
              <th key={title} scope="col">
                {title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, index) => (
            <tr key={index}>
              {cells.map((cell, column) => (
                <td key={column} className={column === 0 ? styles.keyCell : undefined}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Ports({ overview }: { overview: OverviewData }) {
  return (
    <Section title="Ports" count={overview.ports.length}>
      {overview.ports.length === 0 ? (
        <p className={styles.note}>No port exposed.</p>
      ) : (
        <KeyValues
          label="Ports"
          head={['Container', 'Published on']}
          rows={overview.ports.map((port) => [
            port.container,
            port.host === null ? (
              <span className={styles.muted}>not published</span>
            ) : port.container.endsWith('/tcp') && port.hostPort ? (
              <a
                href={`${location.protocol}//${location.hostname}:${port.hostPort}`}
                target="_blank"
                rel="noreferrer"
              >
                {port.host}
              </a>
            ) : (
              port.host
            ),
          ])}
        />
      )}
    </Section>
  );
}

function Mounts({ overview }: { overview: OverviewData }) {
  return (
    <Section title="Mounts" count={overview.mounts.length}>
      {overview.mounts.length === 0 ? (
        <p className={styles.note}>No mounts.</p>
      ) : (
        <KeyValues
          label="Mounts"
          head={['In the container', 'From', 'Type']}
          rows={overview.mounts.map((mount) => [
            mount.destination,
            <span className={styles.wrap}>{mount.name ?? mount.source}</span>,
            `${mount.type}${mount.readOnly ? ', read-only' : ''}`,
          ])}
        />
      )}
    </Section>
  );
}

function Networks({ overview }: { overview: OverviewData }) {
  return (
    <Section title="Networks" count={overview.networks.length}>
      {overview.networks.length === 0 ? (
        <p className={styles.note}>Not on any network.</p>
      ) : (
        <KeyValues
          label="Networks"
          head={['Network', 'Address', 'Gateway', 'Aliases']}
          rows={overview.networks.map((network) => [
            network.name,
            network.ip || <span className={styles.muted}>–</span>,
            network.gateway || <span className={styles.muted}>–</span>,
            network.aliases.join(', ') || <span className={styles.muted}>–</span>,
          ])}
        />
      )}
    </Section>
  );
}

function Labels({ overview }: { overview: OverviewData }) {
  return (
    <Section title="Labels" count={overview.labels.length}>
      {overview.labels.length === 0 ? (
        <p className={styles.note}>No labels.</p>
      ) : (
        <KeyValues label="Labels" head={['Label', 'Value']} rows={overview.labels} />
      )}
    </Section>
  );
}

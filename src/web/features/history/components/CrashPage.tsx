/**
 * One crash report: what happened and when, what the container was (image, command, restart
 * policy, memory limit), its health check's last probes, and its last lines as the log viewer
 * shows them, captured when it crashed and kept after the container is removed or re-created.
 */
import { useQuery } from '@tanstack/react-query';
import type { ComponentType } from 'react';
import { Link } from 'wouter';
import type { CrashReport } from '../../../../shared/crashes.js';
import { Loaded } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { useContainers } from '../../../lib/containers.js';
import { crashReasonText } from '../../../lib/crash-list.js';
import { clockTime } from '../../../lib/format.js';
import { formatBytes } from '../../../lib/stats-rates.js';
import { crashReportQuery } from '../api/crashes.js';
import styles from './history.module.css';

/** The last lines, drawn by the log viewer's renderer (composed in by the app). */
export type LinesView = ComponentType<{
  lines: readonly string[];
  streams: string;
  containerRef: string;
  label: string;
}>;

export function CrashPage({ id, Lines }: { id: number; Lines: LinesView }) {
  const report = useQuery(crashReportQuery(id));
  return (
    <div className={panel.page}>
      <nav aria-label="Breadcrumb" className={styles.breadcrumb}>
        <Link href="/crashes">Crash reports</Link>
        <span aria-hidden="true"> / </span>
      </nav>
      <Loaded read={report} loading="Loading the crash report…">
        {(crash) => <Report crash={crash} Lines={Lines} />}
      </Loaded>
    </div>
  );
}

function Report({ crash, Lines }: { crash: CrashReport; Lines: LinesView }) {
  const containers = useContainers();
  const alive = containers.data?.some(
    (c) => c.id === crash.container_id || c.name === crash.container_name,
  );
  const { config } = crash;
  const facts: Array<[string, string]> = [
    ['Image', crash.image],
    ['Project', crash.project ?? '—'],
    ['Command', config.command.join(' ') || '—'],
    [
      'Restart policy',
      `${config.restart_policy || 'no'} (restarted ${config.restart_count} times)`,
    ],
    [
      'Memory limit',
      config.memory_limit_bytes > 0 ? formatBytes(config.memory_limit_bytes) : 'none',
    ],
    ['Started', config.started_at ? clockTime(config.started_at) : '—'],
    ['Finished', config.finished_at ? clockTime(config.finished_at) : '—'],
    ['Exit code', crash.exit_code === null ? '—' : String(crash.exit_code)],
    ['Killed for memory', crash.oom_killed ? 'yes' : 'no'],
  ];
  return (
    <>
      <header className={styles.reportHeader}>
        <h1 id="crash-title">
          {crash.container_name}{' '}
          <span className={styles.reason} data-reason={crash.reason}>
            {crashReasonText(crash)}
          </span>
        </h1>
        <p className={panel.hint}>
          {crash.count > 1
            ? `${crash.count} times in a row, from ${clockTime(crash.first_at)} to ${clockTime(crash.last_at)}`
            : `At ${clockTime(crash.last_at)}`}
          {alive ? (
            <>
              {' · '}
              <Link href={`/containers/${encodeURIComponent(crash.container_name)}/logs`}>
                Its log now
              </Link>
            </>
          ) : (
            ' · The container is gone; this report keeps what it last said.'
          )}
        </p>
      </header>
      <dl className={styles.facts}>
        {facts.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {crash.health_log.length > 0 && (
        <section aria-labelledby="health-title" className={styles.section}>
          <h2 id="health-title">Health check, last probes</h2>
          <ol className={styles.probes}>
            {crash.health_log.map((probe) => (
              <li key={probe.start} data-failed={probe.exit_code !== 0 || undefined}>
                <time dateTime={probe.start}>{clockTime(probe.start)}</time> exit {probe.exit_code}
                {probe.output.trim() !== '' && <pre>{probe.output.trim()}</pre>}
              </li>
            ))}
          </ol>
        </section>
      )}
      <section aria-labelledby="lines-title" className={styles.section}>
        <h2 id="lines-title">
          Last {crash.last_lines.length} {crash.last_lines.length === 1 ? 'line' : 'lines'}
        </h2>
        {crash.lines_error !== null && (
          <p className={panel.hint}>Its lines could not be read: {crash.lines_error}</p>
        )}
        {crash.last_lines.length > 0 ? (
          <Lines
            lines={crash.last_lines}
            streams={crash.streams}
            containerRef={crash.container_name}
            label={`Last lines of ${crash.container_name}`}
          />
        ) : (
          crash.lines_error === null && <p className={panel.hint}>It wrote no line.</p>
        )}
      </section>
    </>
  );
}

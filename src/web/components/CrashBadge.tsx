/**
 * A crash of the last day, on a container or a project: a pill in the danger colour that links
 * to the report ("crashed ×12" for a restart loop). Its words say what happened, for screen
 * readers and on hover.
 */
import { Link } from 'wouter';
import { clockTime } from '../lib/format.js';
import { crashReasonText } from '../lib/crash-list.js';
import { useRecentCrash } from '../lib/crashes.js';
import styles from './container-state.module.css';

export function CrashBadge({
  of,
  now,
}: {
  of: { container: string } | { project: string };
  now: number;
}) {
  const crash = useRecentCrash(of, now);
  if (crash === undefined) return null;
  const what = `${crash.container_name} ${crashReasonText(crash)}`;
  const times = crash.count > 1 ? `, ${crash.count} times in a row,` : '';
  const detail = `${what}${times} last at ${clockTime(crash.last_at, now)}`;
  return (
    <Link
      href={`/crashes/${crash.id}`}
      className={styles.crash}
      title={`${detail}: open the crash report`}
      data-reason={crash.reason}
    >
      {crash.reason === 'oom' ? 'OOM' : crash.reason === 'unhealthy' ? 'failed check' : 'crashed'}
      {crash.count > 1 && ` ×${crash.count}`}
      <span className="visually-hidden">{`: ${detail}`}</span>
    </Link>
  );
}

/** The preview's items (what, why, size, age) and the confirm's report (what became of each). */
import { useState } from 'react';
import type { PruneItem, PruneItemResult } from '../../../../shared/prune.js';
import { formatBytes } from '../../../lib/bytes.js';
import { shortDuration } from '../../../lib/format.js';
import styles from './prune.module.css';

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

/** Volumes are named by their id: only the others have an id worth showing beside the name. */
const showsId = (item: { type: string; id: string; name: string }) =>
  item.type !== 'volume' && !item.name.startsWith(shortId(item.id));

function When({ item, now }: { item: PruneItem; now: number }) {
  const at = item.finished_at ?? item.created;
  if (at === null) return <span className={styles.muted}>–</span>;
  const code = item.exit_code === null ? '' : ` (${item.exit_code})`;
  const words = item.finished_at ? `exited${code}` : 'created';
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()}>
      {words} {shortDuration(now - Date.parse(at))} ago
    </time>
  );
}

export function PruneItems({ items }: { items: readonly PruneItem[] }) {
  // The time the preview was shown: ages as of then.
  const [now] = useState(Date.now);
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label="Would be removed">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Why</th>
            <th scope="col" className={styles.numeric}>
              Size
            </th>
            <th scope="col" className={styles.wideOnly}>
              When
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.type}/${item.id}`}>
              <td>
                <span className={styles.type}>{item.type}</span>{' '}
                <span className={styles.name}>
                  {item.tags.length > 0 ? item.tags.join(', ') : item.name}
                </span>
                {showsId(item) && <code className={styles.muted}> {shortId(item.id)}</code>}
              </td>
              <td>
                <span className={styles.reason} data-reason={item.reason}>
                  {item.reason}
                </span>{' '}
                <span className={styles.why}>{item.why}</span>
              </td>
              <td className={styles.numeric}>
                {item.size_bytes === null ? (
                  <span className={styles.muted}>–</span>
                ) : (
                  formatBytes(item.size_bytes)
                )}
              </td>
              <td className={styles.wideOnly}>
                <When item={item} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ResultItems({ results }: { results: readonly PruneItemResult[] }) {
  return (
    <div className={styles.tableWrap}>
      <table className={styles.table} aria-label="What became of each item">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Outcome</th>
            <th scope="col" className={styles.numeric}>
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {results.map((result) => (
            <tr key={`${result.type}/${result.id}`} data-outcome={result.outcome}>
              <td>
                <span className={styles.type}>{result.type}</span>{' '}
                <span className={styles.name}>{result.name}</span>
                {showsId(result) && <code className={styles.muted}> {shortId(result.id)}</code>}
              </td>
              <td>
                <span className={styles.outcome} data-outcome={result.outcome}>
                  {result.outcome}
                </span>
                {result.message && <span className={styles.why}> {result.message}</span>}
              </td>
              <td className={styles.numeric}>
                {result.size_bytes === null ? (
                  <span className={styles.muted}>–</span>
                ) : (
                  formatBytes(result.size_bytes)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

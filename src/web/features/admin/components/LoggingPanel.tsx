/**
 * Run-time log levels, per logger, in every worker: set one for a while (it reverts by itself
 * after the TTL) or until reset to the configuration's level.
 */
import { useState, type FormEvent } from 'react';
import { LOG_LEVELS } from '../../../../shared/api.js';
import { useLogLevels, useSetLogLevel } from '../api/log-levels.js';
import { SelectField } from '../../../components/Field.js';
import { errorNotice, NoticeLine, type Notice } from '../../../components/Notice.js';
import { ACTIONS_COLUMN, DataTable, Loaded, Panel } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';

const DURATIONS: Array<[label: string, seconds: number | undefined]> = [
  ['15 minutes', 900],
  ['5 minutes', 300],
  ['1 hour', 3600],
  ['24 hours', 86_400],
  ['until reset', undefined],
];

export function LoggingPanel() {
  const levels = useLogLevels();
  const change = useSetLogLevel();
  const [logger, setLogger] = useState('root');
  const [level, setLevel] = useState<string>('debug');
  const [duration, setDuration] = useState(0);
  const [notice, setNotice] = useState<Notice | null>(null);

  const run = (body: { logger: string; level: string | null; ttl?: number }, done: string) =>
    change.mutate(body, {
      onSuccess: () => setNotice({ kind: 'done', message: done }),
      onError: (err) => setNotice(errorNotice(err)),
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const [label, ttl] = DURATIONS[duration]!;
    run(
      { logger, level, ...(ttl === undefined ? {} : { ttl }) },
      `${logger} logs at ${level} ${ttl === undefined ? 'until reset' : `for ${label}, then reverts`}.`,
    );
  };

  const names = Object.keys(levels.data ?? {});

  return (
    <Panel id="logging" title="Log levels">
      <p className={panel.hint}>
        Changes apply to every worker at once. With a duration the level goes back to the
        configuration’s by itself.
      </p>
      <form className={panel.filters} onSubmit={submit} aria-label="Change a log level">
        <SelectField label="Logger" value={logger} options={names} onChange={setLogger} />
        <SelectField label="Level" value={level} options={LOG_LEVELS} onChange={setLevel} />
        <SelectField
          label="For"
          value={duration}
          options={DURATIONS.map(([label], index) => ({ value: index, label }))}
          onChange={setDuration}
        />
        <div className={panel.filterButtons}>
          <button type="submit" className="button primary" disabled={change.isPending}>
            Set level
          </button>
        </div>
      </form>
      <NoticeLine notice={notice} onDismiss={() => setNotice(null)} />
      <Loaded read={levels} loading="Loading the levels…">
        {(byLogger) => (
          <DataTable columns={['Logger', 'Level', ACTIONS_COLUMN]}>
            {Object.entries(byLogger).map(([name, current]) => (
              <tr key={name}>
                <th scope="row">
                  <code>{name}</code>
                </th>
                <td>{current}</td>
                <td className={panel.actions}>
                  <button
                    type="button"
                    className="button small"
                    aria-label={`Reset ${name} to the configured level`}
                    onClick={() =>
                      run({ logger: name, level: null }, `${name} is back at its configured level.`)
                    }
                  >
                    Reset
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
    </Panel>
  );
}

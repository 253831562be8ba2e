/**
 * Webhook rules: where crash reports and unhealthy turns are sent (Slack, Discord or dwi's own
 * JSON), for which containers, how often at most; each rule's deliveries with their tries and
 * last error, so an admin sees a target that fails.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { CRASH_REASONS, type CrashReason } from '../../../../shared/crashes.js';
import {
  WEBHOOK_FORMATS,
  type WebhookDelivery,
  type WebhookRule,
} from '../../../../shared/webhooks.js';
import { InputField, SelectField } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { errorNotice, NoticeLine, type Notice } from '../../../components/Notice.js';
import { ACTIONS_COLUMN, DataTable, Loaded, type DataColumn } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import { clockTime } from '../../../lib/format.js';
import {
  deliveriesQuery,
  useAddWebhook,
  useDeleteWebhook,
  useUpdateWebhook,
  useWebhooks,
} from '../api/webhooks.js';
import { ChangesPanel, type ChangeDialogProps, type Changes } from './ChangesPanel.js';
import styles from './admin.module.css';

const COLUMNS: DataColumn[] = [
  'Name',
  'Sends',
  'For',
  { label: 'Target', wide: true },
  { label: 'Cool-down', wide: true },
  'On',
  ACTIONS_COLUMN,
];

const REASON_WORDS: Record<CrashReason, string> = {
  exit: 'exits with an error',
  oom: 'memory kills',
  unhealthy: 'unhealthy turns',
};

export function WebhooksPanel() {
  const rules = useWebhooks();
  const update = useUpdateWebhook();
  const remove = useDeleteWebhook();
  const [opened, setOpened] = useState<number | null>(null);

  const askDelete = (rule: WebhookRule, { confirm, report, fail }: Changes) =>
    confirm({
      title: `Delete the webhook ${rule.name}?`,
      body: `Nothing more is sent to ${new URL(rule.url).host}, and the record of its deliveries goes too.`,
      confirm: 'Delete',
      onConfirm: () =>
        remove.mutate(rule.id, {
          onSuccess: ({ data }) => report({ kind: 'done', message: data.message }),
          onError: fail,
        }),
    });

  return (
    <ChangesPanel id="webhooks" title="Webhooks" button="Add webhook" dialog={AddWebhookDialog}>
      {(changes) => (
        <>
          <p className={panel.hint}>
            A rule posts each crash report it matches (an exit with an error, a memory kill, an
            unhealthy turn) to its URL, tried again with backoff until it is taken, at most once per
            container per cool-down.
          </p>
          <Loaded read={rules} loading="Loading webhooks…">
            {(list) =>
              list.length === 0 ? (
                <p className={panel.hint}>No webhook yet. Add one to hear of crashes in chat.</p>
              ) : (
                <DataTable columns={COLUMNS}>
                  {list.map((rule) => (
                    <RuleRows
                      key={rule.id}
                      rule={rule}
                      open={opened === rule.id}
                      onToggleOpen={() => setOpened(opened === rule.id ? null : rule.id)}
                      onToggleEnabled={() =>
                        update.mutate(
                          { rule, changes: { enabled: !rule.enabled } },
                          {
                            onSuccess: ({ data }) =>
                              changes.report({
                                kind: 'done',
                                message: `Webhook ${data.name} ${data.enabled ? 'on' : 'off'}.`,
                              }),
                            onError: changes.fail,
                          },
                        )
                      }
                      onDelete={() => askDelete(rule, changes)}
                    />
                  ))}
                </DataTable>
              )
            }
          </Loaded>
        </>
      )}
    </ChangesPanel>
  );
}

function RuleRows({
  rule,
  open,
  onToggleOpen,
  onToggleEnabled,
  onDelete,
}: {
  rule: WebhookRule;
  open: boolean;
  onToggleOpen: () => void;
  onToggleEnabled: () => void;
  onDelete: () => void;
}) {
  return (
    <>
      <tr data-state={rule.enabled ? undefined : 'revoked'}>
        <th scope="row">{rule.name}</th>
        <td>{rule.reasons.map((reason) => REASON_WORDS[reason]).join(', ')}</td>
        <td>{rule.pattern === '' ? 'every container' : `names with “${rule.pattern}”`}</td>
        <td className={panel.wide}>
          {rule.format} · <code>{new URL(rule.url).host}</code>
        </td>
        <td className={panel.wide}>{rule.cooldown_s} s</td>
        <td>
          <label className={styles.switch}>
            <input type="checkbox" checked={rule.enabled} onChange={onToggleEnabled} />
            <span className="visually-hidden">Send to {rule.name}</span>
          </label>
        </td>
        <td className={panel.actions}>
          <button
            type="button"
            className="button small"
            aria-expanded={open}
            aria-label={`Deliveries of ${rule.name}`}
            onClick={onToggleOpen}
          >
            Deliveries
          </button>
          <button
            type="button"
            className="button small danger"
            aria-label={`Delete the webhook ${rule.name}`}
            onClick={onDelete}
          >
            Delete
          </button>
        </td>
      </tr>
      {open && (
        <tr>
          <td colSpan={COLUMNS.length}>
            <Deliveries rule={rule} />
          </td>
        </tr>
      )}
    </>
  );
}

function Deliveries({ rule }: { rule: WebhookRule }) {
  const deliveries = useQuery(deliveriesQuery(rule.id));
  return (
    <Loaded read={deliveries} loading="Loading deliveries…">
      {(list) =>
        list.length === 0 ? (
          <p className={panel.hint}>Nothing sent to {rule.name} yet.</p>
        ) : (
          <DataTable
            label={`Deliveries of ${rule.name}, newest first`}
            columns={['Crash', 'Container', 'Result', 'Tries', { label: 'Last error', wide: true }]}
          >
            {list.map((delivery) => (
              <DeliveryRow key={delivery.id} delivery={delivery} />
            ))}
          </DataTable>
        )
      }
    </Loaded>
  );
}

function DeliveryRow({ delivery }: { delivery: WebhookDelivery }) {
  const result = { delivered: 'success', failed: 'failure', pending: 'pending' }[delivery.status];
  return (
    <tr>
      <td className={panel.nowrap}>
        <Link href={`/crashes/${delivery.crash_id}`}>{clockTime(delivery.created_at)}</Link>
      </td>
      <td>{delivery.container_name}</td>
      <td>
        <span className={styles.result} data-result={result}>
          {delivery.status}
          {delivery.delivered_at !== null && ` ${clockTime(delivery.delivered_at)}`}
        </span>
      </td>
      <td>{delivery.attempts}</td>
      <td className={panel.wide}>{delivery.last_error ?? ''}</td>
    </tr>
  );
}

function AddWebhookDialog({ open, onClose, onDone }: ChangeDialogProps) {
  const add = useAddWebhook();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState<(typeof WEBHOOK_FORMATS)[number]>('slack');
  const [reasons, setReasons] = useState<CrashReason[]>([...CRASH_REASONS]);
  const [pattern, setPattern] = useState('');
  const [cooldown, setCooldown] = useState('300');
  const [error, setError] = useState<Notice | null>(null);

  const close = () => {
    setName('');
    setUrl('');
    setPattern('');
    setError(null);
    onClose();
  };

  return (
    <FormDialog
      open={open}
      title="Add a webhook"
      submit="Add webhook"
      busy={add.isPending}
      onClose={close}
      onSubmit={() =>
        add.mutate(
          {
            name: name.trim(),
            url: url.trim(),
            format,
            reasons,
            pattern: pattern.trim(),
            cooldown_s: Number(cooldown),
            enabled: true,
          },
          {
            onSuccess: ({ data }) => {
              close();
              onDone({ kind: 'done', message: `Added the webhook ${data.name}.` });
            },
            onError: (err) => setError(errorNotice(err)),
          },
        )
      }
    >
      <InputField label="Name" required maxLength={100} value={name} onChange={setName} />
      <InputField
        label="URL"
        type="url"
        required
        maxLength={2000}
        placeholder="https://hooks.slack.com/services/…"
        value={url}
        onChange={setUrl}
      />
      <SelectField
        label="Format"
        value={format}
        options={[
          { value: 'slack', label: 'Slack (and Mattermost, Rocket.Chat)' },
          { value: 'discord', label: 'Discord' },
          { value: 'generic', label: 'Generic JSON (the report)' },
        ]}
        onChange={setFormat}
      />
      <fieldset className={styles.choice}>
        <legend>Sends</legend>
        {CRASH_REASONS.map((reason) => (
          <label key={reason}>
            <input
              type="checkbox"
              checked={reasons.includes(reason)}
              onChange={(event) =>
                setReasons((current) =>
                  event.target.checked
                    ? [...current, reason]
                    : current.filter((known) => known !== reason),
                )
              }
            />{' '}
            {REASON_WORDS[reason]}
          </label>
        ))}
      </fieldset>
      <InputField
        label="Container or project name contains (empty: all)"
        maxLength={200}
        value={pattern}
        onChange={setPattern}
      />
      <InputField
        label="Cool-down per container (seconds)"
        type="number"
        required
        min={0}
        max={86400}
        value={cooldown}
        onChange={setCooldown}
      />
      <NoticeLine notice={error} onDismiss={() => setError(null)} />
    </FormDialog>
  );
}

/**
 * API tokens: making one (its secret shown once, with copy), the list (never a secret: the
 * server keeps only hashes), revoking. A token's role is at most its user's, so the roles
 * offered follow the user chosen.
 */
import { useState } from 'react';
import { ROLES, type Role } from '../../../../shared/auth.js';
import type { Token } from '../../../../shared/users.js';
import { InputField, SelectField } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { clockTime } from '../../../lib/format.js';
import { useSession } from '../../../lib/session.js';
import { useCreateToken, useRevokeToken, useTokens, useUsers } from '../api/users.js';
import { errorNotice, NoticeLine, type Notice } from '../../../components/Notice.js';
import { ChangesPanel, type ChangeDialogProps, type Changes } from './ChangesPanel.js';
import { ACTIONS_COLUMN, DataTable, Loaded, type DataColumn } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import styles from './admin.module.css';

const COLUMNS: DataColumn[] = [
  'Name',
  'User',
  'Role',
  'State',
  { label: 'Id', wide: true },
  { label: 'Created', wide: true },
  { label: 'Expires', wide: true },
  { label: 'Last used', wide: true },
  ACTIONS_COLUMN,
];

const EXPIRIES: Array<[label: string, days: number | null]> = [
  ['30 days', 30],
  ['90 days', 90],
  ['1 year', 365],
  ['7 days', 7],
  ['Never', null],
];

function stateOf(token: Token, now: number): 'live' | 'revoked' | 'expired' {
  if (token.revoked_at !== null) return 'revoked';
  if (token.expires_at !== null && Date.parse(token.expires_at) <= now) return 'expired';
  return 'live';
}

export function TokensPanel() {
  const tokens = useTokens();
  const revoke = useRevokeToken();

  const askRevoke = (token: Token, { confirm, report, fail }: Changes) =>
    confirm({
      title: `Revoke the token ${token.name}?`,
      body: `The token ${token.id} of ${token.username} stops working at once, and the sockets opened with it are disconnected. This cannot be undone: make a new token instead.`,
      confirm: 'Revoke',
      onConfirm: () =>
        revoke.mutate(token.id, {
          onSuccess: ({ data }) => report({ kind: 'done', message: data.message }),
          onError: fail,
        }),
    });

  return (
    <ChangesPanel id="tokens" title="API tokens" button="Create token" dialog={CreateTokenDialog}>
      {(changes) => (
        <>
          <p className={panel.hint}>
            Send a token as <code>Authorization: Bearer dwi_…</code>, or as <code>auth.token</code>{' '}
            in a Socket.IO handshake.
          </p>
          <Loaded read={tokens} loading="Loading tokens…">
            {(list) =>
              list.length === 0 ? (
                <p className={panel.hint}>
                  No tokens yet. Create one for a script or another service.
                </p>
              ) : (
                <DataTable columns={COLUMNS}>
                  {[...list].reverse().map((token) => {
                    const state = stateOf(token, tokens.dataUpdatedAt);
                    return (
                      <tr key={token.id} data-state={state}>
                        <th scope="row">{token.name}</th>
                        <td>{token.username}</td>
                        <td>{token.role}</td>
                        <td>
                          <span className={styles.state} data-state={state}>
                            {state}
                          </span>
                        </td>
                        <td className={panel.wide}>
                          <code>{token.id}</code>
                        </td>
                        <td className={panel.wide}>{clockTime(token.created_at)}</td>
                        <td className={panel.wide}>
                          {token.expires_at ? clockTime(token.expires_at) : 'never'}
                        </td>
                        <td className={panel.wide}>
                          {token.last_used_at ? clockTime(token.last_used_at) : '—'}
                        </td>
                        <td className={panel.actions}>
                          {state === 'live' && (
                            <button
                              type="button"
                              className="button small"
                              aria-label={`Revoke the token ${token.name} (${token.id})`}
                              onClick={() => askRevoke(token, changes)}
                            >
                              Revoke
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </DataTable>
              )
            }
          </Loaded>
        </>
      )}
    </ChangesPanel>
  );
}

function CreateTokenDialog({ open, onClose, onDone }: ChangeDialogProps) {
  const users = useUsers();
  const me = useSession()?.username ?? '';
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [expiry, setExpiry] = useState(0);
  const [error, setError] = useState<Notice | null>(null);
  const owner = username || me;
  const ownerRole = users.data?.find((user) => user.username === owner)?.role ?? 'admin';
  const roles = ROLES.slice(0, ROLES.indexOf(ownerRole) + 1);

  const close = () => {
    setName('');
    setError(null);
    onClose();
  };

  return (
    <FormDialog
      open={open}
      title="Create an API token"
      submit="Create token"
      busy={create.isPending}
      onClose={close}
      onSubmit={() =>
        create.mutate(
          {
            ...(name.trim() ? { name: name.trim() } : {}),
            ...(owner ? { username: owner } : {}),
            ...(role && roles.includes(role) ? { role } : {}),
            expires_in_days: EXPIRIES[expiry]![1],
          },
          {
            onSuccess: ({ data }) => {
              close();
              onDone({
                kind: 'secret',
                message: `Token ${data.name} (${data.id}, ${data.role}) for ${data.username}: copy it now, it is not shown again.`,
                label: 'Token',
                secret: data.token,
              });
            },
            onError: (err) => setError(errorNotice(err)),
          },
        )
      }
    >
      <InputField
        label="Name"
        maxLength={100}
        placeholder={`${owner} token`}
        value={name}
        onChange={setName}
      />
      <SelectField
        label="User"
        value={owner}
        options={(users.data ?? []).map((user) => ({
          value: user.username,
          label: `${user.username} (${user.role})`,
        }))}
        onChange={setUsername}
      />
      <SelectField<Role | ''>
        label="Role"
        value={role && roles.includes(role) ? role : ''}
        options={[{ value: '', label: `the user’s (${ownerRole})` }, ...roles]}
        onChange={setRole}
      />
      <SelectField
        label="Expires after"
        value={expiry}
        options={EXPIRIES.map(([label], index) => ({ value: index, label }))}
        onChange={setExpiry}
      />
      <NoticeLine notice={error} onDismiss={() => setError(null)} />
    </FormDialog>
  );
}

/**
 * Users: the table, adding one (with a password, or a generated one shown once), changing a
 * role, resetting a password (the new one shown once), deleting. Each change that ends the
 * user's sessions or sockets says so before it is made. Your own role and account are not
 * offered for change, as the server refuses them.
 */
import { useState } from 'react';
import { ROLES, type Role } from '../../../../shared/auth.js';
import type { User } from '../../../../shared/users.js';
import { MIN_PASSWORD_LENGTH } from '../../../../shared/auth.js';
import { InputField, SelectField } from '../../../components/Field.js';
import { FormDialog } from '../../../components/FormDialog.js';
import { Icon } from '../../../components/Icon.js';
import { clockTime } from '../../../lib/format.js';
import { useSession } from '../../../lib/session.js';
import { useAddUser, useDeleteUser, useResetPassword, useSetRole, useUsers } from '../api/users.js';
import { errorNotice, NoticeLine, type Notice } from '../../../components/Notice.js';
import { ChangesPanel, type ChangeDialogProps, type Changes } from './ChangesPanel.js';
import { ACTIONS_COLUMN, DataTable, Loaded, type DataColumn } from '../../../components/Panel.js';
import panel from '../../../components/panel.module.css';
import styles from './admin.module.css';

const COLUMNS: DataColumn[] = [
  'User',
  'Role',
  { label: 'Tokens', wide: true },
  { label: 'Created', wide: true },
  ACTIONS_COLUMN,
];

export function UsersPanel() {
  const users = useUsers();
  const me = useSession()?.username;
  const setRole = useSetRole();
  const resetPassword = useResetPassword();
  const deleteUser = useDeleteUser();

  const changeRole = (user: User, role: Role, { confirm, report, fail }: Changes) =>
    confirm({
      title: `Make ${user.username} ${role}?`,
      body: `${user.username} becomes ${role}. Their open pages and sockets are disconnected and reconnect with the new role; their API tokens act as ${role} at most.`,
      confirm: `Make ${role}`,
      onConfirm: () =>
        setRole.mutate(
          { name: user.username, role },
          {
            onSuccess: () => report({ kind: 'done', message: `${user.username} is now ${role}.` }),
            onError: fail,
          },
        ),
    });

  const reset = (user: User, { confirm, report, fail }: Changes) =>
    confirm({
      title: `Reset the password of ${user.username}?`,
      body: `A new password is generated and shown once. ${user.username === me ? 'This ends your own session: you log in again with it.' : `${user.username}'s sessions end at once.`} Their ${user.tokens} API token${user.tokens === 1 ? '' : 's'} are revoked: someone who knew the password could have made them.`,
      confirm: 'Reset the password',
      onConfirm: () =>
        resetPassword.mutate(
          { name: user.username, keepTokens: false },
          {
            onSuccess: ({ data }) =>
              report({
                kind: 'secret',
                message: `New password of ${user.username}: copy it now, it is not shown again.`,
                label: 'Password',
                secret: data.password ?? '',
              }),
            onError: fail,
          },
        ),
    });

  const remove = (user: User, { confirm, report, fail }: Changes) =>
    confirm({
      title: `Delete ${user.username}?`,
      body: `${user.username} (${user.role}) is deleted with their sessions and ${user.tokens} API token${user.tokens === 1 ? '' : 's'}; their open pages are disconnected. Their rows in the audit log stay.`,
      confirm: `Delete ${user.username}`,
      onConfirm: () =>
        deleteUser.mutate(user.username, {
          onSuccess: ({ data }) => report({ kind: 'done', message: data.message }),
          onError: fail,
        }),
    });

  return (
    <ChangesPanel id="users" title="Users" button="Add user" dialog={AddUserDialog}>
      {(changes) => (
        <Loaded read={users} loading="Loading users…">
          {(list) => (
            <DataTable columns={COLUMNS}>
              {list.map((user) => {
                const self = user.username === me;
                return (
                  <tr key={user.username}>
                    <th scope="row">
                      {user.username}
                      {self && <span className={panel.badge}>you</span>}
                    </th>
                    <td>
                      {self ? (
                        user.role
                      ) : (
                        <select
                          className={`input ${styles.roleSelect}`}
                          aria-label={`Role of ${user.username}`}
                          value={user.role}
                          onChange={(event) =>
                            changeRole(user, event.target.value as Role, changes)
                          }
                        >
                          {ROLES.map((role) => (
                            <option key={role}>{role}</option>
                          ))}
                        </select>
                      )}
                    </td>
                    <td className={panel.wide}>{user.tokens}</td>
                    <td className={panel.wide}>{clockTime(user.created_at)}</td>
                    <td className={panel.actions}>
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Reset password of ${user.username}`}
                        onClick={() => reset(user, changes)}
                      >
                        Reset<span className={panel.wide}> password</span>
                      </button>
                      {!self && (
                        <button
                          type="button"
                          className="icon-button danger"
                          aria-label={`Delete ${user.username}`}
                          title={`Delete ${user.username}`}
                          onClick={() => remove(user, changes)}
                        >
                          <Icon name="delete" />
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </Loaded>
      )}
    </ChangesPanel>
  );
}

function AddUserDialog({ open, onClose, onDone }: ChangeDialogProps) {
  const add = useAddUser();
  const [username, setUsername] = useState('');
  const [role, setRoleValue] = useState<Role>('viewer');
  const [generate, setGenerate] = useState(true);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<Notice | null>(null);

  const close = () => {
    setUsername('');
    setPassword('');
    setError(null);
    onClose();
  };

  return (
    <FormDialog
      open={open}
      title="Add a user"
      submit="Add user"
      busy={add.isPending}
      onClose={close}
      onSubmit={() =>
        add.mutate(
          { username, role, ...(generate ? {} : { password }) },
          {
            onSuccess: ({ data }) => {
              close();
              onDone(
                data.password === undefined
                  ? { kind: 'done', message: `Added ${data.username} (${data.role}).` }
                  : {
                      kind: 'secret',
                      message: `Added ${data.username} (${data.role}). Their password: copy it now, it is not shown again.`,
                      label: 'Password',
                      secret: data.password,
                    },
              );
            },
            onError: (err) => setError(errorNotice(err)),
          },
        )
      }
    >
      <InputField
        label="User name"
        name="username"
        required
        maxLength={64}
        pattern="[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}"
        autoComplete="off"
        value={username}
        onChange={setUsername}
      />
      <SelectField label="Role" value={role} options={ROLES} onChange={setRoleValue} />
      <fieldset className={styles.choice}>
        <legend>Password</legend>
        <label>
          <input type="radio" checked={generate} onChange={() => setGenerate(true)} /> Generate one
          (shown once)
        </label>
        <label>
          <input type="radio" checked={!generate} onChange={() => setGenerate(false)} /> Set one
        </label>
      </fieldset>
      {!generate && (
        <InputField
          label={`New password (at least ${MIN_PASSWORD_LENGTH} characters)`}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
          onChange={setPassword}
        />
      )}
      <NoticeLine notice={error} onDismiss={() => setError(null)} />
    </FormDialog>
  );
}

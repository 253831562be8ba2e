/**
 * Username and password, labelled as such. Shown in place of whatever page was asked for, so
 * after logging in (or back in, when a session expired) the user is where they were.
 */
import { useState, type FormEvent } from 'react';
import { useLogin } from '../../../lib/session.js';
import styles from './login.module.css';

export function LoginPage({ expired, onLoggedIn }: { expired: boolean; onLoggedIn: () => void }) {
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ username, password }, { onSuccess: onLoggedIn });
  };

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="login-title">
        <img src={logo} alt="" width={36} height={36} />
        <h1 id="login-title" className={styles.title}>
          Log in to Docker Web Interface
        </h1>
        {expired && !login.isError && (
          <p className={styles.notice} role="status">
            Your session has ended. Log in again to go on where you were.
          </p>
        )}
        <label className={styles.field}>
          <span>Username</span>
          <input
            className="input"
            name="username"
            autoComplete="username"
            autoFocus
            required
            maxLength={64}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className={styles.field}>
          <span>Password</span>
          <input
            className="input"
            type="password"
            name="password"
            autoComplete="current-password"
            required
            maxLength={1024}
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {login.isError && (
          <p className={styles.error} role="alert">
            {login.error.message}
          </p>
        )}
        <button type="submit" className="button primary" disabled={login.isPending}>
          {login.isPending ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}

const logo = new URL('../../../favicon.svg', import.meta.url).href;

/** Who is logged in, with which role, and the way out. */
import { Icon } from '../components/Icon.js';
import { useLogout, type Session } from '../lib/session.js';
import styles from './shell.module.css';

export function UserMenu({ session }: { session: Session }) {
  const logout = useLogout();
  return (
    <div className={styles.user}>
      <span className={styles.userName}>{session.username}</span>
      <span className={styles.role} title={`Role: ${session.role}`}>
        {session.role}
      </span>
      {session.via === 'session' && (
        <button
          type="button"
          className="icon-button"
          aria-label="Log out"
          title="Log out"
          disabled={logout.isPending}
          onClick={() => logout.mutate()}
        >
          <Icon name="logout" />
        </button>
      )}
    </div>
  );
}

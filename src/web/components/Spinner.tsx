/** A small turning ring: something is under way (the words beside it say what). */
import styles from './spinner.module.css';

export function Spinner() {
  return <span className={styles.spinner} aria-hidden="true" />;
}

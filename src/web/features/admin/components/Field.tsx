/** A labelled form control: the label names the control alone (not its options' text). */
import { useId, type ReactElement } from 'react';
import styles from './admin.module.css';

export function Field({
  label,
  children,
}: {
  label: string;
  children: (id: string) => ReactElement;
}) {
  const id = useId();
  return (
    <div className={styles.field}>
      <label htmlFor={id}>{label}</label>
      {children(id)}
    </div>
  );
}

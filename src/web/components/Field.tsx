/**
 * Labelled form controls, the label above: the label names the control alone (not its
 * options' text). `InputField` and `SelectField` are the usual two; `Field` takes any control.
 */
import { useId, type InputHTMLAttributes, type ReactElement } from 'react';
import styles from './field.module.css';

export function Field({
  label,
  children,
}: {
  label: string;
  /** The control, given the id its label points at. */
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

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

export function InputField({
  label,
  value,
  onChange,
  ...input
}: InputProps & { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <Field label={label}>
      {(id) => (
        <input
          id={id}
          className="input"
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...input}
        />
      )}
    </Field>
  );
}

/** An option: a value that is its own label, or a value with a label. */
export type Option<V extends string | number> = V | { value: V; label: string };

const valueOf = <V extends string | number>(option: Option<V>): V =>
  typeof option === 'object' ? option.value : option;

export function SelectField<V extends string | number>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: V;
  options: ReadonlyArray<Option<V>>;
  onChange: (value: V) => void;
}) {
  return (
    <Field label={label}>
      {(id) => (
        <select
          id={id}
          className="input"
          value={value}
          onChange={(event) => {
            const chosen = options.find((option) => String(valueOf(option)) === event.target.value);
            if (chosen !== undefined) onChange(valueOf(chosen));
          }}
        >
          {options.map((option) => {
            const optionValue = valueOf(option);
            return (
              <option key={optionValue} value={optionValue}>
                {typeof option === 'object' ? option.label : option}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/** System, light or dark: three labelled radio buttons that look like one control. */
import { Icon, type IconName } from '../components/Icon.js';
import { THEMES, useTheme, type Theme } from '../lib/theme.js';
import styles from './shell.module.css';

const LABELS: Record<Theme, string> = {
  system: 'System theme',
  light: 'Light theme',
  dark: 'Dark theme',
};
const ICONS: Record<Theme, IconName> = { system: 'system', light: 'sun', dark: 'moon' };

export function ThemeSwitch() {
  const [theme, setTheme] = useTheme();
  return (
    <fieldset className={styles.segmented}>
      <legend className="visually-hidden">Theme</legend>
      {THEMES.map((option) => (
        <label key={option} title={LABELS[option]} className={styles.segment}>
          <input
            type="radio"
            name="theme"
            value={option}
            checked={theme === option}
            onChange={() => setTheme(option)}
            className="visually-hidden"
            aria-label={LABELS[option]}
          />
          <Icon name={ICONS[option]} />
        </label>
      ))}
    </fieldset>
  );
}

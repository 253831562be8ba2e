/** A line's text with its ANSI colours, as styled text runs (never as markup). */
import type { CSSProperties } from 'react';
import { parseAnsi, type AnsiColor, type AnsiStyle } from '../lib/ansi.js';
import styles from './logs.module.css';

/**
 * The 16 named colours come from the theme; any other is kept readable on either background:
 * no lighter than 55 % in the light theme, no darker than 72 % in the dark one (OKLCH).
 */
const colorValue = (color: AnsiColor) =>
  'index' in color
    ? `var(--ansi-${color.index})`
    : `light-dark(oklch(from ${color.rgb} min(l, 0.55) c h), oklch(from ${color.rgb} max(l, 0.72) c h))`;

function styleOf(style: AnsiStyle): CSSProperties | undefined {
  let fg = style.fg;
  let bg = style.bg;
  if (style.inverse) [fg, bg] = [bg ?? { index: -1 }, fg ?? { index: -2 }];
  if (fg === undefined && bg === undefined && !style.bold && !style.dim && !style.italic) {
    if (!style.underline && !style.strike) return undefined;
  }
  const css: CSSProperties = {};
  if (fg !== undefined) css.color = 'index' in fg && fg.index < 0 ? 'var(--bg)' : colorValue(fg);
  if (bg !== undefined)
    css.backgroundColor =
      'index' in bg ? (bg.index < 0 ? 'var(--text)' : `var(--ansi-${bg.index})`) : bg.rgb;
  if (style.bold) css.fontWeight = 600;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  const lines = [style.underline && 'underline', style.strike && 'line-through'].filter(Boolean);
  if (lines.length > 0) css.textDecoration = lines.join(' ');
  return css;
}

export function AnsiText({ text, mark }: { text: string; mark?: string }) {
  const runs = parseAnsi(text);
  return (
    <>
      {runs.map((run, i) => {
        const style = styleOf(run.style);
        const content = mark ? <Marked text={run.text} mark={mark} /> : run.text;
        return style === undefined && !mark ? (
          run.text
        ) : (
          <span key={i} className={style ? styles.ansi : undefined} style={style}>
            {content}
          </span>
        );
      })}
    </>
  );
}

/** The filter's text marked where it occurs (case-insensitive). */
function Marked({ text, mark }: { text: string; mark: string }) {
  const lower = text.toLowerCase();
  const needle = mark.toLowerCase();
  const parts: React.ReactNode[] = [];
  let from = 0;
  for (
    let at = lower.indexOf(needle);
    at !== -1 && needle !== '';
    at = lower.indexOf(needle, from)
  ) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (from < text.length) parts.push(text.slice(from));
  return <>{parts}</>;
}

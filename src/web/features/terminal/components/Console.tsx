/**
 * The terminal: xterm.js fitted to the page (and to the window as it resizes), an exec session
 * behind it, its state and exit code under it, and a way to start again. Loaded lazily.
 */
import '@xterm/xterm/css/xterm.css';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';
import { useLive } from '../../../lib/live.js';
import { startExec, type ExecSession } from '../api/exec.js';
import { currentScheme, PALETTES, watchScheme } from '../lib/theme.js';
import styles from './terminal.module.css';

type Phase =
  | { kind: 'starting' }
  | { kind: 'running'; command: string[] }
  | { kind: 'ended'; command: string[] | null; exitCode: number | null; message: string }
  | { kind: 'failed'; error: string; code: string };

export default function Console({ containerRef }: { containerRef: string }) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<{ xterm: Terminal; fit: FitAddon } | null>(null);
  const session = useRef<ExecSession | null>(null);
  const live = useLive();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [attempt, setAttempt] = useState(0);

  // The terminal, once: it keeps its scrollback across sessions.
  useEffect(() => {
    const xterm = new Terminal({
      fontFamily: "ui-monospace, 'SFMono-Regular', 'Cascadia Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      cursorBlink: true,
      scrollback: 5000,
      theme: PALETTES[currentScheme()],
    });
    const fit = new FitAddon();
    xterm.loadAddon(fit);
    xterm.open(host.current!);
    fit.fit();
    terminal.current = { xterm, fit };
    const unwatch = watchScheme((scheme) => (xterm.options.theme = PALETTES[scheme]));
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      unwatch();
      xterm.dispose();
      terminal.current = null;
    };
  }, []);

  // One exec session per attempt, ended when the page goes.
  useEffect(() => {
    const { xterm } = terminal.current!;
    if (live === null) return;
    let command: string[] | null = null;
    const exec = startExec(
      live.socket,
      { containerId: containerRef, cols: xterm.cols, rows: xterm.rows },
      {
        started: (started) => {
          command = started.command;
          setPhase({ kind: 'running', command: started.command });
          xterm.focus();
        },
        output: (data) => xterm.write(data),
        exited: (exit) =>
          setPhase({ kind: 'ended', command, exitCode: exit.exit_code, message: exit.message }),
        failed: (error, code) => setPhase({ kind: 'failed', error, code }),
        dropped: () =>
          setPhase({
            kind: 'ended',
            command,
            exitCode: null,
            message: 'The connection to dwi dropped, and the command was ended with it.',
          }),
      },
    );
    session.current = exec;
    const typed = xterm.onData((data) => exec.input(data));
    const resized = xterm.onResize(({ cols, rows }) => exec.resize(cols, rows));
    return () => {
      typed.dispose();
      resized.dispose();
      exec.close();
      session.current = null;
    };
  }, [live, containerRef, attempt]);

  const startAgain = () => {
    terminal.current?.xterm.reset();
    setPhase({ kind: 'starting' });
    setAttempt((n) => n + 1);
  };

  return (
    <>
      <div className={styles.screen}>
        <div ref={host} className={styles.xterm} />
      </div>
      <footer className={styles.status}>
        <p role="status" className={styles.state} data-phase={phase.kind}>
          {describe(phase, containerRef)}
        </p>
        {phase.kind === 'running' && (
          <button type="button" className="button" onClick={() => session.current?.end()}>
            End session
          </button>
        )}
        {(phase.kind === 'ended' || phase.kind === 'failed') && (
          <button type="button" className="button primary" onClick={startAgain}>
            Start again
          </button>
        )}
      </footer>
    </>
  );
}

function describe(phase: Phase, containerRef: string): string {
  switch (phase.kind) {
    case 'starting':
      return `Starting a shell in ${containerRef}…`;
    case 'running':
      return `Running ${phase.command.join(' ')}`;
    case 'ended':
      return phase.exitCode === null
        ? phase.message
        : `${phase.command?.join(' ') ?? 'The command'} ended with exit code ${phase.exitCode}`;
    case 'failed':
      return `Could not start: ${phase.error} (${phase.code})`;
  }
}

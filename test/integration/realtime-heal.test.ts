import { describe, expect, it } from 'vitest';
import { runShell, startDaemon, stopDaemon } from '../engine/engine.js';
import { request, until } from './harness.js';
import { useOwnEngine } from './own-engine.js';
import { connect, logLines, record, type Seen } from './sockets.js';

// Its own engine: this file restarts it.
const own = useOwnEngine(() => ({ args: ['--stale-stream-after', '1'] }));
const { docker } = own;

/** Numbers its lines across restarts (the counter lives in the container's file system). */
const COUNTER =
  'i=$(cat /n 2>/dev/null || echo 0); while true; do i=$((i+1)); echo $i > /n.new && busybox mv /n.new /n; echo "line $i"; sleep 0.02; done';

/**
 * What the client got (markers aside) is exactly the engine's own log, from its first line to
 * its last: nothing lost, nothing twice, in order.
 */
function expectEngineLog(seen: Seen, name: string): void {
  const got = logLines(seen, name).filter((l) => !isMarker(l));
  const engineLog = docker('logs', '--timestamps', name).split('\n').filter(Boolean);
  const from = engineLog.indexOf(got[0]!);
  expect(from).toBeGreaterThanOrEqual(0);
  expect(got).toEqual(engineLog.slice(from, from + got.length));
}

const isMarker = (line: string) => line.includes(' [dwi] ');
const statuses = (seen: Seen, ref: string) =>
  seen.filter(([e, p]) => e === 'log_stream_status' && p.container_id === ref).map(([, p]) => p);

/** Lines after the marker that says `what`, once there are `count` of them. */
async function linesAfter(seen: Seen, ref: string, what: RegExp, count: number): Promise<void> {
  const told = () =>
    JSON.stringify(seen.filter(([e]) => e !== 'log_update' && e !== 'initial_state').slice(-20));
  await until(
    async () =>
      `${count} lines after "${what}"; last events: ${told()}; dwi: ${own.dwi.stderr.slice(-2000)}; engine: ${docker('ps', '-a')}; streams: ${(await request(`${own.base}/metrics`)).body.match(/^dwi_log_streams_open.*$/m)}`,
    () => {
      const lines = logLines(seen, ref);
      const at = lines.findIndex((l) => isMarker(l) && what.test(l));
      return at !== -1 && lines.length - at > count;
    },
    45_000,
  );
}

describe('log streams that heal', () => {
  it(
    'keep streaming through a container restart and an engine restart: no line lost, none twice',
    { timeout: 120_000 },
    async () => {
      runShell(own.engine, 'healer', COUNTER, ['--restart', 'always']);
      const client = connect(own.base);
      const seen = record(client);
      const ack = await client
        .timeout(10_000)
        .emitWithAck('start_log_stream', { container_id: 'healer' });
      expect(ack).toEqual({ status: 'stream_started' });
      await until('20 lines', () => logLines(seen, 'healer').length > 20);

      docker('restart', '-t', '1', 'healer');
      await linesAfter(seen, 'healer', /container restarted; log resumed/, 20);

      await stopDaemon(own.engine);
      await startDaemon(own.engine);
      await linesAfter(seen, 'healer', /Docker engine back; log resumed/, 20);
      expect(client.connected).toBe(true);

      expectEngineLog(seen, 'healer');
      // Each gap was told in the log and as a status.
      const resumed = statuses(seen, 'healer').filter((s) => s.status === 'resumed');
      expect(resumed.map((s) => s.message)).toEqual([
        'container restarted; log resumed',
        'Docker engine back; log resumed',
      ]);
    },
  );

  it('tells a stop as log_stream_stopped, and carries on when the container starts again', async () => {
    runShell(own.engine, 'sleeper', COUNTER);
    const client = connect(own.base);
    const seen = record(client);
    await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: 'sleeper' });
    await until('10 lines', () => logLines(seen, 'sleeper').length > 10);
    docker('stop', '-t', '1', 'sleeper');
    await until('log_stream_stopped', () => seen.some(([e]) => e === 'log_stream_stopped'));
    expect(seen.find(([e]) => e === 'log_stream_stopped')![1]).toEqual({
      container_id: 'sleeper',
      message: 'Log stream ended: the container stopped',
    });
    expect(statuses(seen, 'sleeper').at(-1)).toEqual({
      container_id: 'sleeper',
      status: 'waiting',
      message: 'log stream paused: the container stopped; it resumes when the container runs',
    });
    docker('start', 'sleeper');
    await linesAfter(seen, 'sleeper', /container restarted; log resumed/, 10);
    expectEngineLog(seen, 'sleeper');
  });

  it('stamps the notice of a container already stopped at its last line, where its log ended', async () => {
    runShell(own.engine, 'ended', 'echo one; echo two');
    await until(
      'the container exited',
      () => docker('ps', '-a', '--filter', 'name=^ended$', '--format', '{{.State}}') === 'exited',
    );
    const [, last] = docker('logs', '--timestamps', 'ended').split('\n');
    const lastStamp = last!.split(' ')[0];
    const waitingLine = (seen: Seen) =>
      logLines(seen, 'ended').find((l) =>
        /\[dwi\] log stream paused: the container stopped/.test(l),
      );

    // Fresh: after the last lines, stamped with the last one's time (it sorts right after it).
    const fresh = connect(own.base);
    const seenFresh = record(fresh);
    await fresh.timeout(10_000).emitWithAck('start_log_stream', { container_id: 'ended' });
    await until('the waiting notice', () => waitingLine(seenFresh) !== undefined);
    expect(logLines(seenFresh, 'ended').slice(-3)).toEqual([
      expect.stringMatching(/ one$/),
      last,
      `${lastStamp} [dwi] log stream paused: the container stopped; it resumes when the container runs`,
    ]);

    // From a line the client has (a project's merged logs ask so): stamped at that line.
    const resumed = connect(own.base);
    const seenResumed = record(resumed);
    await resumed
      .timeout(10_000)
      .emitWithAck('start_log_stream', { container_id: 'ended', since: lastStamp });
    await until('the waiting notice', () => waitingLine(seenResumed) !== undefined);
    expect(logLines(seenResumed, 'ended')).toEqual([
      `${lastStamp} [dwi] log stream paused: the container stopped; it resumes when the container runs`,
    ]);
  });

  it('follows a container re-created under the same name, from its first line', async () => {
    runShell(own.engine, 'phoenix', COUNTER);
    const client = connect(own.base);
    const seen = record(client);
    await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: 'phoenix' });
    await until('10 lines', () => logLines(seen, 'phoenix').length > 10);
    docker('rm', '-f', 'phoenix');
    await until('the stop notice', () =>
      seen.some(([e, p]) => e === 'log_stream_stopped' && /removed/.test(p.message)),
    );
    runShell(own.engine, 'phoenix', 'echo first; ' + COUNTER);
    await linesAfter(seen, 'phoenix', /container re-created as [0-9a-f]{12}; log resumed/, 10);
    const lines = logLines(seen, 'phoenix');
    const at = lines.findIndex((l) => /re-created/.test(l));
    // The new container's log from its very first line.
    expect(lines[at + 1]).toMatch(/^\S+Z first$/);
    expect(lines[at + 2]).toMatch(/^\S+Z line 1$/);
  });

  it('reports a silent stream as stale, and live again when lines come', async () => {
    runShell(own.engine, 'quiet', 'sleep 3; echo awake; sleep 600');
    const client = connect(own.base);
    const seen = record(client);
    await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: 'quiet' });
    await until('stale, then live', () => {
      const got = statuses(seen, 'quiet').map((s) => s.status);
      return got.includes('stale') && got.includes('live');
    });
    const [stale] = statuses(seen, 'quiet');
    expect(stale).toEqual({
      container_id: 'quiet',
      status: 'stale',
      message: expect.stringMatching(/^no log line for \d+ s$/),
    });
    expect(logLines(seen, 'quiet').some((l) => l.endsWith(' awake'))).toBe(true);
  });
});

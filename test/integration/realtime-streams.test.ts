import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { counterScript, dockerCli, runShell, TEST_IMAGE } from '../engine/engine.js';
import { EngineProxy } from './engine-proxy.js';
import { Dwi, freePort, request, TEST_TOKEN, until } from './harness.js';
import { io } from 'socket.io-client';
import { connect, logLines, record, type Client } from './sockets.js';

const engine = { host: inject('dockerHost') };
const docker = (...args: string[]) => dockerCli(engine, args);
const suffix = Math.random().toString(36).slice(2, 7);
const counter = `counter-${suffix}`;
const TIMESTAMPED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z line \d+$/;

// dwi talks to the engine through a proxy that shows which requests it holds open.
const proxy = new EngineProxy();
let dwi: Dwi;
let url: string;

const openStats = () => proxy.openRequests(/^GET \S+\/stats\b/);

beforeAll(async () => {
  await proxy.start(engine.host.replace('unix://', ''));
  runShell(engine, counter, counterScript('line'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  dwi = await Dwi.start(['-b', `127.0.0.1:${port}`], {
    env: { DWI_DOCKER_HOST: `unix://${proxy.path}` },
  });
});

afterAll(async () => {
  await dwi?.stop();
  proxy.close();
  docker('rm', '-f', counter);
});

describe('stats streams', () => {
  it('share one engine stream among watchers, and stop asking the engine once nobody watches', async () => {
    const watchers = [connect(url), connect(url), connect(url)];
    const seen = watchers.map(record);
    for (const watcher of watchers) {
      const ack = await watcher
        .timeout(10_000)
        .emitWithAck('start_stats_stream', { container_id: counter });
      expect(ack).toEqual({ status: 'stream_started' });
    }
    await until('two samples for every watcher', () =>
      seen.every((s) => s.filter(([e]) => e === 'stats_update').length >= 2),
    );
    const [, sample] = seen[0]!.find(([e]) => e === 'stats_update')!;
    expect(sample).toEqual({
      container_id: counter,
      stats: {
        cpu_percent: expect.any(Number),
        online_cpus: expect.any(Number),
        memory: {
          usage_bytes: expect.any(Number),
          limit_bytes: expect.any(Number),
          percent: expect.any(Number),
        },
        network: { rx_bytes: expect.any(Number), tx_bytes: expect.any(Number) },
        block_io: { read_bytes: expect.any(Number), write_bytes: expect.any(Number) },
        pids: expect.any(Number),
        read: expect.any(String),
      },
    });
    expect(sample.stats.pids).toBeGreaterThan(0);
    expect(openStats()).toHaveLength(1);
    expect((await request(`${url}/metrics`)).body).toMatch(/^dwi_stats_streams_open 1$/m);

    // Two leave politely, the third just goes away: the engine stream must close.
    for (const watcher of watchers.slice(0, 2)) {
      const ack = await watcher
        .timeout(10_000)
        .emitWithAck('stop_stats_stream', { container_id: counter });
      expect(ack).toEqual({ status: 'stream_stopped' });
    }
    expect(seen[0]!.find(([e]) => e === 'stats_stream_stopped')?.[1]).toEqual({
      container_id: counter,
      message: 'Stats stream stopped',
    });
    expect(openStats()).toHaveLength(1);
    watchers[2]!.disconnect();
    await until('no stats request open on the engine', () => openStats().length === 0, 5000);
    expect((await request(`${url}/metrics`)).body).toMatch(/^dwi_stats_streams_open 0$/m);
  });

  it('answer an unknown container and a bad payload with an error', async () => {
    const client = connect(url);
    expect(
      await client.timeout(5000).emitWithAck('start_stats_stream', { container_id: 'nope-none' }),
    ).toEqual({ status: 'error', code: 'not_found', error: 'No such container: nope-none' });
    expect(
      await client.timeout(5000).emitWithAck('start_stats_stream', {} as { container_id: string }),
    ).toMatchObject({ status: 'error', code: 'bad_request' });
  });
});

describe('log streams, opt-in and resumed', () => {
  it('sends log_batch to clients that ask for batches: the same lines, timestamped', async () => {
    await until('110 lines in the log', () =>
      docker('logs', '--tail', '120', counter).split('\n').length > 110 ? true : undefined,
    );
    const batched = connect(url);
    const plain = connect(url);
    const seenBatched = record(batched);
    const seenPlain = record(plain);
    await Promise.all([
      batched
        .timeout(10_000)
        .emitWithAck('start_log_stream', { container_id: counter, batch: true }),
      plain.timeout(10_000).emitWithAck('start_log_stream', { container_id: counter }),
    ]);
    await until('60 batched lines', () => logLines(seenBatched, counter).length > 160);
    expect(seenBatched.some(([e]) => e === 'log_update')).toBe(false);
    const batches = seenBatched.filter(([e]) => e === 'log_batch').map(([, p]) => p);
    expect(batches[0]).toEqual({
      container_id: counter,
      lines: expect.any(Array),
      streams: '1'.repeat(100),
      missed: 0,
    });
    expect(batches[0].lines).toHaveLength(100);
    for (const line of logLines(seenBatched, counter)) expect(line).toMatch(TIMESTAMPED);
    // The same lines as a plain client's, over the stretch both had. Either
    // client's tail may have been read first, so start at the later first line.
    const plainLines = logLines(seenPlain, counter);
    const batchedLines = logLines(seenBatched, counter);
    const batchedFrom = Math.max(0, batchedLines.indexOf(plainLines[0]!));
    const plainFrom = Math.max(0, plainLines.indexOf(batchedLines[0]!));
    const batchedShared = batchedLines.slice(batchedFrom);
    const plainShared = plainLines.slice(plainFrom);
    const overlap = Math.min(batchedShared.length, plainShared.length) - 1;
    expect(overlap).toBeGreaterThan(50);
    expect(batchedShared.slice(0, overlap)).toEqual(plainShared.slice(0, overlap));
  });

  it("tells each batched line's stream, in the first chunk, live and on REST pages", async () => {
    const mixed = `mixed-${suffix}`;
    // Odd lines to stdout, even ones to stderr: the stream follows from the number.
    runShell(
      engine,
      mixed,
      'i=0; while true; do i=$((i+1)); if [ $((i % 2)) = 1 ]; then echo "out $i"; else echo "err $i" >&2; fi; sleep 0.02; done',
    );
    try {
      const page = async (tail: number) =>
        JSON.parse((await request(`${url}/api/containers/${mixed}/logs?tail=${tail}`)).body)
          .data as { logs: string; lines: number; streams: string } | undefined;
      // `docker logs` would print the stderr lines on its own stderr: ask dwi instead.
      // (The container may be a moment away from dwi's model: a 404 meanwhile.)
      await until('20 lines in the log', async () => ((await page(30))?.lines ?? 0) > 20);
      const client = connect(url);
      const seen = record(client);
      const ack = await client
        .timeout(10_000)
        .emitWithAck('start_log_stream', { container_id: mixed, batch: true });
      expect(ack).toEqual({ status: 'stream_started' });
      const batches = () =>
        seen.filter(([e, p]) => e === 'log_batch' && p.container_id === mixed).map(([, p]) => p);
      await until('a first chunk and three live batches', () => batches().length >= 4);
      let lines = 0;
      for (const batch of batches()) {
        expect(batch.streams).toHaveLength(batch.lines.length);
        batch.lines.forEach((line: string, i: number) => {
          const [, name, n] = /^\S+ (out|err) (\d+)$/.exec(line)!;
          expect([name, Number(n) % 2]).toEqual(batch.streams[i] === '1' ? ['out', 1] : ['err', 0]);
        });
        lines += batch.lines.length;
      }
      expect(lines).toBeGreaterThan(20);

      // A REST page says the same, one character per line.
      const { logs, streams } = (await page(10))!;
      expect(streams).toHaveLength(10);
      logs
        .split('\n')
        .slice(0, -1)
        .forEach((line, i) => expect(line.includes(' out ')).toBe(streams[i] === '1'));
      expect(new Set(streams)).toEqual(new Set(['1', '2']));
    } finally {
      docker('rm', '-f', mixed);
    }
  });

  it('gives a reconnecting client the lines it missed (since), none twice', async () => {
    const first = connect(url);
    const seen = record(first);
    await first.timeout(10_000).emitWithAck('start_log_stream', { container_id: counter });
    await until('110 lines', () => logLines(seen, counter).length > 110);
    first.disconnect();
    const had = logLines(seen, counter);
    expect(new Set(had).size).toBe(had.length);
    const last = had.at(-1)!;
    const number = (line: string) => Number(/line (\d+)$/.exec(line)?.[1]);
    // Lines go on while it is away.
    await until('30 lines more in the engine', () =>
      number(docker('logs', '--tail', '1', counter).trim()) > number(last) + 30 ? true : undefined,
    );

    const again = connect(url);
    const seenAgain = record(again);
    const ack = await again.timeout(10_000).emitWithAck('start_log_stream', {
      container_id: counter,
      since: last.split(' ')[0]!,
    });
    expect(ack).toEqual({ status: 'stream_started' });
    await until('40 lines', () => logLines(seenAgain, counter).length > 40);
    const resumed = logLines(seenAgain, counter).map(number);
    // From the very next line on, in order, with no gap and no repeat.
    expect(resumed[0]).toBe(number(last) + 1);
    for (let i = 1; i < resumed.length; i++) expect(resumed[i]).toBe(resumed[i - 1]! + 1);

    const bad = await again
      .timeout(5000)
      .emitWithAck('start_log_stream', { container_id: counter, since: 'yesterday' });
    expect(bad).toMatchObject({ status: 'error', code: 'bad_request' });
  });

  it('recovers a dropped connection: the same session, the broadcasts it missed, its log from the next line', async () => {
    const blinker = `blinker-${suffix}`;
    docker('create', '--init', '--name', blinker, TEST_IMAGE, 'sleep', '600');
    const client: Client = io(url, {
      path: '/socket.io',
      auth: { token: TEST_TOKEN, recover: true },
      transports: ['websocket'],
      reconnectionDelay: 1500,
      reconnectionDelayMax: 1500,
    });
    try {
      const seen = record(client);
      await client.timeout(10_000).emitWithAck('start_log_stream', { container_id: counter });
      await until('110 lines', () => logLines(seen, counter).length > 110);
      const id = client.id;

      // The connection drops (as a flaky network does); while it is away a container starts.
      client.io.engine.close();
      await until('the drop', () => client.disconnected);
      docker('start', blinker);
      await until('the reconnection', () => client.connected, 10_000);
      expect(client.recovered).toBe(true);
      expect(client.id).toBe(id);
      await until('the missed state change', () =>
        seen.some(([e, p]) => e === 'container_state_changed' && p.name === blinker),
      );
      expect(seen.filter(([e]) => e === 'initial_state')).toHaveLength(1);
      const before = logLines(seen, counter).length;
      await until('40 lines more', () => logLines(seen, counter).length > before + 40);
      const numbers = logLines(seen, counter).map((l) => Number(/line (\d+)$/.exec(l)?.[1]));
      for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe(numbers[i - 1]! + 1);
    } finally {
      client.disconnect();
      docker('rm', '-f', blinker);
    }
  });
});

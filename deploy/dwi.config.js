/**
 * dwi's configuration for the original's compose service: its gunicorn_config.py, setting by
 * setting, in dwi's names (gunicorn's). Load it with `dwi -c dwi.config.js`; check it with
 * `dwi --check-config -c dwi.config.js`, and see every effective value with `--print-config`.
 * docs/migrating-from-gunicorn.md maps every gunicorn setting, flag, hook and signal.
 *
 * A value given here is overridden by DWI_CMD_ARGS, a DWI_<SETTING> variable or a flag.
 * Edits take effect on SIGHUP (or at once with --reload, which watches this file).
 */

// Where to listen: every address, port 5000, as the original's `-b 0.0.0.0:5000`.
export const bind = ['0.0.0.0:5000'];

// gunicorn's eventlet worker: dwi's workers are Node's event loop, which "eventlet" names.
export const worker_class = 'eventlet';

// One worker, as the original (which needed one: Flask-SocketIO kept its sessions in the
// worker). dwi routes Socket.IO sessions across workers itself, so more work too.
export const workers = 1;

// A worker whose event loop is blocked this many seconds is killed and replaced.
export const timeout = 120;

// Seconds an idle keep-alive connection stays open.
export const keepalive = 5;

// The access log to stdout and the error log to stderr, as gunicorn's "-".
export const accesslog = '-';
export const errorlog = '-';
export const loglevel = 'warning';

/**
 * The original's logconfig_dict, unchanged but for being JavaScript: gunicorn's logger names
 * mean dwi's own (gunicorn.error is dwi.error, gunicorn.access is dwi.access), and the
 * socket.io and engine.io loggers have the same names. Python's dictConfig shape:
 * formatters, handlers, loggers with level, handlers and propagate.
 */
export const logconfig_dict = {
  version: 1,
  disable_existing_loggers: false,
  formatters: {
    generic: {
      format: '%(asctime)s [%(process)d] [%(levelname)s] %(message)s',
      datefmt: '%Y-%m-%d %H:%M:%S',
      class: 'logging.Formatter',
    },
  },
  handlers: {
    console: {
      class: 'logging.StreamHandler',
      formatter: 'generic',
      stream: 'ext://sys.stdout',
    },
  },
  loggers: {
    'gunicorn.error': { level: 'WARNING', handlers: ['console'], propagate: false },
    'gunicorn.access': { level: 'WARNING', handlers: ['console'], propagate: false },
    'engineio.server': { level: 'ERROR', handlers: ['console'], propagate: false },
    'socketio.server': { level: 'ERROR', handlers: ['console'], propagate: false },
  },
};

/**
 * The original's socket-error filter: its post_worker_init hook added a logging.Filter to
 * these loggers that dropped routine disconnect messages. dwi's noise filter does this
 * already, on the server, access, socket.io, engine.io and root loggers, in every worker from
 * its start: these are its default patterns, written out to show where the original's went
 * (the first seven are the original's; the rest are Node's words for the same events). To
 * hide more, add to this list: setting it replaces the defaults, so they stay written out here.
 * Without this setting the defaults apply as they are.
 */
export const noise_filter = [
  'socket shutdown error',
  'Bad file descriptor',
  'Socket is closed',
  'Connection reset by peer',
  'Broken pipe',
  'Client is gone',
  'Client disconnected',
  'ECONNRESET',
  'EPIPE',
  'socket hang up',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'write after end',
];
// The original's filter on the socketio.server and engineio.server loggers only.
export const noise_filter_socketio = ['Socket error', 'Unexpected packet', 'Invalid session'];
// What the filter hid, counted in one INFO line a minute (0: never).
export const noise_filter_report_interval = 60;

/**
 * The original's hook, in dwi: it runs in each worker once its app is built, before it
 * listens, as gunicorn's does after a worker's init. A hook cannot add a filter to dwi's
 * loggers (the noise_filter settings above are the filter), so this one says which patterns
 * the worker hides, in the error log at INFO (seen with loglevel info or debug).
 */
export function post_worker_init(worker) {
  const { noise_filter: patterns, noise_filter_socketio: socketio } = worker.settings;
  worker.log.info(
    `worker ${worker.id} (pid ${worker.pid}): noise filter hides ${patterns.length} patterns, ` +
      `and ${socketio.length} more on the socket.io and engine.io loggers`,
  );
}

/** Crash reports as the badges read them: the newest of a container or project, in words. Pure. */
import type { CrashSummary } from '../../shared/crashes.js';

/** How long a crash marks its container and project. */
export const BADGE_MS = 24 * 3600_000;

/** A report into a list, newest first: a loop's report counted again replaces its old self. */
export function withCrash(crashes: readonly CrashSummary[], crash: CrashSummary): CrashSummary[] {
  return [crash, ...crashes.filter((known) => known.id !== crash.id)].sort(
    (a, b) => b.last_at.localeCompare(a.last_at) || b.id - a.id,
  );
}

/** The newest report in `crashes` that `belongs` and is no older than BADGE_MS at `now`. */
export function recentCrashOf(
  crashes: readonly CrashSummary[],
  belongs: (crash: CrashSummary) => boolean,
  now: number,
): CrashSummary | undefined {
  let newest: CrashSummary | undefined;
  for (const crash of crashes) {
    if (!belongs(crash) || Date.parse(crash.last_at) < now - BADGE_MS) continue;
    if (newest === undefined || crash.last_at > newest.last_at) newest = crash;
  }
  return newest;
}

/** "exit code 3", "killed for memory", "unhealthy": why, in words. */
export function crashReasonText(crash: Pick<CrashSummary, 'reason' | 'exit_code'>): string {
  if (crash.reason === 'oom') return 'killed for memory (OOM)';
  if (crash.reason === 'unhealthy') return 'turned unhealthy';
  return `exited with code ${crash.exit_code ?? '?'}`;
}

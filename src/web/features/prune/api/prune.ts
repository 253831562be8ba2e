/**
 * The prune preview (read from the engine each time it is asked; it removes nothing) and the
 * confirm that removes exactly the previewed items, whose progress and report stay on the page
 * (a store outside React, so leaving the page and coming back still shows them).
 */
import { queryOptions } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import type { PruneConfirm, PruneItem, PrunePreview } from '../../../../shared/prune.js';
import { ApiFailure, callForReply } from '../../../lib/api.js';
import { batches, type PruneChoice } from '../lib/choices.js';

export const previewQuery = (choice: PruneChoice) =>
  queryOptions({
    queryKey: ['prune-preview', choice.id],
    queryFn: ({ signal }) =>
      callForReply('previewPrune', {
        params: { kind: choice.kind },
        query: { all: choice.all },
        signal,
      }),
    // Always what the engine holds now: read on every visit, forgotten when left.
    staleTime: 0,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    retry: false,
  });

export type PruneRun =
  | { state: 'running'; choiceId: string; step: string }
  | { state: 'done'; choiceId: string; reply: PruneConfirm; requestIds: string[] }
  | {
      state: 'error';
      choiceId: string;
      message: string;
      requestId: string | null;
      /** What the requests before the failed one did (more than the server's limit). */
      partial: PruneConfirm | null;
      requestIds: string[];
    };

let run: PruneRun | null = null;
const listeners = new Set<() => void>();

function setRun(next: PruneRun | null): void {
  run = next;
  for (const listener of listeners) listener();
}

export function usePruneRun(): PruneRun | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => run,
  );
}

export const clearPruneRun = () => setRun(null);

/** Removes exactly `items` (the preview's), in requests of at most the server's limit. */
export async function confirmPrune(
  choice: PruneChoice,
  preview: Pick<PrunePreview, 'items' | 'max_items'>,
): Promise<void> {
  const choiceId = choice.id;
  setRun({ state: 'running', choiceId, step: 'starting' });
  const merged: PruneConfirm = {
    kind: choice.kind,
    all: choice.all,
    results: [],
    removed: 0,
    skipped: 0,
    failed: 0,
    space_reclaimed: 0,
  };
  const requestIds: string[] = [];
  try {
    for (const batch of batches<PruneItem>(preview.items, preview.max_items)) {
      const { data, requestId } = await callForReply('confirmPrune', {
        params: { kind: choice.kind },
        body: { all: choice.all, items: batch.map(({ type, id }) => ({ type, id })) },
        onProgress: (step) => setRun({ state: 'running', choiceId, step }),
      });
      if (requestId) requestIds.push(requestId);
      merged.results.push(...data.results);
      merged.removed += data.removed;
      merged.skipped += data.skipped;
      merged.failed += data.failed;
      merged.space_reclaimed += data.space_reclaimed;
    }
    setRun({ state: 'done', choiceId, reply: merged, requestIds });
  } catch (err) {
    const failure = err instanceof ApiFailure ? err : undefined;
    setRun({
      state: 'error',
      choiceId,
      message: failure?.message ?? (err as Error).message,
      requestId: failure?.requestId ?? null,
      partial: merged.results.length > 0 ? merged : null,
      requestIds,
    });
  }
}

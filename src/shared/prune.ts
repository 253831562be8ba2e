/**
 * Prune with an item-by-item preview, and a confirm that removes exactly the previewed items:
 * the request and reply shapes the server serializes with and the web app types its calls from.
 */
import { z } from 'zod';

export const PRUNE_KINDS = ['containers', 'images', 'volumes', 'networks', 'all'] as const;
export type PruneKind = (typeof PRUNE_KINDS)[number];

export const PRUNE_ITEM_TYPES = ['container', 'image', 'volume', 'network'] as const;
export const PruneItemTypeSchema = z.enum(PRUNE_ITEM_TYPES);
export type PruneItemType = z.infer<typeof PruneItemTypeSchema>;

/** The item types a prune of `kind` covers. */
export function pruneItemTypes(kind: PruneKind): PruneItemType[] {
  return kind === 'all' ? [...PRUNE_ITEM_TYPES] : [kind.slice(0, -1) as PruneItemType];
}

/** The most items one confirm takes; a client with more sends them in several requests. */
export const MAX_PRUNE_ITEMS = 1000;

export const PruneItemSchema = z.object({
  type: PruneItemTypeSchema,
  id: z
    .string()
    .describe(
      'What confirm takes: the full container id, image id ("sha256:..."), volume name or network id.',
    ),
  name: z
    .string()
    .describe("The container, volume or network name; an image's first tag, else its short id."),
  tags: z.array(z.string()).describe("An image's tags; [] for a dangling image and other types."),
  size_bytes: z
    .int()
    .nullable()
    .describe(
      "The space it holds: a container's writable layer, an image's size (layers shared with kept images included), a volume's data; null when unknown or none (networks).",
    ),
  reason: z
    .enum(['stopped', 'dangling', 'unused'])
    .describe(
      'stopped: a container not running; dangling: an image without a tag; unused: the rest.',
    ),
  why: z.string().describe('Why it would go, in a sentence.'),
  created: z.string().nullable().describe('ISO 8601; null when the engine does not say.'),
  exit_code: z.int().nullable().describe("A stopped container's exit code; null otherwise."),
  finished_at: z
    .string()
    .nullable()
    .describe('When a stopped container last exited (ISO 8601); null if it never ran.'),
});
export type PruneItem = z.infer<typeof PruneItemSchema>;

export const PrunePreviewSchema = z.object({
  kind: z.enum(PRUNE_KINDS),
  all: z.boolean().describe('Images: every unused one, not only dangling ones.'),
  items: z.array(PruneItemSchema),
  total: z.object({
    items: z.int(),
    size_bytes: z
      .int()
      .describe('The sizes added up (layers shared between images count once per image).'),
  }),
  max_items: z.int().describe('The most items one confirm takes.'),
});
export type PrunePreview = z.infer<typeof PrunePreviewSchema>;

export const PruneConfirmRequestSchema = z.strictObject({
  all: z
    .boolean()
    .default(false)
    .describe('As in the preview: images may be unused rather than dangling.'),
  items: z
    .array(
      z.strictObject({
        type: PruneItemTypeSchema,
        id: z.string().min(1).max(255),
      }),
    )
    .max(MAX_PRUNE_ITEMS)
    .describe("The preview's items (type and id) to remove; each is checked again first."),
});
export type PruneConfirmRequest = z.input<typeof PruneConfirmRequestSchema>;

export const PRUNE_OUTCOMES = ['removed', 'skipped', 'failed'] as const;

export const PruneItemResultSchema = z.object({
  type: PruneItemTypeSchema,
  id: z.string(),
  name: z.string(),
  outcome: z
    .enum(PRUNE_OUTCOMES)
    .describe(
      'removed; skipped: it changed since the preview and is no longer prunable (kept); failed: the engine refused.',
    ),
  message: z
    .string()
    .nullable()
    .describe("Why it was skipped, or the engine's error; null when removed."),
  size_bytes: z.int().nullable(),
});
export type PruneItemResult = z.infer<typeof PruneItemResultSchema>;

export const PruneConfirmSchema = z.object({
  kind: z.enum(PRUNE_KINDS),
  all: z.boolean(),
  results: z
    .array(PruneItemResultSchema)
    .describe('One per item asked for: containers first, then networks, images, volumes.'),
  removed: z.int(),
  skipped: z.int(),
  failed: z.int(),
  space_reclaimed: z.int().describe('The sizes of the removed items added up.'),
});
export type PruneConfirm = z.infer<typeof PruneConfirmSchema>;

import { createHash } from 'node:crypto';
import { basename, extname } from 'node:path';
import { HASH_TAG_PREFIX, MANAGED_TAG, OWNER_LABEL, OWNER_PATTERN, OWNER_TAG_PREFIX, ownerTag } from '../dashboard/tags.ts';
import { normalize } from './normalize.ts';

// Which configuration published a dashboard, and whether it is still what that configuration wrote.
// Several repositories may publish to one Grafana with this tool, so the managed tag alone cannot say
// whose a dashboard is: each configuration has an owner id, and every dashboard it publishes carries
//   - the tag "kinesis-dashboards-owner:<owner>" (both APIs; tags survive UI edits, exports, imports),
//   - on the Kubernetes-style API also the label "kinesis-dashboards/owner: <owner>",
//   - the tag "kinesis-dashboards-sha:<hash>": a hash of the dashboard as published (without this tag),
//     so a dashboard edited in Grafana afterwards is recognised as changed, whatever API wrote it.
// The marks are added when publishing: `generate` output (out/) carries none of them. Their names:
// src/dashboard/tags.ts.

const tagsOf = (d: Record<string, unknown>): string[] => (Array.isArray(d.tags) ? d.tags.filter((t): t is string => typeof t === 'string') : []);

/**
 * The owner a configuration file gets when it names none: its file name without the extension,
 * lower-cased ("config/Kinesis-Prod.json" → "kinesis-prod"). Shown in every publish; a configuration
 * must still write it down before `--prune` acts on it.
 */
export function defaultOwner(configPath: string): string | undefined {
  const name = basename(configPath, extname(configPath))
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 40)
    .replace(/[^a-z0-9]+$/, '');
  return OWNER_PATTERN.test(name) ? name : undefined;
}

/** The hash recorded in the hash tag: the dashboard's compared content, without the hash tag itself. */
export function contentHash(dashboard: Record<string, unknown>): string {
  const tags = tagsOf(dashboard).filter((t) => !t.startsWith(HASH_TAG_PREFIX));
  const text = JSON.stringify(normalize({ ...dashboard, tags }));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The dashboard with this owner's tag and the hash of its content (any earlier owner or hash tag replaced). */
export function markOwned(dashboard: Record<string, unknown>, owner: string): Record<string, unknown> {
  const tags = tagsOf(dashboard).filter((t) => !t.startsWith(OWNER_TAG_PREFIX) && !t.startsWith(HASH_TAG_PREFIX));
  const owned = { ...dashboard, tags: [...tags, ownerTag(owner)] };
  return { ...owned, tags: [...owned.tags, `${HASH_TAG_PREFIX}${contentHash(owned)}`] };
}

/**
 * Why a dashboard that carries this owner's marks must not be deleted, if so: `never` for what no flag
 * changes (no marks), `changed` for a dashboard edited since the tool wrote it (`--force` deletes it).
 */
export function deletionRefusal(dashboard: Record<string, unknown>, owner: string, labels?: Record<string, string>): { never?: string; changed?: string } {
  const tags = tagsOf(dashboard);
  const missing = [
    ...(tags.includes(MANAGED_TAG) ? [] : [`the "${MANAGED_TAG}" tag`]),
    ...(tags.includes(ownerTag(owner)) ? [] : [`the "${ownerTag(owner)}" tag`]),
    ...(labels && labels[OWNER_LABEL] !== owner ? [`the label ${OWNER_LABEL}=${owner}`] : []),
  ];
  if (missing.length) return { never: `it lacks ${missing.join(' and ')}: only dashboards carrying all of this owner's marks are deleted` };
  const recorded = tags.find((t) => t.startsWith(HASH_TAG_PREFIX))?.slice(HASH_TAG_PREFIX.length);
  if (!recorded) return { changed: `it has no "${HASH_TAG_PREFIX}…" tag, so nothing shows it is as this tool wrote it; pass --force to delete it anyway` };
  if (recorded !== contentHash(dashboard)) return { changed: 'it was changed in Grafana since this tool wrote it (its content no longer matches its hash tag); pass --force to delete it anyway' };
  return {};
}

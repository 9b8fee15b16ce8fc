import { UID_PATTERN } from '../config/schema.ts';
import { UsageError } from '../errors.ts';
import { isObject } from '../json.ts';
import { MANAGED_TAG } from '../dashboard/tags.ts';
import { storedTitle } from './normalize.ts';

/**
 * What is sent to Grafana: checked, and marked as ours. A `${DS_...}` placeholder belongs to the
 * sharing format, which only the import endpoint substitutes: /api/dashboards/db would store it
 * verbatim and every panel would lose its datasource.
 */
export function prepareForPublish(dashboard: unknown, source: string): Record<string, unknown> {
  if (!isObject(dashboard)) throw new UsageError(`${source}: not a dashboard JSON object`);
  const d = dashboard;
  if (typeof d.uid !== 'string' || !UID_PATTERN.test(d.uid)) {
    throw new UsageError(`${source}: uid: a dashboard needs a uid of 1 to 40 letters, digits, "-" or "_" to be published safely`);
  }
  if (typeof d.title !== 'string' || !d.title.trim()) throw new UsageError(`${source}: title: a dashboard needs a title`);
  const placeholder = /\$\{DS_[A-Za-z0-9_]*\}/.exec(JSON.stringify(d));
  if (placeholder || '__inputs' in d) {
    throw new UsageError(
      `${source}: contains ${placeholder ? placeholder[0] : '__inputs'} from the import (sharing) format, which /api/dashboards/db would keep verbatim; publish the output of a plain \`generate\`, or import this file through Grafana's import`,
    );
  }
  const tags = Array.isArray(d.tags) ? (d.tags as unknown[]).filter((t): t is string => typeof t === 'string') : [];
  // Sent as Grafana will store it, so the publish line's URL slug and the stored title agree.
  const title = storedTitle(d.title);
  const marked = tags.includes(MANAGED_TAG);
  return marked && title === d.title ? d : { ...d, title, ...(marked ? {} : { tags: [...tags, MANAGED_TAG] }) };
}

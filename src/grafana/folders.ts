import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';
import { AmbiguousWriteError, HttpError, NotGrafanaError, describeForeign, request, type Connection } from './http.ts';
import { isObject } from '../json.ts';

export interface Folder {
  uid: string;
  title: string;
  parentUid?: string;
}

export class FolderError extends Error {
  override name = 'FolderError';
}

const isFolder = (v: unknown): v is Folder => isObject(v) && typeof v.uid === 'string' && v.uid !== '' && typeof v.title === 'string';

function notGrafana(what: string, status: number, body: unknown): NotGrafanaError {
  return new NotGrafanaError(`${what}: ${describeForeign(status, JSON.stringify(body) ?? '')}: not a folder as Grafana gives it; is the URL Grafana's?`);
}

/** GET /api/folders/:uid; a missing folder is a clear error, not a dashboard at the root. */
export async function requireFolder(conn: Connection, uid: string): Promise<Folder> {
  let res;
  try {
    res = await request(conn, 'GET', `/api/folders/${encodeURIComponent(uid)}`);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404 && isObject(err.body)) {
      throw new FolderError(`folder uid "${uid}" does not exist: create it first, or use --folder-title to find or create it by name`);
    }
    throw err;
  }
  if (!isFolder(res.body) || res.body.uid !== uid) throw notGrafana(`GET /api/folders/${uid}`, res.status, res.body);
  return res.body;
}

/** Grafana's page size for folder lists; pages are read until a short one. */
const PAGE = 1000;
/** A server that ignores `page` would return the first page forever: stop after this many. */
const MAX_PAGES = 100;

async function children(conn: Connection, parentUid: string | undefined): Promise<Folder[]> {
  const all: Folder[] = [];
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const res = await request(conn, 'GET', '/api/folders', { query: { parentUid, limit: String(PAGE), page: String(page) } });
    const batch = res.body;
    if (!Array.isArray(batch) || !batch.every(isFolder)) throw notGrafana('GET /api/folders', res.status, batch);
    const fresh = batch.filter((f) => !seen.has(f.uid));
    for (const f of fresh) seen.add(f.uid);
    all.push(...fresh);
    if (batch.length < PAGE || !fresh.length) break;
  }
  if (parentUid !== undefined && all.some((f) => f.parentUid !== parentUid)) throw new FolderError(NO_NESTING);
  // Same-title siblings are allowed: always the same one of them, whatever order the server lists them in.
  return all.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
}

/**
 * Without nested folders (before Grafana 11, or with the feature off) GET /api/folders ignores
 * parentUid and lists every folder, and POST /api/folders ignores it and creates at the root
 * (pkg/api/folder.go, GetFolders and searchFolders; pkg/services/folder/folderimpl/folder.go, Create).
 */
const NO_NESTING =
  'this Grafana has no nested folders (before 11, or the nestedFolders feature is off): it ignores the parent of a folder, ' +
  'so a nested path would put every level at the root and a new copy there on every run; use a one-level --folder-title, or --folder-uid';

async function findChild(conn: Connection, parent: string | undefined, title: string): Promise<Folder | undefined> {
  return (await children(conn, parent)).find((f) => f.title === title && (f.parentUid || undefined) === parent);
}

/**
 * The uid this tool gives a folder it creates, from its parent and title: how a later run recognizes a
 * folder the tool created (and still has where and as it created it), for `--prune-folders`. Grafana's
 * folder answers carry no description or label to mark it otherwise (pkg/api/dtos/folder.go).
 */
export function createdFolderUid(parent: string | undefined, title: string): string {
  return `kd-${createHash('sha256').update(`${parent ?? ''}/${title}`).digest('hex').slice(0, 20)}`;
}

async function createFolder(conn: Connection, parent: string | undefined, title: string): Promise<string> {
  const body = { uid: createdFolderUid(parent, title), title, ...(parent ? { parentUid: parent } : {}) };
  for (let attempt = 1; ; attempt++) {
    let lost: AmbiguousWriteError;
    try {
      const res = await request(conn, 'POST', '/api/folders', { body });
      if (!isFolder(res.body)) throw new AmbiguousWriteError(`POST /api/folders: ${describeForeign(res.status, JSON.stringify(res.body) ?? '')}: the folder may or may not have been created`);
      // The created folder comes back with its parent; without it, the server ignored the parent and
      // made the folder at the root (no nested folders).
      if ((res.body.parentUid || undefined) !== parent) {
        throw new FolderError(`${NO_NESTING}. It has just created "${title}" (uid ${res.body.uid}) at the root; delete it there if it is not wanted`);
      }
      return res.body.uid;
    } catch (err) {
      if (!(err instanceof AmbiguousWriteError)) throw err;
      lost = err;
    }
    // Grafana allows same-title siblings: after an unanswered create, look before creating again.
    let found: Folder | undefined;
    try {
      found = await findChild(conn, parent, title);
    } catch (err) {
      if (err instanceof FolderError) throw err;
      throw new FolderError(`creating "${title}": ${lost.message}; the read that should have told failed too (${(err as Error).message}): it may exist now, and a later run finds it rather than creating another`);
    }
    if (found) return found.uid;
    if (attempt >= 3) throw new FolderError(`creating "${title}": ${lost.message}; Grafana shows it was not created, after 3 tries`);
  }
}

/** "Team/Kinesis" → ["Team", "Kinesis"]; "a\/b" keeps a slash in a title. */
export function splitFolderPath(path: string): string[] {
  const parts = path.split(/(?<!\\)\//).map((p) => p.replace(/\\\//g, '/').trim());
  if (parts.some((p) => !p)) throw new UsageError(`--folder-title "${path}": empty folder name; write it like "Team/Kinesis"`);
  return parts;
}

/**
 * Finds each level of a folder path by title under its parent, creating what is missing
 * (nested folders via parentUid). Idempotent: a second run finds what the first created.
 * With `dryRun`, nothing is created and `undefined` says the folder does not exist yet.
 */
export async function ensureFolderPath(conn: Connection, titles: string[], dryRun: boolean): Promise<{ uid?: string; created: string[] }> {
  let parent: string | undefined;
  const created: string[] = [];
  for (const [i, title] of titles.entries()) {
    const found = await findChild(conn, parent, title);
    if (found) {
      parent = found.uid;
      continue;
    }
    const path = titles.slice(0, i + 1).join('/');
    if (dryRun) return { created: [...created, path] };
    parent = await createFolder(conn, parent, title);
    created.push(path);
  }
  return { uid: parent ?? '', created };
}

/**
 * Deletes a folder this tool created once it holds nothing (no dashboard, no folder), then its parent
 * the same way. Any other folder is kept: one not created by the tool (its uid is not the one the tool
 * gives it where it is and under its title), or one with anything in it. Returns what was deleted and
 * what was kept, with why. DELETE /api/folders/:uid (pkg/api/folder.go, DeleteFolder) refuses a folder
 * with alert rules unless asked to delete them, which is never asked here.
 */
export async function removeCreatedFolderIfEmpty(conn: Connection, uid: string): Promise<{ deleted: Folder[]; kept?: { folder: string; why: string } }> {
  const deleted: Folder[] = [];
  for (let at: string | undefined = uid; at; ) {
    const res = await request(conn, 'GET', `/api/folders/${encodeURIComponent(at)}`, { notFoundIsAnswer: true });
    if (res.status === 404) return { deleted };
    if (!isFolder(res.body)) throw notGrafana(`GET /api/folders/${at}`, res.status, res.body);
    const folder = res.body;
    if (folder.uid !== createdFolderUid(folder.parentUid || undefined, folder.title)) {
      return deleted.length ? { deleted } : { deleted, kept: { folder: folder.title, why: 'not created by kinesis-dashboards where it is now' } };
    }
    const inside = await request(conn, 'GET', `/api/search?folderUIDs=${encodeURIComponent(at)}&limit=1`);
    if (!Array.isArray(inside.body)) throw notGrafana(`GET /api/search?folderUIDs=${at}`, inside.status, inside.body);
    if (inside.body.length) return deleted.length ? { deleted } : { deleted, kept: { folder: folder.title, why: 'it is not empty' } };
    try {
      await request(conn, 'DELETE', `/api/folders/${encodeURIComponent(at)}`);
    } catch (err) {
      if (err instanceof HttpError) return { deleted, kept: { folder: folder.title, why: `Grafana refused to delete it (HTTP ${err.status})` } };
      throw err;
    }
    deleted.push(folder);
    at = folder.parentUid || undefined;
  }
  return { deleted };
}

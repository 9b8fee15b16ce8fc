import { UsageError } from '../errors.ts';
import { AmbiguousWriteError, HttpError, request, type Connection } from './http.ts';

interface Folder {
  uid: string;
  title: string;
  parentUid?: string;
}

export class FolderError extends Error {
  override name = 'FolderError';
}

/** GET /api/folders/:uid; a missing folder is a clear error, not a dashboard at the root. */
export async function requireFolder(conn: Connection, uid: string): Promise<Folder> {
  try {
    return (await request(conn, 'GET', `/api/folders/${encodeURIComponent(uid)}`)).body as Folder;
  } catch (err) {
    if (err instanceof HttpError && err.status === 404) {
      throw new FolderError(`folder uid "${uid}" does not exist: create it first, or use --folder-title to find or create it by name`);
    }
    throw err;
  }
}

async function children(conn: Connection, parentUid: string | undefined): Promise<Folder[]> {
  const all: Folder[] = [];
  const limit = 1000;
  for (let page = 1; ; page++) {
    const res = await request(conn, 'GET', '/api/folders', { query: { parentUid, limit: String(limit), page: String(page) } });
    const batch = res.body as Folder[];
    all.push(...batch);
    if (batch.length < limit) return all;
  }
}

async function findChild(conn: Connection, parent: string | undefined, title: string): Promise<Folder | undefined> {
  return (await children(conn, parent)).find((f) => f.title === title && (f.parentUid || undefined) === parent);
}

async function createFolder(conn: Connection, parent: string | undefined, title: string): Promise<string> {
  const body = { title, ...(parent ? { parentUid: parent } : {}) };
  for (let attempt = 0; ; attempt++) {
    try {
      return ((await request(conn, 'POST', '/api/folders', { body })).body as Folder).uid;
    } catch (err) {
      // Grafana allows same-title siblings: after an unanswered create, look before creating again.
      if (!(err instanceof AmbiguousWriteError) || attempt >= 2) throw err;
      const found = await findChild(conn, parent, title);
      if (found) return found.uid;
    }
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

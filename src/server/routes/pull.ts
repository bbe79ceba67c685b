/**
 * `GET /api/v1/sync/pull?cursor=…&limit=…`: the library's entries newer than the
 * cursor, in version order, each at its latest version, tombstones included.
 */
import type { Handler } from 'hono';
import { parseWithMessages, pullQuerySchema, type PullResponse } from '../../domain';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { makeCursor, readCursor } from '../store/cursor';
import { entriesAfter } from '../store/entries';

export function pullRoute(deps: ServerDeps): Handler<Env> {
  return async (c) => {
    const query = parseWithMessages(pullQuerySchema, { cursor: c.req.query('cursor'), limit: c.req.query('limit') }, langOf(c));
    if (!query.ok) return errorReply(c, 'invalid_request', query.errors);
    const { libraryId } = c.get('device');
    const given = query.value.cursor ?? '';
    const after = given === '' ? 0 : readCursor(deps.cursorKey, libraryId, given);
    if (after === null) return errorReply(c, 'invalid_cursor');

    const page = await entriesAfter(deps.database.db, libraryId, after, query.value.limit);
    const last = page.entries[page.entries.length - 1];
    const reply: PullResponse = {
      entries: page.entries.map((e) => ({ ...e.entry, version: e.version })) as PullResponse['entries'],
      cursor: makeCursor(deps.cursorKey, libraryId, last ? last.version : after),
      hasMore: page.hasMore,
    };
    return c.json(reply);
  };
}

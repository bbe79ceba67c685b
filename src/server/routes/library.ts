/**
 * `GET /api/v1/library` (the library, its KPI over the stored entries with the current
 * rulebook, the last push) and `GET /api/v1/rulebook`.
 */
import type { Handler } from 'hono';
import { computeKpi, type LibraryResponse } from '../../domain';
import type { Env, ServerDeps } from '../context';
import { allEntries } from '../store/entries';

export function libraryRoute(deps: ServerDeps): Handler<Env> {
  const { db } = deps.database;
  return async (c) => {
    const { libraryId, library, lastPushAt } = c.get('device');
    const [entries, rulebook] = await Promise.all([allEntries(db, libraryId), deps.rulebooks.current()]);
    const reply: LibraryResponse = {
      library,
      kpi: computeKpi(entries, library, rulebook, deps.now()),
      lastPushAt,
    };
    return c.json(reply);
  };
}

export function rulebookRoute(deps: ServerDeps): Handler<Env> {
  return async (c) => c.json(await deps.rulebooks.current());
}

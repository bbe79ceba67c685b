/**
 * The monitoring data routes (domain/monitor.ts has the contract): the figures of an
 * area, its libraries, one library. Every area is bounded by the supervisor's scope
 * (monitor-area.ts). Stored KPIs that are out of date in the area are recomputed
 * before anything is aggregated (kpi-refresh.ts), so a figure is never yesterday's.
 */
import type { Context, Handler } from 'hono';
import {
  computeKpi,
  MONITOR_LIBRARY_LIMIT,
  type Area,
  type MonitorLibraries,
  type MonitorLibraryDetail,
  type MonitorSummary,
} from '../../domain';
import { idSchema } from '../../domain/text';
import type { Env, ServerDeps } from '../context';
import { errorReply, langOf } from '../errors';
import { inScope, parseMonitorQuery, resolveArea, type MonitorQuery } from '../monitor-area';
import { allEntries } from '../store/entries';
import { findLibrary } from '../store/libraries';
import { areaFigures, isStale, libraryRows, sumFigures } from '../store/monitor';

/** The request's query, validated and bounded by the scope; or the error reply. */
export async function scopedQuery(deps: ServerDeps, c: Context<Env>): Promise<{ ok: true; query: MonitorQuery } | { ok: false; reply: Response }> {
  const parsed = parseMonitorQuery((key) => c.req.query(key), langOf(c));
  if (!parsed.ok) return { ok: false, reply: errorReply(c, 'invalid_request', parsed.errors) };
  const area = await resolveArea(deps.database.db, c.get('supervisor').scope, parsed.value.area);
  if (!area) return { ok: false, reply: errorReply(c, 'out_of_scope') };
  return { ok: true, query: { ...parsed.value, area } };
}

/** The area's name as its total row shows it. */
export function areaName(area: Area): string {
  return area.regency ?? area.province ?? 'Indonesia';
}

/**
 * The figures of an area. The aggregate also counts the stored KPIs that are out of
 * date; only when there are some (a push just landed, a new day, a new rulebook before
 * the sweep) are they recomputed and the aggregate run again — so the usual national
 * summary is one query over the stored KPIs, not a freshness check and then a query.
 */
export async function buildSummary(deps: ServerDeps, area: Area): Promise<MonitorSummary> {
  const { db } = deps.database;
  const childLevel = area.regency !== undefined ? 'none' : area.province !== undefined ? 'regency' : 'province';
  const figuresNow = async () => {
    const now = deps.now();
    const rulebook = await deps.rulebooks.current();
    const { figures, outdated } = await areaFigures(db, area, childLevel === 'none' ? null : childLevel, now, rulebook.id, areaName(area));
    return { now, rulebook, figures, outdated };
  };
  let read = await figuresNow();
  if (read.outdated > 0) {
    await deps.kpis.refreshArea(area);
    read = await figuresNow();
  }
  const { now, rulebook, figures } = read;
  const children = childLevel === 'none' ? [] : figures;
  const total = childLevel === 'none' ? figures[0] : sumFigures(areaName(area), children);
  return { area, rulebookId: rulebook.id, rulebookTitle: rulebook.title, asOf: now.toISOString(), total, children, childLevel };
}

/** The libraries matching the query; at most `limit` (exports take them all). */
export async function buildLibraries(deps: ServerDeps, query: MonitorQuery, limit: number | null): Promise<MonitorLibraries> {
  await deps.kpis.refreshArea(query.area);
  const { rows, truncated } = await libraryRows(deps.database.db, query.area, query, deps.now(), limit);
  return { area: query.area, libraries: rows, truncated };
}

export function summaryRoute(deps: ServerDeps): Handler<Env> {
  return async (c) => {
    const scoped = await scopedQuery(deps, c);
    if (!scoped.ok) return scoped.reply;
    return c.json(await buildSummary(deps, scoped.query.area));
  };
}

export function librariesRoute(deps: ServerDeps): Handler<Env> {
  return async (c) => {
    const scoped = await scopedQuery(deps, c);
    if (!scoped.ok) return scoped.reply;
    return c.json(await buildLibraries(deps, scoped.query, MONITOR_LIBRARY_LIMIT));
  };
}

/**
 * One library. A library outside the scope is `404 not_found`, exactly like one that
 * does not exist, so ids cannot be probed. Its KPI is computed here, over its entries
 * with the current rulebook — what a fresh stored KPI holds, without waiting for one.
 */
export function libraryDetailRoute(deps: ServerDeps): Handler<Env> {
  const { db } = deps.database;
  return async (c) => {
    // Only what can be a library id is looked up (in any case, as everywhere): a NUL
    // would fail PostgreSQL's query, and nothing else can name a library anyway.
    const id = idSchema.safeParse(c.req.param('id') ?? '');
    const found = id.success ? await findLibrary(db, id.data) : null;
    if (!found || !inScope(c.get('supervisor').scope, found.library)) return errorReply(c, 'not_found');
    const now = deps.now();
    const [entries, rulebook] = await Promise.all([allEntries(db, found.library.id), deps.rulebooks.current()]);
    const reply: MonitorLibraryDetail = {
      library: found.library,
      kpi: computeKpi(entries, found.library, rulebook, now),
      rulebookTitle: rulebook.title,
      sustainedStrategy: rulebook.green.sustained.strategy,
      lastPushAt: found.lastPushAt,
      stale: isStale(found.lastPushAt, found.createdAt, now),
    };
    return c.json(reply);
  };
}

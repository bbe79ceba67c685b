/**
 * What the monitoring section shows, read from and written to the address (`#/pantau…`),
 * so that back goes up a level and a view can be bookmarked:
 *   #/pantau                                  the supervisor's own scope
 *   #/pantau?provinsi=Jawa%20Timur             a province
 *   #/pantau?provinsi=…&kabupaten=…&cari=…&warna=hijau   (or &belum-sinkron=ya)
 *   #/pantau/perpustakaan/<id>                 one library
 * and the API addresses each view reads (src/domain/monitor.ts).
 */
import { API_BASE, COLOURS, type Area, type Colour, type Scope } from '../../domain';
import { MONITOR_BASE } from '../../domain/monitor';
import { MONITOR_QUERY } from './link';

/**
 * Which libraries the list shows: all, those of one colour (green for awards, red and grey
 * to call), or those marked "belum sinkron 30+ hari".
 */
export type ListTab = 'all' | Colour | 'stale';

/** A colour's tab, and a `warna` the address may hold. */
export const isColour = (value: string): value is Colour => (COLOURS as readonly string[]).includes(value);

export type MonitorView =
  | { kind: 'area'; area: Area; q: string; tab: ListTab }
  | { kind: 'library'; id: string };

/** `view` is what follows `#/pantau`. */
export function parseView(view: string): MonitorView {
  const [path, query = ''] = view.split('?', 2);
  const lib = /^\/perpustakaan\/([^/]+)$/.exec(path);
  if (lib) return { kind: 'library', id: safeDecode(lib[1]) };
  const p = new URLSearchParams(query);
  const area: Area = {};
  const province = p.get('provinsi')?.trim();
  const regency = p.get('kabupaten')?.trim();
  if (province) area.province = province;
  if (regency) area.regency = regency;
  // `warna` (MONITOR_QUERY.green, named when it took only hijau) takes any colour.
  const colour = p.get(MONITOR_QUERY.green) ?? '';
  const tab: ListTab = isColour(colour) ? colour : p.get(MONITOR_QUERY.stale) === 'ya' ? 'stale' : 'all';
  return { kind: 'area', area, q: p.get(MONITOR_QUERY.search)?.trim() ?? '', tab };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The hash of an area view. */
export function areaHash(area: Area, options: { q?: string; tab?: ListTab } = {}): string {
  const p = new URLSearchParams();
  if (area.province) p.set('provinsi', area.province);
  if (area.regency) p.set('kabupaten', area.regency);
  if (options.q) p.set(MONITOR_QUERY.search, options.q);
  if (options.tab && isColour(options.tab)) p.set(MONITOR_QUERY.green, options.tab);
  if (options.tab === 'stale') p.set(MONITOR_QUERY.stale, 'ya');
  const query = p.toString();
  return `#/pantau${query ? `?${query}` : ''}`;
}

export function libraryHash(id: string): string {
  return `#/pantau/perpustakaan/${encodeURIComponent(id)}`;
}

/** An area with nothing chosen means the supervisor's own scope. */
export function effectiveArea(area: Area, scope: Scope): Area {
  if (area.province || area.regency) return area;
  if (scope.level === 'province') return { province: scope.name };
  if (scope.level === 'regency') return { regency: scope.name };
  return {};
}

/** Whether `area` lies inside `scope` as far as the names tell (the server decides). */
export function inScope(area: Area, scope: Scope): boolean {
  if (scope.level === 'national') return true;
  if (scope.level === 'province') return area.province === scope.name;
  return area.regency === scope.name;
}

const api = (path: string, params: Record<string, string | undefined> = {}) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) p.set(k, v);
  const query = p.toString();
  return `${API_BASE}${MONITOR_BASE}${path}${query ? `?${query}` : ''}`;
};

export const meUrl = () => api('/me');
export const loginUrl = () => api('/login');
export const logoutUrl = () => api('/logout');
export const summaryUrl = (area: Area) => api('/summary', { province: area.province, regency: area.regency });
/** The list's filter as the API takes it. */
const tabParams = (tab: ListTab) => ({ colour: isColour(tab) ? tab : undefined, stale: tab === 'stale' ? 'true' : undefined });
export const librariesUrl = (area: Area, q: string, tab: ListTab) =>
  api('/libraries', { province: area.province, regency: area.regency, q, ...tabParams(tab) });
export const libraryUrl = (id: string) => api(`/libraries/${encodeURIComponent(id)}`);
export const exportSummaryUrl = (area: Area, format: 'csv' | 'xlsx') =>
  api(`/export/summary.${format}`, { province: area.province, regency: area.regency });
export const exportLibrariesUrl = (area: Area, q: string, tab: ListTab, format: 'csv' | 'xlsx') =>
  api(`/export/libraries.${format}`, { province: area.province, regency: area.regency, q, ...tabParams(tab) });

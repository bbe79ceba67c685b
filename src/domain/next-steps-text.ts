/**
 * Next steps as plain sentences: "Catat 2 kegiatan Advokasi lagi untuk mencapai Kuning".
 * One step is one sentence; several are one sentence listing what to log together, each
 * strategy once ("2 kegiatan Pelibatan Masyarakat (1 di antaranya dengan foto, …)").
 */
import type { Lang } from './format';
import { COLOUR_RANK, type KpiResult, type Step } from './kpi-result';
import { englishPlural, t } from './messages';
import type { Strategy } from './strategies';

function itemParams(step: { strategy: Strategy; count: number }, lang: Lang) {
  return {
    count: step.count,
    strategy: t(lang, `strategy.${step.strategy}`),
    activities: englishPlural(step.count, 'activity', 'activities'),
  };
}

/** A strategy's steps as one: its whole count, and how many of them are documented. */
interface Group {
  strategy: Strategy;
  count: number;
  documented: number;
}

/** The engine lists a strategy's documented and plain entries apart (next-steps.ts `stepsOf`): said once. */
function groupOf(steps: readonly Step[]): Group[] {
  const groups: Group[] = [];
  for (const s of steps) {
    let g = groups.at(-1);
    if (g?.strategy !== s.strategy) groups.push((g = { strategy: s.strategy, count: 0, documented: 0 }));
    g.count += s.count;
    if (s.documented) g.documented += s.count;
  }
  return groups;
}

/**
 * "a, b and c"; with semicolons when an item has commas of its own ("dengan foto, kisah sukses,
 * atau testimoni"), unless they are within brackets, which keep the items apart already.
 */
function joinList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  const between = items.some((item) => item.replace(/\([^)]*\)/g, '').includes(',')) ? '; ' : ', ';
  return `${items.slice(0, -1).join(between)}${between === '; ' ? ';' : ''} ${t(lang, 'nextStep.and')} ${items[items.length - 1]}`;
}

/**
 * The kinds of step sentence: reach a colour now ("… lagi" / "more"), the same for a library
 * that has logged nothing yet (no "lagi" / "more"), or get on course for it.
 */
type Wording = 'reach' | 'first' | 'onCourse';

/** The sentence that says what to log to reach `goal` (or, `onCourse`, to get on course for it). */
export function describeSteps(steps: readonly Step[], goal: KpiResult['colour'], lang: Lang, wording: Wording = 'reach'): string {
  const [one, many] = wording === 'onCourse' ? (['nextStep.onCourseOne', 'nextStep.onCourseMany'] as const) : (['nextStep.one', 'nextStep.many'] as const);
  const doc = t(lang, 'nextStep.doc');
  const frame = { colour: t(lang, `colour.${goal}`), more: wording === 'first' ? '' : t(lang, 'nextStep.more') };
  const groups = groupOf(steps);
  const whole = (g: Group) => g.documented === 0 || g.documented === g.count;
  if (groups.length === 1 && whole(groups[0])) {
    const g = groups[0];
    return t(lang, one, { ...frame, ...itemParams(g, lang), doc: g.documented ? `, ${doc},` : '' });
  }
  // Every one documented: said once, after the list, not after each item.
  const allDocumented = groups.every((g) => g.documented === g.count);
  const items = groups.map((g) => {
    const fully = g.documented === g.count && !allDocumented;
    const item = t(lang, 'nextStep.item', { ...frame, ...itemParams(g, lang), doc: fully ? ` ${doc}` : '' });
    return whole(g) ? item : `${item} ${t(lang, 'nextStep.some', { documented: g.documented, doc })}`;
  });
  const list = joinList(items, lang);
  return t(lang, many, { ...frame, items: allDocumented ? t(lang, 'nextStep.allDocumented', { items: list, doc }) : list });
}

/**
 * What the librarian should do next, as sentences: the way to the next colour, then
 * the way to green when that differs; or, when green needs later months, from which
 * month and what to log this month; or why green is out of reach this year.
 * `sustainedStrategy` is the rulebook's (`rulebook.green.sustained.strategy`).
 */
export function describeNextSteps(kpi: KpiResult, lang: Lang, sustainedStrategy: Strategy = 'pelibatan'): string[] {
  if (kpi.colour === 'hijau') return [t(lang, 'nextStep.green')];
  const next = COLOUR_RANK[COLOUR_RANK.indexOf(kpi.colour) + 1];
  const { toNext, toGreen, greenReachable, greenLater } = kpi.nextSteps;
  const sentences: string[] = [];
  // Nothing logged yet (abu-abu): "catat", not "catat lagi"; and its first step leaves grey
  // (one entry, always: any counted entry does), rather than "reaching" red.
  const grey = kpi.colour === 'abu-abu';
  const wording = grey ? 'first' : 'reach';
  if (grey && toNext.length === 1 && !toNext[0].documented) {
    sentences.push(t(lang, 'nextStep.leaveGrey', { ...itemParams(toNext[0], lang), colour: t(lang, 'colour.abu-abu') }));
  } else if (toNext.length > 0) sentences.push(describeSteps(toNext, next, lang, wording));
  const months = {
    strategy: t(lang, `strategy.${sustainedStrategy}`),
    have: kpi.sustained.monthsWithPelibatan,
    haveMonths: englishPlural(kpi.sustained.monthsWithPelibatan, 'month', 'months'),
  };
  if (!greenReachable) {
    sentences.push(t(lang, 'nextStep.greenUnreachable', { ...months, required: kpi.sustained.required }));
  } else if (greenLater) {
    const month = monthName(greenLater.month, lang);
    sentences.push(t(lang, 'nextStep.greenLater', { ...months, required: greenLater.required, month }));
    if (greenLater.thisMonth.length > 0) sentences.push(describeSteps(greenLater.thisMonth, 'hijau', lang, 'onCourse'));
  } else if (next !== 'hijau') {
    sentences.push(describeSteps(toGreen, 'hijau', lang, wording));
  }
  return sentences;
}

/** `2025-10` → "Oktober" (the full month name: a sentence, not the month strip). */
function monthName(month: string, lang: Lang): string {
  return new Intl.DateTimeFormat(LOCALE_OF[lang], { month: 'long', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
}

const LOCALE_OF: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

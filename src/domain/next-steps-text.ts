/**
 * Next steps as plain sentences: "Catat 2 kegiatan Advokasi lagi untuk mencapai Kuning".
 * One step is one sentence; several are one sentence listing what to log together.
 */
import type { Lang } from './format';
import { COLOUR_RANK, type KpiResult, type Step } from './kpi-result';
import { englishPlural, t } from './messages';
import type { Strategy } from './strategies';

function itemParams(step: Step, lang: Lang) {
  return {
    count: step.count,
    strategy: t(lang, `strategy.${step.strategy}`),
    activities: englishPlural(step.count, 'activity', 'activities'),
  };
}

/** "a, b and c"; with semicolons when an item has commas of its own ("dengan foto, kisah sukses, atau testimoni"). */
function joinList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  const between = items.some((item) => item.includes(',')) ? '; ' : ', ';
  return `${items.slice(0, -1).join(between)}${between === '; ' ? ';' : ''} ${t(lang, 'nextStep.and')} ${items[items.length - 1]}`;
}

/**
 * The keys of one kind of step sentence: reach a colour now ("… lagi"), the same for a
 * library that has logged nothing yet (no "lagi" / "more"), or stay on course for it.
 */
const WORDING = {
  reach: { one: 'nextStep.one', oneDocumented: 'nextStep.oneDocumented', many: 'nextStep.many', item: 'nextStep.item', itemDocumented: 'nextStep.itemDocumented' },
  first: {
    one: 'nextStep.firstOne',
    oneDocumented: 'nextStep.firstOneDocumented',
    many: 'nextStep.firstMany',
    item: 'nextStep.firstItem',
    itemDocumented: 'nextStep.firstItemDocumented',
  },
  onCourse: {
    one: 'nextStep.onCourseOne',
    oneDocumented: 'nextStep.onCourseOneDocumented',
    many: 'nextStep.onCourseMany',
    item: 'nextStep.item',
    itemDocumented: 'nextStep.itemDocumented',
  },
} as const;

/** The sentence that says what to log to reach `goal` (or, `onCourse`, to stay on course for it). */
export function describeSteps(
  steps: readonly Step[],
  goal: KpiResult['colour'],
  lang: Lang,
  wording: keyof typeof WORDING = 'reach',
): string {
  const keys = WORDING[wording];
  const colour = t(lang, `colour.${goal}`);
  if (steps.length === 1) {
    const s = steps[0];
    return t(lang, s.documented ? keys.oneDocumented : keys.one, { ...itemParams(s, lang), colour });
  }
  const items = steps.map((s) => t(lang, s.documented ? keys.itemDocumented : keys.item, itemParams(s, lang)));
  return t(lang, keys.many, { colour, items: joinList(items, lang) });
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
  // Nothing logged yet (abu-abu): "catat", not "catat lagi".
  const wording = kpi.colour === 'abu-abu' ? 'first' : 'reach';
  if (toNext.length > 0) sentences.push(describeSteps(toNext, next, lang, wording));
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

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

function joinList(items: string[], lang: Lang): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${t(lang, 'nextStep.and')} ${items[items.length - 1]}`;
}

/** The sentence that says what to log to reach `goal`. */
export function describeSteps(steps: readonly Step[], goal: KpiResult['colour'], lang: Lang): string {
  const colour = t(lang, `colour.${goal}`);
  if (steps.length === 1) {
    const s = steps[0];
    return t(lang, s.documented ? 'nextStep.oneDocumented' : 'nextStep.one', { ...itemParams(s, lang), colour });
  }
  const items = steps.map((s) => t(lang, s.documented ? 'nextStep.itemDocumented' : 'nextStep.item', itemParams(s, lang)));
  return t(lang, 'nextStep.many', { colour, items: joinList(items, lang) });
}

/**
 * What the librarian should do next, as sentences: the way to the next colour, then
 * the way to green when that differs, or why green is out of reach this year.
 * `sustainedStrategy` is the rulebook's (`rulebook.green.sustained.strategy`).
 */
export function describeNextSteps(kpi: KpiResult, lang: Lang, sustainedStrategy: Strategy = 'pelibatan'): string[] {
  if (kpi.colour === 'hijau') return [t(lang, 'nextStep.green')];
  const next = COLOUR_RANK[COLOUR_RANK.indexOf(kpi.colour) + 1];
  const sentences: string[] = [];
  if (kpi.nextSteps.toNext.length > 0) sentences.push(describeSteps(kpi.nextSteps.toNext, next, lang));
  if (!kpi.nextSteps.greenReachable) {
    sentences.push(
      t(lang, 'nextStep.greenUnreachable', {
        strategy: t(lang, `strategy.${sustainedStrategy}`),
        have: kpi.sustained.monthsWithPelibatan,
        haveMonths: englishPlural(kpi.sustained.monthsWithPelibatan, 'month', 'months'),
        required: kpi.sustained.required,
      }),
    );
  } else if (next !== 'hijau') {
    sentences.push(describeSteps(kpi.nextSteps.toGreen, 'hijau', lang));
  }
  return sentences;
}

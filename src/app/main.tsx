/**
 * Placeholder app shell (issue "Foundation"): shows the live KPI card of an empty
 * library, computed by the domain engine. The offline app replaces this.
 */
import { render } from 'preact';
import { computeKpi, defaultRulebook, describeNextSteps, t, type Library } from '../domain';

const library: Library = {
  id: 'lokal',
  name: 'Perpustakaan Desa',
  village: '-',
  district: '-',
  regency: '-',
  province: '-',
  timezone: 'Asia/Jakarta',
};

function App() {
  const kpi = computeKpi([], library, defaultRulebook, new Date());
  return (
    <main>
      <h1>Lapor TPBIS</h1>
      <section aria-label="Warna KPI" data-kpi-colour={kpi.colour}>
        <p>
          <strong>{t('id', `colour.${kpi.colour}`)}</strong> — {t('id', `colourMeaning.${kpi.colour}`)}
        </p>
        <p>{t('id', 'disclaimer')} ({kpi.rulebookId})</p>
        <ul>
          {describeNextSteps(kpi, 'id').map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      </section>
    </main>
  );
}

render(<App />, document.getElementById('app')!);

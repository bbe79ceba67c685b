/** The app's frame: header (with the update prompt slot), the screen, the bottom navigation. */
import type { ComponentChildren } from 'preact';
import type { Lang } from '../../domain';
import { ui, type UiKey } from '../i18n';
import type { Route } from '../router';

const NAV: { path: string; key: UiKey; routes: Route['name'][] }[] = [
  { path: '/', key: 'nav.home', routes: ['home'] },
  { path: '/catat', key: 'nav.log', routes: ['log', 'edit'] },
  { path: '/daftar', key: 'nav.list', routes: ['list'] },
  { path: '/pengaturan', key: 'nav.settings', routes: ['settings'] },
];

export interface FrameProps {
  lang: Lang;
  route: Route['name'];
  banner?: ComponentChildren;
  children: ComponentChildren;
}

export function Frame({ lang, route, banner, children }: FrameProps) {
  return (
    <>
      <header class="top">
        <p class="app-name">{ui(lang, 'appName')}</p>
        <a class="top-sync" href="#/kirim" aria-current={route === 'sync' ? 'page' : undefined}>
          {ui(lang, 'nav.sync')}
        </a>
        {banner}
      </header>
      <main id="main" class="screen">
        {children}
      </main>
      <nav class="bottom" aria-label={ui(lang, 'nav.label')}>
        {NAV.map((n) => (
          <a key={n.path} href={`#${n.path}`} aria-current={n.routes.includes(route) ? 'page' : undefined}>
            {ui(lang, n.key)}
          </a>
        ))}
      </nav>
    </>
  );
}

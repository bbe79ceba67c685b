/** "Nama pengguna", "Kata sandi", "Masuk": the supervisor's login, with the server's refusals in plain words. */
import { useState } from 'preact/hooks';
import { errorMessage, type Lang, type SupervisorInfo } from '../../domain';
import { login, type MonitorError } from './api';
import { mw } from './words';

export function LoginForm({ lang, onLoggedIn }: { lang: Lang; onLoggedIn: (me: SupervisorInfo) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) return setMessage(mw(lang, 'login.required'));
    setBusy(true);
    setMessage(null);
    const result = await login(username.trim(), password);
    setBusy(false);
    if (result.ok) return onLoggedIn(result.me);
    setPassword('');
    setMessage(loginErrorText(result.error, lang));
  }

  return (
    <section class="card login" aria-labelledby="m-login">
      <h2 id="m-login">{mw(lang, 'login.title')}</h2>
      <form onSubmit={submit} noValidate>
        <div class="field">
          <label for="m-username">{mw(lang, 'login.username')}</label>
          <input
            id="m-username"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            value={username}
            onInput={(e) => setUsername((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="m-password">{mw(lang, 'login.password')}</label>
          <input
            id="m-password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
          />
        </div>
        <div role="alert">{message && <p class="error">{message}</p>}</div>
        <div class="actions">
          <button type="submit" class="primary" aria-disabled={busy}>
            {busy ? mw(lang, 'login.busy') : mw(lang, 'login.submit')}
          </button>
        </div>
      </form>
      <p class="hint">{mw(lang, 'login.help')}</p>
    </section>
  );
}

export function loginErrorText(error: MonitorError, lang: Lang): string {
  if (error.kind === 'unreachable') return mw(lang, 'login.offline');
  if (error.kind === 'invalid') return mw(lang, 'badBody');
  if (error.kind === 'unauthorized' || error.code === 'invalid_login') return errorMessage(lang, 'invalid_login');
  if (error.status === 429) {
    if (error.retryAfterMs === null) return errorMessage(lang, 'rate_limited');
    // Seconds, not minutes: too many logins were waiting for their check, this one was not counted.
    if (error.retryAfterMs < 60_000) return mw(lang, 'login.serverBusy');
    return mw(lang, 'login.tooMany', { minutes: Math.ceil(error.retryAfterMs / 60_000) });
  }
  return mw(lang, 'login.failed', { message: error.code ? errorMessage(lang, error.code) : `HTTP ${error.status}` });
}

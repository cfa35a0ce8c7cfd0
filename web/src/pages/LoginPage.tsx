import { useState } from 'react';
import { api, ApiError } from '../api';
import { errorText } from '../api/queries';
import { useT } from '../i18n';

export function LoginPage({ onLoggedIn, langButton, error: initialError }: { onLoggedIn: () => void; langButton: React.ReactNode; error: string | null }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(initialError);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      await api.login(email, password);
      onLoggedIn();
    } catch (err) {
      const a = err as ApiError;
      setError(a.isNetwork ? t('common.networkError') : a.status === 401 || a.status === 400 ? t('login.failed') : a.status === 429 ? t('login.paused') : errorText(a, t));
    } finally { setBusy(false); }
  };
  return (
    <div className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div className="login-head"><h1>☁ {t('login.title')}</h1>{langButton}</div>
        <label>{t('login.email')}<input data-testid="login-email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} /></label>
        <label>{t('login.password')}<input data-testid="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} /></label>
        {error && <div className="banner error" role="alert" data-testid="login-error">{error}</div>}
        <button type="submit" className="primary" disabled={busy} data-testid="login-submit">{t('login.submit')}</button>
      </form>
    </div>
  );
}

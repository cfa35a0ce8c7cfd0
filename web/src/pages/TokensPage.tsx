import { useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type ApiToken, type CreatedToken } from '../api';
import { errorText, keys } from '../api/queries';
import { useI18n } from '../i18n';

/** The signed-in person's API tokens: list, create (the secret shown once), revoke. */
export function TokensPage() {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.tokens, queryFn: api.tokens });
  const tokens = list.data;
  const [name, setName] = useState('');
  // The secret lives only in this state: the server keeps its hash, so after this page is left
  // nobody can show it again.
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [copied, setCopied] = useState(false);
  const secretRef = useRef<HTMLInputElement>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.tokens });

  const creating = useMutation({
    mutationFn: (n: string) => api.createToken(n),
    onMutate: () => { revoking.reset(); setCopied(false); },
    onSuccess: async (tok) => { setCreated(tok); setName(''); await refresh(); },
  });
  const revoking = useMutation({
    mutationFn: (tok: ApiToken) => api.deleteToken(tok.id),
    onMutate: () => creating.reset(),
    onSuccess: async (_, tok) => { if (created?.id === tok.id) setCreated(null); await refresh(); },
  });
  const busy = creating.isPending;
  const failure = creating.error ?? revoking.error ?? list.error;
  const error = !failure ? null
    : errorText(failure, t);

  const create = (e: React.FormEvent) => {
    e.preventDefault();
    creating.mutate(name.trim());
  };

  const copy = async () => {
    if (!created?.token) return;
    try { await navigator.clipboard.writeText(created.token); } catch {
      // No clipboard API (plain-http LAN address): select the text for Ctrl+C instead.
      secretRef.current?.select();
      document.execCommand('copy');
    }
    setCopied(true);
  };

  const revoke = (tok: ApiToken) => {
    if (!window.confirm(t('tokens.confirmRevoke', { name: tok.name }))) return;
    revoking.mutate(tok);
  };

  return (
    <div className="page">
      <div className="page-head"><h1>{t('tokens.title')}</h1></div>
      <p className="muted">{t('tokens.intro')}</p>
      <form className="card row wrap" onSubmit={create} data-testid="token-form">
        <label className="row">{t('tokens.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} maxLength={100} placeholder={t('tokens.namePlaceholder')} data-testid="token-name" />
        </label>
        <button type="submit" className="primary" disabled={busy || !name.trim()} data-testid="token-create">{t('tokens.create')}</button>
      </form>
      {error && <div className="banner error" role="alert" data-testid="token-error">{error}</div>}
      {created?.token && (
        <div className="banner ok secret" data-testid="token-created" role="status">
          <b>{t('tokens.createdOnce', { name: created.name })}</b>
          <input ref={secretRef} readOnly className="mono grow" value={created.token} onFocus={(e) => e.target.select()} data-testid="token-secret" />
          <button type="button" onClick={() => void copy()} data-testid="token-copy">{copied ? t('tokens.copied') : t('tokens.copy')}</button>
          <button type="button" className="link" onClick={() => setCreated(null)} data-testid="token-dismiss">{t('common.close')}</button>
        </div>
      )}
      {!tokens ? <p className="muted">{t('common.loading')}</p> : tokens.length === 0 ? <p className="empty-state" data-testid="tokens-empty">{t('tokens.empty')}</p> : (
        <table className="grid" data-testid="token-table">
          <thead><tr><th>{t('tokens.name')}</th><th>{t('tokens.created')}</th><th /></tr></thead>
          <tbody>
            {tokens.map((tok) => (
              <tr key={tok.id} data-testid={`token-row-${tok.id}`}>
                <td>{tok.name}</td>
                <td className="muted">{tok.createdAt ? new Date(tok.createdAt).toLocaleString(lang) : ''}</td>
                <td className="right"><button type="button" className="danger" onClick={() => revoke(tok)} data-testid={`token-revoke-${tok.id}`}>{t('tokens.revoke')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

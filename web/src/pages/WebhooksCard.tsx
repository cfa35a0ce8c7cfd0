import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiError, Project } from '../api';
import { webhookKeys, webhooksApi, type Webhook, type WebhookEvent } from '../api/webhooks';
import { errorText } from '../api/queries';
import { useI18n } from '../i18n';
import { FieldErrors } from './SchemaDraft';

/** A project's webhooks in its settings: add one (URL and events), switch it, test it, change its secret, read its delivery log. */
export function WebhooksCard({ project }: { project: Project }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: webhookKeys.list(project.id), queryFn: () => webhooksApi.list(project.id) });
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['annotation_submitted']);
  // A secret is shown once, right after it is made.
  const [secret, setSecret] = useState<{ id: number; secret: string } | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const refresh = () => { void queryClient.invalidateQueries({ queryKey: webhookKeys.list(project.id) }); };
  const create = useMutation({
    mutationFn: () => webhooksApi.create(project.id, { url: url.trim(), events }),
    onSuccess: (w) => { setSecret({ id: w.id, secret: w.secret ?? '' }); setUrl(''); setOpen(w.id); refresh(); },
  });
  const list = query.data;
  if (!list) return <div className="card"><h3>{t('webhooks.title')}</h3><p className="muted">{t('common.loading')}</p></div>;
  const toggle = (e: WebhookEvent) => setEvents((was) => (was.includes(e) ? was.filter((x) => x !== e) : [...was, e]));
  return (
    <div className="card" data-testid="webhooks">
      <h3>{t('webhooks.title')}</h3>
      <p className="muted small">{t('webhooks.intro')}</p>
      {!list.hostsAllowed && <p className="banner" data-testid="webhooks-none-allowed">{t('webhooks.noneAllowed')}</p>}
      {secret && (
        <div className="banner ok" data-testid="webhook-secret">
          <p>{t('webhooks.secretOnce')}</p>
          <code className="secret">{secret.secret}</code>
        </div>
      )}
      {list.webhooks.length === 0 ? <p className="muted" data-testid="webhooks-empty">{t('webhooks.empty')}</p> : (
        <ul className="webhook-list">
          {list.webhooks.map((w) => (
            <WebhookRow key={w.id} webhook={w} open={open === w.id} onOpen={() => setOpen(open === w.id ? null : w.id)}
              onSecret={(s) => setSecret({ id: w.id, secret: s })} onChanged={refresh} />
          ))}
        </ul>
      )}
      {list.hostsAllowed && (
        <form className="form-grid" data-testid="webhook-new" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
          <h4>{t('webhooks.add')}</h4>
          <label>{t('webhooks.url')}
            <input type="url" required data-testid="webhook-url" value={url} placeholder="https://hooks.example.com/yunzhong" onChange={(e) => { setUrl(e.target.value); create.reset(); }} />
          </label>
          <fieldset className="checks">
            <legend>{t('webhooks.events')}</legend>
            {list.events.map((e) => (
              <label key={e} className="check"><input type="checkbox" data-testid={`webhook-event-${e}`} checked={events.includes(e)} onChange={() => toggle(e)} /> {t(`webhooks.event.${e}`)}</label>
            ))}
          </fieldset>
          <FieldErrors error={create.error as ApiError | null} testId="webhook-errors" />
          <div><button className="primary" data-testid="webhook-create" disabled={create.isPending || events.length === 0}>{t('webhooks.create')}</button></div>
        </form>
      )}
    </div>
  );
}

function WebhookRow({ webhook, open, onOpen, onSecret, onChanged }: {
  webhook: Webhook; open: boolean; onOpen: () => void; onSecret: (secret: string) => void; onChanged: () => void;
}) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const deliveries = () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhook.id) });
  const active = useMutation({ mutationFn: () => webhooksApi.update(webhook.id, { active: !webhook.active }), onSuccess: onChanged });
  const ping = useMutation({ mutationFn: () => webhooksApi.ping(webhook.id), onSuccess: () => { void deliveries(); } });
  const secret = useMutation({ mutationFn: () => webhooksApi.newSecret(webhook.id), onSuccess: (w) => onSecret(w.secret ?? '') });
  const remove = useMutation({ mutationFn: () => webhooksApi.remove(webhook.id), onSuccess: onChanged });
  const failure = (active.error ?? ping.error ?? secret.error ?? remove.error) as ApiError | null;
  return (
    <li className="webhook" data-testid={`webhook-${webhook.id}`}>
      <div className="row">
        <code className="grow" data-testid="webhook-row-url">{webhook.url}</code>
        <span className={webhook.active ? 'badge ok' : 'badge'}>{t(webhook.active ? 'webhooks.on' : 'webhooks.off')}</span>
      </div>
      <p className="small muted">{webhook.events.map((e) => t(`webhooks.event.${e}`)).join(' · ')} — {t('webhooks.secretHint', { hint: webhook.secretHint })}</p>
      <div className="row buttons">
        <button type="button" data-testid="webhook-ping" onClick={() => ping.mutate()} disabled={ping.isPending}>{t('webhooks.ping')}</button>
        <button type="button" data-testid="webhook-toggle" onClick={() => active.mutate()}>{t(webhook.active ? 'webhooks.switchOff' : 'webhooks.switchOn')}</button>
        <button type="button" data-testid="webhook-secret-new" onClick={() => secret.mutate()}>{t('webhooks.newSecret')}</button>
        <button type="button" data-testid="webhook-log" onClick={onOpen} aria-expanded={open}>{t(open ? 'webhooks.hideLog' : 'webhooks.showLog')}</button>
        <button type="button" className="danger" data-testid="webhook-delete" onClick={() => { if (window.confirm(t('webhooks.deleteConfirm'))) remove.mutate(); }}>{t('webhooks.delete')}</button>
      </div>
      {failure && <p className="error-text">{errorText(failure, t)}</p>}
      {open && <DeliveryLog webhookId={webhook.id} />}
    </li>
  );
}

function DeliveryLog({ webhookId }: { webhookId: number }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: webhookKeys.deliveries(webhookId), queryFn: () => webhooksApi.deliveries(webhookId), refetchInterval: 3_000 });
  const redeliver = useMutation({
    mutationFn: (id: number) => webhooksApi.redeliver(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhookKeys.deliveries(webhookId) }),
  });
  const rows = query.data;
  if (!rows) return <p className="muted">{t('common.loading')}</p>;
  if (rows.length === 0) return <p className="muted" data-testid="webhook-log-empty">{t('webhooks.logEmpty')}</p>;
  const when = (at: string) => new Date(at).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <table className="table small" data-testid="webhook-deliveries">
      <thead><tr><th>{t('webhooks.log.when')}</th><th>{t('webhooks.log.event')}</th><th>{t('webhooks.log.status')}</th><th>{t('webhooks.log.answer')}</th><th /></tr></thead>
      <tbody>
        {rows.map((d) => (
          <tr key={d.id} data-testid={`delivery-${d.id}`}>
            <td>{when(d.createdAt)}</td>
            <td>{t(`webhooks.event.${d.event}`)}</td>
            <td data-testid="delivery-status">
              {t(`webhooks.status.${d.status}`)}
              {d.attempts > 1 && <> · {t('webhooks.attempts', { n: d.attempts })}</>}
              {d.status === 'pending' && d.nextAttemptAt && <div className="muted">{t('webhooks.next', { when: when(d.nextAttemptAt) })}</div>}
            </td>
            <td>
              {d.responseStatus != null && <code>{d.responseStatus}</code>}
              {d.durationMs != null && <span className="muted"> · {d.durationMs} ms</span>}
              {d.error && <div className="error-text">{d.error}</div>}
              <details><summary>{t('webhooks.payload')}</summary><pre className="json">{JSON.stringify(d.payload, null, 2)}</pre></details>
            </td>
            <td>{d.status !== 'pending' && <button type="button" data-testid="delivery-redeliver" onClick={() => redeliver.mutate(d.id)}>{t('webhooks.redeliver')}</button>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

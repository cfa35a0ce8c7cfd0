import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ExportFormat } from '../api';
import { errorText } from '../api/queries';
import { MODALITIES, releaseKeys, releasesApi, type DatasetCard } from '../api/releases';
import { useI18n, useT, type MessageKey } from '../i18n';
import { can } from '../roles';
import { useSession } from '../session';
import { formatSize } from './ExportTab';
import { Files, LabelCounts, QualityFigures } from './ReleasesTab';

/** The catalogue (数据目录): the dataset cards the caller may see, searched and filtered. */
export function CataloguePage() {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [modality, setModality] = useState('');
  const query = useQuery({ queryKey: releaseKeys.catalogue(q, modality), queryFn: () => releasesApi.search(q, modality) });
  return (
    <div className="page wide" data-testid="catalogue">
      <div className="page-head"><h1>{t('cat.title')}</h1></div>
      <div className="row wrap card">
        <input type="search" placeholder={t('cat.search')} data-testid="catalogue-search" value={q} onChange={(e) => setQ(e.target.value)} />
        <select data-testid="catalogue-modality" value={modality} onChange={(e) => setModality(e.target.value)}>
          <option value="">{t('cat.allModalities')}</option>
          {MODALITIES.map((m) => <option key={m} value={m}>{t(`card.modality.${m}` as MessageKey)}</option>)}
        </select>
      </div>
      {query.error && <div className="banner error" role="alert">{errorText(query.error, t)}</div>}
      {query.data?.length === 0 && <p className="muted" data-testid="catalogue-empty">{t('cat.none')}</p>}
      <div className="cards">
        {query.data?.map((c) => (
          <a key={c.projectId} className="card dataset" href={`#/catalogue/${c.projectId}`} data-testid={`dataset-${c.projectId}`}>
            <h3>{lang === 'zh-CN' ? c.titleZh : c.titleEn}</h3>
            <p className="muted small">{c.organizationName} · {t(`card.modality.${c.modality}` as MessageKey)} · {c.licence} · {t(`card.visibility.${c.visibility}` as MessageKey)}</p>
            <p>{lang === 'zh-CN' ? c.descriptionZh : c.descriptionEn}</p>
            {c.latest && <p className="small">{t('cat.latest', { n: c.latest.number, items: c.latest.items, size: formatSize(c.latest.totalBytes) })}</p>}
          </a>
        ))}
      </div>
    </div>
  );
}

/** One dataset card: what it holds, its quality, a sample, its releases, and a request for access. */
export function DatasetCardPage({ projectId }: { projectId: number }) {
  const { t, lang } = useI18n();
  const query = useQuery({ queryKey: releaseKeys.card(projectId), queryFn: () => releasesApi.card(projectId) });
  const c = query.data;
  if (query.error) return <div className="page"><div className="banner error" role="alert">{errorText(query.error, t)}</div></div>;
  if (!c) return <div className="page muted">{t('common.loading')}</div>;
  const other = lang === 'zh-CN' ? c.titleEn : c.titleZh;
  return (
    <div className="page wide" data-testid="dataset-card">
      <div className="page-head">
        <h1 data-testid="dataset-title">{lang === 'zh-CN' ? c.titleZh : c.titleEn}</h1>
        {other && <span className="muted">{other}</span>}
      </div>
      <section className="card">
        {(lang === 'zh-CN' ? c.descriptionZh : c.descriptionEn) && <p>{lang === 'zh-CN' ? c.descriptionZh : c.descriptionEn}</p>}
        <dl className="facts">
          <dt>{t('cat.owner')}</dt><dd>{c.organizationName}</dd>
          <dt>{t('card.modality')}</dt><dd>{t(`card.modality.${c.modality}` as MessageKey)}</dd>
          <dt>{t('card.licence')}</dt><dd data-testid="dataset-licence">{c.licence}</dd>
          <dt>{t('card.visibility')}</dt><dd>{t(`card.visibility.${c.visibility}` as MessageKey)}</dd>
          {c.latest && <><dt>{t('cat.size')}</dt><dd data-testid="dataset-size">{t('cat.sizeValue', { items: c.latest.items, annotations: c.latest.annotations, size: formatSize(c.latest.totalBytes) })}</dd></>}
        </dl>
      </section>
      {c.latest && (
        <div className="two-cols">
          <section className="card"><h3>{t('rel.labels')}</h3><LabelCounts labels={c.latest.labels} /></section>
          <section className="card"><h3>{t('rel.quality')}</h3><QualityFigures quality={c.latest.quality} /></section>
        </div>
      )}
      {c.sample && c.sample.length > 0 && (
        <section className="card" data-testid="dataset-sample">
          <h3>{t('cat.sample')}</h3>
          {c.sample.map((s, i) => <pre key={i} className="mono small sample">{JSON.stringify(s, null, 1)}</pre>)}
        </section>
      )}
      <section className="card" data-testid="dataset-releases">
        <h3>{t('rel.list')}</h3>
        {(c.releases ?? []).length === 0 ? <p className="muted">{t('rel.none')}</p> : (
          <ul>{(c.releases ?? []).map((r) => <li key={r.id}>{t('rel.number', { n: r.number })} · {new Date(r.createdAt).toLocaleDateString(lang)} · {t('cat.itemsSize', { items: r.items, size: formatSize(r.totalBytes) })} · <span className="mono small">{r.merkleRoot.slice(0, 12)}…</span></li>)}</ul>
        )}
      </section>
      {!c.mine && c.latest && <Access card={c} />}
    </div>
  );
}

/** For another organisation: ask for access to the newest release, and once granted download it. */
function Access({ card }: { card: DatasetCard }) {
  const t = useT();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const release = card.latest!;
  const managed = me.organizations.filter((o) => can(o.roles, 'manage'));
  const [org, setOrg] = useState(managed[0]?.id ?? 0);
  const [purpose, setPurpose] = useState('');
  const [days, setDays] = useState(30);
  const [formats, setFormats] = useState<ExportFormat[]>(release.formats.slice(0, 1));
  const grants = useQuery({ queryKey: releaseKeys.grants(org), queryFn: () => releasesApi.grants(org), enabled: org > 0 });
  const mine = (grants.data ?? []).filter((g) => g.releaseId === release.id && g.granteeOrganizationId === org);
  const granted = mine.find((g) => g.status === 'granted');
  const asking = useMutation({
    mutationFn: () => releasesApi.requestGrant(release.id, { organizationId: org, purpose, days, formats }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: releaseKeys.grants(org) }),
  });
  const toggle = (f: ExportFormat) => setFormats((all) => (all.includes(f) ? all.filter((x) => x !== f) : [...all, f]));
  if (managed.length === 0) return <section className="card"><p className="muted">{t('cat.askManagers')}</p></section>;
  return (
    <section className="card" data-testid="dataset-access">
      <h3>{t('cat.access', { n: release.number })}</h3>
      {mine.length > 0 && (
        <ul data-testid="dataset-my-grants">
          {mine.map((g) => (
            <li key={g.id} data-testid={`my-grant-${g.id}`} data-status={g.status}>
              <span className={`pill grant-${g.status}`}>{t(`grant.st.${g.status}` as MessageKey)}</span> {g.purpose}
              {g.expiresAt && <span className="muted small"> · {t('grant.until', { date: new Date(g.expiresAt).toLocaleDateString() })}</span>}
              {g.reason && <span className="muted small"> · {g.reason}</span>}
            </li>
          ))}
        </ul>
      )}
      {granted && <Files release={release} formats={granted.formats} />}
      <form className="form-grid narrow" onSubmit={(e) => { e.preventDefault(); asking.mutate(); }}>
        <label>{t('grant.org')}
          <select data-testid="grant-org" value={org} onChange={(e) => setOrg(Number(e.target.value))}>
            {managed.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
          </select>
        </label>
        <label>{t('grant.purpose')}<textarea data-testid="grant-purpose" rows={2} value={purpose} onChange={(e) => setPurpose(e.target.value)} /></label>
        <label>{t('grant.days')}<input type="number" min={1} max={3650} data-testid="grant-days" value={days} onChange={(e) => setDays(Number(e.target.value))} /></label>
        <fieldset className="row wrap">
          <legend>{t('rel.formats')}</legend>
          {release.formats.map((f) => (
            <label key={f} className="check"><input type="checkbox" data-testid={`grant-format-${f}`} checked={formats.includes(f)} onChange={() => toggle(f)} /> {t(`export.format.${f}`)}</label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={asking.isPending} data-testid="grant-request">{t('grant.request')}</button>
        {asking.isSuccess && <span className="muted" data-testid="grant-requested">{t('grant.requested')}</span>}
        {asking.error && <div className="banner error" role="alert" data-testid="grant-error">{errorText(asking.error, t)}</div>}
      </form>
    </section>
  );
}

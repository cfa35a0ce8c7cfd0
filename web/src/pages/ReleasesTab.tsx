import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ExportFormat, Project } from '../api';
import { errorText } from '../api/queries';
import { MODALITIES, VISIBILITIES, releaseKeys, releasesApi, type CardInput, type Release, type ReleaseJob, type ReleaseSource } from '../api/releases';
import { useI18n, useT, type MessageKey } from '../i18n';
import { formatSize } from './ExportTab';

const FORMATS: ExportFormat[] = ['jsonl', 'labelstudio', 'csv', 'conll', 'coco', 'yolo', 'voc', 'parquet'];

/** A project's releases: make one, read its manifest summary, compare two, download; and the dataset's card in the catalogue. */
export function ReleasesTab({ project }: { project: Project }) {
  const [selected, setSelected] = useState<number | null>(null);
  const list = useQuery({ queryKey: releaseKeys.releases(project.id), queryFn: () => releasesApi.list(project.id) });
  const t = useT();
  const releases = list.data ?? [];
  const current = selected ?? releases[0]?.id ?? null;
  return (
    <div className="releases-page" data-testid="releases-tab">
      <NewRelease project={project} />
      <ReleaseJobs project={project} releases={releases} onMade={setSelected} />
      <section className="card">
        <h3>{t('rel.list')}</h3>
        {list.error && <div className="banner error" role="alert">{errorText(list.error, t)}</div>}
        {list.isPending ? <p className="muted">{t('common.loading')}</p> : releases.length === 0 ? <p className="muted" data-testid="releases-empty">{t('rel.none')}</p> : (
          <ReleaseTable releases={releases} current={current} onPick={setSelected} />
        )}
      </section>
      {current !== null && <ReleaseDetail key={current} releaseId={current} others={releases.filter((r) => r.id !== current)} />}
      <CardEditor project={project} />
    </div>
  );
}

function NewRelease({ project }: { project: Project }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [formats, setFormats] = useState<ExportFormat[]>(['jsonl']);
  const [source, setSource] = useState<ReleaseSource>('accepted');
  const [licence, setLicence] = useState('CC-BY-4.0');
  const making = useMutation({
    mutationFn: () => releasesApi.create(project.id, { source, formats, licence }),
    onSuccess: () => { void queryClient.invalidateQueries({ queryKey: releaseKeys.jobs(project.id) }); },
  });
  const toggle = (f: ExportFormat) => setFormats((all) => (all.includes(f) ? all.filter((x) => x !== f) : [...all, f]));
  return (
    <form className="card form-grid narrow" data-testid="release-new" onSubmit={(e) => { e.preventDefault(); making.mutate(); }}>
      <h3>{t('rel.new')}</h3>
      <p className="muted small">{t('rel.newHelp')}</p>
      <label>{t('rel.source')}
        <select data-testid="release-source" value={source} onChange={(e) => setSource(e.target.value as ReleaseSource)}>
          <option value="accepted">{t('rel.source.accepted')}</option>
          <option value="consensus">{t('rel.source.consensus')}</option>
        </select>
      </label>
      <fieldset className="row wrap">
        <legend>{t('rel.formats')}</legend>
        {FORMATS.map((f) => (
          <label key={f} className="check"><input type="checkbox" data-testid={`release-format-${f}`} checked={formats.includes(f)} onChange={() => toggle(f)} /> {t(`export.format.${f}`)}</label>
        ))}
      </fieldset>
      <label>{t('rel.licence')}<input data-testid="release-licence" value={licence} onChange={(e) => setLicence(e.target.value)} /></label>
      <button type="submit" className="primary" disabled={making.isPending} data-testid="release-create">{making.isPending ? t('rel.making') : t('rel.create')}</button>
      {making.isSuccess && <p className="muted small" data-testid="release-queued">{t('rel.queued')}</p>}
      {making.error && <div className="banner error" role="alert" data-testid="release-error">{errorText(making.error, t)}</div>}
    </form>
  );
}

const open = (j: ReleaseJob) => j.status === 'queued' || j.status === 'running';

/** The project's recent release builds: a progress bar per phase while one runs; the release made, or why none was. */
function ReleaseJobs({ project, releases, onMade }: { project: Project; releases: Release[]; onMade: (id: number) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const jobs = useQuery({
    queryKey: releaseKeys.jobs(project.id),
    queryFn: () => releasesApi.jobs(project.id),
    refetchInterval: (q) => ((q.state.data ?? []).some(open) ? 500 : false),
  });
  // A build that ended since the page opened (however quickly): the list of releases changes, and its release is shown.
  const ended = useRef<Set<number> | null>(null);
  useEffect(() => {
    const data = jobs.data;
    if (!data) return;
    if (ended.current === null) {
      ended.current = new Set(data.filter((j) => !open(j)).map((j) => j.id));
      return;
    }
    for (const j of data) {
      if (open(j) || ended.current.has(j.id)) continue;
      ended.current.add(j.id);
      void queryClient.invalidateQueries({ queryKey: releaseKeys.releases(project.id) });
      if (j.releaseId != null) onMade(j.releaseId);
    }
  }, [jobs.data, onMade, project.id, queryClient]);
  const shown = (jobs.data ?? []).slice(0, 5);
  if (shown.length === 0) return null;
  return (
    <section className="card" data-testid="release-jobs">
      <h3>{t('rel.jobs')}</h3>
      <ul className="release-jobs">
        {shown.map((j) => (
          <li key={j.id} className="row" data-testid={`release-job-${j.id}`} data-status={j.status}>
            <strong>{t('rel.job.number', { id: j.id })}</strong>
            {open(j) ? (
              <span className="row">
                <span data-testid="release-job-phase">{t(`rel.job.phase.${j.phase}`)}</span>
                <progress data-testid="release-progress" value={j.total > 0 ? j.done : undefined} max={j.total > 0 ? j.total : undefined} />
                {j.total > 0 && <span className="muted small num">{t('rel.job.progress', { done: j.done, total: j.total })}</span>}
              </span>
            ) : j.status === 'done' ? (
              <span data-testid="release-job-done">{t('rel.job.done', { n: releases.find((r) => r.id === j.releaseId)?.number ?? '…' })}</span>
            ) : (
              <span className="failed" data-testid="release-job-failed">{t('rel.job.failed', { error: j.error ?? '' })}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ReleaseTable({ releases, current, onPick }: { releases: Release[]; current: number | null; onPick: (id: number) => void }) {
  const { t, lang } = useI18n();
  return (
    <table className="grid" data-testid="releases">
      <thead><tr>
        <th>{t('rel.col.number')}</th><th>{t('rel.col.when')}</th><th className="num">{t('rel.col.items')}</th><th className="num">{t('rel.col.size')}</th>
        <th>{t('rel.col.formats')}</th><th>{t('rel.col.root')}</th><th>{t('rel.col.by')}</th>
      </tr></thead>
      <tbody>
        {releases.map((r) => (
          <tr key={r.id} className={r.id === current ? 'on' : ''} data-testid={`release-${r.number}`}>
            <td><button type="button" className="link" onClick={() => onPick(r.id)}>{t('rel.number', { n: r.number })}</button></td>
            <td>{new Date(r.createdAt).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' })}</td>
            <td className="num">{r.items}</td>
            <td className="num">{formatSize(r.totalBytes)}</td>
            <td>{r.formats.map((f) => t(`export.format.${f}`)).join(', ')}</td>
            <td className="mono small" title={r.merkleRoot}>{r.merkleRoot.slice(0, 12)}…</td>
            <td>{r.createdBy}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Label counts as the manifest holds them: control → label → count. */
export function LabelCounts({ labels }: { labels: unknown }) {
  const t = useT();
  const controls = Object.entries((labels ?? {}) as Record<string, Record<string, number>>);
  if (controls.length === 0) return <p className="muted">{t('rel.noLabels')}</p>;
  return (
    <div data-testid="release-labels">
      {controls.map(([control, counts]) => {
        const most = Math.max(1, ...Object.values(counts));
        return (
          <div key={control} className="label-counts">
            <h4>{control}</h4>
            {Object.entries(counts).map(([label, n]) => (
              <div key={label} className="row" data-testid={`label-count-${label}`}>
                <span className="label-name">{label}</span>
                <span className="bar" style={{ width: `${Math.round((n / most) * 160)}px` }} />
                <span className="num">{n}</span>
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}

/** Agreement per control and gold accuracy, from the manifest's quality section. */
export function QualityFigures({ quality }: { quality: unknown }) {
  const t = useT();
  const q = (quality ?? {}) as { agreement?: { name: string; metrics: Record<string, number | null>; tasks: number }[]; gold_accuracy?: number | null; gold_answers?: number };
  const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);
  return (
    <dl className="facts" data-testid="release-quality">
      <dt>{t('rel.gold')}</dt><dd>{pct(q.gold_accuracy)} {q.gold_answers ? <span className="muted small">({t('rel.goldAnswers', { n: q.gold_answers })})</span> : null}</dd>
      {(q.agreement ?? []).map((a) => (
        <span key={a.name} className="contents">
          <dt>{t('rel.agreement', { control: a.name })}</dt>
          <dd>{a.tasks === 0 ? '—' : Object.entries(a.metrics).map(([m, v]) => `${m} ${v == null ? '—' : v.toFixed(3)}`).join(' · ')} <span className="muted small">({t('rel.tasks', { n: a.tasks })})</span></dd>
        </span>
      ))}
    </dl>
  );
}

function ReleaseDetail({ releaseId, others }: { releaseId: number; others: Release[] }) {
  const t = useT();
  const query = useQuery({ queryKey: releaseKeys.release(releaseId), queryFn: () => releasesApi.get(releaseId) });
  const r = query.data;
  if (query.error) return <div className="banner error" role="alert">{errorText(query.error, t)}</div>;
  if (!r) return <p className="muted">{t('common.loading')}</p>;
  return (
    <section className="card" data-testid="release-detail">
      <h3>{t('rel.detail', { n: r.number })}</h3>
      <dl className="facts">
        <dt>{t('rel.items')}</dt><dd data-testid="release-items">{r.items}</dd>
        <dt>{t('rel.annotations')}</dt><dd>{r.annotations}</dd>
        <dt>{t('rel.licence')}</dt><dd>{r.licence}</dd>
        <dt>{t('rel.root')}</dt><dd className="mono small" data-testid="release-root">{r.merkleRoot}</dd>
        <dt>{t('rel.key')}</dt><dd className="mono small">{r.keyId}</dd>
        <dt>{t('rel.media')}</dt><dd data-testid="release-media">{t('rel.mediaValue', { n: r.mediaFiles, size: formatSize(r.mediaBytes) })}</dd>
        {(r.externalMedia ?? 0) > 0 && <><dt>{t('rel.externalMedia')}</dt><dd data-testid="release-external-media">{t('rel.externalMediaValue', { n: r.externalMedia ?? 0 })}</dd></>}
        {(r.missingMedia ?? 0) > 0 && <><dt>{t('rel.missingMedia')}</dt><dd data-testid="release-missing-media">{t('rel.missingMediaValue', { n: r.missingMedia ?? 0 })}</dd></>}
      </dl>
      <div className="two-cols">
        <div><h4>{t('rel.labels')}</h4><LabelCounts labels={r.labels} /></div>
        <div><h4>{t('rel.quality')}</h4><QualityFigures quality={r.quality} /></div>
      </div>
      <Files release={r} />
      {others.length > 0 && <Diff releaseId={r.id} others={others} />}
    </section>
  );
}

/** The release's files, each downloadable through a fresh signed link. */
export function Files({ release, formats }: { release: Release; formats?: ExportFormat[] }) {
  const t = useT();
  const link = useMutation({ mutationFn: () => releasesApi.link(release.id) });
  const base = link.data?.url;
  const own = ['release.json', 'release.sig', 'manifest.json'];
  const files = release.files.filter((f) => !formats || !f.format || formats.includes(f.format));
  return (
    <div data-testid="release-files">
      <h4>{t('rel.files')}</h4>
      <table className="grid">
        <thead><tr><th>{t('rel.col.file')}</th><th className="num">{t('rel.col.size')}</th><th>SHA-256</th></tr></thead>
        <tbody>
          {files.map((f) => (
            <tr key={f.path}>
              <td>{base ? <a href={`${base}/${f.path}`} download data-testid={`download-${f.path}`}>{f.path}</a> : f.path}</td>
              <td className="num">{formatSize(f.size)}</td>
              <td className="mono small" title={f.sha256}>{f.sha256.slice(0, 16)}…</td>
            </tr>
          ))}
          {base && own.map((p) => <tr key={p}><td><a href={`${base}/${p}`} download data-testid={`download-${p}`}>{p}</a></td><td /><td /></tr>)}
        </tbody>
      </table>
      <div className="row">
        <button type="button" onClick={() => link.mutate()} disabled={link.isPending} data-testid="release-link">{t('rel.link')}</button>
        {link.data && <span className="muted small" data-testid="release-link-expires">{t('rel.linkExpires', { time: new Date(link.data.expiresAt).toLocaleTimeString() })}</span>}
      </div>
      {link.error && <div className="banner error" role="alert" data-testid="release-link-error">{errorText(link.error, t)}</div>}
      <p className="muted small">{t('rel.verifyHint', { id: release.id })}</p>
    </div>
  );
}

function Diff({ releaseId, others }: { releaseId: number; others: Release[] }) {
  const t = useT();
  const [from, setFrom] = useState(others[0]!.id);
  const query = useQuery({ queryKey: releaseKeys.diff(releaseId, from), queryFn: () => releasesApi.diff(releaseId, from) });
  const d = query.data;
  return (
    <div data-testid="release-diff">
      <h4>{t('rel.diff')}</h4>
      <label>{t('rel.diffFrom')}{' '}
        <select data-testid="release-diff-from" value={from} onChange={(e) => setFrom(Number(e.target.value))}>
          {others.map((o) => <option key={o.id} value={o.id}>{t('rel.number', { n: o.number })}</option>)}
        </select>
      </label>
      {query.error && <div className="banner error" role="alert">{errorText(query.error, t)}</div>}
      {d && (
        <p data-testid="release-diff-result">
          {t('rel.diffResult', { added: d.added, removed: d.removed, changed: d.changed, unchanged: d.unchanged })}
          {d.addedIds.length > 0 && <span className="muted small"> · {t('rel.diffAdded')} {d.addedIds.map((id) => `#${id}`).join(' ')}</span>}
        </p>
      )}
      {d && (
        <p data-testid="release-diff-media">
          {t('rel.diffMedia', { added: d.media.added, removed: d.media.removed, changed: d.media.changed, unchanged: d.media.unchanged })}
          {d.media.changedNames.length > 0 && <span className="muted small"> · {t('rel.diffMediaChanged')} {d.media.changedNames.join(', ')}</span>}
        </p>
      )}
    </div>
  );
}

function CardEditor({ project }: { project: Project }) {
  const t = useT();
  const queryClient = useQueryClient();
  const existing = useQuery({ queryKey: releaseKeys.card(project.id), queryFn: () => releasesApi.card(project.id), retry: false });
  const [draft, setDraft] = useState<CardInput | null>(null);
  const c = existing.data;
  const card: CardInput = draft ?? (c
    ? { titleEn: c.titleEn, titleZh: c.titleZh, descriptionEn: c.descriptionEn, descriptionZh: c.descriptionZh, modality: c.modality, licence: c.licence, visibility: c.visibility }
    : { titleEn: project.name, titleZh: project.name, descriptionEn: '', descriptionZh: '', modality: 'text', licence: 'CC-BY-4.0', visibility: 'private' });
  const set = (patch: Partial<CardInput>) => setDraft({ ...card, ...patch });
  const saving = useMutation({
    mutationFn: () => releasesApi.putCard(project.id, card),
    onSuccess: () => { setDraft(null); void queryClient.invalidateQueries({ queryKey: ['catalogue'] }); },
  });
  return (
    <form className="card form-grid" data-testid="card-editor" onSubmit={(e) => { e.preventDefault(); saving.mutate(); }}>
      <h3>{t('card.editor')}</h3>
      <p className="muted small">{t('card.editorHelp')}</p>
      <div className="row wrap">
        <label>{t('card.titleZh')}<input data-testid="card-title-zh" value={card.titleZh} onChange={(e) => set({ titleZh: e.target.value })} /></label>
        <label>{t('card.titleEn')}<input data-testid="card-title-en" value={card.titleEn} onChange={(e) => set({ titleEn: e.target.value })} /></label>
      </div>
      <label>{t('card.descriptionZh')}<textarea data-testid="card-description-zh" rows={3} value={card.descriptionZh} onChange={(e) => set({ descriptionZh: e.target.value })} /></label>
      <label>{t('card.descriptionEn')}<textarea data-testid="card-description-en" rows={3} value={card.descriptionEn} onChange={(e) => set({ descriptionEn: e.target.value })} /></label>
      <div className="row wrap">
        <label>{t('card.modality')}
          <select data-testid="card-modality" value={card.modality} onChange={(e) => set({ modality: e.target.value as CardInput['modality'] })}>
            {MODALITIES.map((m) => <option key={m} value={m}>{t(`card.modality.${m}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>{t('card.licence')}<input data-testid="card-licence" value={card.licence} onChange={(e) => set({ licence: e.target.value })} /></label>
        <label>{t('card.visibility')}
          <select data-testid="card-visibility" value={card.visibility} onChange={(e) => set({ visibility: e.target.value as CardInput['visibility'] })}>
            {VISIBILITIES.map((v) => <option key={v} value={v}>{t(`card.visibility.${v}` as MessageKey)}</option>)}
          </select>
        </label>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={saving.isPending} data-testid="card-save">{t('card.save')}</button>
        {saving.isSuccess && !draft && <span className="muted" data-testid="card-saved">{t('card.saved')}</span>}
        {c && <a href={`#/catalogue/${project.id}`} data-testid="card-open">{t('card.open')}</a>}
      </div>
      {saving.error && <div className="banner error" role="alert" data-testid="card-error">{errorText(saving.error, t)}</div>}
    </form>
  );
}

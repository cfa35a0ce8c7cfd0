import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type PoolProfile, type PredictJob } from '../api';
import { errorText } from '../api/queries';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const hhmm = (iso: string) => new Date(iso).toISOString().slice(5, 16).replace('T', ' ');

/** Models, the organisation's compute pool with its power profile, and pre-annotation jobs with progress and cancel. */
export function ComputePage() {
  const t = useT();
  const { org } = useSession();
  const orgId = org!.id;
  const qc = useQueryClient();
  const models = useQuery({ queryKey: ['compute', 'models'], queryFn: api.models });
  const runtime = useQuery({ queryKey: ['compute', 'runtime'], queryFn: api.computeRuntime, staleTime: Infinity });
  const pools = useQuery({ queryKey: ['compute', orgId, 'pools'], queryFn: () => api.pools(orgId) });
  const poolId = pools.data?.[0]?.id;
  const pool = useQuery({ queryKey: ['compute', 'pool', poolId], queryFn: () => api.pool(poolId!), enabled: !!poolId });
  const projects = useQuery({ queryKey: ['projects', orgId], queryFn: () => api.projects(orgId) });
  const [projectId, setProjectId] = useState(0);
  const [modelId, setModelId] = useState(0);
  const [scope, setScope] = useState<'missing' | 'all'>('missing');
  const [deferrable, setDeferrable] = useState(false);
  const [deadline, setDeadline] = useState(() => new Date(Date.now() + 24 * 3600e3).toISOString().slice(0, 16));
  const project = projectId || projects.data?.[0]?.id || 0;
  const jobs = useQuery({
    queryKey: ['compute', 'jobs', project], queryFn: () => api.predictJobs(project), enabled: !!project,
    refetchInterval: (q) => (q.state.data ?? []).some((j) => j.status === 'running' || j.status === 'queued') ? 1000 : 5000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: ['compute', 'jobs', project] });
  const start = useMutation({
    mutationFn: () => api.startPredictJob(project, {
      modelId: modelId || models.data![0]!.id, scope, poolId: poolId ?? null, deferrable,
      deadline: deferrable ? new Date(deadline + 'Z').toISOString() : null, goal: 'greenest',
    }),
    onSuccess: refresh,
  });
  const cancel = useMutation({ mutationFn: (id: number) => api.cancelPredictJob(id), onSuccess: refresh });
  const scheduled = jobs.data?.find((j) => j.windowStart && (j.status === 'scheduled' || j.status === 'running'));

  return (
    <main className="page" data-testid="compute-page">
      <h1>{t('compute.title')}</h1>
      <h2>{t('compute.models')}</h2>
      {runtime.data && (
        <p data-testid="compute-runtime" data-provider={runtime.data.provider}>
          {runtime.data.provider === 'cuda' ? t('compute.runtime.cuda') : t('compute.runtime.cpu', { cores: runtime.data.cores })}
          {runtime.data.fallbackReason && <><br /><span className="muted small">{t('compute.runtime.why', { why: runtime.data.fallbackReason })}</span></>}
        </p>
      )}
      <table data-testid="models">
        <thead><tr><th>{t('compute.model')}</th><th>{t('compute.task')}</th><th>{t('compute.licence')}</th><th /></tr></thead>
        <tbody>
          {models.data?.map((m) => (
            <tr key={m.id}>
              <td>{m.name}@{m.version}</td>
              <td>{t(`compute.task.${m.task}` as MessageKey)}</td>
              <td>{m.licence}</td>
              <td>{m.available ? t('compute.ready') : t('compute.unavailable', { why: m.problem ?? '' })}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('compute.pool')}</h2>
      {pools.data && pools.data.length === 0 && <p>{t('compute.noPool')}</p>}
      {pool.data && <ProfileChart profile={pool.data} window={scheduled} />}
      <p className="muted">{t('compute.honest')}</p>

      <h2>{t('compute.start')}</h2>
      <form className="row" style={{ flexWrap: 'wrap', alignItems: 'end' }} onSubmit={(e) => { e.preventDefault(); start.mutate(); }}>
        <label>{t('compute.project')}{' '}
          <select value={project} onChange={(e) => setProjectId(Number(e.target.value))} data-testid="compute-project">
            {projects.data?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        <label>{t('compute.model')}{' '}
          <select value={modelId || models.data?.[0]?.id || 0} onChange={(e) => setModelId(Number(e.target.value))} data-testid="compute-model">
            {models.data?.map((m) => <option key={m.id} value={m.id}>{m.name}@{m.version}</option>)}
          </select>
        </label>
        <label>{t('compute.scope')}{' '}
          <select value={scope} onChange={(e) => setScope(e.target.value as 'missing' | 'all')}>
            <option value="missing">{t('compute.scope.missing')}</option>
            <option value="all">{t('compute.scope.all')}</option>
          </select>
        </label>
        {poolId && (
          <label style={{ whiteSpace: 'nowrap' }}><input type="checkbox" checked={deferrable} onChange={(e) => setDeferrable(e.target.checked)} data-testid="compute-deferrable" /> {t('compute.deferrable')}</label>
        )}
        {deferrable && <label>{t('compute.deadline')} (UTC) <input type="datetime-local" value={deadline} onChange={(e) => setDeadline(e.target.value)} /></label>}
        <button type="submit" disabled={!project || start.isPending} data-testid="compute-start">{t('compute.start')}</button>
      </form>
      {start.error && <p className="error" role="alert">{errorText(start.error, t)}</p>}

      <h2>{t('compute.jobs')}</h2>
      {jobs.data?.length === 0 && <p>{t('compute.noJobs')}</p>}
      <ul className="plain" data-testid="compute-jobs">
        {jobs.data?.map((j) => <JobRow key={j.id} job={j} onCancel={() => cancel.mutate(j.id)} />)}
      </ul>
    </main>
  );
}

function JobRow({ job: j, onCancel }: { job: PredictJob; onCancel: () => void }) {
  const t = useT();
  const live = j.status === 'queued' || j.status === 'running' || j.status === 'scheduled';
  const e = j.energy;
  return (
    <li data-testid={`job-${j.id}`}>
      <strong>#{j.id} {j.model}</strong> · {t(`compute.status.${j.status}` as MessageKey)} ·{' '}
      <progress max={Math.max(1, j.total)} value={j.done + j.skipped} /> {t('compute.progress', { done: j.done + j.skipped, total: j.total })}
      {j.windowStart && j.windowEnd && <> · {t('compute.windowAt', { from: hhmm(j.windowStart), to: hhmm(j.windowEnd) })}</>}
      {live && <> <button type="button" onClick={onCancel}>{t('compute.cancel')}</button></>}
      {j.error && <div className="error">{j.error}</div>}
      {e && (
        <div className="muted">
          {t('compute.energy', {
            kwh: (e.kwh * 1000).toFixed(3), cost: e.costCny.toFixed(6), green: pct(e.greenShare),
            how: t(e.measured ? 'compute.energy.measured' : 'compute.energy.estimate'), watts: e.watts,
          })}
          {' · '}{t('compute.runNow', { cost: e.runNowCostCny.toFixed(6), green: pct(e.runNowGreenShare) })}
        </div>
      )}
    </li>
  );
}

/** Hourly green share as bars and price as a line, the chosen window shaded; the profile's own note above it. */
function ProfileChart({ profile, window: w }: { profile: PoolProfile; window?: PredictJob }) {
  const t = useT();
  const hours = profile.hours.slice(0, 96);
  if (hours.length === 0) return null;
  const W = 760, H = 160, bw = W / hours.length;
  const maxPrice = Math.max(...hours.map((h) => h.pricePerKwh), 0.01);
  const x = (iso: string) => ((new Date(iso).getTime() - new Date(hours[0]!.hour).getTime()) / 3600e3) * bw;
  const line = hours.map((h, i) => `${i * bw + bw / 2},${H - (h.pricePerKwh / maxPrice) * (H - 10)}`).join(' ');
  return (
    <figure data-testid="profile-chart">
      <p className="muted">{profile.pool.name} · {t('compute.profileNote', { note: profile.pool.profileNote })}</p>
      <svg viewBox={`0 0 ${W} ${H + 16}`} width="100%" role="img" aria-label={t('compute.chart')}>
        {w?.windowStart && w.windowEnd && (
          <rect x={x(w.windowStart)} y={0} width={Math.max(2, x(w.windowEnd) - x(w.windowStart))} height={H} fill="#ffe08a" opacity={0.6}>
            <title>{t('compute.window')}</title>
          </rect>
        )}
        {hours.map((h, i) => (
          <rect key={h.hour} x={i * bw + 1} y={H - h.greenShare * H} width={Math.max(1, bw - 2)} height={h.greenShare * H} fill="#3c9d5d">
            <title>{`${hhmm(h.hour)} · ${pct(h.greenShare)} · ${h.pricePerKwh} ¥/kWh`}</title>
          </rect>
        ))}
        <polyline points={line} fill="none" stroke="#c0392b" strokeWidth={1.5} />
        {hours.filter((_, i) => i % 12 === 0).map((h) => (
          <text key={h.hour} x={x(h.hour)} y={H + 12} fontSize={10}>{hhmm(h.hour)}</text>
        ))}
      </svg>
      <figcaption className="muted">{t('compute.chart')}</figcaption>
    </figure>
  );
}

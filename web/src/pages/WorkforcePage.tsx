import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { trainingApi, trainingKeys } from '../api/training';
import { workforceApi as w, workforceKeys as wk, type Skill, type SkillInput, type VendorMatch } from '../api/workforce';
import { useI18n, useT, type MessageKey, type T } from '../i18n';
import { can } from '../roles';
import { useSession } from '../session';

const day = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleDateString() : '—');
const pct = (x: number | null | undefined) => (x == null ? '—' : `${(x * 100).toFixed(1)}%`);

/** A skill's name in the reader's language. */
export function useSkillName(): (s: { nameEn: string; nameZh: string }) => string {
  const { lang } = useI18n();
  return (s) => (lang === 'zh-CN' ? s.nameZh : s.nameEn);
}

/** The workforce: skills, certificates, job board, and for each kind of organisation its own part. */
export function WorkforcePage() {
  const t = useT();
  const { org } = useSession();
  const kind = org?.kind;
  const manage = can(org?.roles, 'manage');
  const trainer = !!org?.roles.includes('trainer');
  return (
    <div className="page" data-testid="workforce-page">
      <h1>{t('wf.title')}</h1>
      <MyCertificates />
      <JobBoard />
      <SkillsCatalogue editable={kind === 'operator' && manage} />
      {org && kind !== 'operator' && (manage || trainer) && <PeopleCertificates orgId={org.id} canGrant={trainer || org.roles.includes('admin')} />}
      {kind === 'operator' && (manage || trainer) && <ParkCounts />}
      {org && kind === 'client' && manage && <Demands orgId={org.id} />}
      {org && kind === 'client' && manage && <ContractSkills orgId={org.id} />}
      {org && (kind === 'operator' ? manage || trainer : kind === 'vendor' && manage) && <Figures vendor={kind === 'vendor' ? org.id : null} />}
    </div>
  );
}

function MyCertificates() {
  const t = useT();
  const name = useSkillName();
  const mine = useQuery({ queryKey: wk.mine, queryFn: w.mine });
  return (
    <section data-testid="my-certificates">
      <h2>{t('wf.mine')}</h2>
      {mine.error && <p className="error" role="alert">{errorText(mine.error, t)}</p>}
      {mine.data?.length === 0 && <p className="empty-state">{t('wf.noCertificates')}</p>}
      {!!mine.data?.length && (
        <table className="grid">
          <thead><tr><th>{t('wf.skill')}</th><th>{t('wf.level')}</th><th>{t('wf.issued')}</th><th>{t('wf.expires')}</th><th>{t('wf.status')}</th></tr></thead>
          <tbody>{mine.data.map((c) => (
            <tr key={c.id} data-testid={`my-certificate-${c.skillCode}`}>
              <td>{name(c)}</td><td>{c.level}</td><td>{day(c.issuedAt)}</td><td>{day(c.expiresAt)}</td>
              <td>{c.valid ? t('wf.valid') : c.revokedAt ? t('wf.revoked') : t('wf.expired')}</td>
            </tr>))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function JobBoard() {
  const t = useT();
  const name = useSkillName();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const jobs = useQuery({ queryKey: wk.jobs, queryFn: w.jobs });
  // The way to each skill: the organisation's courses and exams for it (an exam from the level the demand asks).
  const courses = useQuery({ queryKey: trainingKeys.courses(orgId), queryFn: () => trainingApi.courses(orgId), enabled: !!org });
  const exams = useQuery({ queryKey: trainingKeys.exams(orgId), queryFn: () => trainingApi.exams(orgId), enabled: !!org });
  return (
    <section data-testid="job-board">
      <h2>{t('wf.jobs')}</h2>
      <p className="muted small">{t('wf.jobsHint')}</p>
      {jobs.data?.length === 0 && <p className="empty-state">{t('wf.noJobs')}</p>}
      {!!jobs.data?.length && (
        <table className="grid">
          <thead><tr><th>{t('wf.skill')}</th><th>{t('wf.minLevel')}</th><th>{t('wf.volume')}</th><th>{t('wf.sources')}</th><th>{t('wf.deadline')}</th><th>{t('wf.holders')}</th><th>{t('wf.pathTo')}</th></tr></thead>
          <tbody>{jobs.data.map((j) => {
            const ownCourses = (courses.data ?? []).filter((c) => c.skillId === j.skillId);
            const ownExams = (exams.data ?? []).filter((e) => e.skillId === j.skillId && e.level >= j.minLevel);
            return (
              <tr key={j.skillId} data-testid={`job-${j.code}`}>
                <td>{name(j)} <span className="muted small">{j.code}</span></td><td>{j.minLevel}</td><td>{j.volume.toLocaleString()}</td><td>{j.sources}</td>
                <td>{day(j.deadline)}</td><td>{j.holders}</td>
                <td data-testid="job-path">
                  {ownCourses.length === 0 && ownExams.length === 0 && <span className="muted small">{t('wf.noPath')}</span>}
                  <ul className="plain small">
                    {ownCourses.map((c) => <li key={`c${c.id}`}>{t('wf.course')}: <a href={`#/learn/courses/${c.id}`} data-testid="job-course">{c.title}</a></li>)}
                    {ownExams.map((e) => <li key={`e${e.id}`}>{t('wf.exam')}: <a href="#/learn" data-testid="job-exam">{e.title}</a> <span className="muted">{t('wf.examLevel', { level: e.level })}</span></li>)}
                  </ul>
                </td>
              </tr>
            );
          })}
          </tbody>
        </table>
      )}
    </section>
  );
}

const blankSkill: SkillInput = { code: '', nameEn: '', nameZh: '', description: '', maxLevel: 3 };

function SkillsCatalogue({ editable }: { editable: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const name = useSkillName();
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const [f, setF] = useState<SkillInput & { id?: number }>(blankSkill);
  const save = useMutation({
    mutationFn: () => (f.id ? w.updateSkill(f.id, f) : w.createSkill(f)),
    onSuccess: () => { setF(blankSkill); void qc.invalidateQueries({ queryKey: wk.skills }); },
  });
  const remove = useMutation({ mutationFn: (id: number) => w.deleteSkill(id), onSuccess: () => void qc.invalidateQueries({ queryKey: wk.skills }) });
  return (
    <section data-testid="skills">
      <h2>{t('wf.skills')}</h2>
      {(skills.error ?? remove.error) && <p className="error" role="alert">{errorText(skills.error ?? remove.error, t)}</p>}
      <table className="grid">
        <thead><tr><th>{t('wf.code')}</th><th>{t('wf.skill')}</th><th>{t('wf.levels')}</th>{editable && <th />}</tr></thead>
        <tbody>{(skills.data ?? []).map((s) => (
          <tr key={s.id} data-testid={`skill-${s.code}`}>
            <td>{s.code}</td><td>{name(s)}</td><td>{s.maxLevel}</td>
            {editable && <td className="row">
              <button type="button" className="link" onClick={() => setF({ ...s, description: s.description })}>{t('wf.edit')}</button>
              <button type="button" className="link" onClick={() => remove.mutate(s.id)}>{t('wf.delete')}</button>
            </td>}
          </tr>))}
        </tbody>
      </table>
      {editable && (
        <form className="row wrap" data-testid="skill-form" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
          <label>{t('wf.code')} <input data-testid="skill-code" required value={f.code} onChange={(e) => setF({ ...f, code: e.target.value })} /></label>
          <label>{t('wf.nameZh')} <input data-testid="skill-name-zh" required value={f.nameZh} onChange={(e) => setF({ ...f, nameZh: e.target.value })} /></label>
          <label>{t('wf.nameEn')} <input data-testid="skill-name-en" required value={f.nameEn} onChange={(e) => setF({ ...f, nameEn: e.target.value })} /></label>
          <label>{t('wf.levels')} <input data-testid="skill-levels" type="number" min={1} max={9} value={f.maxLevel} onChange={(e) => setF({ ...f, maxLevel: Number(e.target.value) })} /></label>
          <button type="submit" data-testid="skill-save" disabled={save.isPending}>{t(f.id ? 'wf.saveSkill' : 'wf.addSkill')}</button>
          {f.id && <button type="button" className="link" onClick={() => setF(blankSkill)}>{t('wf.cancel')}</button>}
        </form>
      )}
      {save.error && <p className="error" role="alert" data-testid="skill-error">{errorText(save.error, t)}</p>}
    </section>
  );
}

function PeopleCertificates({ orgId, canGrant }: { orgId: number; canGrant: boolean }) {
  const t = useT();
  const qc = useQueryClient();
  const name = useSkillName();
  const people = useQuery({ queryKey: wk.people(orgId), queryFn: () => w.people(orgId) });
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const members = useMembers(orgId, canGrant);
  const [f, setF] = useState({ userId: 0, skillId: 0, level: 1, expires: '' });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['certificates'] });
  const grant = useMutation({
    mutationFn: () => w.grant({
      userId: f.userId || members.data![0]!.userId, skillId: f.skillId || skills.data![0]!.id, level: f.level,
      expiresAt: f.expires ? new Date(`${f.expires}T23:59:00`).toISOString() : null,
    }),
    onSuccess: refresh,
  });
  const revoke = useMutation({ mutationFn: (id: number) => w.revoke(id), onSuccess: refresh });
  return (
    <section data-testid="people-certificates">
      <h2>{t('wf.people')}</h2>
      {(people.error ?? revoke.error) && <p className="error" role="alert">{errorText(people.error ?? revoke.error, t)}</p>}
      {people.data?.length === 0 && <p className="empty-state">{t('wf.noCertificates')}</p>}
      {!!people.data?.length && (
        <table className="grid">
          <thead><tr><th>{t('wf.person')}</th><th>{t('wf.skill')}</th><th>{t('wf.level')}</th><th>{t('wf.issued')}</th><th>{t('wf.expires')}</th><th>{t('wf.status')}</th>{canGrant && <th />}</tr></thead>
          <tbody>{people.data.map((c) => (
            <tr key={c.id} data-testid={`certificate-${c.id}`}>
              <td>{c.userName || c.email}</td><td>{name(c)}</td><td>{c.level}</td><td>{day(c.issuedAt)}</td><td>{day(c.expiresAt)}</td>
              <td>{c.valid ? t('wf.valid') : c.revokedAt ? t('wf.revoked') : t('wf.expired')}</td>
              {canGrant && <td>{!c.revokedAt && <button type="button" className="link" data-testid="revoke" onClick={() => revoke.mutate(c.id)}>{t('wf.revoke')}</button>}</td>}
            </tr>))}
          </tbody>
        </table>
      )}
      {canGrant && (
        <form className="row wrap" data-testid="grant-form" onSubmit={(e) => { e.preventDefault(); grant.mutate(); }}>
          <label>{t('wf.person')} <select data-testid="grant-person" value={f.userId} onChange={(e) => setF({ ...f, userId: Number(e.target.value) })}>
            {(members.data ?? []).map((m) => <option key={m.userId} value={m.userId}>{m.name || m.email}</option>)}</select></label>
          <label>{t('wf.skill')} <select data-testid="grant-skill" value={f.skillId} onChange={(e) => setF({ ...f, skillId: Number(e.target.value) })}>
            {(skills.data ?? []).map((s) => <option key={s.id} value={s.id}>{name(s)}</option>)}</select></label>
          <label>{t('wf.level')} <input data-testid="grant-level" type="number" min={1} max={9} value={f.level} onChange={(e) => setF({ ...f, level: Number(e.target.value) })} /></label>
          <label>{t('wf.expires')} <input type="date" value={f.expires} onChange={(e) => setF({ ...f, expires: e.target.value })} /></label>
          <button type="submit" data-testid="grant-submit" disabled={grant.isPending || !members.data?.length || !skills.data?.length}>{t('wf.grant')}</button>
        </form>
      )}
      {grant.error && <p className="error" role="alert" data-testid="grant-error">{errorText(grant.error, t)}</p>}
    </section>
  );
}

function ParkCounts() {
  const t = useT();
  const name = useSkillName();
  const counts = useQuery({ queryKey: wk.counts, queryFn: w.counts });
  return (
    <section data-testid="park-counts">
      <h2>{t('wf.counts')}</h2>
      <table className="grid">
        <thead><tr><th>{t('wf.skill')}</th><th>{t('wf.level')}</th><th>{t('wf.holders')}</th></tr></thead>
        <tbody>{(counts.data ?? []).map((c) => <tr key={`${c.skillId}-${c.level}`}><td>{name(c)}</td><td>{c.level}</td><td>{c.holders}</td></tr>)}</tbody>
      </table>
    </section>
  );
}

function reason(r: VendorMatch['reasons'][number], t: T): string {
  const p = r.params as Record<string, unknown>;
  const vars: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p)) vars[k] = typeof v === 'number' && (k === 'acceptance' || k === 'gold' || k === 'share') ? pct(v) : v == null ? '—' : (v as string | number);
  return t(`wf.reason.${r.code.replace('match.', '')}` as MessageKey, vars);
}

function Demands({ orgId }: { orgId: number }) {
  const t = useT();
  const qc = useQueryClient();
  const name = useSkillName();
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const demands = useQuery({ queryKey: wk.demands(orgId), queryFn: () => w.demands(orgId) });
  const [open, setOpen] = useState<number | null>(null);
  const [f, setF] = useState(() => ({ title: '', volume: '1000', deadline: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), skillId: 0, minLevel: 1 }));
  const create = useMutation({
    mutationFn: () => w.createDemand({
      clientOrganizationId: orgId, title: f.title, volume: Number(f.volume), deadline: new Date(`${f.deadline}T23:59:00`).toISOString(),
      skills: [{ skillId: f.skillId || skills.data![0]!.id, minLevel: f.minLevel }],
    }),
    onSuccess: (d) => { setOpen(d.id); void qc.invalidateQueries({ queryKey: wk.demands(orgId) }); },
  });
  return (
    <section data-testid="demands">
      <h2>{t('wf.demands')}</h2>
      <form className="row wrap" data-testid="demand-form" onSubmit={(e) => { e.preventDefault(); create.mutate(); }}>
        <label>{t('wf.demandTitle')} <input data-testid="demand-title" required value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} /></label>
        <label>{t('wf.volume')} <input data-testid="demand-volume" inputMode="numeric" required value={f.volume} onChange={(e) => setF({ ...f, volume: e.target.value })} /></label>
        <label>{t('wf.deadline')} <input type="date" required value={f.deadline} onChange={(e) => setF({ ...f, deadline: e.target.value })} /></label>
        <label>{t('wf.skill')} <select data-testid="demand-skill" value={f.skillId} onChange={(e) => setF({ ...f, skillId: Number(e.target.value) })}>
          {(skills.data ?? []).map((s: Skill) => <option key={s.id} value={s.id}>{name(s)}</option>)}</select></label>
        <label>{t('wf.minLevel')} <input type="number" min={1} max={9} value={f.minLevel} onChange={(e) => setF({ ...f, minLevel: Number(e.target.value) })} /></label>
        <button type="submit" data-testid="demand-submit" disabled={create.isPending || !skills.data?.length}>{t('wf.demandCreate')}</button>
      </form>
      {create.error && <p className="error" role="alert" data-testid="demand-error">{errorText(create.error, t)}</p>}
      <ul className="plain">{(demands.data ?? []).map((d) => (
        <li key={d.id} data-testid={`demand-${d.id}`}>
          <button type="button" className="link" onClick={() => setOpen(open === d.id ? null : d.id)}>{d.title}</button>{' '}
          <span className="muted small">{t('wf.demandLine', { volume: d.volume.toLocaleString(), deadline: day(d.deadline), skills: d.skills.map((s) => `${name(s)} ≥ ${s.minLevel}`).join('、') })}</span>
          {d.closedAt && <span className="muted small"> · {t('wf.closed')}</span>}
          {open === d.id && <Matches orgId={orgId} demandId={d.id} volume={d.volume} deadline={d.deadline} />}
        </li>))}
      </ul>
    </section>
  );
}

function Matches({ orgId, demandId, volume, deadline }: { orgId: number; demandId: number; volume: number; deadline: string }) {
  const t = useT();
  const qc = useQueryClient();
  const matches = useQuery({ queryKey: wk.matches(demandId), queryFn: () => w.matches(demandId) });
  const projects = useQuery({ queryKey: keys.projects(orgId), queryFn: () => api.projects(orgId) });
  const [project, setProject] = useState(0);
  const [price, setPrice] = useState('0.05');
  const offer = useMutation({
    mutationFn: (vendor: number) => api.offerContract({
      projectId: project || projects.data![0]!.id, vendorOrganizationId: vendor, quota: volume, unitPrice: price, deadline, visibility: 'progress',
    }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['park', orgId] }),
  });
  if (matches.error) return <p className="error" role="alert">{errorText(matches.error, t)}</p>;
  return (
    <div data-testid="matches">
      {matches.data?.vendors.length === 0 && <p className="empty-state">{t('wf.noMatches')}</p>}
      {!!matches.data?.vendors.length && (
        <>
          <div className="row wrap">
            <label>{t('wf.offerProject')} <select value={project} onChange={(e) => setProject(Number(e.target.value))}>
              {(projects.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}</select></label>
            <label>{t('wf.unitPrice')} <input value={price} onChange={(e) => setPrice(e.target.value)} /></label>
          </div>
          <table className="grid">
            <thead><tr><th>#</th><th>{t('wf.vendor')}</th><th>{t('wf.capacity')}</th><th>{t('wf.quality')}</th><th>{t('wf.why')}</th><th /></tr></thead>
            <tbody>{matches.data.vendors.map((v) => (
              <tr key={v.vendorOrganizationId} data-testid={`match-${v.vendorOrganizationId}`}>
                <td>{v.rank}</td><td>{v.vendorName}</td>
                <td>{t('wf.capacityLine', { capacity: v.capacityByDeadline.toLocaleString(), volume: volume.toLocaleString() })}</td>
                <td>{pct(v.acceptanceRate)}</td>
                <td><ul className="plain small">{v.reasons.map((r) => <li key={r.code}>{reason(r, t)}</li>)}</ul></td>
                <td><button type="button" data-testid="match-offer" disabled={offer.isPending || !projects.data?.length} onClick={() => offer.mutate(v.vendorOrganizationId)}>{t('wf.offer')}</button></td>
              </tr>))}
            </tbody>
          </table>
          {offer.isSuccess && <p className="ok" data-testid="offer-sent">{t('wf.offerSent')}</p>}
          {offer.error && <p className="error" role="alert">{errorText(offer.error, t)}</p>}
        </>
      )}
    </div>
  );
}

function Figures({ vendor }: { vendor: number | null }) {
  const t = useT();
  const name = useSkillName();
  const { lang } = useI18n();
  const figures = useQuery({ queryKey: wk.figures(vendor), queryFn: () => w.figures(vendor) });
  const f = figures.data;
  const county = (c: { nameZh: string; nameEn: string } | null | undefined) => (c ? (lang === 'zh-CN' ? c.nameZh : c.nameEn) : '—');
  return (
    <section data-testid="workforce-figures">
      <h2>{t('wf.figures')}</h2>
      {figures.error && <p className="error" role="alert">{errorText(figures.error, t)}</p>}
      {f && (
        <>
          <p data-testid="first-certificate">{t('wf.firstCertificate', { people: f.firstCertificate.people, median: f.firstCertificate.medianDays ?? '—', mean: f.firstCertificate.meanDays ?? '—' })}</p>
          <p data-testid="retention">{t('wf.retention', {
            certified: pct(f.retention.certified.rate), certifiedCohort: f.retention.certified.cohort,
            uncertified: pct(f.retention.uncertified.rate), uncertifiedCohort: f.retention.uncertified.cohort,
          })}</p>
          <h3>{t('wf.byCounty')}</h3>
          <table className="grid">
            <thead><tr><th>{t('wf.skill')}</th><th>{t('wf.county')}</th><th>{t('wf.holders')}</th></tr></thead>
            <tbody>{f.byCounty.map((c) => <tr key={`${c.skillId}-${c.county?.code}`}><td>{name(c)}</td><td>{county(c.county)}</td><td>{c.holders}</td></tr>)}</tbody>
          </table>
          <h3>{t('wf.bySite')}</h3>
          <table className="grid">
            <thead><tr><th>{t('wf.skill')}</th><th>{t('wf.site')}</th><th>{t('wf.county')}</th><th>{t('wf.holders')}</th></tr></thead>
            <tbody>{f.bySite.map((s) => <tr key={`${s.skillId}-${s.siteId}`}><td>{name(s)}</td><td>{s.siteName}</td><td>{county(s.county)}</td><td>{s.holders}</td></tr>)}</tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** What a contract requires of the vendor's people: the client's admins and managers set it. */
function ContractSkills({ orgId }: { orgId: number }) {
  const t = useT();
  const qc = useQueryClient();
  const name = useSkillName();
  const contracts = useQuery({ queryKey: keys.contracts(orgId), queryFn: () => api.contracts(orgId) });
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const mine = (contracts.data ?? []).filter((c) => c.clientOrganizationId === orgId && (c.state === 'proposed' || c.state === 'accepted' || c.state === 'active'));
  const [contract, setContract] = useState(0);
  const chosen = contract || mine[0]?.id || 0;
  const current = useQuery({ queryKey: wk.contractSkills(chosen), queryFn: () => w.contractSkills(chosen), enabled: chosen > 0 });
  const [f, setF] = useState({ skillId: 0, minLevel: 1 });
  const save = useMutation({
    mutationFn: (needs: { skillId: number; minLevel: number }[]) => w.setContractSkills(chosen, needs),
    onSuccess: (v) => qc.setQueryData(wk.contractSkills(chosen), v),
  });
  const needs = (current.data?.requirements ?? []).map((r) => ({ skillId: r.skillId, minLevel: r.minLevel }));
  if (mine.length === 0) return null;
  return (
    <section data-testid="contract-skills">
      <h2>{t('wf.contractSkills')}</h2>
      <label>{t('wf.contract')} <select data-testid="contract-skills-contract" value={chosen} onChange={(e) => setContract(Number(e.target.value))}>
        {mine.map((c) => <option key={c.id} value={c.id}>{`${c.projectName} · ${c.vendorName}`}</option>)}</select></label>
      <ul className="plain">{(current.data?.requirements ?? []).map((r) => (
        <li key={r.skillId}>{name(r)} ≥ {r.minLevel}{' '}
          <button type="button" className="link" onClick={() => save.mutate(needs.filter((n) => n.skillId !== r.skillId))}>{t('ps.remove')}</button></li>))}
      </ul>
      <div className="row wrap">
        <select data-testid="contract-skills-skill" value={f.skillId} onChange={(e) => setF({ ...f, skillId: Number(e.target.value) })}>
          {(skills.data ?? []).map((s) => <option key={s.id} value={s.id}>{name(s)}</option>)}</select>
        <label>{t('ps.minLevel')} <input type="number" min={1} max={9} value={f.minLevel} onChange={(e) => setF({ ...f, minLevel: Number(e.target.value) })} /></label>
        <button type="button" data-testid="contract-skills-add" disabled={save.isPending || !skills.data?.length}
          onClick={() => save.mutate([...needs, { skillId: f.skillId || skills.data![0]!.id, minLevel: f.minLevel }])}>{t('ps.addRequired')}</button>
      </div>
      {save.error && <p className="error" role="alert">{errorText(save.error, t)}</p>}
    </section>
  );
}

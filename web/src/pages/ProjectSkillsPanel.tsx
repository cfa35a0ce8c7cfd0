import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/queries';
import { workforceApi as w, workforceKeys as wk, type ProjectSkills, type SkillNeed, type SkillRouteInput } from '../api/workforce';
import { useT } from '../i18n';
import { useSkillName } from './WorkforcePage';

const needsOf = (p: ProjectSkills): SkillNeed[] => p.requirements.map((r) => ({ skillId: r.skillId, minLevel: r.minLevel }));
const routesOf = (p: ProjectSkills): SkillRouteInput[] => p.routes.map((r) => ({ field: r.field, value: r.value, skillId: r.skillId, minLevel: r.minLevel }));

/** Project settings: the skills every task requires, and routes that require skills of tasks by their data. */
export function ProjectSkillsPanel({ projectId }: { projectId: number }) {
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const current = useQuery({ queryKey: wk.projectSkills(projectId), queryFn: () => w.projectSkills(projectId) });
  if (!current.data || !skills.data) return null;
  return <Editor projectId={projectId} initial={current.data} skillIds={skills.data.map((s) => s.id)} />;
}

function Editor({ projectId, initial, skillIds }: { projectId: number; initial: ProjectSkills; skillIds: number[] }) {
  const t = useT();
  const qc = useQueryClient();
  const name = useSkillName();
  const skills = useQuery({ queryKey: wk.skills, queryFn: w.skills });
  const [needs, setNeeds] = useState<SkillNeed[]>(needsOf(initial));
  const [routes, setRoutes] = useState<SkillRouteInput[]>(routesOf(initial));
  const save = useMutation({
    mutationFn: () => w.setProjectSkills(projectId, needs, routes),
    onSuccess: (p) => { qc.setQueryData(wk.projectSkills(projectId), p); setNeeds(needsOf(p)); setRoutes(routesOf(p)); },
  });
  const first = skillIds[0] ?? 0;
  const skillSelect = (value: number, onChange: (id: number) => void, testId: string) => (
    <select data-testid={testId} value={value} onChange={(e) => onChange(Number(e.target.value))}>
      {(skills.data ?? []).map((s) => <option key={s.id} value={s.id}>{name(s)}</option>)}
    </select>
  );
  return (
    <div className="card" data-testid="project-skills">
      <h3>{t('ps.title')}</h3>
      <p className="muted small">{t('ps.hint')}</p>
      <h4>{t('ps.required')}</h4>
      {needs.map((n, i) => (
        <div className="row" key={`n${i}`} data-testid={`need-${i}`}>
          {skillSelect(n.skillId, (id) => setNeeds(needs.map((x, j) => (j === i ? { ...x, skillId: id } : x))), `need-skill-${i}`)}
          <label>{t('ps.minLevel')} <input data-testid={`need-level-${i}`} type="number" min={1} max={9} value={n.minLevel}
            onChange={(e) => setNeeds(needs.map((x, j) => (j === i ? { ...x, minLevel: Number(e.target.value) } : x)))} /></label>
          <button type="button" className="link" onClick={() => setNeeds(needs.filter((_, j) => j !== i))}>{t('ps.remove')}</button>
        </div>
      ))}
      <button type="button" className="link" data-testid="add-need" disabled={!first} onClick={() => setNeeds([...needs, { skillId: first, minLevel: 1 }])}>{t('ps.addRequired')}</button>
      <h4>{t('ps.routes')}</h4>
      {routes.map((r, i) => (
        <div className="row wrap" key={`r${i}`} data-testid={`route-${i}`}>
          <label>{t('ps.field')} <input data-testid={`route-field-${i}`} value={r.field} onChange={(e) => setRoutes(routes.map((x, j) => (j === i ? { ...x, field: e.target.value } : x)))} /></label>
          <label>{t('ps.value')} <input data-testid={`route-value-${i}`} value={r.value} onChange={(e) => setRoutes(routes.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} /></label>
          {skillSelect(r.skillId, (id) => setRoutes(routes.map((x, j) => (j === i ? { ...x, skillId: id } : x))), `route-skill-${i}`)}
          <label>{t('ps.minLevel')} <input type="number" min={1} max={9} value={r.minLevel}
            onChange={(e) => setRoutes(routes.map((x, j) => (j === i ? { ...x, minLevel: Number(e.target.value) } : x)))} /></label>
          <button type="button" className="link" onClick={() => setRoutes(routes.filter((_, j) => j !== i))}>{t('ps.remove')}</button>
        </div>
      ))}
      <button type="button" className="link" data-testid="add-route" disabled={!first} onClick={() => setRoutes([...routes, { field: '', value: '', skillId: first, minLevel: 1 }])}>{t('ps.addRoute')}</button>
      <div className="row">
        <button type="button" data-testid="skills-save" disabled={save.isPending} onClick={() => save.mutate()}>{t('ps.save')}</button>
        {save.isSuccess && <span className="ok" data-testid="skills-saved">{t('ps.saved')}</span>}
      </div>
      {save.error && <p className="error" role="alert" data-testid="skills-error">{errorText(save.error, t)}</p>}
    </div>
  );
}

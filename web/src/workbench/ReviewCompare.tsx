import { useQuery } from '@tanstack/react-query';
import { api, type Annotation, type Project, type ReviewItem } from '../api';
import { keys } from '../api/queries';
import { useI18n, type T } from '../i18n';
import type { Control, Result } from '../lib/schema';

/** A control's value as a short line: choices and labels in a fixed order, so equal answers read equal. */
export function summarise(c: Control, v: Result[string] | undefined, t: T): string {
  if (v == null || (Array.isArray(v) && !v.length) || v === '') return t('wbx.emptyValue');
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === 'string')) return [...v].sort().join(', ');
    if (c.type === 'relations') return v.map((r) => (r as { label?: string }).label ?? '→').sort().join(', ');
    // Regions: how many of each label (their exact geometry is in the view below).
    const n = new Map<string, number>();
    for (const r of v as { label?: string }[]) n.set(r.label ?? '?', (n.get(r.label ?? '?') ?? 0) + 1);
    return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([l, k]) => (k > 1 ? `${l} ×${k}` : l)).join(', ');
  }
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.order)) return (o.order as string[]).join(' > ');
  if (typeof o.preferred === 'string') return o.preferred;
  return JSON.stringify(v);
}

/** The first single-choice control: the one truth inference answers for. */
function inferable(project: Project): Control | undefined {
  return project.schema.controls.find((c) => c.type === 'choices' && !c.multiple);
}

/**
 * Every annotation in force of the task under review side by side, one column each, the cells
 * that differ from the annotation under review marked; and the answer truth inference gives
 * for the task (the project's first single-choice control), when there is one.
 */
export function ReviewCompare({ project, item }: { project: Project; item: ReviewItem }) {
  const { t } = useI18n();
  const detail = useQuery({ queryKey: keys.task(item.task.id), queryFn: () => api.task(item.task.id) });
  const control = inferable(project);
  // Not under the project's key: reviewing does not change the answers, so a decision need not refetch it.
  const truth = useQuery({
    queryKey: ['aggregate', project.id, control?.name ?? null], enabled: !!control, staleTime: 60_000,
    queryFn: () => api.aggregate(project.id, 'auto', control!.name),
  });
  const inForce = (detail.data?.annotations ?? []).filter((a) => a.status !== 'superseded');
  if (inForce.length < 2) return null;
  const columns: Annotation[] = [
    ...inForce.filter((a) => a.id === item.annotationId),
    ...inForce.filter((a) => a.id !== item.annotationId),
  ];
  const controls = project.schema.controls.filter((c) => c.type !== 'relations' || columns.some((a) => a.result[c.name] != null));
  const inferred = truth.data?.items.find((x) => x.taskId === item.task.id);
  return (
    <section className="review-compare" data-testid="review-compare">
      <h3>{t('wbx.compare')}</h3>
      <p className="muted small">{t('wbx.compareHint')}</p>
      <div className="table-scroll">
        <table className="compare">
          <thead>
            <tr>
              <th />
              {columns.map((a) => (
                <th key={a.id} data-testid={`compare-col-${a.id}`} className={a.id === item.annotationId ? 'current' : ''}>
                  {a.annotator || a.userId}{a.id === item.annotationId && <span className="badge">{t('wbx.underReview')}</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {controls.map((c) => {
              const mine = summarise(c, item.annotation.result[c.name], t);
              return (
                <tr key={c.name}>
                  <th>{c.name}</th>
                  {columns.map((a) => {
                    const v = summarise(c, a.result[c.name], t);
                    const differs = a.id !== item.annotationId && v !== mine;
                    return <td key={a.id} data-testid={`compare-${c.name}-${a.id}`} className={differs ? 'diff' : ''} data-differs={differs ? 'true' : 'false'}>{v}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {control && (
        <p data-testid="review-inferred">
          <b>{t('wbx.inferred')}:</b>{' '}
          {inferred
            ? t('wbx.inferredOf', { label: inferred.label, percent: Math.round(inferred.confidence * 100), method: truth.data!.method })
            : <span className="muted">{t('wbx.noInference')}</span>}
        </p>
      )}
    </section>
  );
}

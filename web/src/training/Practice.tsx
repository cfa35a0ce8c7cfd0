import { useCallback, useState } from 'react';
import { useI18n } from '../i18n';
import type { Result, Schema } from '../lib/schema';
import { mediaUrlFor } from '../lib/util';
import { summarise } from '../workbench/ReviewCompare';
import { initState, toResult, type WbState } from '../workbench/state';
import { TaskView } from '../workbench/TaskView';

/** A score (0–1) in words and percent, as the gold rules gave it. */
export function ScoreBadge({ score }: { score: number }) {
  const { t } = useI18n();
  const pct = Math.round(score * 1000) / 10;
  const word = score >= 0.999 ? t('learn.right') : score > 0 ? t('learn.partly') : t('learn.wrong');
  return (
    <span className={`badge ${score >= 0.999 ? 'state-accepted' : 'state-rejected'}`} data-testid="score">
      {word} · {t('learn.score', { score: pct })}
    </span>
  );
}

/**
 * One task's answer beside the expected one, each in the workbench's own (read-only) controls, with a
 * line per control summing each up, so a difference shows at a glance.
 */
export function AnswerBesideExpected({ schema, data, projectId, given, expected, score }: {
  schema: Schema; data: Record<string, unknown>; projectId: number; given: Result | null; expected: Result; score: number;
}) {
  const { t } = useI18n();
  const mediaUrl = useCallback((v: string) => mediaUrlFor(projectId, v), [projectId]);
  const none = () => {};
  return (
    <div className="feedback" data-testid="feedback">
      <ScoreBadge score={score} />
      <table className="table compare" data-testid="feedback-table">
        <thead><tr><th /><th>{t('learn.yourAnswer')}</th><th>{t('learn.expected')}</th></tr></thead>
        <tbody>
          {schema.controls.filter((c) => c.type !== 'relations').map((c) => {
            const g = given ? summarise(c, given[c.name], t) : t('exam.unanswered');
            const e = summarise(c, expected[c.name], t);
            return (
              <tr key={c.name}>
                <th>{c.name}</th>
                <td data-testid="given" className={g === e ? '' : 'differs'}>{g}</td>
                <td data-testid="expected">{e}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="side-by-side">
        <div><h4>{t('learn.yourAnswer')}</h4>
          <TaskView schema={schema} data={data} state={initState(schema, { draft: given ?? {} })} onChange={none} readOnly keyboard={false} mediaUrl={mediaUrl} />
        </div>
        <div><h4>{t('learn.expected')}</h4>
          <TaskView schema={schema} data={data} state={initState(schema, { draft: expected })} onChange={none} readOnly keyboard={false} mediaUrl={mediaUrl} />
        </div>
      </div>
    </div>
  );
}

/** A task answered in the workbench's controls: `onSubmit` gets the result; `keyboard` when it is the page's one task. */
export function AnswerForm({ schema, data, projectId, submitLabel, busy, onSubmit, keyboard = false, testId }: {
  schema: Schema; data: Record<string, unknown>; projectId: number; submitLabel: string; busy: boolean;
  onSubmit: (r: Result) => void; keyboard?: boolean; testId?: string;
}) {
  const [state, setState] = useState<WbState>(() => initState(schema, {}));
  const mediaUrl = useCallback((v: string) => mediaUrlFor(projectId, v), [projectId]);
  return (
    <div data-testid={testId}>
      <TaskView schema={schema} data={data} state={state} onChange={(f) => setState((s) => f(s))} keyboard={keyboard} mediaUrl={mediaUrl} />
      <button type="button" className="primary" data-testid="answer-submit" disabled={busy} onClick={() => onSubmit(toResult(state, schema))}>
        {submitLabel}
      </button>
    </div>
  );
}

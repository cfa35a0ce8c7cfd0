import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/queries';
import { trainingApi, trainingKeys, type Attempt } from '../api/training';
import { useI18n } from '../i18n';
import type { Result } from '../lib/schema';
import { useSession } from '../session';
import { clock } from './clock';
import { AnswerBesideExpected, AnswerForm } from './Practice';
import './training.css';


/** An attempt with the browser's clock when it arrived, so the timer measures time since the server answered. */
type Timed = Attempt & { receivedAt: number };
const timed = (a: Attempt): Timed => ({ ...a, receivedAt: Date.now() });

/**
 * Time left on an attempt, counted by the server's clock: the deadline was fixed when the attempt
 * started, and the browser's clock only measures how much time passed since the server answered.
 */
function useTimeLeft(a: Timed | undefined, onZero: () => void): number | null {
  const open = a?.state === 'open';
  const [now, setNow] = useState(() => a?.receivedAt ?? 0);
  useEffect(() => {
    if (!open) return;
    const id = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(id);
  }, [open]);
  const left = a && open ? Date.parse(a.deadline) - Date.parse(a.serverTime) - (Math.max(now, a.receivedAt) - a.receivedAt) : null;
  const fired = useRef(false);
  useEffect(() => {
    if (left != null && left <= 0 && !fired.current) { fired.current = true; onZero(); }
  }, [left, onZero]);
  return left;
}

/** An exam attempt: one question at a time against a visible timer, then the mark and the answers beside the expected ones. */
export function AttemptPage({ attemptId }: { attemptId: number }) {
  const { t } = useI18n();
  const { org } = useSession();
  const qc = useQueryClient();
  const key = trainingKeys.attempt(attemptId);
  const attempt = useQuery({ queryKey: key, queryFn: async () => timed(await trainingApi.attempt(attemptId)), staleTime: 0 });
  const refresh = (a?: Attempt) => {
    if (a) qc.setQueryData(key, timed(a)); else void attempt.refetch();
    void qc.invalidateQueries({ queryKey: ['training', org?.id ?? 0, 'exams'] });
    void qc.invalidateQueries({ queryKey: trainingKeys.certificates });
  };
  const answer = useMutation({
    mutationFn: ({ position, result }: { position: number; result: Result }) => trainingApi.answer(attemptId, position, result),
    onSuccess: (a) => refresh(a),
    onError: () => refresh(),
  });
  const handIn = useMutation({ mutationFn: () => trainingApi.finish(attemptId), onSuccess: (a) => refresh(a) });
  const left = useTimeLeft(attempt.data, () => refresh());

  if (attempt.error) return <div className="page"><div className="banner error" role="alert">{errorText(attempt.error, t)}</div></div>;
  if (!attempt.data) return <div className="page muted">{t('common.loading')}</div>;
  const a = attempt.data;
  const failure = answer.error ?? handIn.error;
  return (
    <div className="page" data-testid="attempt-page">
      <a href="#/learn">{t('exam.back')}</a>
      {failure && <div className="banner error" role="alert" data-testid="attempt-error">{errorText(failure, t)}</div>}
      {a.state === 'open' && a.current
        ? (
          <>
            <div className="wb-bar">
              <b data-testid="question-number">{t('exam.question', { n: a.current.position, total: a.questionCount })}</b>
              <span className="grow" />
              <span className="muted small">{t('exam.timeLeft')}</span>
              <span className={`exam-timer ${left != null && left < 60_000 ? 'low' : ''}`} data-testid="exam-timer">{clock(left ?? 0)}</span>
              <button type="button" data-testid="hand-in" disabled={handIn.isPending}
                onClick={() => { if (window.confirm(t('exam.handInConfirm'))) handIn.mutate(); }}>{t('exam.handIn')}</button>
            </div>
            <p className="muted small">{t('exam.noPeek')}</p>
            <AnswerForm key={a.current.position} schema={a.current.schema} data={a.current.data} projectId={a.current.projectId} keyboard
              submitLabel={t('exam.submitAnswer')} busy={answer.isPending} testId="question"
              onSubmit={(result) => answer.mutate({ position: a.current!.position, result })} />
          </>
        )
        : <Marked a={a} />}
    </div>
  );
}

function Marked({ a }: { a: Attempt }) {
  const { t } = useI18n();
  const passed = a.state === 'passed';
  return (
    <>
      <div className={`banner ${passed ? 'ok' : 'error'}`} role="status" data-testid="attempt-result">
        {t(passed ? 'exam.passed' : 'exam.failed', { score: a.score ?? 0, mark: a.passMark })}
        {a.certificateId != null && <span data-testid="attempt-certified">{t('exam.certified')}</span>}
      </div>
      {a.review && a.review.length > 0 && <h2>{t('exam.review')}</h2>}
      {a.review?.map((q) => (
        <section className="card" key={q.position} data-testid={`review-${q.position}`}>
          <h3>{t('exam.question', { n: q.position, total: a.questionCount })}</h3>
          <AnswerBesideExpected schema={q.schema} data={q.data} projectId={q.projectId} given={q.given} expected={q.expected} score={q.score} />
        </section>
      ))}
    </>
  );
}

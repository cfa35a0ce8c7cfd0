import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { errorText } from '../api/queries';
import { trainingApi, trainingKeys, type Certificate, type Exam, type PracticeFeedback, type PracticeTask, type Skill } from '../api/training';
import { useI18n, type T } from '../i18n';
import { Markdown } from '../lib/Markdown';
import type { Result } from '../lib/schema';
import { navigate } from '../router';
import { useSession } from '../session';
import { AnswerBesideExpected, AnswerForm } from './Practice';
import './training.css';

const fmtDate = (iso: string, lang: string) => new Date(iso).toLocaleDateString(lang);
const fmtTime = (iso: string, lang: string) => new Date(iso).toLocaleString(lang);

/** A skill's name in the page's language. */
export function skillName(skills: Skill[] | undefined, id: number, lang: string): string {
  const s = skills?.find((x) => x.id === id);
  return s ? (lang === 'en' ? s.nameEn : s.nameZh) : `#${id}`;
}

/** The annotator's learning page: the organisation's courses and exams, and their own certificates. */
export function LearnPage() {
  const { t, lang } = useI18n();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const qc = useQueryClient();
  const courses = useQuery({ queryKey: trainingKeys.courses(orgId), queryFn: () => trainingApi.courses(orgId), enabled: !!org });
  const exams = useQuery({ queryKey: trainingKeys.exams(orgId), queryFn: () => trainingApi.exams(orgId), enabled: !!org });
  const skills = useQuery({ queryKey: trainingKeys.skills, queryFn: trainingApi.skills, staleTime: 60_000 });
  const certs = useQuery({ queryKey: trainingKeys.certificates, queryFn: trainingApi.myCertificates });
  const start = useMutation({
    mutationFn: (examId: number) => trainingApi.start(examId),
    onSuccess: (a) => navigate(`/learn/attempts/${a.id}`),
    onError: () => { void qc.invalidateQueries({ queryKey: trainingKeys.exams(orgId) }); },
  });
  const failure = courses.error ?? exams.error ?? start.error;
  if (!org) return <div className="page"><p className="empty-state">{t('members.noOrg')}</p></div>;
  return (
    <div className="page" data-testid="learn-page">
      <h1>{t('learn.title')}</h1>
      {failure && <div className="banner error" role="alert">{errorText(failure, t)}</div>}
      <section>
        <h2>{t('learn.courses')}</h2>
        {courses.data?.length === 0 && <p className="empty-state">{t('learn.noCourses')}</p>}
        <div className="course-list">
          {courses.data?.map((c) => (
            <a key={c.id} className="card" href={`#/learn/courses/${c.id}`} data-testid={`course-${c.id}`}>
              <b>{c.title}</b>
              {c.skillId != null && <div className="muted small">{skillName(skills.data, c.skillId, lang)}</div>}
              <p className="small">{c.summary}</p>
              <span className="muted small">{t('learn.lessonCount', { n: c.lessons })}</span>
            </a>
          ))}
        </div>
      </section>
      <section>
        <h2>{t('learn.exams')}</h2>
        {exams.data?.length === 0 && <p className="empty-state">{t('learn.noExams')}</p>}
        {!!exams.data?.length && (
          <table className="grid" data-testid="exams">
            <thead><tr>
              <th>{t('learn.exam')}</th><th>{t('learn.skill')}</th><th>{t('learn.questions')}</th><th>{t('learn.timeLimit')}</th>
              <th>{t('learn.passMark')}</th><th>{t('learn.attempts')}</th><th>{t('learn.status')}</th><th />
            </tr></thead>
            <tbody>
              {exams.data.map((e) => (
                <tr key={e.id} data-testid={`exam-${e.id}`}>
                  <td>{e.title}</td>
                  <td>{skillName(skills.data, e.skillId, lang)} · {t('learn.level', { level: e.level })}</td>
                  <td>{e.questionCount}</td>
                  <td>{t('learn.minutes', { n: Math.round(e.timeLimitSeconds / 6) / 10 })}</td>
                  <td>{e.passMark}%</td>
                  <td>{t('learn.attemptsUsed', { used: e.mine.attemptsUsed, max: e.maxAttempts })}</td>
                  <td data-testid="exam-status">{examStatus(e, t, lang)}</td>
                  <td>
                    {e.mine.openAttemptId != null
                      ? <a className="button primary" href={`#/learn/attempts/${e.mine.openAttemptId}`} data-testid="exam-resume">{t('learn.resume')}</a>
                      : e.mine.attemptsLeft > 0 && !e.mine.retryAt && (
                        <button type="button" className="primary" data-testid="exam-start" disabled={start.isPending} onClick={() => start.mutate(e.id)}>
                          {t('learn.start')}
                        </button>
                      )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <Certificates certs={certs.data} lang={lang} />
    </div>
  );
}

/** Where the caller stands: passed or not taken, the best mark, and (until passed) when the next attempt may start. */
function examStatus(e: Exam, t: T, lang: string): string {
  const parts: string[] = [];
  if (e.mine.passed) parts.push(t('learn.passed'));
  else if (e.mine.attemptsUsed === 0) parts.push(t('learn.notTaken'));
  if (e.mine.bestScore != null) parts.push(t('learn.best', { score: e.mine.bestScore }));
  if (e.mine.passed) return parts.join(' · ');
  if (e.mine.retryAt) parts.push(t('learn.coolingDown', { time: fmtTime(e.mine.retryAt, lang) }));
  else if (e.mine.attemptsLeft === 0) parts.push(t('learn.noAttemptsLeft'));
  return parts.join(' · ');
}

function Certificates({ certs, lang }: { certs: Certificate[] | undefined; lang: string }) {
  const { t } = useI18n();
  return (
    <section>
      <h2>{t('learn.certificates')}</h2>
      {certs?.length === 0 && <p className="empty-state" data-testid="no-certificates">{t('learn.noCertificates')}</p>}
      {!!certs?.length && (
        <table className="grid" data-testid="certificates">
          <thead><tr><th>{t('learn.skill')}</th><th /><th>{t('learn.issued')}</th><th>{t('learn.expires')}</th><th>{t('learn.status')}</th></tr></thead>
          <tbody>
            {certs.map((c) => (
              <tr key={c.id} data-testid={`certificate-${c.id}`}>
                <td>{lang === 'en' ? c.nameEn : c.nameZh}</td>
                <td>{t('learn.level', { level: c.level })}</td>
                <td>{fmtDate(c.issuedAt, lang)}</td>
                <td>{c.expiresAt ? fmtDate(c.expiresAt, lang) : t('learn.never')}</td>
                <td><span className={`badge ${c.valid ? 'state-accepted' : 'state-rejected'}`}>{c.valid ? t('learn.valid') : t('learn.invalid')}</span></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A course: its lessons in order. */
export function CoursePage({ courseId }: { courseId: number }) {
  const { t } = useI18n();
  const course = useQuery({ queryKey: trainingKeys.course(courseId), queryFn: () => trainingApi.course(courseId) });
  if (course.error) return <div className="page"><div className="banner error" role="alert">{errorText(course.error, t)}</div></div>;
  if (!course.data) return <div className="page muted">{t('common.loading')}</div>;
  const { course: c, lessons } = course.data;
  return (
    <div className="page" data-testid="course-page">
      <a href="#/learn">{t('learn.backToCourses')}</a>
      <h1>{c.title}</h1>
      {c.summary && <p>{c.summary}</p>}
      <h2>{t('learn.lessons')}</h2>
      {lessons.length === 0 && <p className="empty-state">{t('learn.noLessons')}</p>}
      <ol>
        {lessons.map((l) => (
          <li key={l.id}><a href={`#/learn/lessons/${l.id}`} data-testid={`lesson-${l.id}`}>{l.title}</a>
            {l.practice > 0 && <span className="muted small"> · {t('learn.practiceCount', { n: l.practice })}</span>}</li>
        ))}
      </ol>
    </div>
  );
}

/** A lesson: its Markdown, then its practice tasks, each answered in the workbench's controls and checked at once. */
export function LessonPage({ lessonId }: { lessonId: number }) {
  const { t } = useI18n();
  const lesson = useQuery({ queryKey: trainingKeys.lesson(lessonId), queryFn: () => trainingApi.lesson(lessonId) });
  if (lesson.error) return <div className="page"><div className="banner error" role="alert">{errorText(lesson.error, t)}</div></div>;
  if (!lesson.data) return <div className="page muted">{t('common.loading')}</div>;
  const l = lesson.data;
  return (
    <div className="page" data-testid="lesson-page">
      <a href={`#/learn/courses/${l.courseId}`}>{t('learn.backToCourse')}</a>
      <h1>{l.title}</h1>
      <Markdown source={l.body} testId="lesson-body" />
      {l.practice.length > 0 && <h2>{t('learn.practice')}</h2>}
      {l.practice.map((p, i) => <PracticeCard key={p.id} task={p} n={i + 1} />)}
    </div>
  );
}

function PracticeCard({ task, n }: { task: PracticeTask; n: number }) {
  const { t } = useI18n();
  const [feedback, setFeedback] = useState<PracticeFeedback | null>(null);
  const [round, setRound] = useState(0);
  const check = useMutation({ mutationFn: (r: Result) => trainingApi.check(task.id, r), onSuccess: setFeedback });
  return (
    <section className="card" data-testid={`practice-${n}`}>
      <h3>{t('learn.practiceN', { n })}</h3>
      {check.error && <div className="banner error" role="alert">{errorText(check.error, t)}</div>}
      {feedback
        ? (
          <>
            <AnswerBesideExpected schema={task.schema} data={task.data} projectId={task.projectId} given={feedback.given} expected={feedback.expected} score={feedback.score} />
            <button type="button" data-testid="practice-again" onClick={() => { setFeedback(null); setRound((x) => x + 1); }}>{t('learn.tryAgain')}</button>
          </>
        )
        : <AnswerForm key={round} schema={task.schema} data={task.data} projectId={task.projectId} submitLabel={t('learn.check')} busy={check.isPending}
          onSubmit={(r) => check.mutate(r)} />}
    </section>
  );
}

import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api';
import { errorText } from '../api/queries';
import { trainingApi, trainingKeys, type ExamRequest, type GoldTask } from '../api/training';
import { useI18n, type MessageKey } from '../i18n';
import { Markdown } from '../lib/Markdown';
import { navigate } from '../router';
import { useSession } from '../session';
import { skillName } from './LearnPage';
import './training.css';

const TABS = ['courses', 'exams', 'results'] as const;
type Tab = typeof TABS[number];

/** A short line for a task's data: its first text value. */
function dataLine(d: Record<string, unknown>): string {
  const v = Object.values(d).find((x): x is string => typeof x === 'string');
  return (v ?? JSON.stringify(d)).slice(0, 80);
}

/** Long JSON cut to a line (the whole of it in the tooltip). */
const short = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…` : s);

/** The trainer's console: courses and lessons, the exam builder, and the exams' results. */
export function TrainerPage({ tab = 'courses' }: { tab?: string }) {
  const { t } = useI18n();
  const current: Tab = (TABS as readonly string[]).includes(tab) ? tab as Tab : 'courses';
  return (
    <div className="page" data-testid="trainer-page">
      <h1>{t('trainer.title')}</h1>
      <nav className="tabs" role="tablist">
        {TABS.map((x) => (
          <a key={x} role="tab" aria-selected={current === x} className={current === x ? 'on' : ''} href={`#/training/${x}`} data-testid={`ttab-${x}`}>
            {t(`trainer.${x}` as MessageKey)}
          </a>
        ))}
      </nav>
      {current === 'courses' && <CoursesTab />}
      {current === 'exams' && <ExamsTab />}
      {current === 'results' && <ResultsTab />}
    </div>
  );
}

function useSkills() {
  return useQuery({ queryKey: trainingKeys.skills, queryFn: trainingApi.skills, staleTime: 60_000 });
}

function CoursesTab() {
  const { t, lang } = useI18n();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const qc = useQueryClient();
  const courses = useQuery({ queryKey: trainingKeys.courses(orgId), queryFn: () => trainingApi.courses(orgId) });
  const skills = useSkills();
  const [title, setTitle] = useState('');
  const [summary, setSummary] = useState('');
  const [skillId, setSkillId] = useState<number | null>(null);
  const create = useMutation({
    mutationFn: () => trainingApi.createCourse(orgId, { title, summary, skillId }),
    onSuccess: (c) => { void qc.invalidateQueries({ queryKey: trainingKeys.courses(orgId) }); navigate(`/training/courses/${c.id}`); },
  });
  return (
    <>
      {(courses.error ?? create.error) && <div className="banner error" role="alert">{errorText(courses.error ?? create.error, t)}</div>}
      <form className="card" onSubmit={(e) => { e.preventDefault(); create.mutate(); }} data-testid="new-course">
        <h3>{t('trainer.newCourse')}</h3>
        <div className="form-grid">
          <label>{t('trainer.courseTitle')}<input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="course-title" /></label>
          <label>{t('learn.skill')}
            <select value={skillId ?? ''} onChange={(e) => setSkillId(e.target.value ? Number(e.target.value) : null)} data-testid="course-skill">
              <option value="">{t('trainer.anySkill')}</option>
              {skills.data?.map((s) => <option key={s.id} value={s.id}>{lang === 'en' ? s.nameEn : s.nameZh}</option>)}
            </select>
          </label>
          <label>{t('trainer.summary')}<input value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="course-summary" /></label>
        </div>
        <button type="submit" className="primary" disabled={create.isPending} data-testid="course-create">{t('trainer.create')}</button>
      </form>
      <div className="course-list">
        {courses.data?.map((c) => (
          <a key={c.id} className="card" href={`#/training/courses/${c.id}`} data-testid={`tcourse-${c.id}`}>
            <b>{c.title}</b>
            {c.skillId != null && <div className="muted small">{skillName(skills.data, c.skillId, lang)}</div>}
            <span className="muted small">{t('learn.lessonCount', { n: c.lessons })}</span>
          </a>
        ))}
      </div>
    </>
  );
}

/** A course in the console: its lessons, and a new one. */
export function CourseEditor({ courseId }: { courseId: number }) {
  const { t } = useI18n();
  const course = useQuery({ queryKey: trainingKeys.course(courseId), queryFn: () => trainingApi.course(courseId) });
  if (course.error) return <div className="page"><div className="banner error" role="alert">{errorText(course.error, t)}</div></div>;
  if (!course.data) return <div className="page muted">{t('common.loading')}</div>;
  return (
    <div className="page" data-testid="course-editor">
      <a href="#/training/courses">← {t('trainer.courses')}</a>
      <h1>{course.data.course.title}</h1>
      <ol>
        {course.data.lessons.map((l) => (
          <li key={l.id}><a href={`#/training/lessons/${l.id}`} data-testid={`tlesson-${l.id}`}>{l.title}</a>
            <span className="muted small"> · {t('learn.practiceCount', { n: l.practice })}</span></li>
        ))}
      </ol>
      <h2>{t('trainer.newLesson')}</h2>
      <LessonForm courseId={courseId} organizationId={course.data.course.organizationId} />
    </div>
  );
}

/** Opens a saved lesson in the editor. */
export function LessonEditor({ lessonId }: { lessonId: number }) {
  const { t } = useI18n();
  const { org } = useSession();
  const lesson = useQuery({ queryKey: trainingKeys.lesson(lessonId), queryFn: () => trainingApi.lesson(lessonId) });
  if (lesson.error) return <div className="page"><div className="banner error" role="alert">{errorText(lesson.error, t)}</div></div>;
  if (!lesson.data) return <div className="page muted">{t('common.loading')}</div>;
  return (
    <div className="page" data-testid="lesson-editor-page">
      <a href={`#/training/courses/${lesson.data.courseId}`}>{t('learn.backToCourse')}</a>
      <LessonForm courseId={lesson.data.courseId} organizationId={org?.id ?? 0} lesson={lesson.data} />
    </div>
  );
}

function LessonForm({ courseId, organizationId, lesson }: {
  courseId: number; organizationId: number; lesson?: { id: number; title: string; body: string; practice: { sourceTaskId: number }[] };
}) {
  const { t } = useI18n();
  const qc = useQueryClient();
  const [title, setTitle] = useState(lesson?.title ?? '');
  const [body, setBody] = useState(lesson?.body ?? '');
  const [picked, setPicked] = useState<number[]>(lesson?.practice.map((p) => p.sourceTaskId) ?? []);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => (lesson ? trainingApi.updateLesson(lesson.id, title, body, picked) : trainingApi.createLesson(courseId, title, body, picked)),
    onSuccess: (l) => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: trainingKeys.course(courseId) });
      qc.setQueryData(trainingKeys.lesson(l.id), l);
      if (!lesson) navigate(`/training/lessons/${l.id}`);
    },
  });
  return (
    <form onSubmit={(e) => { e.preventDefault(); setSaved(false); save.mutate(); }} data-testid="lesson-form">
      {save.error && <div className="banner error" role="alert">{errorText(save.error, t)}</div>}
      {saved && <div className="banner ok" role="status" data-testid="lesson-saved">{t('trainer.saved')}</div>}
      <label>{t('trainer.lessonTitle')} <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="lesson-title" /></label>
      <div className="lesson-editor">
        <div>
          <label>{t('trainer.body')}<textarea value={body} onChange={(e) => setBody(e.target.value)} data-testid="lesson-body-input" /></label>
          <ImagePicker organizationId={organizationId} courseId={courseId} onPick={(md) => setBody((b) => `${b}${b.endsWith('\n') || !b ? '' : '\n'}${md}\n`)} />
        </div>
        <div><div className="muted small">{t('trainer.preview')}</div><Markdown source={body} className="card" testId="lesson-preview" /></div>
      </div>
      <GoldPicker organizationId={organizationId} picked={picked} onChange={setPicked} label={t('trainer.pickPractice')} />
      <button type="submit" className="primary" disabled={save.isPending} data-testid="lesson-save">{t('trainer.save')}</button>
    </form>
  );
}

/**
 * Images already uploaded to the organisation's projects (the media upload of a project), inserted into the
 * lesson as Markdown by their address: the organisation's members, who take its courses, may see them.
 */
function ImagePicker({ organizationId, courseId, onPick }: { organizationId: number; courseId: number; onPick: (markdown: string) => void }) {
  const { t } = useI18n();
  const uploading = useMutation({
    mutationFn: (file: File) => trainingApi.uploadImage(courseId, file),
    onSuccess: (img) => onPick(`![${img.name.replace(/[[\]]/g, '')}](${img.url})`),
  });
  const [projectId, setProjectId] = useState<number | null>(null);
  const projects = useQuery({ queryKey: ['training', organizationId, 'projects'], queryFn: () => api.projects(organizationId), enabled: organizationId > 0 });
  const media = useQuery({ queryKey: ['training', 'media', projectId], queryFn: () => trainingApi.media(projectId!), enabled: projectId != null });
  const images = (media.data ?? []).filter((m) => m.contentType.startsWith('image/'));
  return (
    <div className="image-picker" data-testid="image-picker">
      <div>
        <label className="small">{t('trainer.uploadImage')}{' '}
          <input type="file" accept="image/png,image/jpeg,image/gif,image/webp" data-testid="image-upload" disabled={uploading.isPending}
            onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) uploading.mutate(f); }} />
        </label>
        <div className="muted small">{t(uploading.isPending ? 'trainer.uploading' : 'trainer.uploadImageHint')}</div>
        {uploading.error && <div className="banner error" role="alert" data-testid="image-upload-error">{errorText(uploading.error, t)}</div>}
      </div>
      <label className="small">{t('trainer.insertImage')}{' '}
        <select value={projectId ?? ''} onChange={(e) => setProjectId(e.target.value ? Number(e.target.value) : null)} data-testid="image-project">
          <option value="">{t('trainer.imageProject')}</option>
          {projects.data?.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </label>
      {projectId != null && media.data && images.length === 0 && <span className="muted small"> {t('trainer.noImages')}</span>}
      <div className="thumbs">
        {images.map((m) => (
          <button type="button" key={m.name} title={m.name} data-testid={`image-${m.name}`} onClick={() => onPick(`![${m.name}](${m.url})`)}>
            <img src={m.url} alt={m.name} />
          </button>
        ))}
      </div>
    </div>
  );
}

/** Gold tasks of the organisation's projects, picked by ticking them; keeps the order they were picked in. */
function GoldPicker({ organizationId, picked, onChange, label }: { organizationId: number; picked: number[]; onChange: (ids: number[]) => void; label: string }) {
  const { t } = useI18n();
  const gold = useQuery({ queryKey: trainingKeys.gold(organizationId), queryFn: () => trainingApi.goldTasks(organizationId), enabled: organizationId > 0 });
  const toggle = (g: GoldTask) => onChange(picked.includes(g.id) ? picked.filter((x) => x !== g.id) : [...picked, g.id]);
  return (
    <fieldset data-testid="gold-picker">
      <legend>{label} · <span data-testid="picked-count">{t('trainer.picked', { n: picked.length })}</span></legend>
      {gold.error && <div className="banner error" role="alert">{errorText(gold.error, t)}</div>}
      {gold.data?.length === 0 && <p className="empty-state">{t('trainer.noGold')}</p>}
      {!!gold.data?.length && (
        <div className="pick-list">
          <table className="grid">
            <thead><tr><th /><th>{t('trainer.project')}</th><th>{t('trainer.task')}</th><th>{t('trainer.answer')}</th></tr></thead>
            <tbody>
              {gold.data.map((g) => (
                <tr key={g.id}>
                  <td><input type="checkbox" checked={picked.includes(g.id)} onChange={() => toggle(g)} data-testid={`pick-${g.id}`} aria-label={`#${g.id}`} /></td>
                  <td>{g.projectName}</td>
                  <td>#{g.id} {dataLine(g.data)}</td>
                  <td className="small"><code title={JSON.stringify(g.gold)}>{short(JSON.stringify(g.gold))}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </fieldset>
  );
}

function ExamsTab() {
  const { t, lang } = useI18n();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const exams = useQuery({ queryKey: trainingKeys.exams(orgId), queryFn: () => trainingApi.exams(orgId) });
  const skills = useSkills();
  return (
    <>
      {exams.error && <div className="banner error" role="alert">{errorText(exams.error, t)}</div>}
      <a className="button primary" href="#/training/exams/new" data-testid="exam-new">{t('trainer.newExam')}</a>
      {!!exams.data?.length && (
        <table className="grid" data-testid="texams">
          <thead><tr><th>{t('learn.exam')}</th><th>{t('learn.skill')}</th><th>{t('learn.questions')}</th><th>{t('trainer.pool')}</th><th>{t('learn.passMark')}</th><th /></tr></thead>
          <tbody>
            {exams.data.map((e) => (
              <tr key={e.id}>
                <td>{e.title}</td><td>{skillName(skills.data, e.skillId, lang)} · {t('learn.level', { level: e.level })}</td>
                <td>{e.questionCount}</td><td>{e.poolSize}</td><td>{e.passMark}%</td>
                <td><a href={`#/training/exams/${e.id}`} data-testid={`texam-${e.id}`}>{t('trainer.edit')}</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const BLANK: ExamRequest = {
  title: '', skillId: 0, level: 1, questionCount: 5, timeLimitSeconds: 1200, passMark: 80, maxAttempts: 3, cooldownSeconds: 3600, certificateDays: 365, poolTaskIds: [],
};

/** The exam builder: terms, skill and level, and the pool picked from the organisation's gold tasks. */
export function ExamBuilder({ examId }: { examId: number | null }) {
  const { t } = useI18n();
  const { org } = useSession();
  const exam = useQuery({ queryKey: trainingKeys.exam(examId ?? 0), queryFn: () => trainingApi.exam(examId!), enabled: examId != null });
  if (exam.error) return <div className="page"><div className="banner error" role="alert">{errorText(exam.error, t)}</div></div>;
  if (examId != null && !exam.data) return <div className="page muted">{t('common.loading')}</div>;
  const initial: ExamRequest = exam.data
    ? { ...exam.data.exam, poolTaskIds: exam.data.pool.map((p) => p.sourceTaskId) }
    : BLANK;
  return (
    <div className="page" data-testid="exam-builder">
      <a href="#/training/exams">← {t('trainer.exams')}</a>
      <h1>{exam.data?.exam.title ?? t('trainer.newExam')}</h1>
      <ExamForm key={examId ?? 0} examId={examId} organizationId={exam.data?.exam.organizationId ?? org?.id ?? 0} initial={initial} />
    </div>
  );
}

function ExamForm({ examId, organizationId, initial }: { examId: number | null; organizationId: number; initial: ExamRequest }) {
  const { t, lang } = useI18n();
  const qc = useQueryClient();
  const skills = useSkills();
  const [form, setForm] = useState<ExamRequest>(initial);
  const [saved, setSaved] = useState(false);
  const skillId = form.skillId || skills.data?.[0]?.id || 0;
  const save = useMutation({
    mutationFn: () => {
      const body = { ...form, skillId };
      return examId != null ? trainingApi.updateExam(examId, body) : trainingApi.createExam(organizationId, body);
    },
    onSuccess: (d) => {
      setSaved(true);
      void qc.invalidateQueries({ queryKey: trainingKeys.exams(organizationId) });
      qc.setQueryData(trainingKeys.exam(d.exam.id), d);
      if (examId == null) navigate(`/training/exams/${d.exam.id}`);
    },
  });
  const num = (k: keyof ExamRequest, labelKey: MessageKey) => (
    <label>{t(labelKey)}
      <input type="number" value={form[k] as number} data-testid={`exam-${k}`}
        onChange={(e) => setForm((f) => ({ ...f, [k]: e.target.value === '' ? 0 : Number(e.target.value) }))} />
    </label>
  );
  const max = skills.data?.find((s) => s.id === skillId)?.maxLevel ?? 1;
  return (
    <form onSubmit={(e) => { e.preventDefault(); setSaved(false); save.mutate(); }} data-testid="exam-form">
      {save.error && <div className="banner error" role="alert" data-testid="exam-error">{errorText(save.error, t)}</div>}
      {saved && <div className="banner ok" role="status" data-testid="exam-saved">{t('trainer.saved')}</div>}
      <div className="form-grid">
        <label>{t('trainer.examTitle')}<input value={form.title} onChange={(e) => setForm((f) => ({ ...f, title: e.target.value }))} data-testid="exam-title" /></label>
        <label>{t('learn.skill')}
          <select value={skillId} onChange={(e) => setForm((f) => ({ ...f, skillId: Number(e.target.value), level: 1 }))} data-testid="exam-skill">
            {skills.data?.map((s) => <option key={s.id} value={s.id}>{lang === 'en' ? s.nameEn : s.nameZh}</option>)}
          </select>
        </label>
        <label>{t('trainer.level')}
          <select value={form.level} onChange={(e) => setForm((f) => ({ ...f, level: Number(e.target.value) }))} data-testid="exam-level">
            {Array.from({ length: max }, (_, i) => i + 1).map((l) => <option key={l} value={l}>{t('learn.level', { level: l })}</option>)}
          </select>
        </label>
        {num('questionCount', 'trainer.questionCount')}
        {num('timeLimitSeconds', 'trainer.timeLimit')}
        {num('passMark', 'trainer.passMark')}
        {num('maxAttempts', 'trainer.maxAttempts')}
        {num('cooldownSeconds', 'trainer.cooldown')}
        {num('certificateDays', 'trainer.certificateDays')}
      </div>
      <GoldPicker organizationId={organizationId} picked={form.poolTaskIds} onChange={(ids) => setForm((f) => ({ ...f, poolTaskIds: ids }))} label={t('trainer.pickPool')} />
      <button type="submit" className="primary" disabled={save.isPending} data-testid="exam-save">{t('trainer.save')}</button>
    </form>
  );
}

function ResultsTab() {
  const { t, lang } = useI18n();
  const { org } = useSession();
  const orgId = org?.id ?? 0;
  const figures = useQuery({ queryKey: trainingKeys.figures(orgId), queryFn: () => trainingApi.figures(orgId) });
  const skills = useSkills();
  if (figures.error) return <div className="banner error" role="alert">{errorText(figures.error, t)}</div>;
  if (figures.data?.length === 0) return <p className="empty-state">{t('trainer.noResults')}</p>;
  return (
    <table className="grid" data-testid="figures">
      <thead><tr>
        <th>{t('learn.exam')}</th><th>{t('learn.skill')}</th><th>{t('trainer.people')}</th><th>{t('trainer.attemptsCol')}</th>
        <th>{t('trainer.passedCol')}</th><th>{t('trainer.passRate')}</th><th>{t('trainer.meanAttempts')}</th><th>{t('trainer.histogram')}</th>
      </tr></thead>
      <tbody>
        {figures.data?.map((f) => (
          <tr key={f.examId} data-testid={`figures-${f.examId}`}>
            <td>{f.title}</td><td>{skillName(skills.data, f.skillId, lang)} · {t('learn.level', { level: f.level })}</td>
            <td>{f.figures.people}</td><td>{f.figures.attempts}</td><td>{f.figures.passed}</td>
            <td data-testid="pass-rate">{Math.round(f.figures.passRate * 1000) / 10}%</td>
            <td data-testid="mean-attempts">{f.figures.meanAttemptsToPass != null ? Math.round(f.figures.meanAttemptsToPass * 10) / 10 : '—'}</td>
            <td>{f.figures.attemptsToPass.join(' / ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Training (issue 14): courses, lessons and practice, exams and attempts, through the generated client;
// the skills catalogue and certificates are the workforce's (read here for the learning page).
import type { Result, Schema } from '../lib/schema';
import { client, unwrap, upload } from './client';
import type { components } from './schema';

type S = components['schemas'];

export type Course = S['CourseView'];
export type CourseDetail = S['CourseDetail'];
export type PracticeTask = Omit<S['PracticeTask'], 'schema' | 'data'> & { schema: Schema; data: Record<string, unknown> };
export type Lesson = Omit<S['LessonView'], 'practice'> & { practice: PracticeTask[] };
export type PracticeFeedback = Omit<S['PracticeFeedback'], 'given' | 'expected'> & { given: Result; expected: Result };
export type GoldTask = Omit<S['GoldTaskView'], 'data' | 'gold'> & { data: Record<string, unknown>; gold: Result };
export type Exam = S['ExamView'];
export type ExamDetail = Omit<S['ExamDetail'], 'pool'> & { pool: (Omit<S['PoolItem'], 'data' | 'gold'> & { data: Record<string, unknown>; gold: Result })[] };
export type ExamRequest = S['ExamRequest'];
export type ExamFigures = S['ExamFiguresView'];
export type ExamQuestion = Omit<S['ExamQuestion'], 'schema' | 'data'> & { schema: Schema; data: Record<string, unknown> };
export type QuestionReview = Omit<S['QuestionReview'], 'schema' | 'data' | 'given' | 'expected'> & {
  schema: Schema; data: Record<string, unknown>; given: Result | null; expected: Result;
};
export type Attempt = Omit<S['AttemptView'], 'current' | 'review'> & { current: ExamQuestion | null; review: QuestionReview[] | null };
export type Skill = S['SkillView'];
export type Certificate = S['CertificateView'];
export type CourseImage = S['CourseImageView'];

export const trainingKeys = {
  courses: (organizationId: number) => ['training', organizationId, 'courses'] as const,
  course: (courseId: number) => ['training', 'course', courseId] as const,
  lesson: (lessonId: number) => ['training', 'lesson', lessonId] as const,
  gold: (organizationId: number) => ['training', organizationId, 'gold'] as const,
  exams: (organizationId: number) => ['training', organizationId, 'exams'] as const,
  exam: (examId: number) => ['training', 'exam', examId] as const,
  figures: (organizationId: number) => ['training', organizationId, 'figures'] as const,
  attempt: (attemptId: number) => ['training', 'attempt', attemptId] as const,
  skills: ['skills'] as const,
  certificates: ['me', 'certificates'] as const,
};

export const trainingApi = {
  /** One image into a course, for its lessons' Markdown; the answer's url is where the lesson names it. */
  uploadImage: (courseId: number, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return upload<CourseImage>('POST', `/api/courses/${courseId}/images`, form);
  },
  courses: (organizationId: number) => unwrap(client.GET('/api/organizations/{organizationId}/courses', { params: { path: { organizationId } } })),
  createCourse: (organizationId: number, body: { title: string; summary?: string | null; skillId?: number | null }) =>
    unwrap(client.POST('/api/organizations/{organizationId}/courses', {
      params: { path: { organizationId } }, body: { title: body.title, summary: body.summary ?? null, skillId: body.skillId ?? null },
    })),
  course: (courseId: number) => unwrap(client.GET('/api/courses/{courseId}', { params: { path: { courseId } } })),
  createLesson: async (courseId: number, title: string, body: string, practiceTaskIds: number[]) =>
    (await unwrap(client.POST('/api/courses/{courseId}/lessons', { params: { path: { courseId } }, body: { title, body, practiceTaskIds } }))) as Lesson,
  lesson: async (lessonId: number) => (await unwrap(client.GET('/api/lessons/{lessonId}', { params: { path: { lessonId } } }))) as Lesson,
  updateLesson: async (lessonId: number, title: string, body: string, practiceTaskIds: number[]) =>
    (await unwrap(client.PUT('/api/lessons/{lessonId}', { params: { path: { lessonId } }, body: { title, body, practiceTaskIds } }))) as Lesson,
  check: async (practiceId: number, result: Result) =>
    (await unwrap(client.POST('/api/practice/{practiceId}/check', { params: { path: { practiceId } }, body: { result } }))) as PracticeFeedback,
  goldTasks: async (organizationId: number) =>
    (await unwrap(client.GET('/api/organizations/{organizationId}/gold-tasks', { params: { path: { organizationId } } }))) as GoldTask[],
  exams: (organizationId: number) => unwrap(client.GET('/api/organizations/{organizationId}/exams', { params: { path: { organizationId } } })),
  exam: async (examId: number) => (await unwrap(client.GET('/api/exams/{examId}', { params: { path: { examId } } }))) as ExamDetail,
  createExam: async (organizationId: number, body: ExamRequest) =>
    (await unwrap(client.POST('/api/organizations/{organizationId}/exams', { params: { path: { organizationId } }, body }))) as ExamDetail,
  updateExam: async (examId: number, body: ExamRequest) =>
    (await unwrap(client.PUT('/api/exams/{examId}', { params: { path: { examId } }, body }))) as ExamDetail,
  figures: (organizationId: number) => unwrap(client.GET('/api/organizations/{organizationId}/exam-figures', { params: { path: { organizationId } } })),
  start: async (examId: number) => (await unwrap(client.POST('/api/exams/{examId}/attempts', { params: { path: { examId } } }))) as Attempt,
  attempt: async (attemptId: number) => (await unwrap(client.GET('/api/attempts/{attemptId}', { params: { path: { attemptId } } }))) as Attempt,
  answer: async (attemptId: number, position: number, result: Result) =>
    (await unwrap(client.POST('/api/attempts/{attemptId}/answers', { params: { path: { attemptId } }, body: { position, result } }))) as Attempt,
  finish: async (attemptId: number) => (await unwrap(client.POST('/api/attempts/{attemptId}/finish', { params: { path: { attemptId } } }))) as Attempt,
  /** A project's media files: a lesson shows the organisation's own images by their address. */
  media: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/media', { params: { path: { projectId } } })),
  skills: () => unwrap(client.GET('/api/skills')),
  myCertificates: () => unwrap(client.GET('/api/me/certificates')),
};

import { ComputePage } from './pages/ComputePage';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unauthorized, type Me } from './api';
import { errorText, keys } from './api/queries';
import { useI18n } from './i18n';
import { LoginPage } from './pages/LoginPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { NotAllowed } from './pages/NotAllowed';
import { can } from './roles';
import { match, navigate, usePath } from './router';
import { SessionContext, type Session } from './session';
import { usePageTitle } from './lib/title';

// The workbench and the project console load on demand, so the log-in page and the project
// list stay small.
const AnnotatePage = lazy(() => import('./workbench/AnnotatePage').then((m) => ({ default: m.AnnotatePage })));
const ReviewPage = lazy(() => import('./workbench/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const AmendPage = lazy(() => import('./workbench/AmendPage').then((m) => ({ default: m.AmendPage })));
const ProjectPage = lazy(() => import('./pages/ProjectPage').then((m) => ({ default: m.ProjectPage })));
const NewProjectPage = lazy(() => import('./pages/NewProjectPage').then((m) => ({ default: m.NewProjectPage })));
const TokensPage = lazy(() => import('./pages/TokensPage').then((m) => ({ default: m.TokensPage })));
const ParkPage = lazy(() => import('./pages/ParkPage').then((m) => ({ default: m.ParkPage })));
const ParkOverview = lazy(() => import('./pages/ParkOverview').then((m) => ({ default: m.ParkOverview })));
const ParkTeamPage = lazy(() => import('./pages/ParkTeamPage').then((m) => ({ default: m.ParkTeamPage })));
const ParkSitePage = lazy(() => import('./pages/ParkSitePage').then((m) => ({ default: m.ParkSitePage })));
const ParkVendorPage = lazy(() => import('./pages/ParkVendorPage').then((m) => ({ default: m.ParkVendorPage })));
const WorkforcePage = lazy(() => import('./pages/WorkforcePage').then((m) => ({ default: m.WorkforcePage })));
const MembersPage = lazy(() => import('./pages/MembersPage').then((m) => ({ default: m.MembersPage })));
const CataloguePage = lazy(() => import('./pages/CataloguePage').then((m) => ({ default: m.CataloguePage })));
const DatasetCardPage = lazy(() => import('./pages/CataloguePage').then((m) => ({ default: m.DatasetCardPage })));
const GrantsPage = lazy(() => import('./pages/GrantsPage').then((m) => ({ default: m.GrantsPage })));
const LearnPage = lazy(() => import('./training/LearnPage').then((m) => ({ default: m.LearnPage })));
const CoursePage = lazy(() => import('./training/LearnPage').then((m) => ({ default: m.CoursePage })));
const LessonPage = lazy(() => import('./training/LearnPage').then((m) => ({ default: m.LessonPage })));
const AttemptPage = lazy(() => import('./training/AttemptPage').then((m) => ({ default: m.AttemptPage })));
const TrainerPage = lazy(() => import('./training/TrainerPage').then((m) => ({ default: m.TrainerPage })));
const CourseEditor = lazy(() => import('./training/TrainerPage').then((m) => ({ default: m.CourseEditor })));
const LessonEditor = lazy(() => import('./training/TrainerPage').then((m) => ({ default: m.LessonEditor })));
const ExamBuilder = lazy(() => import('./training/TrainerPage').then((m) => ({ default: m.ExamBuilder })));
const AuditPage = lazy(() => import('./pages/AuditPage').then((m) => ({ default: m.AuditPage })));

const ORG_KEY = 'yz.org';

/** The remembered organisation, a number, or null when none (or an unreadable one) is stored. */
function storedOrg(): number | null {
  const v = Number(localStorage.getItem(ORG_KEY) ?? NaN);
  return Number.isSafeInteger(v) ? v : null;
}

/** The signed-in person, or null when nobody is (401) or they may not see themselves (403). */
async function meOrNobody(): Promise<Me | null> {
  try { return await api.me(); } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return null;
    throw e;
  }
}

export function App() {
  const { t, lang, setLang } = useI18n();
  const path = usePath();
  const queryClient = useQueryClient();
  const meQuery = useQuery({ queryKey: keys.me, queryFn: meOrNobody, retry: false, staleTime: Infinity });
  const me = meQuery.data;
  const error = meQuery.error ? errorText(meQuery.error, t) : null;
  const [orgId, setOrgId] = useState<number | null>(storedOrg);

  // Someone else's data must not outlive their session in the cache.
  const signedOut = useCallback(() => {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.me[0] });
    queryClient.setQueryData(keys.me, null);
  }, [queryClient]);
  const loggedIn = useCallback(() => { void queryClient.invalidateQueries({ queryKey: keys.me }); }, [queryClient]);

  useEffect(() => {
    unauthorized.add(signedOut);
    return () => { unauthorized.delete(signedOut); };
  }, [signedOut]);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);

  // With no organisation remembered (first log-in on this browser, or another person's choice),
  // start in the one holding the newest project rather than the first by name: for the demo admin
  // that is the client organisation, not the empty park operator.
  const remembered = !!me && me.organizations.some((o) => o.id === orgId);
  const choose = !!me && !remembered && me.organizations.length >= 2;
  const newest = useQuery({ queryKey: keys.projects(), queryFn: () => api.projects(), enabled: choose });
  const newestOrg = newest.data?.[0]?.organizationId;
  const currentOrg = remembered ? orgId : me?.organizations.some((o) => o.id === newestOrg) ? newestOrg! : null;
  const choosing = choose && newest.isPending;

  const session: Session | null = useMemo(() => {
    if (!me) return null;
    const org = me.organizations.find((o) => o.id === currentOrg) ?? me.organizations[0] ?? null;
    return {
      me, org,
      setOrg: (id) => { localStorage.setItem(ORG_KEY, String(id)); setOrgId(id); },
      logout: () => { void api.logout().catch(() => {}).finally(() => { signedOut(); navigate('/'); }); },
    };
  }, [me, currentOrg, signedOut]);

  usePageTitle(path, !!session, session?.org?.name);
  // A team lead who is no manager finds their team's page from the menu.
  const vendorOrg = session?.org?.kind === 'vendor' ? session.org.id : null;
  const led = useQuery({ queryKey: ['park', 'me', 'teams'], queryFn: api.myTeams, enabled: vendorOrg != null });
  const myTeam = led.data?.find((x) => x.organizationId === vendorOrg);

  const langButton = (
    <button type="button" className="link" data-testid="lang-switch" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang.switch')}</button>
  );

  if (meQuery.isPending || choosing) return <div className="page muted">{t('common.loading')}</div>;
  if (!session) return <LoginPage onLoggedIn={loggedIn} langButton={langButton} error={error} />;

  let page: React.ReactNode;
  let m: Record<string, string> | null;
  // Pages the caller's roles in the current organisation do not include say so; pages of one project
  // check the roles in that project's organisation once they have loaded it.
  const orgRoles = session.org?.roles;
  if (match('/projects/new', path)) page = can(orgRoles, 'manage') ? <NewProjectPage /> : <NotAllowed />;
  else if ((m = match('/projects/:id/annotate', path))) page = <AnnotatePage key={m.id} projectId={Number(m.id)} />;
  else if ((m = match('/projects/:id/history/:annotationId', path))) page = <AmendPage key={m.id} projectId={Number(m.id)} annotationId={Number(m.annotationId)} />;
  else if ((m = match('/projects/:id/review', path))) page = <ReviewPage key={m.id} projectId={Number(m.id)} />;
  else if ((m = match('/projects/:id/:tab', path))) page = <ProjectPage key={m.id} projectId={Number(m.id)} tab={m.tab} />;
  else if ((m = match('/projects/:id', path))) page = <ProjectPage key={m.id} projectId={Number(m.id)} />;
  else if (match('/tokens', path)) page = <TokensPage />;
  else if (match('/catalogue', path)) page = <CataloguePage />;
  else if ((m = match('/catalogue/:id', path))) page = <DatasetCardPage key={m.id} projectId={Number(m.id)} />;
  else if (match('/grants', path)) page = can(orgRoles, 'manage') ? <GrantsPage key={session.org?.id} /> : <NotAllowed />;
  else if (match('/audit', path)) page = can(orgRoles, 'audit') ? <AuditPage key={session.org?.id} park={false} /> : <NotAllowed />;
  else if (match('/audit/park', path)) page = <AuditPage park />;
  else if (match('/park', path)) {
    page = !can(orgRoles, 'members') ? <NotAllowed /> : session.org?.kind === 'operator' ? <ParkOverview /> : <ParkPage key={session.org?.id} />;
  } else if ((m = match('/park/vendors/:id', path))) page = <ParkVendorPage key={m.id} vendorId={Number(m.id)} />;
  else if ((m = match('/park/sites/:id', path))) page = <ParkSitePage key={m.id} siteId={Number(m.id)} />;
  else if ((m = match('/park/teams/:id', path))) page = <ParkTeamPage key={m.id} teamId={Number(m.id)} />;
  else if (match('/learn', path)) page = <LearnPage key={session.org?.id} />;
  else if ((m = match('/learn/courses/:id', path))) page = <CoursePage key={m.id} courseId={Number(m.id)} />;
  else if ((m = match('/learn/lessons/:id', path))) page = <LessonPage key={m.id} lessonId={Number(m.id)} />;
  else if ((m = match('/learn/attempts/:id', path))) page = <AttemptPage key={m.id} attemptId={Number(m.id)} />;
  else if (path.startsWith('/training') && !can(orgRoles, 'train')) page = <NotAllowed />;
  else if ((m = match('/training/courses/:id', path))) page = <CourseEditor key={m.id} courseId={Number(m.id)} />;
  else if ((m = match('/training/lessons/:id', path))) page = <LessonEditor key={m.id} lessonId={Number(m.id)} />;
  else if (match('/training/exams/new', path)) page = <ExamBuilder key="new" examId={null} />;
  else if ((m = match('/training/exams/:id', path))) page = <ExamBuilder key={m.id} examId={Number(m.id)} />;
  else if ((m = match('/training/:tab', path))) page = <TrainerPage key={session.org?.id} tab={m.tab} />;
  else if (match('/training', path)) page = <TrainerPage key={session.org?.id} />;
  else if (match('/workforce', path)) page = <WorkforcePage key={session.org?.id} />;
  else if (match('/compute', path)) page = can(orgRoles, 'manage') ? <ComputePage key={session.org?.id} /> : <NotAllowed />;
  else if (match('/members', path)) page = can(orgRoles, 'members') ? <MembersPage key={session.org?.id} /> : <NotAllowed />;
  else page = <ProjectsPage />;

  return (
    <SessionContext.Provider value={session}>
      <header className="top">
        <a href="#/" className="brand" data-testid="nav-home">☁ {t('app.name')}</a>
        <a href="#/" data-testid="nav-projects">{t('nav.projects')}</a>
        {can(session.org?.roles, 'members') && <a href="#/members" data-testid="nav-members">{t('nav.members')}</a>}
        <a href="#/catalogue" data-testid="nav-catalogue">{t('nav.catalogue')}</a>
        {can(session.org?.roles, 'manage') && <a href="#/grants" data-testid="nav-grants">{t('nav.grants')}</a>}
        {can(session.org?.roles, 'audit') && <a href="#/audit" data-testid="nav-audit">{t('nav.audit')}</a>}
        {can(session.org?.roles, 'members') && <a href="#/park" data-testid="nav-park">{t(session.org?.kind === 'operator' ? 'nav.parkOverview' : 'nav.park')}</a>}
        {myTeam && <a href={`#/park/teams/${myTeam.id}`} data-testid="nav-my-team">{t('nav.myTeam')}</a>}
        {session.org && <a href="#/learn" data-testid="nav-learn">{t('nav.learn')}</a>}
        {can(session.org?.roles, 'train') && <a href="#/training" data-testid="nav-training">{t('nav.training')}</a>}
        <a href="#/workforce" data-testid="nav-workforce">{t('nav.workforce')}</a>
        {can(session.org?.roles, 'manage') && <a href="#/compute" data-testid="nav-compute">{t('nav.compute')}</a>}
        <a href="#/tokens" data-testid="nav-tokens">{t('nav.tokens')}</a>
        <span className="grow" />
        {session.me.organizations.length > 0 && (
          <label className="org">
            <span className="muted small">{t('nav.org')}</span>{' '}
            <select data-testid="org-switch" title={session.org?.name} value={session.org?.id ?? ''} onChange={(e) => { session.setOrg(Number(e.target.value)); navigate('/'); }}>
              {session.me.organizations.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
            </select>
          </label>
        )}
        {langButton}
        <span className="muted small" data-testid="user-name">{session.me.name || session.me.email}</span>
        <button type="button" className="link" data-testid="logout" onClick={session.logout}>{t('nav.logout')}</button>
      </header>
      <main>
        <Suspense fallback={<div className="page muted">{t('common.loading')}</div>}>{page}</Suspense>
      </main>
    </SessionContext.Provider>
  );
}

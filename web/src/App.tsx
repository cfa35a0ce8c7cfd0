import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, unauthorized, type Me } from './api';
import { useI18n } from './i18n';
import { LoginPage } from './pages/LoginPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { NotAllowed } from './pages/NotAllowed';
import { can } from './roles';
import { match, navigate, usePath } from './router';
import { SessionContext, type Session } from './session';

// The workbench and the project console load on demand, so the log-in page and the project
// list stay small.
const AnnotatePage = lazy(() => import('./workbench/AnnotatePage').then((m) => ({ default: m.AnnotatePage })));
const ReviewPage = lazy(() => import('./workbench/ReviewPage').then((m) => ({ default: m.ReviewPage })));
const ProjectPage = lazy(() => import('./pages/ProjectPage').then((m) => ({ default: m.ProjectPage })));
const NewProjectPage = lazy(() => import('./pages/NewProjectPage').then((m) => ({ default: m.NewProjectPage })));
const TokensPage = lazy(() => import('./pages/TokensPage').then((m) => ({ default: m.TokensPage })));
const MembersPage = lazy(() => import('./pages/MembersPage').then((m) => ({ default: m.MembersPage })));

const ORG_KEY = 'yz.org';

export function App() {
  const { t, lang, setLang } = useI18n();
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [orgId, setOrgId] = useState<string | null>(() => localStorage.getItem(ORG_KEY));
  const [error, setError] = useState<string | null>(null);

  const loadMe = useCallback(() => {
    api.me().then((m) => { setMe(m); setError(null); }).catch((e: ApiError) => {
      if (e.status === 401 || e.status === 403) setMe(null);
      else { setMe(null); setError(e.isNetwork ? t('common.networkError') : e.message); }
    });
  }, [t]);

  useEffect(() => { loadMe(); }, [loadMe]);
  useEffect(() => {
    const on = () => setMe(null);
    unauthorized.add(on);
    return () => { unauthorized.delete(on); };
  }, []);
  useEffect(() => { document.documentElement.lang = lang; }, [lang]);

  // With no organisation remembered (first log-in on this browser, or another person's choice),
  // start in the one holding the newest project rather than the first by name: for the demo admin
  // that is the client organisation, not the empty park operator.
  const remembered = !!me && me.organizations.some((o) => String(o.id) === orgId);
  const [choosing, setChoosing] = useState(false);
  useEffect(() => {
    if (!me || remembered || me.organizations.length < 2) return;
    let live = true;
    setChoosing(true);
    api.projects().then((list) => {
      const id = list[0]?.organizationId;
      if (live && id != null && me.organizations.some((o) => String(o.id) === String(id))) setOrgId(String(id));
    }).catch(() => { /* keep the first organisation */ }).finally(() => { if (live) setChoosing(false); });
    return () => { live = false; };
  }, [me, remembered]);

  const session: Session | null = useMemo(() => {
    if (!me) return null;
    const org = me.organizations.find((o) => String(o.id) === orgId) ?? me.organizations[0] ?? null;
    return {
      me, org,
      setOrg: (id) => { localStorage.setItem(ORG_KEY, id); setOrgId(id); },
      logout: () => { void api.logout().finally(() => { setMe(null); navigate('/'); }); },
    };
  }, [me, orgId]);

  const langButton = (
    <button type="button" className="link" data-testid="lang-switch" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('lang.switch')}</button>
  );

  if (me === undefined || (choosing && !remembered)) return <div className="page muted">{t('common.loading')}</div>;
  if (!session) return <LoginPage onLoggedIn={loadMe} langButton={langButton} error={error} />;

  let page: React.ReactNode;
  let m: Record<string, string> | null;
  // Pages the caller's roles in the current organisation do not include say so; pages of one project
  // check the roles in that project's organisation once they have loaded it.
  const orgRoles = session.org?.roles;
  if ((m = match('/projects/new', path))) page = can(orgRoles, 'manage') ? <NewProjectPage /> : <NotAllowed />;
  else if ((m = match('/projects/:id/annotate', path))) page = <AnnotatePage key={m.id} projectId={m.id!} />;
  else if ((m = match('/projects/:id/review', path))) page = <ReviewPage key={m.id} projectId={m.id!} />;
  else if ((m = match('/projects/:id/:tab', path))) page = <ProjectPage key={m.id} projectId={m.id!} tab={m.tab!} />;
  else if ((m = match('/projects/:id', path))) page = <ProjectPage key={m.id} projectId={m.id!} />;
  else if (match('/tokens', path)) page = <TokensPage />;
  else if (match('/members', path)) page = can(orgRoles, 'members') ? <MembersPage key={session.org?.id} /> : <NotAllowed />;
  else page = <ProjectsPage />;

  return (
    <SessionContext.Provider value={session}>
      <header className="top">
        <a href="#/" className="brand" data-testid="nav-home">☁ {t('app.name')}</a>
        <a href="#/" data-testid="nav-projects">{t('nav.projects')}</a>
        {can(session.org?.roles, 'members') && <a href="#/members" data-testid="nav-members">{t('nav.members')}</a>}
        <a href="#/tokens" data-testid="nav-tokens">{t('nav.tokens')}</a>
        <span className="grow" />
        {session.me.organizations.length > 0 && (
          <label className="org">
            <span className="muted small">{t('nav.org')}</span>{' '}
            <select data-testid="org-switch" value={session.org?.id ?? ''} onChange={(e) => { session.setOrg(e.target.value); navigate('/'); }}>
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

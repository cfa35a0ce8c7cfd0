import { useEffect } from 'react';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { keys } from '../api/queries';
import { useI18n, type T } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { match } from '../router';

/** The page's own words for the window title, from its route (the project's name when one is open). */
export function titleOf(path: string, t: T, signedIn: boolean, projectName?: string, orgName?: string): string {
  if (!signedIn) return t('login.title');
  let m: Record<string, string> | null;
  const name = projectName ?? '…';
  if (match('/projects/new', path)) return t('create.title');
  if (match('/projects/:id/annotate', path)) return t('title.annotate', { project: name });
  if (match('/projects/:id/review', path)) return t('title.review', { project: name });
  if (match('/projects/:id/history/:annotationId', path)) return t('title.amend', { project: name });
  if ((m = match('/projects/:id/:tab', path))) {
    const key = `project.tab.${m.tab}` as MessageKey;
    const tab = t(key);
    return tab === key ? name : `${tab} · ${name}`;
  }
  if (match('/projects/:id', path)) return name;
  if (match('/tokens', path)) return t('tokens.title');
  if (match('/members', path)) return t('members.title', { org: orgName ?? '' });
  return t('projects.title');
}

/** Sets `document.title` for the page on screen, in the reader's language: "<page> · 云中 Yunzhong". */
export function usePageTitle(path: string, signedIn: boolean, orgName?: string) {
  const { t } = useI18n();
  const id = Number(match('/projects/:id', path)?.id ?? match('/projects/:id/:tab', path)?.id ?? match('/projects/:id/history/:a', path)?.id ?? NaN);
  const project = useQuery({ queryKey: keys.project(id), queryFn: () => api.project(id), enabled: signedIn && Number.isSafeInteger(id) });
  const title = titleOf(path, t, signedIn, project.data?.name, orgName);
  // The log-in page's own title already names the product.
  useEffect(() => { document.title = signedIn ? `${title} · ${t('app.name')}` : title; }, [title, t, signedIn]);
}

import { useT } from '../i18n';

/** What a person sees on a page their roles do not include (a link from elsewhere, a typed URL). */
export function NotAllowed({ inline = false }: { inline?: boolean }) {
  const t = useT();
  const body = (
    <div className="banner error" role="alert" data-testid="not-allowed">
      <b>{t('denied.title')}</b> {t('denied.body')} <a href="#/" data-testid="not-allowed-home">{t('denied.home')}</a>
    </div>
  );
  return inline ? body : <div className="page">{body}</div>;
}

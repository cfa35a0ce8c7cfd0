import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Member, type Role } from '../api';
import { useT, type MessageKey } from '../i18n';
import { useSession } from '../session';

export const ROLES: Role[] = ['admin', 'manager', 'annotator', 'reviewer', 'trainer'];

function RolePicker({ value, onChange, testId }: { value: Role[]; onChange: (r: Role[]) => void; testId: string }) {
  const t = useT();
  return (
    <span className="row wrap" data-testid={testId}>
      {ROLES.map((r) => (
        <label key={r} className="check">
          <input type="checkbox" checked={value.includes(r)} data-testid={`${testId}-${r}`}
            onChange={(e) => onChange(e.target.checked ? [...value, r] : value.filter((x) => x !== r))} />
          {t(`role.${r}` as MessageKey)}
        </label>
      ))}
    </span>
  );
}

/** The current organisation's people and roles; admins add and remove people and change roles. */
export function MembersPage() {
  const t = useT();
  const { org } = useSession();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [form, setForm] = useState({ email: '', name: '', password: '', roles: ['annotator'] as Role[] });
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ userId: string; roles: Role[] } | null>(null);
  const isAdmin = !!org?.roles.includes('admin');

  const load = useCallback(() => {
    if (!org) return;
    api.members(org.id).then((m) => { setMembers(m); setError(null); }).catch((e: ApiError) => {
      setMembers([]);
      setError(e.status === 403 ? t('members.forbidden') : e.message);
    });
  }, [org, t]);
  useEffect(() => { setMembers(null); load(); }, [load]);

  if (!org) return <div className="page"><p className="empty-state">{t('members.noOrg')}</p></div>;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setFieldErrors({}); setAdded(null);
    try {
      const m = await api.addMember(org.id, {
        email: form.email.trim(), name: form.name.trim() || undefined, password: form.password || undefined, roles: form.roles,
      });
      setAdded(m.email);
      setForm({ email: '', name: '', password: '', roles: ['annotator'] });
      load();
    } catch (err) {
      const a = err as ApiError;
      setFieldErrors(a.errors ?? {});
      if (!Object.keys(a.errors ?? {}).length) setError(a.message);
    } finally { setBusy(false); }
  };

  const saveRoles = async (m: Member, roles: Role[]) => {
    setError(null);
    try {
      await api.addMember(org.id, { email: m.email, roles });
      setEditing(null);
      load();
    } catch (err) {
      const a = err as ApiError;
      setError(Object.values(a.errors ?? {}).flat().join(' ') || a.message);
    }
  };

  const remove = async (m: Member) => {
    if (!window.confirm(t('members.removeConfirm', { name: m.name, org: org.name }))) return;
    setError(null);
    try {
      await api.removeMember(org.id, m.userId);
      load();
    } catch (err) {
      setError((err as ApiError).message);
    }
  };

  const fieldError = (k: string) => fieldErrors[k]?.length ? <span className="field-error" data-testid={`member-error-${k}`}>{fieldErrors[k]!.join(' ')}</span> : null;

  return (
    <div className="page">
      <div className="page-head"><h1>{t('members.title', { org: org.name })}</h1></div>
      {error && <div className="banner error" role="alert" data-testid="members-error">{error}</div>}
      {isAdmin && (
        <form className="card form-grid" onSubmit={submit} data-testid="member-form">
          <h3>{t('members.add')}</h3>
          <div className="row wrap">
            <label>{t('login.email')}<input type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} data-testid="member-email" />{fieldError('email')}</label>
            <label>{t('members.name')}<input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="member-name" /></label>
            <label>{t('members.password')}<input type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} data-testid="member-password" />{fieldError('password')}</label>
          </div>
          <div>
            <RolePicker value={form.roles} onChange={(roles) => setForm({ ...form, roles })} testId="member-roles" />
            {fieldError('roles')}
          </div>
          <p className="muted small">{t('members.addHint')}</p>
          <div><button type="submit" className="primary" disabled={busy || !form.email.trim() || !form.roles.length} data-testid="member-add">{t('members.addButton')}</button></div>
          {added && <div className="banner ok" data-testid="member-added">{t('members.added', { email: added })}</div>}
        </form>
      )}
      {!members ? <p className="muted">{t('common.loading')}</p> : members.length > 0 && (
        <table className="grid" data-testid="member-table">
          <thead><tr><th>{t('members.name')}</th><th>{t('login.email')}</th><th>{t('members.roles')}</th>{isAdmin && <th />}</tr></thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId} data-testid={`member-row-${m.email}`}>
                <td>{m.name}</td>
                <td className="mono small">{m.email}</td>
                <td>
                  {editing?.userId === m.userId
                    ? <RolePicker value={editing.roles} onChange={(roles) => setEditing({ userId: m.userId, roles })} testId={`member-edit-${m.userId}`} />
                    : m.roles.map((r) => <span key={r} className={`role-pill ${r}`}>{t(`role.${r}` as MessageKey)}</span>)}
                </td>
                {isAdmin && (
                  <td className="right">
                    {editing?.userId === m.userId ? <>
                      <button type="button" className="primary" disabled={!editing.roles.length} onClick={() => void saveRoles(m, editing.roles)} data-testid="member-save-roles">{t('common.save')}</button>
                      <button type="button" onClick={() => setEditing(null)}>{t('common.cancel')}</button>
                    </> : <>
                      <button type="button" onClick={() => setEditing({ userId: m.userId, roles: m.roles })} data-testid={`member-edit-roles-${m.userId}`}>{t('members.editRoles')}</button>
                      <button type="button" className="danger" onClick={() => void remove(m)} data-testid={`member-remove-${m.userId}`}>{t('members.remove')}</button>
                    </>}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

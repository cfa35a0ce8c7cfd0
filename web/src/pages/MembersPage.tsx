import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, type AddMember, type Member, type Role } from '../api';
import { errorText, keys, useMembers } from '../api/queries';
import { fieldMessages } from '../api/problems';
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
  const queryClient = useQueryClient();
  const list = useMembers(org?.id ?? 0, !!org);
  const [form, setForm] = useState({ email: '', name: '', password: '', roles: ['annotator'] as Role[] });
  const [editing, setEditing] = useState<{ userId: number; roles: Role[] } | null>(null);
  const isAdmin = !!org?.roles.includes('admin');
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.members(org?.id ?? 0) });

  const adding = useMutation({
    mutationFn: (m: AddMember) => api.addMember(org!.id, m),
    onSuccess: () => { setForm({ email: '', name: '', password: '', roles: ['annotator'] }); return refresh(); },
  });
  const changing = useMutation({
    mutationFn: ({ m, roles }: { m: Member; roles: Role[] }) => api.addMember(org!.id, { email: m.email, roles }),
    onSuccess: () => { setEditing(null); return refresh(); },
  });
  const removing = useMutation({
    mutationFn: (m: Member) => api.removeMember(org!.id, m.userId),
    onSuccess: refresh,
  });

  if (!org) return <div className="page"><p className="empty-state">{t('members.noOrg')}</p></div>;

  const members = list.data ?? (list.error ? [] : null);
  const added = adding.data?.email ?? null;
  const addError = adding.error as ApiError | null;
  const fieldErrors = addError ? fieldMessages(addError.problem, t) : {};
  const failure = list.error ?? (addError && !Object.keys(fieldErrors).length ? addError : null) ?? changing.error ?? removing.error;
  const error = !failure ? null
    : list.error instanceof ApiError && list.error.status === 403 ? t('members.forbidden')
      : errorText(failure, t);
  const busy = adding.isPending;
  const resetAll = () => { adding.reset(); changing.reset(); removing.reset(); };

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    resetAll();
    adding.mutate({ email: form.email.trim(), name: form.name.trim() || undefined, password: form.password || undefined, roles: form.roles });
  };

  const saveRoles = (m: Member, roles: Role[]) => { resetAll(); changing.mutate({ m, roles }); };

  const remove = (m: Member) => {
    if (!window.confirm(t('members.removeConfirm', { name: m.name, org: org.name }))) return;
    resetAll();
    removing.mutate(m);
  };

  const fieldError = (k: string) => fieldErrors[k] ? <span className="field-error" data-testid={`member-error-${k}`}>{fieldErrors[k]}</span> : null;

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
                      <button type="button" className="primary" disabled={!editing.roles.length} onClick={() => saveRoles(m, editing.roles)} data-testid="member-save-roles">{t('common.save')}</button>
                      <button type="button" onClick={() => setEditing(null)}>{t('common.cancel')}</button>
                    </> : <>
                      <button type="button" onClick={() => setEditing({ userId: m.userId, roles: m.roles })} data-testid={`member-edit-roles-${m.userId}`}>{t('members.editRoles')}</button>
                      <button type="button" className="danger" onClick={() => remove(m)} data-testid={`member-remove-${m.userId}`}>{t('members.remove')}</button>
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

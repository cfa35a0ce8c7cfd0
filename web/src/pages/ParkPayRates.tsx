import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Contract, type PayRate, type Team } from '../api';
import { errorText } from '../api/queries';
import { useT } from '../i18n';

/**
 * What the vendor pays its people per unit on one contract (计件), seen only inside the vendor: the
 * contract's default and a rate per team on it. People's own rates are kept as they are.
 */
export function PayRates({ contract, teams }: { contract: Contract; teams: Team[] }) {
  const t = useT();
  const qc = useQueryClient();
  const key = ['park', contract.vendorOrganizationId, 'pay-rates', contract.id] as const;
  const q = useQuery({ queryKey: key, queryFn: () => api.payRates(contract.id) });
  const rates = q.data?.rates ?? [];
  const onTeams = teams.filter((x) => contract.teamIds.includes(x.id));
  const shown = (teamId: number | null) => rates.find((r) => (r.teamId ?? null) === teamId && r.userId == null)?.rate ?? '';
  const [draft, setDraft] = useState<Record<string, string> | null>(null);
  const value = (k: string, teamId: number | null) => draft?.[k] ?? shown(teamId);
  const save = useMutation({
    mutationFn: () => {
      const next: PayRate[] = rates.filter((r) => r.userId != null);
      const def = value('default', null).trim();
      if (def) next.push({ teamId: null, userId: null, rate: def });
      for (const team of onTeams) {
        const v = value(`team-${team.id}`, team.id).trim();
        if (v) next.push({ teamId: team.id, userId: null, rate: v });
      }
      return api.setPayRates(contract.id, next);
    },
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      setDraft(null);
      // The open month's pay is figured at the current rates.
      void qc.invalidateQueries({ queryKey: ['park', contract.vendorOrganizationId, 'statement'] });
    },
  });
  if (q.error) return <span className="error">{errorText(q.error, t)}</span>;
  return (
    <form className="row wrap" data-testid="pay-rates" onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <label>{t('parkdash.rateDefault')} <input data-testid="pay-rate-default" size={7} placeholder="0.00" value={value('default', null)}
        onChange={(e) => setDraft({ ...draft, default: e.target.value })} /></label>
      {onTeams.map((team) => (
        <label key={team.id}>{team.name} <input data-testid={`pay-rate-team-${team.id}`} size={7} placeholder={value('default', null) || '0.00'}
          value={value(`team-${team.id}`, team.id)} onChange={(e) => setDraft({ ...draft, [`team-${team.id}`]: e.target.value })} /></label>
      ))}
      <button type="submit" data-testid="pay-rates-save" disabled={save.isPending || !draft}>{t('common.save')}</button>
      {save.isSuccess && !draft && <span className="muted small" data-testid="pay-rates-saved">{t('parkdash.saved')}</span>}
      {save.error && <span className="error" role="alert">{errorText(save.error, t)}</span>}
    </form>
  );
}

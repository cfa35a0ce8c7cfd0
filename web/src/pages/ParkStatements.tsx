import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Contract } from '../api';
import { errorText } from '../api/queries';
import { useT } from '../i18n';

/** The last `n` months as YYYY-MM (UTC), newest first. */
export function recentMonths(n: number, now = new Date()): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

/**
 * An organisation's monthly statement on screen: what a vendor bills its clients and pays its people, or
 * what a client is billed; downloads as CSV and JSON; a vendor's admin closes a month that is over.
 */
export function Statements({ orgId, vendor, admin, contracts, personName }: {
  orgId: number; vendor: boolean; admin: boolean; contracts: Contract[]; personName: (id: number) => string;
}) {
  const t = useT();
  const qc = useQueryClient();
  const months = recentMonths(12);
  const [month, setMonth] = useState(months[0]!);
  const key = ['park', orgId, 'statement', month] as const;
  const q = useQuery({ queryKey: key, queryFn: () => api.statement(orgId, month) });
  const close = useMutation({ mutationFn: () => api.closeStatement(orgId, month), onSuccess: (s) => qc.setQueryData(key, s) });
  const s = q.data;
  const contract = (id: number) => contracts.find((c) => c.id === id);
  const over = month < months[0]!;
  return (
    <section className="card" data-testid="statements">
      <h2>{t('parkdash.statements')}</h2>
      <div className="row wrap">
        <label>{t('parkdash.month')} <select data-testid="statement-month" value={month} onChange={(e) => setMonth(e.target.value)}>
          {months.map((m) => <option key={m} value={m}>{m}</option>)}</select></label>
        {s && <span className={`badge ${s.closed ? 'state-accepted' : ''}`} data-testid="statement-closed">{t(s.closed ? 'parkdash.closed' : 'parkdash.open')}</span>}
        <a href={api.statementUrl(orgId, month, 'csv')} download={`statement-${orgId}-${month}.csv`} data-testid="statement-csv">{t('parkdash.downloadCsv')}</a>
        <a href={api.statementUrl(orgId, month, 'json')} download={`statement-${orgId}-${month}.json`} data-testid="statement-json">{t('parkdash.downloadJson')}</a>
        {vendor && admin && s && !s.closed && over && (
          <button type="button" data-testid="statement-close" disabled={close.isPending}
            onClick={() => { if (window.confirm(t('parkdash.closeConfirm', { month }))) close.mutate(); }}>{t('parkdash.closeMonth')}</button>
        )}
        {vendor && admin && s && !s.closed && !over && <span className="muted small">{t('parkdash.closeLater')}</span>}
      </div>
      {(q.error ?? close.error) && <p className="error" role="alert">{errorText(q.error ?? close.error, t)}</p>}
      {s && (
        <>
          <h3>{t(vendor ? 'parkdash.billVendor' : 'parkdash.billClient')}</h3>
          {s.bill.length ? (
            <table className="grid" data-testid="statement-bill">
              <thead><tr><th>{t('parkui.project')}</th><th>{t(vendor ? 'parkui.client' : 'parkui.vendor')}</th><th className="num">{t('parkdash.units')}</th>
                <th className="num">{t('parkui.price')}</th><th className="num">{t('parkdash.amount')}</th></tr></thead>
              <tbody>
                {s.bill.map((b) => {
                  const c = contract(b.contractId);
                  return (
                    <tr key={`${b.contractId}-${b.clientOrganizationId}`} data-testid={`bill-${b.contractId}`}>
                      <td>{c?.projectName} <span className="muted small">#{b.contractId}</span></td><td>{(vendor ? c?.clientName : c?.vendorName) ?? '—'}</td>
                      <td className="num">{b.units}</td><td className="num">¥{b.price}</td><td className="num">¥{b.amount}</td>
                    </tr>
                  );
                })}
              </tbody>
              <tfoot><tr><th colSpan={4}>{t('parkdash.total')}</th><th className="num" data-testid="statement-bill-total">¥{s.billTotal}</th></tr></tfoot>
            </table>
          ) : <p className="muted">{t('parkdash.noLines')}</p>}
          {s.pay && (
            <>
              <h3>{t('parkdash.pay')}</h3>
              {s.pay.length ? (
                <table className="grid" data-testid="statement-pay">
                  <thead><tr><th>{t('parkui.person')}</th><th>{t('parkui.project')}</th><th>{t('parkdash.role')}</th><th className="num">{t('parkdash.units')}</th>
                    <th className="num">{t('parkdash.rate')}</th><th className="num">{t('parkdash.amount')}</th></tr></thead>
                  <tbody>
                    {s.pay.map((p) => (
                      <tr key={`${p.userId}-${p.contractId}-${p.role}`} data-testid={`pay-${p.userId}-${p.contractId}`}>
                        <td>{personName(p.userId)}</td><td>{contract(p.contractId)?.projectName} <span className="muted small">#{p.contractId}</span></td>
                        <td>{p.role === 'annotating' || p.role === 'fixing' ? t(`parkdash.role.${p.role}`) : p.role}</td>
                        <td className="num">{p.units}</td><td className="num">¥{p.rate}</td><td className="num">¥{p.amount}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot><tr><th colSpan={5}>{t('parkdash.total')}</th><th className="num" data-testid="statement-pay-total">¥{s.payTotal}</th></tr></tfoot>
                </table>
              ) : <p className="muted">{t('parkdash.noLines')}</p>}
            </>
          )}
        </>
      )}
    </section>
  );
}

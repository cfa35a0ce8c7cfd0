import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { keys } from '../api/queries';
import { useT } from '../i18n';
import { can } from '../roles';
import { useSession } from '../session';
import { HBarChart } from './Charts';
import { CardGrid, num, pct, Pending, RetentionSection, TasksPerDay, useProductivity } from './ParkDashboard';

/** A team's work and quality per member: for its lead, and for the vendor's admins and managers. */
export function ParkTeamPage({ teamId }: { teamId: number }) {
  const t = useT();
  const { org } = useSession();
  const manager = org?.kind === 'vendor' && can(org.roles, 'members');
  const history = useProductivity({ team: teamId });
  const work = useQuery({ queryKey: ['park', 'team', teamId, 'work'], queryFn: () => api.teamWork(teamId) });
  const led = useQuery({ queryKey: ['park', 'me', 'teams'], queryFn: api.myTeams });
  const teams = useQuery({ queryKey: keys.teams(org?.id ?? 0), queryFn: () => api.teams(org!.id), enabled: manager });
  const name = led.data?.find((x) => x.id === teamId)?.name ?? teams.data?.find((x) => x.id === teamId)?.name;
  const members = [...(work.data?.members ?? [])].sort((a, b) => b.annotations - a.annotations);
  const judged = members.filter((m) => m.acceptanceRate != null);
  const total = members.reduce((s, m) => ({ n: s.n + m.annotations, a: s.a + m.accepted, r: s.r + m.rejected }), { n: 0, a: 0, r: 0 });
  const gold = members.reduce((s, m) => ({ n: s.n + m.goldAnswers, score: s.score + (m.goldAccuracy ?? 0) * m.goldAnswers }), { n: 0, score: 0 });
  return (
    <div className="page wide" data-testid="park-team-page">
      <div className="page-head">
        {manager && <a href="#/park" className="muted">← {t('parkui.vendorTitle')}</a>}
        <h1 data-testid="team-name">{name ?? t('parkdash.teamTitle', { id: teamId })}</h1>
      </div>
      <Pending q={work} />
      {work.data && (
        <>
          <CardGrid cards={[
            ['members', t('parkui.members'), String(members.length)],
            ['annotations', t('parkdash.annotations'), num(total.n)],
            ['acceptance', t('parkdash.card.acceptance'), pct(total.a + total.r ? total.a / (total.a + total.r) : null)],
            ['gold', t('parkdash.card.gold'), pct(gold.n ? gold.score / gold.n : null)],
          ]} />
          <p className="muted small">{t('parkdash.teamNote')}</p>
          <div className="two-col park-two">
            <section className="card">
              <h3>{t('parkdash.annotationsPerMember')}</h3>
              <HBarChart testId="chart-team-annotations" data={members.map((m) => ({ label: m.name, value: m.annotations }))} format={num} labelWidth={200} />
            </section>
            <section className="card">
              <h3>{t('parkdash.acceptancePerMember')}</h3>
              {judged.length ? (
                <HBarChart testId="chart-team-acceptance" color="#4c8bd6" labelWidth={200}
                  data={judged.map((m) => ({ label: m.name, value: Math.round(m.acceptanceRate! * 1000) / 10 }))} format={(v) => `${v}%`} />
              ) : <p className="muted">{t('parkdash.noJudged')}</p>}
            </section>
          </div>
          <p className="banner info">{t('parkdash.simulated')}</p>
          {history.data && <TasksPerDay p={history.data} />}
          <section className="card">
            <table className="grid" data-testid="team-members">
              <thead><tr><th>{t('parkui.person')}</th><th className="num">{t('parkdash.annotations')}</th><th className="num">{t('parkdash.accepted')}</th>
                <th className="num">{t('parkdash.rejected')}</th><th className="num">{t('parkdash.acceptance')}</th><th className="num">{t('parkdash.goldAnswers')}</th>
                <th className="num">{t('parkdash.gold')}</th></tr></thead>
              <tbody>
                {members.map((m) => (
                  <tr key={m.userId} data-testid={`member-${m.userId}`}>
                    <td>{m.name}</td><td className="num">{num(m.annotations)}</td><td className="num">{num(m.accepted)}</td><td className="num">{num(m.rejected)}</td>
                    <td className="num">{pct(m.acceptanceRate)}</td><td className="num">{num(m.goldAnswers)}</td><td className="num">{pct(m.goldAccuracy)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <RetentionSection scope={{ team: teamId }} />
        </>
      )}
    </div>
  );
}

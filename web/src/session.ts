import { createContext, useContext } from 'react';
import type { Me, OrgMembership } from './api';

export interface Session { me: Me; org: OrgMembership | null; setOrg: (id: number) => void; logout: () => void }
export const SessionContext = createContext<Session | null>(null);
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

import { createContext, useContext } from 'react';
export const SessionContext = createContext(null);
export function useSession() {
    const s = useContext(SessionContext);
    if (!s)
        throw new Error('no session');
    return s;
}

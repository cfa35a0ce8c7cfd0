import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
export default defineConfig({
    plugins: [react()],
    build: { target: 'es2022', sourcemap: false },
    server: { proxy: { '/api': 'http://127.0.0.1:5000' } },
    test: { environment: 'node', include: ['src/**/*.test.ts'] },
});

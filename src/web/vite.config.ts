/**
 * The web app's build (`npm run build:web`, into dist/web) and dev server (`npm run dev`):
 * Vite on http://localhost:5173, proxying the API and Socket.IO to a running dwi
 * (DWI_DEV_TARGET, default http://127.0.0.1:5000).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig(({ mode }) => {
  const target = loadEnv(mode, process.cwd(), 'DWI_').DWI_DEV_TARGET ?? 'http://127.0.0.1:5000';
  // dwi refuses mutating requests and sockets from another origin: through this proxy the
  // page is dwi's own, so it says so.
  const asDwi: ProxyOptions = {
    target,
    changeOrigin: true,
    configure: (proxy) => {
      proxy.on('proxyReq', (req) => req.setHeader('origin', target));
      proxy.on('proxyReqWs', (req) => req.setHeader('origin', target));
    },
  };
  return {
    root,
    plugins: [react()],
    build: {
      outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      // The budget (bench/web.bench.ts) counts every initial chunk; say so when one grows.
      chunkSizeWarningLimit: 400,
    },
    server: {
      proxy: {
        '/api': asDwi,
        '/metrics': asDwi,
        '/socket.io': { ...asDwi, ws: true },
      },
    },
  };
});

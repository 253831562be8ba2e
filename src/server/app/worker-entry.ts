import { runWorker } from '../supervisor/worker.js';
import { createWorkerApp } from './worker.js';

runWorker(createWorkerApp);

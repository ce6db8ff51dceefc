import { openSqliteStore } from '../store/index.js';
import { rolloutContract } from './rollout.contract.js';

rolloutContract('sqlite', { open: (clock) => openSqliteStore(':memory:', { clock }) });

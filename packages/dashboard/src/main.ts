import './styles.css';
import { startDashboard } from './dashboard-app.js';

const root = document.getElementById('app');
if (root) startDashboard(root);

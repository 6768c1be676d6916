/**
 * The playground page's script (bundled to dist/web/playground.js): the
 * token from the page's URL, the server's data source, the whole page.
 */
import { startPage } from './page.js';
import { serverSource } from './server-source.js';

const token = new URLSearchParams(location.search).get('token') ?? '';
const root = document.getElementById('app');
if (root) startPage(root, serverSource(token), { training: true, malware: true });

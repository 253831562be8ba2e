import { renderSettingsDoc } from './help.js';

process.stdout.write(renderSettingsDoc());

// Applies the remembered theme before the first paint (src/web/lib/theme.ts keeps it after).
try {
  var theme = JSON.parse(localStorage.getItem('dwi.theme') || '"system"');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage unavailable: the system's theme applies.
}

/** What integration tests import: the test support module (test/support/), under its old name. */
export * from '../support/dwi.js';
export * from '../support/http.js';

// Shared by the test pages: a visible log (for the screenshots) and the state the test runner reads.
export const params = new URLSearchParams(location.search);
window.testState = { events: [], errors: [] };

export function log(text) {
  const line = document.createElement('div');
  line.textContent = `${new Date().toISOString().slice(11, 23)}  ${text}`;
  document.querySelector('#log').append(line);
}

export function fail(error) {
  window.testState.errors.push(String(error?.message ?? error));
  log(`ERROR ${error?.message ?? error}`);
}

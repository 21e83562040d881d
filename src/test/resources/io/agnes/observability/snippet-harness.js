// Runs the body of a rendered PostHog snippet against a fake window/document and prints, as JSON, what it did.
// The Java test cuts the body at the first "</script" exactly as a browser's HTML tokenizer does, so a value that
// broke out of the script would show up here as a syntax error or as code that ran (alert).
// Usage: node snippet-harness.js <body file> <"identified" | "anonymous": the browser's stored user state>
//        <the nonce attribute of the <script> element, "" for none>
'use strict';
const fs = require('fs');
const vm = require('vm');

const body = fs.readFileSync(process.argv[2], 'utf8');
const storedState = process.argv[3];
const scriptNonce = process.argv[4] || '';
const seen = { alerts: 0, listeners: {}, scriptsLoaded: [] };

const document = {
  createElement: (tag) => ({ tagName: tag }),
  getElementsByTagName: () => [{ parentNode: { insertBefore: (element) => seen.scriptsLoaded.push(element.src) } }],
  currentScript: { tagName: 'script', nonce: scriptNonce }, // while the script runs, as in a browser
};
const sandbox = {
  document,
  alert: () => { seen.alerts++; },
  addEventListener: (type, listener) => { (seen.listeners[type] = seen.listeners[type] || []).push(listener); },
};
sandbox.window = sandbox;
vm.createContext(sandbox);

vm.runInContext(body, sandbox);
vm.runInContext(body, sandbox); // a second copy on the same page must do nothing
document.currentScript = null; // as once the script has run: posthog-js calls the hook later

const stub = sandbox.posthog;
const inits = stub._i.length;
const [token, config] = stub._i[0];

// loaded(ph) against a fake loaded instance
const calls = [];
const instance = {
  get_property: (key) => (key === '$user_state' ? storedState : undefined),
  get_distinct_id: () => 'someone-else',
  reset: () => calls.push(['reset']),
  register: (props) => calls.push(['register', props]),
  unregister: (key) => calls.push(['unregister', key]),
  identify: (id, props) => calls.push(['identify', id, props]),
};
config.loaded(instance);

// error listeners: queued on the stub before posthog-js loads ...
const errorListeners = seen.listeners.error || [];
const rejectionListeners = seen.listeners.unhandledrejection || [];
errorListeners.forEach((listener) => listener({ error: new Error('boom'), message: 'boom' }));
rejectionListeners.forEach((listener) => listener({ reason: 'nope' }));
const queuedExceptions = stub.filter((call) => call[0] === 'captureException').length;

// ... sent directly once posthog-js has loaded, until its own exception autocapture is installed ...
let direct = 0;
sandbox.posthog = { __loaded: true, captureException: () => { direct++; } };
errorListeners.forEach((listener) => listener({ error: null, message: 'Script error.' }));
const directBeforeAutocapture = direct;
sandbox.__PosthogExtensions__ = { errorWrappingFunctions: {} };
errorListeners.forEach((listener) => listener({ error: new Error('boom') }));
const directAfterAutocapture = direct - directBeforeAutocapture;

// ... and never throw, whatever posthog is
let listenerThrew = false;
try {
  sandbox.posthog = { captureException: () => { throw new Error('broken posthog'); } };
  sandbox.__PosthogExtensions__ = undefined;
  errorListeners.forEach((listener) => listener({ error: new Error('boom') }));
  sandbox.posthog = undefined;
  rejectionListeners.forEach((listener) => listener({ reason: undefined }));
} catch (e) {
  listenerThrew = true;
}

// the <style> element posthog-js's surveys add goes through this hook
const prepare = config.prepare_external_dependency_stylesheet;
const style = typeof prepare === 'function' ? prepare({ tagName: 'style' }) : null;

const plainConfig = Object.assign({}, config);
plainConfig.loaded = typeof config.loaded;
plainConfig.prepare_external_dependency_stylesheet = typeof prepare;
process.stdout.write(JSON.stringify({
  token,
  config: plainConfig,
  inits,
  errorListeners: errorListeners.length,
  rejectionListeners: rejectionListeners.length,
  scriptsLoaded: seen.scriptsLoaded,
  alerts: seen.alerts,
  loadedCalls: calls,
  queuedExceptions,
  directBeforeAutocapture,
  directAfterAutocapture,
  listenerThrew,
  styleNonce: style && style.nonce !== undefined ? style.nonce : null,
}));
